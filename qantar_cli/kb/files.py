"""Where the bundled knowledge file and its schema are."""

from __future__ import annotations

import os

_PACKAGE_DATA = "data"


def _data_dir() -> str:
    """Where the bundled knowledge file and schema are.

    From a wheel they sit inside the package (``qantar_cli/data``, mapped
    there at build time); from a source checkout or an editable install they
    are in the top-level ``data/`` beside the package.
    """
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the package
    inside = os.path.join(here, _PACKAGE_DATA)
    if os.path.isfile(os.path.join(inside, "qantar.yaml")):
        return inside  # an installed wheel: the fast path, no importlib.resources import
    checkout = os.path.join(os.path.dirname(here), "data")
    if os.path.isfile(os.path.join(checkout, "qantar.yaml")):
        return checkout  # a source checkout or an editable install
    from importlib.resources import as_file, files  # anything else, e.g. a zipped install

    resource = files("qantar_cli").joinpath(_PACKAGE_DATA)
    with as_file(resource) as path:
        return str(path)


def bundled_path() -> str:
    return os.path.join(_data_dir(), "qantar.yaml")


def schema_path() -> str:
    return os.path.join(_data_dir(), "qantar.schema.json")

