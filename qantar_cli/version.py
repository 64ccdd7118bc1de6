"""The package version: one source, read by the build (hatch) and by the code."""

__version__ = "0.2.0"
