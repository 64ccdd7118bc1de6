"""qantar: cited facts about the January 2022 events in Kazakhstan.

The library underneath the command line::

    >>> from qantar_cli import load
    >>> kb = load()                      # the bundled knowledge base
    >>> [e["id"] for e in kb.select("events", date="2022-01-05")][:2]

Nothing here imports Click or Rich.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "load", "KnowledgeBase", "DataError", "QueryError"]


def __getattr__(name: str):  # lazy, so `import qantar_cli` stays cheap
    if name in ("load", "KnowledgeBase"):
        from .kb import store

        return getattr(store, name)
    if name in ("DataError", "QueryError"):
        from . import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'qantar_cli' has no attribute {name!r}")
