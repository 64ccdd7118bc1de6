"""qantar: cited facts about the January 2022 events in Kazakhstan.

The library underneath the command line::

    >>> from qantar_cli import load, select
    >>> kb = load()                      # the bundled knowledge base
    >>> day = select(kb, "events", date="2022-01-05", region="almaty")
    >>> all(e["date"] <= "2022-01-05" for e in day)
    True
    >>> select(kb, "figures", source="official")[0]["origin"]
    'official'

Nothing here imports Click or Rich.
"""


__all__ = ["DataError", "KnowledgeBase", "QueryError", "__version__", "load", "select"]

# Type checkers read the names from here; at run time ``__getattr__`` imports each one
# when it is first asked for. A local TYPE_CHECKING, which mypy reads as typing's, keeps
# `typing` itself (~10 ms) out of `import qantar_cli`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .errors import DataError, QueryError
    from .find.query import select
    from .kb.store import KnowledgeBase, load
    from .version import __version__


def __getattr__(name: str) -> object:  # lazy, so `import qantar_cli` stays cheap
    if name == "__version__":
        from .version import __version__

        return __version__
    if name in ("load", "KnowledgeBase"):
        from .kb import store

        return getattr(store, name)
    if name == "select":
        from .find.query import select

        return select
    if name in ("DataError", "QueryError"):
        from . import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'qantar_cli' has no attribute {name!r}")
