"""The ``qantar`` command line: parse options, ask the core, hand over to the renderer.

Nothing here knows YAML or Rich. Core exceptions become exit codes:
``DataError`` 1 (a knowledge file that does not load), ``QueryError`` 2
(a usage problem, naming the option), Ctrl-C 130.
"""

from __future__ import annotations

import errno
import os
import sys
from functools import cached_property
from typing import Any, Callable

import click

from . import __version__
from .errors import DataError, QueryError
from .model import FORMATS

ACTOR_KINDS = ("person", "organization", "group", "state")


class DataProblem(click.ClickException):
    """A knowledge file that does not load: every problem as ``file:line: message``."""

    exit_code = 1

    def __init__(self, error: DataError):
        super().__init__(str(error))
        self.error = error

    def show(self, file: Any = None) -> None:
        for problem in self.error.problems:
            click.echo(f"qantar: {problem}", err=True)


class _OutputError(click.ClickException):
    """stdout cannot take the answer (a full disk, a device error)."""

    exit_code = 1

    def __init__(self, error: OSError):
        super().__init__(f"cannot write the output: {error.strerror or error}")

    def show(self, file: Any = None) -> None:
        click.echo(f"qantar: {self.message}", err=True)


class App:
    """What the group hands to every command: options, and the knowledge base on demand."""

    def __init__(self, data: str | None, no_color: bool):
        self.data = data
        self.no_color = no_color

    @cached_property
    def kb(self):
        from .kb.store import load

        try:
            return load(self.data)
        except DataError as exc:
            raise DataProblem(exc) from None

    def select(self, kind: str, *, renamed: dict[str, str] | None = None, **criteria: Any) -> list[dict]:
        """Ask the core; a usage problem names the option (or, via ``renamed``, the argument) at fault."""
        from .find.query import select

        try:
            return select(self.kb, kind, **criteria)
        except QueryError as exc:
            exc.option = (renamed or {}).get(exc.option, exc.option)
            raise usage(exc) from None

    def name_of(self, record_id: str) -> str:
        from .model import label_of

        found = self.kb.get(record_id)
        return record_id if found is None else label_of(found[1])

    def support(self, source_id: str) -> str:
        from .model import SINGULAR
        from .find.query import supported_by

        counts = supported_by(self.kb, source_id)
        return ", ".join(f"{len(ids)} {kind if len(ids) != 1 else SINGULAR[kind]}" for kind, ids in counts.items()) or "nothing"

    def emit(self, records: list[dict], kind: str, fmt: str, criteria: dict[str, Any] | None = None) -> None:
        from .out.writers import render

        if fmt == "table" and not records:
            click.echo(f"qantar: no {kind} match {describe(criteria or {})}.", err=True)
            return
        render(records, kind, fmt, sys.stdout, no_color=self.no_color, lookup=self.name_of, support=self.support)


def usage(exc: QueryError) -> click.UsageError:
    if exc.option:
        return click.BadParameter(exc.full_message(), param_hint=f"'{exc.option}'" if exc.option.startswith("-") else exc.option)
    return click.UsageError(exc.full_message())


_OPTION_NAMES = {"start": "--from", "end": "--to", "actor_kind": "--kind", "name": "NAME"}


def describe(criteria: dict[str, Any]) -> str:
    given = [f"{_OPTION_NAMES.get(k, '--' + k)} {v}" for k, v in criteria.items() if v is not None]
    return " ".join(given) if given else "the query"


# -- shared options ---------------------------------------------------------


def _date_value(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from .dates import span

    try:
        span(value)
    except ValueError as exc:
        raise click.BadParameter(f"{exc}.") from None
    return value.strip()


_FILTERS: dict[str, Callable] = {
    "date": click.option("--date", "date", metavar="D", callback=_date_value,
                         help="Records whose date overlaps D: YYYY, YYYY-MM or YYYY-MM-DD."),
    "from": click.option("--from", "start", metavar="D", callback=_date_value,
                         help="Records on or after D (inclusive)."),
    "to": click.option("--to", "end", metavar="D", callback=_date_value,
                       help="Records on or before D (inclusive)."),
    "region": click.option("--region", metavar="R",
                           help="A place by id, name or alias (mangistau, Almaty, Taldykorgan); "
                                "a region includes everything within it."),
    "source": click.option("--source", metavar="S",
                           help="A source id, a publisher (kazinform, iwpr, trt, global-voices, "
                                "astana-times), or a voice: official or independent."),
    "actor": click.option("--actor", metavar="A",
                          help="Events involving an actor, or figures given by one; by id, name or alias."),
    "category": click.option("--category", metavar="C",
                             help="A figure category: casualties, detentions, prosecutions, weapons, ..."),
    "kind": click.option("--kind", "actor_kind", type=click.Choice(ACTOR_KINDS, case_sensitive=False), help="Only actors of this kind."),
}


def filter_options(*which: str) -> Callable:
    """Add the named shared filters to a command, in the order given."""

    def decorate(f: Callable) -> Callable:
        for name in reversed(which):
            f = _FILTERS[name](f)
        return f

    return decorate


def output_options(f: Callable) -> Callable:
    """``--format/-f`` and its short form ``--json``; commands receive ``fmt``."""

    f = click.option("--json", "as_json", is_flag=True,
                     help="Short for --format json.")(f)
    f = click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default=None,
                     help="table (default), json, ndjson or csv.")(f)
    return f


def chosen_format(fmt: str | None, as_json: bool) -> str:
    if as_json and fmt not in (None, "json"):
        raise click.UsageError(f"--json and --format {fmt} ask for two formats: give one.")
    return "json" if as_json else fmt or "table"


# -- the group ----------------------------------------------------------------


class QantarGroup(click.Group):
    """A group whose ``main`` maps every ending to its exit code, quietly."""

    def invoke(self, ctx: click.Context) -> Any:
        # Click turns a closed pipe into exit 1; a reader that stopped early
        # (`| head`) is not an error, so end quietly with 0 instead.
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()
            return result
        except OSError as exc:
            if _closed_pipe(exc):
                _quiet_stdout()
                return 0
            raise _OutputError(exc) from None

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        _prepare_streams()
        try:
            code = super().main(args, prog_name or "qantar", complete_var, False, **extra)
            sys.stdout.flush()
        except click.exceptions.NoSuchOption as exc:
            if exc.option_name in _GLOBAL_OPTIONS:
                exc.message = (f"{exc.option_name} is a global option: give it before the command, "
                               f"as in qantar {exc.option_name}{' PATH' if exc.option_name == '--data' else ''} timeline")
            exc.show()
            code = exc.exit_code
        except click.ClickException as exc:
            exc.show()
            code = exc.exit_code
        except (click.Abort, KeyboardInterrupt):
            code = 130
        except OSError as exc:  # the final flush: a closed pipe, a full disk
            _quiet_stdout()
            code = 0
            if not _closed_pipe(exc):
                error = _OutputError(exc)
                error.show()
                code = error.exit_code
        sys.exit(code if isinstance(code, int) else 0)


_GLOBAL_OPTIONS = ("--data", "--no-color", "--version")


def _prepare_streams() -> None:
    """Make sure no character in the data can crash an ASCII-only stream."""
    if sys.stdout is None:  # started with stdout closed (`qantar ... >&-`)
        sys.stdout = open(os.devnull, "w", encoding="utf-8")
    for stream, errors in ((sys.stdout, "replace"), (sys.stderr, "backslashreplace")):
        encoding = (getattr(stream, "encoding", None) or "").lower()
        if not encoding.startswith("utf") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors=errors)
            except (ValueError, OSError):
                pass


def _closed_pipe(exc: OSError) -> bool:
    """The reader went away (`| head`); Rich raises a bare BrokenPipeError."""
    return isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE


def _quiet_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the exit flush is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


@click.group(name="qantar", cls=QantarGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data", metavar="PATH", envvar="QANTAR_DATA", show_envvar=True,
              help="Load this knowledge file instead of the bundled one.")
@click.option("--no-color", is_flag=True, help="No colour in tables (NO_COLOR is honoured too).")
@click.version_option(__version__, "--version", prog_name="qantar", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, data: str | None, no_color: bool) -> None:
    """Cited facts about the January 2022 events in Kazakhstan (Qandy Qantar).

    Every answer comes from a curated knowledge base built from five news
    articles, official and independent; each record names its sources.
    Tables for people, --json for scripts.
    """
    ctx.obj = App(data, no_color)


def _run(app: App, kind: str, fmt: str | None, as_json: bool, criteria: dict[str, Any]) -> None:
    chosen = chosen_format(fmt, as_json)
    records = app.select(kind, **criteria)
    app.emit(records, kind, chosen, criteria)


@cli.command()
@filter_options("date", "from", "to", "region", "source", "actor")
@output_options
@click.pass_obj
def timeline(app: App, fmt: str | None, as_json: bool, **criteria: Any) -> None:
    """What happened, day by day: the background, January 2022, the aftermath.

    \b
    qantar timeline --date 2022-01-05
    qantar timeline --from 2022-01-04 --to 2022-01-07 --region almaty
    qantar timeline --source independent --json
    """
    _run(app, "events", fmt, as_json, criteria)


@cli.command()
@filter_options("date", "from", "to", "region", "source", "actor", "category")
@output_options
@click.pass_obj
def figures(app: App, fmt: str | None, as_json: bool, **criteria: Any) -> None:
    """The numbers: what is counted, how many, who gives them and when.

    For figures, --date/--from/--to apply to when a figure was stated
    (as_of), and --source official|independent to who gives the number.

    \b
    qantar figures --source official
    qantar figures --category casualties --json
    """
    _run(app, "figures", fmt, as_json, criteria)


@cli.command()
@click.argument("name", required=False)
@filter_options("source", "kind")
@output_options
@click.pass_obj
def actors(app: App, name: str | None, fmt: str | None, as_json: bool, **criteria: Any) -> None:
    """Who was involved, in which roles. NAME matches an id, name or alias.

    \b
    qantar actors Masimov
    qantar actors --kind state
    """
    _run(app, "actors", fmt, as_json, {"name": name, **criteria})


@cli.command()
@click.argument("source_id", metavar="[ID]", required=False)
@filter_options("date", "from", "to", "source")
@output_options
@click.pass_obj
def sources(app: App, source_id: str | None, fmt: str | None, as_json: bool, **criteria: Any) -> None:
    """The five articles: publisher, date, stance, and what each supports.

    With an ID (or a publisher such as kazinform), that source alone, and in
    a table the records it supports.
    """
    chosen = chosen_format(fmt, as_json)
    if source_id is not None:
        if criteria.get("source") is not None:
            raise click.UsageError("Give a source ID or --source, not both.")
        criteria["source"] = source_id
    records = app.select("sources", renamed={"--source": "ID"} if source_id is not None else None, **criteria)
    app.emit(records, "sources", chosen, criteria)
    if source_id is not None and chosen == "table" and len(records) == 1:
        _print_support(app, records[0]["id"])


def _print_support(app: App, source_id: str) -> None:
    from .model import label_of
    from .find.query import supported_by
    from .out.tables import clean

    for kind, ids in supported_by(app.kb, source_id).items():
        click.echo(f"\n{kind.capitalize()} citing {source_id} ({len(ids)}):")
        for record_id in ids:
            click.echo(f"  {record_id}  {clean(label_of(app.kb.get(record_id)[1]))}")


@cli.command()
@filter_options("source")
@output_options
@click.pass_obj
def disputes(app: App, fmt: str | None, as_json: bool, **criteria: Any) -> None:
    """Where the sources disagree: each question with its positions side by side.

    --source keeps the disputes in which that source, or that voice
    (official, independent), takes a position.

    \b
    qantar disputes
    qantar disputes --source iwpr --json
    """
    _run(app, "disputes", fmt, as_json, criteria)


@cli.command()
@click.argument("record_id", metavar="ID")
@output_options
@click.pass_obj
def show(app: App, record_id: str, fmt: str | None, as_json: bool) -> None:
    """Any record in full, with every citation's quote, and its related records.

    ID is a record id from any list (an event, figure, actor, place, source
    or dispute); an actor's or place's name or alias works too. --json gives
    a one-record array with the fields of that record's list command.

    \b
    qantar show karim-massimov
    qantar show 2022-01-05-almaty-airport-global-voices --json
    """
    from .find.query import find, related

    chosen = chosen_format(fmt, as_json)
    try:
        kind, record = find(app.kb, record_id)
    except QueryError as exc:
        raise usage(exc) from None
    if chosen != "table":
        app.emit([record], kind, chosen)
        return
    from .out.tables import print_detail

    print_detail(kind, record, related(app.kb, kind, record), sys.stdout, no_color=app.no_color, lookup=app.name_of)


@cli.command()
@filter_options("region")
@output_options
@click.pass_obj
def places(app: App, fmt: str | None, as_json: bool, **criteria: Any) -> None:
    """The gazetteer: every place, its kind, what it lies within, its other spellings.

    With --region, that place and everything within it.
    """
    _run(app, "places", fmt, as_json, criteria)


@cli.command()
@click.argument("path", required=False, type=click.Path(dir_okay=True))
@click.option("--texts", metavar="DIR", type=click.Path(exists=True, file_okay=False),
              help="Check every quote against the archived article texts in DIR (found by SHA-256).")
@click.pass_obj
def validate(app: App, path: str | None, texts: str | None) -> None:
    """Check a knowledge file (the bundled one by default) and list every problem.

    Problems are printed as file:line: message; the exit code is 1 if there
    are any. With --texts, every quote must occur in its article.
    """
    from .kb.validate import validate_file

    report = validate_file(path if path is not None else app.data, texts)
    for problem in report.problems:
        click.echo(str(problem))
    click.echo(report.summary(), err=True)
    if report.problems:
        sys.exit(1)
