"""The package version: one source, read by the build (hatch) and by the code."""

__version__ = "0.1.0"
