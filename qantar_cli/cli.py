"""The ``qantar`` command line: parse options, ask the core, hand over to a writer.

Nothing here knows YAML or Rich, and nothing here knows a record kind: the
list commands are built from the collections' descriptions, their options
from the criteria each collection's filters accept. Core exceptions become
exit codes: ``DataError`` 1 (a knowledge file that does not load),
``QueryError`` 2 (a usage problem, named by its option), Ctrl-C 130. Every
message that reaches stderr is one line a problem, with controls escaped.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    import signal as _signal  # the same functions, with the stubs _signal lacks
else:
    import _signal  # the built-in: the signal module's enums cost more than they give here

from . import collections as kinds
from .errors import DataError, Ended, QueryError
from .out.exports import EXPORTS
from .out.writers import WRITERS
from .spec import Choice, Collection
from .version import __version__

if TYPE_CHECKING:
    from .out.pager import Paging

    #: A command's function, before or after Click's decorators have wrapped it.
    Handler = Callable[..., Any]
    #: What ``click.option`` returns: it adds an option to a command's function.
    Decorator = Callable[[Handler], Handler]

FORMATS = tuple(WRITERS)
_GLOBAL_OPTIONS = ("--data", "--no-color", "--no-pager", "--version")


def one_line(text: object) -> str:
    """``text.one_line``, imported only for text that needs it: most messages are printable as they are."""
    shown = "" if text is None else str(text)
    if shown.isprintable():  # no control, separator, format character or lone surrogate
        return shown
    from .text import one_line as escape

    return escape(shown)


def say(message: str) -> None:
    """One line on stderr, prefixed, with every control shown as an escape.

    A stderr that cannot be written (a full device, a reader that left) is
    no reason to fail: nothing more can be said there, and the exit code
    still tells what happened.
    """
    try:
        click.echo(f"qantar: {one_line(message)}", err=True)
    except OSError:
        pass


class DataProblem(click.ClickException):
    """A knowledge file that does not load: each problem as ``file:line: message``."""

    exit_code = 1

    def __init__(self, error: DataError):
        super().__init__(str(error))
        self.error = error

    def show(self, file: Any = None) -> None:
        for line in self.error.lines():
            say(line)


class Failed(click.ClickException):
    """Something outside qantar failed (the output, a file): one sentence, exit 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        say(self.message)


class Usage(click.UsageError):
    """A usage problem, named by its option, one line, controls escaped."""

    def __init__(self, message: str, hint: str | None = None, ctx: click.Context | None = None):
        text = f"Invalid value for {hint}: {message}" if hint else message
        super().__init__(one_line(text), ctx)


#: How the command line names each criterion of the core.
OPTION_NAMES = {"date": "--date", "start": "--from", "end": "--to", "period": "--period", "region": "--region",
                "source": "--source", "actor": "--actor", "category": "--category", "kind": "--kind", "tag": "--tag",
                "name": "NAME", "reference": "REF", "source_id": "ID", "text": "TEXT", "output": "-o",
                "metadata": "--metadata"}


#: The command that lists what a criterion names, for an unknown name with nothing close to it.
LISTED_BY = {"region": ("qantar places", "place"), "actor": ("qantar actors", "actor"),
             "name": ("qantar actors", "actor"), "source": ("qantar sources", "source"),
             "source_id": ("qantar sources", "source")}


def usage(exc: QueryError, renamed: dict[str, str] | None = None) -> Usage:
    criterion = (renamed or {}).get(exc.criterion or "", exc.criterion)
    hint = OPTION_NAMES.get(criterion or "", criterion)
    message = exc.full_message()
    listed = LISTED_BY.get(criterion or "")
    if listed and not exc.candidates and message.startswith("Unknown"):
        message += f" {listed[0]} lists every {listed[1]} the knowledge base has."
    return Usage(message, (f"'{hint}'" if hint.startswith("-") else hint) if hint else None)


class View:
    """What writers may ask while drawing: names of ids, what a source supports, colour."""

    def __init__(self, app: App):
        self.app = app
        self.no_color = app.no_color
        self.width: int | None = None

    def name_of(self, record_id: str) -> str:
        found = self.app.kb.get(record_id)
        return record_id if found is None else kinds.label_of(found[1])

    def support(self, source_id: str) -> str:
        from .find.query import related

        counts = related(self.app.kb, "sources", self.app.kb.get(source_id)[1])
        parts = [f"{len(found)} {key if len(found) != 1 else kinds.get(key).kind}" for key, found in counts.items()]
        return ", ".join(parts) or "nothing"


class App:
    """What the group hands to every command: options, and the knowledge base on demand."""

    def __init__(self, data: str | None, no_color: bool):
        self.data = data
        self.no_color = no_color

    @cached_property
    def kb(self) -> Any:
        from .kb.store import load

        try:
            # A large file's first load writes its cache entry beside this process while the
            # command answers; ``store.settle_all`` (``QantarGroup._run``, once the command is done)
            # waits for it.
            return load(self.data, defer_cache=True)
        except DataError as exc:
            raise DataProblem(exc) from None

    def reads(self, path: str) -> bool:
        """Whether ``path`` is the knowledge file this run reads (--data, QANTAR_DATA or the bundled one)."""
        from .kb.store import chosen_path

        try:
            return os.path.samefile(path, chosen_path(self.data))
        except (OSError, ValueError):  # either is missing, unreadable, or standard input
            return False

    def select(self, key: str, renamed: dict[str, str] | None = None, **criteria: Any) -> list[dict[str, Any]]:
        from .find.query import select

        try:
            return select(self.kb, key, **criteria)
        except QueryError as exc:
            raise usage(exc, renamed) from None

    def say_unrecorded(self, collection: Collection, criteria: dict[str, Any] | None) -> bool:
        """Say, when it is so, that the places asked for are known but have nothing recorded; True if said."""
        regions = (criteria or {}).get("region")
        if not regions:
            return False
        from .find.query import unrecorded

        empty_places = unrecorded(self.kb, collection.key, (regions,) if isinstance(regions, str) else regions)
        if empty_places:
            names = " and ".join(f"{p['name']} ({p['id']})" for p in empty_places)
            verb = "is" if len(empty_places) == 1 else "are"
            say(f"{names} {verb} in the gazetteer, but no {collection.key} are recorded there.")
        return bool(empty_places)

    def emit(self, records: list[dict[str, Any]], collection: Collection, fmt: str,
             criteria: dict[str, Any] | None = None) -> None:
        from .out.writers import write

        left_out = getattr(records, "left_out", 0)
        records, collection = _only_fields(records, collection, fmt)
        said = self.say_unrecorded(collection, criteria) if not records else False
        with then_saying(lambda: say_left_out(left_out, collection)):
            if fmt == "table" and not records:
                if not said:
                    say(f"no {collection.key} match {describe(criteria or {}) or 'the query'}.")
            else:
                if fmt == "table":
                    drawing_a_table()
                write(fmt, records, collection, sys.stdout, View(self))


@contextlib.contextmanager
def then_saying(notes: Callable[[], None]) -> Iterator[None]:
    """The output (the body), then ``notes``, its lines on stderr: also when the reader stopped
    early (`| head`), which ends the output but leaves stderr to be read."""
    try:
        yield
    except OSError as exc:
        if _closed_pipe(exc):
            notes()
        raise
    notes()


def say_left_out(left_out: int, collection: Collection) -> None:
    """The line on stderr counting the records a date filter left out for being dated less precisely."""
    if left_out:
        kind, verb, them = (collection.key, "were", "them") if left_out != 1 else (collection.kind, "was", "it")
        say(f"{left_out} {kind} dated less precisely than asked (only to the month or year) "
            f"{verb} left out: add --coarse to include {them}.")


def _only_fields(records: list[dict[str, Any]], collection: Collection,
                 fmt: str) -> tuple[list[dict[str, Any]], Collection]:
    """The records and collection cut to ``--fields``, when it was given."""
    names = click.get_current_context().meta.get("qantar.fields")
    if names is None:
        return records, collection
    if fmt == "table":
        raise Usage("--fields chooses the fields of json, ndjson and csv: add --json or -f ndjson|csv.", "'--fields'")
    unknown = [name for name in names if name not in collection.names]
    if unknown:
        raise Usage(f"{collection.key} have no field {', '.join(map(repr, unknown))}; "
                    f"their fields are: {', '.join(collection.names)}.", "'--fields'")
    return [{name: r[name] for name in names} for r in records], collection.only(names)


def describe(criteria: dict[str, Any]) -> str:
    """The criteria given, as they were typed: options with their values (``--region almaty --date 2022``),
    an argument as its quoted value (``'Tokayev' --kind state``); "" if none."""
    given = [f"{name} {one}" if name.startswith("-") else repr(one)
             for k, v in criteria.items() if v not in (None, [], (), False) and v is not True
             for name in (OPTION_NAMES.get(k, "--" + k),)
             for one in ((v,) if isinstance(v, str) else v)]
    return " ".join(given)


# -- options --------------------------------------------------------------------


def offers(what: str) -> Callable[[click.Context, click.Parameter, str], list[str]]:
    """A ``shell_complete`` callback: the ids ``find.complete`` offers for ``what`` (SPEC, "Filters").

    The knowledge file is the one the command line being completed names
    (``--data``, else ``QANTAR_DATA``), loaded through the cache as usual.
    """

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
        try:
            from .find.complete import offer
            from .kb.store import load

            return offer(load(ctx.find_root().params.get("data")), what, incomplete)
        except Exception:  # at every Tab, in the user's shell: a file that does not load offers nothing, silently
            return []

    return complete


def offers_paths(kind: str) -> Callable[[click.Context, click.Parameter, str], list[Any]]:
    """A ``shell_complete`` callback handing a path back to the shell's own completion (``file`` or ``dir``)."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem  # only when completing: it costs every start otherwise

        return [CompletionItem(incomplete, type=kind)]

    return complete


def _date_value(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """A date option's value (or each of a repeated one's), checked to be a real date."""
    if value is None:
        return None
    from .dates import span

    for one in (value,) if isinstance(value, str) else value:
        try:
            span(one)
        except ValueError as exc:
            raise click.BadParameter(one_line(f"{exc}.")) from None
    return value.strip() if isinstance(value, str) else tuple(one.strip() for one in value)


OPTIONS: dict[str, Decorator] = {
    "date": click.option("--date", "date", metavar="D", callback=_date_value, multiple=True,
                         help="Records of D (YYYY, YYYY-MM or YYYY-MM-DD), dated at least as precisely "
                              "as D or wholly inside it. Repeat for either of several dates."),
    "start": click.option("--from", "start", metavar="D", callback=_date_value,
                          help="Records on or after D (inclusive)."),
    "end": click.option("--to", "end", metavar="D", callback=_date_value,
                        help="Records on or before D (inclusive)."),
    "coarse": click.option("--coarse", is_flag=True, default=False,
                           help="With a date filter, add the records dated less precisely than it "
                                "(known only to the month or year) that overlap it."),
    "region": click.option("--region", metavar="R", multiple=True, shell_complete=offers("places"),
                           help="A place by id, name or alias (mangistau, Almaty, Taldykorgan); "
                                "a region includes everything within it. Repeat for either of several."),
    "source": click.option("--source", metavar="S", multiple=True, shell_complete=offers("sources"),
                           help="A source id, a publisher (kazinform, iwpr, trt, global-voices, "
                                "astana-times), an author, or a voice: official, independent or foreign. "
                                "Repeatable."),
    "actor": click.option("--actor", metavar="A", multiple=True, shell_complete=offers("actors"),
                          help="Events involving an actor, or figures given by one; by id, name or alias. "
                               "Repeatable."),
    "period": click.option("--period", metavar="D", callback=_date_value, multiple=True,
                           help="Figures counting D (YYYY, YYYY-MM or YYYY-MM-DD): the span a number counts, "
                                "by the rule of --date. Repeatable."),
}


class ClosedSet(click.Choice):  # type: ignore[type-arg]
    """A value from a fixed vocabulary, in any case; a wrong one is named with the closest and all valid ones."""

    def __init__(self, values: tuple[str, ...], noun: str):
        super().__init__(values, case_sensitive=False)
        self.noun = noun

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            from .find.names import Candidate, quoted, suggest

            values = [str(v) for v in self.choices]
            close = suggest(str(value).lower(), [Candidate(v, v) for v in values])
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            self.fail(one_line(f"Unknown {self.noun} {quoted(str(value))}.{hint} "
                               f"Use one of: {', '.join(values)}."), param, ctx)


def _choice_option(criterion: str, values: tuple[str, ...]) -> Decorator:
    return click.option(f"--{criterion}", criterion, type=ClosedSet(values, criterion), multiple=True,
                        metavar=criterion[0].upper(),
                        help=f"Only records with this {criterion}, one of: {', '.join(values)}. Repeatable.")


def filter_options(collection: Collection, skip: tuple[str, ...] = ("name",)) -> Decorator:
    """The options of every criterion the collection's filters accept, in their order."""
    made: list[Decorator] = []
    seen = set(skip)
    for f in collection.filters:
        if isinstance(f, Choice) and f.values is not None:
            made.append(_choice_option(f.criteria[0], f.values))
            continue
        made.extend(OPTIONS[c] for c in f.criteria if c not in seen)
        seen.update(f.criteria)

    def decorate(function: Handler) -> Handler:
        for option in reversed(made):
            function = option(function)
        return function

    return decorate


def _fields_value(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """``--fields a,b``: kept in the context for ``App.emit``, which knows the collection's fields."""
    if value is None:
        return
    names = [name.strip().lower() for name in value.split(",")]  # field names are lowercase: any case
    if not all(names):
        raise click.BadParameter(one_line(f"{value!r} names an empty field: give names separated by commas."))
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise click.BadParameter(one_line(f"{', '.join(repeated)} given twice: name each field once."))
    ctx.meta["qantar.fields"] = names


def _fields_offered(collections: tuple[Collection, ...]) -> Callable[[click.Context, click.Parameter, str],
                                                                   list[str]]:
    """A ``shell_complete`` callback: ``--fields`` completes the field after the last comma, from the
    fields of ``collections``, leaving out those already given: ``id,da`` offers ``id,date``."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
        fields = list(dict.fromkeys(f.name for c in collections for f in c.fields))  # at a Tab, not at start-up
        done, comma, last = incomplete.lower().rpartition(",")
        given = done.split(",") if comma else []
        if any(name not in fields for name in given) or len(set(given)) < len(given):
            return []  # not a list of these fields so far: nothing to build on, and nothing echoed back
        return [f"{done}{comma}{name}" for name in fields if name.startswith(last) and name not in given]

    return complete


def output_options(collection: Collection | None) -> Decorator:
    """``--format/-f``, its short form ``--json``, and ``--fields`` (of ``collection``, or of any kind for
    None); commands receive ``fmt`` and ``as_json``."""

    def decorate(f: Handler) -> Handler:
        f = click.option("--fields", metavar="A,B,...", callback=_fields_value, expose_value=False,
                         shell_complete=_fields_offered(kinds.ALL if collection is None else (collection,)),
                         help="Only these fields, in this order (json, ndjson and csv).")(f)
        f = click.option("--json", "as_json", is_flag=True, help="Short for --format json.")(f)
        return click.option("-f", "--format", "fmt", type=ClosedSet(FORMATS, "format"), default=None,
                            help=f"{FORMATS[0]} (default), {', '.join(FORMATS[1:-1])} or {FORMATS[-1]}.")(f)

    return decorate


def chosen_format(fmt: str | None, as_json: bool) -> str:
    if as_json and fmt not in (None, "json"):
        raise click.UsageError(f"--json and --format {fmt} ask for two formats: give one.")
    return "json" if as_json else fmt or "table"


# -- the group ------------------------------------------------------------------------


def _global_first(option: str, argv: list[str], command: int) -> str:
    """The command line typed, with the global ``option`` given after the command (at ``command``),
    and the path ``--data`` takes, moved first."""
    import shlex

    at = next((i for i, arg in enumerate(argv) if i > command and (arg == option or arg.startswith(option + "="))),
              None)
    if at is None:
        return f"qantar {option} {' '.join(argv[:1])}".rstrip()
    end = at + 2 if argv[at] == "--data" and at + 1 < len(argv) else at + 1
    value = ["PATH"] if argv[at] == "--data" and end == at + 1 else []  # --data given without its path
    return "qantar " + shlex.join([*argv[at:end], *value, *argv[:at], *argv[end:]])


def _closed_pipe(exc: OSError) -> bool:
    """The reader went away (`| head`); Rich raises a bare BrokenPipeError."""
    return isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE


def _extra_argument_hint(message: str) -> str:
    """What a list command's stray argument was probably meant as: a date, a record's id, or words."""
    import re

    found = re.match(r"Got unexpected extra arguments? \((.*)\)\Z", message, re.DOTALL)
    words = found.group(1).split(" ") if found else []
    word = words[0] if words else ""
    if re.fullmatch(r"\d{4}(?:[-./]\d{1,2}){0,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4}", word):
        iso = re.fullmatch(r"\d{4}(?:-\d{2}){0,2}", word)
        return f": to filter by date, use --date {word if iso else 'YYYY-MM-DD'}."
    if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)+", word):
        return f": to see one record in full, use qantar show {word}."
    typed = " ".join(words)
    if typed and typed.isprintable() and len(typed) <= 64:
        import shlex

        return f": to find the records that mention it, use qantar search {shlex.join(words)}; for filters, --help."
    return ": to see one record in full, use qantar show ID; to find words, qantar search."


def _quiet_stdout() -> None:
    """After a failed write, point stdout at /dev/null so no later flush fails again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _output_failed(exc: OSError) -> int:
    """The exit code after stdout failed: 0 for a reader that left, else 1 and a sentence."""
    _quiet_stdout()
    if _closed_pipe(exc):
        return 0
    say(f"cannot write the output: {exc.strerror or exc}")
    return 1


class _ClosedOutput(io.TextIOBase):
    """Standard output that was closed when qantar started (`qantar ... >&-`).

    Writing an answer to it fails as writing to a full disk does (one
    sentence, exit 1), so a script learns that the answer went nowhere; a
    command that writes only to a file (`export -o FILE`) never notices.
    """

    encoding = "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if text:
            raise OSError(errno.EBADF, "standard output is closed")
        return 0


def _prepare_streams() -> None:
    """Closed streams are told apart (stdout) or silenced (stderr); no character in the data can crash an
    ASCII-only stream."""
    if sys.stdout is None:  # started with stdout closed (`qantar ... >&-`)
        sys.stdout = _ClosedOutput()
    if sys.stderr is None:  # stderr closed: messages are lost, never sent to stdout
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115  (lives as long as the process)
    for stream, errors in ((sys.stdout, "replace"), (sys.stderr, "backslashreplace")):
        encoding = (getattr(stream, "encoding", None) or "").lower()
        if not encoding.startswith("utf") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors=errors)
            except (ValueError, OSError):
                pass


def _takes_sigint() -> bool:
    """Whether SIGINT is ours to handle: not ignored by the caller, and this is the main thread."""
    import threading

    current = _signal.getsignal(_signal.SIGINT)
    return threading.current_thread() is threading.main_thread() and current is not _signal.SIG_IGN


def _as_utf8(arg: str) -> str:
    """An argument as the UTF-8 it was typed in, where an ASCII locale (LC_ALL=C with Python's UTF-8 mode
    off) left its bytes as surrogate escapes: Тоқаев, not '\\udcd0\\udca2...'. Other bytes stay escaped."""
    if not any("\udc80" <= ch <= "\udcff" for ch in arg):
        return arg
    try:
        return os.fsencode(arg).decode("utf-8")
    except UnicodeDecodeError:  # not UTF-8 after all (Latin-1 bytes, say): as Python read it
        return arg


def _working_directory_gone() -> bool:
    try:
        os.getcwd()
    except OSError:
        return True
    return False


def _paging(ctx: click.Context) -> Paging | None:
    """On a terminal, unless paging is off: what holds the output until the pager may take it (``out.pager``)."""
    try:
        terminal = sys.stdout.isatty()
    except (ValueError, AttributeError):
        terminal = False
    if not terminal or ctx.params.get("no_pager"):
        return None
    from .out.pager import Paging, pager_command

    command, chosen_by = pager_command(os.environ)
    if command is None:  # QANTAR_PAGER or PAGER set empty
        return None
    paging = ctx.meta["qantar.paging"] = Paging(command, chosen_by)
    return paging


def drawing_a_table() -> None:
    """Tell the pager, if there is one, that a table is being printed: only tables are paged."""
    paging = click.get_current_context().meta.get("qantar.paging")
    if paging is not None:
        paging.table = True


class QantarGroup(click.Group):
    """A group whose ``main`` maps every ending to its exit code, quietly."""

    def invoke(self, ctx: click.Context) -> Any:
        # Click turns a failed write into exit 1 before ``main`` sees it; a
        # reader that stopped early (`| head`) is not an error.
        try:
            paging = _paging(ctx)
            if paging is None:
                result = super().invoke(ctx)
            else:
                with paging:
                    result = super().invoke(ctx)
                notice = paging.notice()
                if notice:
                    say(notice)
            sys.stdout.flush()
            return result
        except OSError as exc:
            return _output_failed(exc)

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        _prepare_streams()
        if _takes_sigint():
            _signal.signal(_signal.SIGINT, _signal.default_int_handler)  # from here on, KeyboardInterrupt
        if args is None:
            args = [_as_utf8(arg) for arg in sys.argv[1:]]
        sys.exit(self._run(args, prog_name, complete_var, **extra))

    def _main_shell_completion(self, ctx_args: Any, prog_name: str, complete_var: str | None = None) -> None:
        """Click's completion, refused in one sentence when the shell's variables are missing or malformed
        (``_QANTAR_COMPLETE`` set without ``COMP_WORDS``, a ``COMP_CWORD`` that is no number)."""
        try:
            super()._main_shell_completion(ctx_args, prog_name, complete_var)
        except (KeyError, ValueError, IndexError) as exc:
            variable = complete_var or f"_{prog_name.replace('-', '_').replace('.', '_')}_COMPLETE".upper()
            missing = f" ({exc.args[0]} is not set)" if isinstance(exc, KeyError) and exc.args else ""
            raise Failed(f"{variable} asks for shell completion, but the shell's completion variables are "
                         f"missing or malformed{missing}: unset {variable} to run qantar") from None

    def _run(self, args: Any, prog_name: str | None, complete_var: str | None, **extra: Any) -> int:
        code = self._outcome(args, prog_name, complete_var, **extra)
        # Answered (or refused): now the cache entry of a large file's first load, written
        # beside this process meanwhile, is put in place; after Ctrl-C, abandoned.
        store = sys.modules.get("qantar_cli.kb.store")
        if store is not None:
            try:
                store.settle_all(complete=code != 130)
            except KeyboardInterrupt:
                store.settle_all(complete=False)
                return 130
        return code

    def _outcome(self, args: Any, prog_name: str | None, complete_var: str | None, **extra: Any) -> int:
        try:
            if _working_directory_gone():
                raise Failed("the working directory no longer exists: change to one that does")
            code = super().main(args, prog_name or "qantar", complete_var, False, **extra)
            sys.stdout.flush()
            return code if isinstance(code, int) else 0
        except click.exceptions.NoSuchOption as exc:
            if exc.option_name not in _GLOBAL_OPTIONS:
                return self._show(self._misplaced(exc, args))
            if exc.option_name == "--version":  # it answers alone: a command after it is never run
                message = "--version is a global option, answered alone: qantar --version"
            else:
                argv = [str(a) for a in (args if args is not None else sys.argv[1:])]
                name, _ = self._command_in(argv)
                example = _global_first(exc.option_name, argv, argv.index(name) if name else 0)
                message = f"{exc.option_name} is a global option: give it before the command, as in {example}"
            return self._show(click.exceptions.NoSuchOption(exc.option_name, message, None, exc.ctx))
        except click.ClickException as exc:
            if isinstance(exc, click.UsageError) and exc.ctx is None:
                exc.ctx = self._context_of(args)  # Click's parser says "requires an argument" without one
            return self._show(exc)
        except DataError as exc:  # a collection read after loading, whose cache entry was forged
            return self._show(DataProblem(exc))
        except click.exceptions.Exit as exc:
            return self._flushed(exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            return 130
        except OSError as exc:
            return _output_failed(exc)
        except UnicodeEncodeError as exc:
            return _output_failed(OSError(errno.EILSEQ, f"the output's encoding ({exc.encoding}) cannot carry "
                                                        "the text: set PYTHONIOENCODING=utf-8"))
        except MemoryError:
            return self._show(Failed("not enough memory to answer: the knowledge file is too large for the "
                                     "memory this process may use"))
        except ImportError as exc:
            if not (exc.name or "").startswith("qantar_cli"):
                raise
            return self._show(Failed(f"this installation of qantar lacks the module {exc.name}: reinstall qantar"))
        except Ended as exc:  # SIGTERM or SIGHUP while an export was written (and removed)
            return 128 + exc.signum

    def _misplaced(self, exc: click.exceptions.NoSuchOption, args: Any) -> click.ClickException:
        """``exc``, or, for a command's option given before the command (qantar --json figures), where to put it."""
        if exc.ctx is None or exc.ctx.command is not self:
            return exc
        name, command = self._command_in(args)
        option = next((p for p in command.params if exc.option_name in p.opts), None) if command else None
        if command is None or not isinstance(option, click.Option):
            return exc
        value = "" if option.is_flag else f" {option.make_metavar(click.Context(command, info_name=name))}"
        example = f"qantar {name} {exc.option_name}{value}"
        message = f"{exc.option_name} is an option of {name}: give it after the command, as in {example}"
        return click.exceptions.NoSuchOption(exc.option_name, message, None, exc.ctx)

    def _context_of(self, args: Any) -> click.Context:
        """A context of the command the arguments name (unparsed), for its usage line."""
        root = click.Context(self, info_name="qantar")
        name, command = self._command_in(args)
        return root if command is None else click.Context(command, info_name=name, parent=root)

    def _command_in(self, args: Any) -> tuple[str, click.Command | None]:
        """The first word of the (unparsed) arguments that names a command, and that command."""
        for arg in args if args is not None else sys.argv[1:]:
            command = self.commands.get(arg) if isinstance(arg, str) else None
            if command is not None:
                return arg, command
        return "", None

    @staticmethod
    def _show(exc: click.ClickException) -> int:
        shown = exc
        if isinstance(exc, click.UsageError) and not isinstance(exc, Usage):
            # Click's messages quote what was typed: shown again as a Usage, one line with controls escaped
            # (Click lists the choices of a missing argument one a line, tab-indented: one line here)
            message = exc.format_message().replace(":\n\t", ": ").replace(",\n\t", ", ")
            if message.startswith("Got unexpected extra argument") and exc.ctx is not None \
                    and exc.ctx.info_name in ("timeline", "figures", "disputes", "places"):
                message += _extra_argument_hint(message)
            shown = Usage(message, ctx=exc.ctx)
        try:
            shown.show()
        except OSError:  # stderr cannot be written: the exit code is all that is left to say it
            pass
        return QantarGroup._flushed(exc.exit_code)

    @staticmethod
    def _flushed(code: int) -> int:
        """``code``, unless flushing stdout fails for another reason than a reader that left."""
        try:
            sys.stdout.flush()
        except OSError as exc:
            failed = _output_failed(exc)
            return code or failed
        return code


@click.group(name="qantar", cls=QantarGroup, invoke_without_command=True, no_args_is_help=False,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data", metavar="PATH", envvar="QANTAR_DATA", show_envvar=True, shell_complete=offers_paths("file"),
              help="Load this knowledge file instead of the bundled one.")
@click.option("--no-color", is_flag=True, help="No colour in tables (NO_COLOR is honoured too).")
@click.option("--no-pager", is_flag=True,
              help="Never page tables taller than the terminal (an empty QANTAR_PAGER or PAGER does the same).")
@click.option("--version", "show_version", is_flag=True,
              help="Print the version of qantar and of the knowledge base (its date and content hash), and exit.")
@click.pass_context
def cli(ctx: click.Context, data: str | None, no_color: bool, no_pager: bool, show_version: bool) -> None:
    """Cited facts about the January 2022 events in Kazakhstan (Qandy Qantar).

    Every answer comes from a curated knowledge base built from five news
    articles, official and independent; each record names its sources.
    Tables for people, --json for scripts.
    """
    ctx.obj = App(data, no_color)
    if show_version:
        click.echo(version_line(data))
        ctx.exit(0)
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())
        ctx.exit(0)


def version_line(data: str | None) -> str:
    """``qantar 0.2.0, knowledge base 2026-12-01 (1a2b3c4d5e6f)``, without parsing YAML."""
    from .kb.store import chosen_path, knowledge_version

    try:
        released, digest = knowledge_version(chosen_path(data))
    except DataError as exc:
        return f"qantar {__version__}, knowledge base unreadable: {one_line(str(exc))}"
    return f"qantar {__version__}, knowledge base {released or 'undated'} ({digest})"


def list_command(name: str, collection: Collection, **settings: Any) -> Callable[[Handler], click.Command]:
    """A command that lists a collection, with its filters and the output options."""

    def decorate(function: Handler) -> click.Command:
        handler = filter_options(collection)(output_options(collection)(click.pass_obj(function)))
        return cli.command(name, **settings)(handler)

    return decorate


def _run(app: App, collection: Collection, fmt: str | None, as_json: bool, criteria: dict[str, Any]) -> None:
    chosen = chosen_format(fmt, as_json)
    records = app.select(collection.key, **criteria)
    app.emit(records, collection, chosen, criteria)


@list_command("timeline", kinds.EVENTS, short_help="What happened, day by day, and who says so.")
@click.option("--chart", is_flag=True,
              help="Instead of listing the events, draw how many start on each day: one bar a day, one row "
                   "for four or more empty days in a row; per month (or year) when that takes over 62 rows.")
def timeline(app: App, /, fmt: str | None, as_json: bool, chart: bool, **criteria: Any) -> None:
    """What happened, day by day: the background, January 2022, the aftermath.

    \b
    qantar timeline --date 2022-01-05
    qantar timeline --from 2022-01-04 --to 2022-01-07 --region almaty
    qantar timeline --chart --source independent
    """
    if not chart:
        _run(app, kinds.EVENTS, fmt, as_json, criteria)
        return
    if fmt is not None or as_json or "qantar.fields" in click.get_current_context().meta:
        raise click.UsageError("--chart draws a chart for people: leave out --format, --json and --fields "
                               "(use --json alone for the events as data).")
    records = app.select(kinds.EVENTS.key, **criteria)
    with then_saying(lambda: say_left_out(getattr(records, "left_out", 0), kinds.EVENTS)):
        if not records:
            if not app.say_unrecorded(kinds.EVENTS, criteria):
                say(f"no events match {describe(criteria) or 'the query'}.")
        else:
            from .out.chart import print_chart

            print_chart(records, sys.stdout, View(app))


@list_command("figures", kinds.FIGURES, short_help="The numbers: what is counted, how many, who gives them.")
def figures(app: App, /, fmt: str | None, as_json: bool, **criteria: Any) -> None:
    """The numbers: what is counted, how many, who gives them and when.

    For figures, --date/--from/--to apply to when a figure was stated
    (as_of), and --source official|independent to who gives the number.

    \b
    qantar figures --source official
    qantar figures --category casualties --json
    """
    _run(app, kinds.FIGURES, fmt, as_json, criteria)


@cli.command(short_help="Who was involved, in which roles.")
@click.argument("name", required=False, shell_complete=offers("actors"))
@filter_options(kinds.ACTORS)
@output_options(kinds.ACTORS)
@click.pass_obj
def actors(app: App, /, name: str | None, fmt: str | None, as_json: bool, **criteria: Any) -> None:
    """Who was involved, in which roles. NAME matches an id, name or alias,
    else lists every actor whose names contain it (qantar actors Arman).

    \b
    qantar actors Masimov
    qantar actors --kind state
    """
    _run(app, kinds.ACTORS, fmt, as_json, {"name": name, **criteria})


@cli.command(short_help="The five articles, and what each one supports.")
@click.argument("source_id", metavar="[ID]", required=False, shell_complete=offers("sources"))
@filter_options(kinds.SOURCES)
@output_options(kinds.SOURCES)
@click.pass_obj
def sources(app: App, /, source_id: str | None, fmt: str | None, as_json: bool, **criteria: Any) -> None:
    """The five articles: publisher, date, stance, and what each supports.

    With an ID (or a publisher such as kazinform), that source alone, and in
    a table the records it supports.

    \b
    qantar sources
    qantar sources kazinform
    """
    chosen = chosen_format(fmt, as_json)
    if source_id is None:
        records = app.select("sources", None, **criteria)
    elif criteria.get("source"):
        raise click.UsageError("Give a source ID or --source, not both.")
    else:  # the ID is the source filter, named as the argument it was typed as
        records = app.select("sources", {"source": "source_id"}, **{**criteria, "source": source_id})
        criteria["source_id"] = source_id
    app.emit(records, kinds.SOURCES, chosen, criteria)
    if source_id is not None and chosen == "table" and len(records) == 1:
        _print_support(app, records[0]["id"])


def _print_support(app: App, source_id: str) -> None:
    """Under a source's table, each kind of record it supports as that kind's own table."""
    from .find.query import related
    from .out.tables import make_console, print_heading, print_table

    view = View(app)
    console = make_console(sys.stdout, no_color=app.no_color)
    for key, records in related(app.kb, "sources", app.kb.get(source_id)[1]).items():
        print_heading(console, f"{key.capitalize()} citing {source_id} ({len(records)})")
        print_table(records, kinds.get(key), sys.stdout, view, console=console)


@list_command("disputes", kinds.DISPUTES, short_help="Where the sources disagree, each side with its sources.")
def disputes(app: App, /, fmt: str | None, as_json: bool, **criteria: Any) -> None:
    """Where the sources disagree: each question with its positions side by side.

    --source keeps the disputes in which that source, or that voice
    (official, independent), takes a position.

    \b
    qantar disputes
    qantar disputes --source iwpr --json
    """
    _run(app, kinds.DISPUTES, fmt, as_json, criteria)


@cli.command(short_help="Records in full: every quote, and related records.")
@click.argument("references", metavar="REF...", nargs=-1, required=True, shell_complete=offers("references"))
@output_options(None)
@click.pass_obj
def show(app: App, references: tuple[str, ...], fmt: str | None, as_json: bool) -> None:
    """Records in full, with every citation's quote, and their related records.

    Each REF is a record id from any list (an event, figure, actor, place,
    source or dispute); an actor's or place's name or alias works too. With
    one REF, --json gives that record as an object; with several, an array,
    which must then hold records of one kind (as must ndjson and csv).

    \b
    qantar show karim-massimov
    qantar show Masimov Tokayev
    qantar show 2022-01-05-almaty-airport-global-voices --json
    """
    from .find.query import find, related

    chosen = chosen_format(fmt, as_json)
    found: list[tuple[str, dict[str, Any]]] = []
    bad: list[QueryError] = []
    for reference in references:
        try:
            found.append(find(app.kb, reference, suggest=not bad))  # candidates for the first bad one only
        except QueryError as exc:
            bad.append(exc)
    found = list({record["id"]: (key, record) for key, record in found}.values())  # two names of one record: once
    if bad:
        more = f" ({len(bad) - 1} more reference{'s' if len(bad) > 2 else ''} not found either)" if len(bad) > 1 else ""
        raise Usage(bad[0].full_message() + more, "REF")
    if chosen == "table":
        from .out.detail import print_detail

        drawing_a_table()
        for n, (key, record) in enumerate(found):
            if n:
                sys.stdout.write("\n")
            print_detail(key, record, related(app.kb, key, record), sys.stdout, View(app))
        return
    keys = list(dict.fromkeys(key for key, _ in found))
    if len(keys) > 1:
        raise Usage(f"{chosen} holds records of one kind, and these are {', '.join(keys)}: "
                    "show them in separate commands, or as tables.", "REF")
    if chosen == "json" and len(references) == 1:  # several references give an array, even of one record
        from .out.writers import write_object

        [record], _ = _only_fields([found[0][1]], kinds.get(keys[0]), chosen)
        write_object(record, sys.stdout)
        return
    app.emit([record for _, record in found], kinds.get(keys[0]), chosen)


def _search_options(function: Handler) -> Handler:
    """The filters of the kinds search finds, in the order the list commands give them."""
    for option in reversed((_choice_option("kind", kinds.SEARCH_KINDS), OPTIONS["source"], OPTIONS["region"],
                            _choice_option("tag", kinds.TAGS), OPTIONS["date"], OPTIONS["start"], OPTIONS["end"],
                            OPTIONS["coarse"])):
        function = option(function)
    return function


class WordsCommand(click.Command):
    """A command whose arguments are words to search for, never query syntax (SPEC, search): a word
    that begins with ``-`` but is none of the command's options (``-coup``, ``-1``, ``-foreign``, though
    ``-f`` is one) is a word, not an unknown option. A ``--word`` is still an option, with Click's
    suggestions. Such words are searched for after the others (the order of words does not matter)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        options = {name: option for option in self.get_params(ctx) if isinstance(option, click.Option)
                   for name in (*option.opts, *option.secondary_opts)}
        given: list[str] = []
        words: list[str] = []
        value_next = False
        for n, arg in enumerate(args):
            if arg == "--":
                words.extend(args[n + 1:])
                break
            if value_next or not arg.startswith("-") or arg == "-" or arg.startswith("--") \
                    or _short_options(arg, options):
                option = options.get(arg)
                value_next = not value_next and option is not None and not (option.is_flag or option.count)
                given.append(arg)
            else:
                words.append(arg)
        return super().parse_args(ctx, [*given, "--", *words] if words else given)


def _short_options(arg: str, options: dict[str, click.Option]) -> bool:
    """Whether ``-xyz`` is short options as Click reads them: ``-f`` itself, ``-fjson`` (a format as
    its value), or flags together (``-h``); ``-foreign`` is none of these (no format "oreign")."""
    first = options.get(arg[:2])
    if first is None:
        return False
    rest = arg[2:]
    if not rest:
        return True
    if not (first.is_flag or first.count):  # a value attached: an option only if it is a valid one
        choices = getattr(first.type, "choices", None)
        return choices is None or rest.lower() in {str(c).lower() for c in choices}
    return all(f"-{c}" in options and (options[f"-{c}"].is_flag or options[f"-{c}"].count) for c in rest)


@cli.command(cls=WordsCommand, short_help="Records with all these words, in any spelling.")
@click.argument("words", metavar="TEXT...", nargs=-1, required=True)
@_search_options
@output_options(kinds.MATCHES)
@click.pass_obj
def search(app: App, /, words: tuple[str, ...], fmt: str | None, as_json: bool, kind: tuple[str, ...],
           **criteria: Any) -> None:
    """Every record whose text has all these words (or words they begin), best first.

    Ids, titles, names and their other spellings, summaries, notes,
    claims and quotes are searched, in any script: Жанаозен finds what
    Zhanaozen finds. A record's date is an event's date, a figure's as_of
    (when the number was stated, not the days it counts) or a source's
    publication; a date filter leaves out records without one (actors,
    places, disputes). --tag keeps events.

    \b
    qantar search Zhanaozen
    qantar search "coup attempt" --source official
    qantar search bakery --kind event --json
    """
    from .find.search import SearchUnavailable
    from .find.search import search as run_search

    chosen = chosen_format(fmt, as_json)
    text = " ".join(words)
    try:
        found = run_search(app.kb, text, kind, **criteria)
    except QueryError as exc:
        raise usage(exc, {"text": "TEXT"}) from None
    except SearchUnavailable as exc:
        raise Failed(str(exc)) from None
    if not found:
        hint = _why_nothing(found, words, text)
        asked = describe({**criteria, "kind": kind})
        narrowed = f" with {asked}" if asked else ""
        from .find.names import quoted

        say(f"no record matches {quoted(text.strip())}{narrowed}{hint}.")
        if chosen != "table":
            app.emit(found, kinds.MATCHES, chosen)
        else:
            say_left_out(found.left_out, kinds.MATCHES)
        return
    app.emit(found, kinds.MATCHES, chosen, criteria)


def _why_nothing(found: Any, words: tuple[str, ...], text: str) -> str:
    """What the line saying nothing matched adds: the nearest known words, or that each word is known
    but not together; the filter field syntax (kind:event) asked for; a word that looked like an option."""
    import re

    said = []
    if found.nearest:
        said.append(f"the nearest words the knowledge base has: {', '.join(found.nearest)}")
    elif found.apart:
        said.append("each word is in some record, but no record has them all")
    field = re.search(r"(?<!\S)(kind|tag|source|region|date|from|to):(\S+)", text)
    if field:  # field syntax, as other search tools take it: here, a filter
        name, value = field.group(1), field.group(2).strip("\"'“”").lower()
        closed = {"kind": kinds.SEARCH_KINDS, "tag": kinds.TAGS}.get(name, ())
        if not re.fullmatch(r"[\w.-]+", value) or (closed and value not in closed):
            value = f"{name[0].upper()} (qantar search --help lists them)" if closed else name[0].upper()
        alone = text.split() == [field.group(0)]
        said.append(f"to filter, {'add' if alone else 'use'} --{name} {value}"
                    + (" to the words to search for" if alone else ""))
    looks = next((w for w in words if w.startswith("--") or w[:2] in ("-f", "-h")), None)
    if looks:
        said.append(f"{looks} was searched for as a word, not read as an option: "
                    + (f"-f takes {', '.join(FORMATS[:-1])} or {FORMATS[-1]}" if looks[:2] == "-f"
                       else "give options before --"))
    return "".join(f"; {part}" for part in said)


@list_command("places", kinds.PLACES, short_help="The gazetteer: places, their kinds and other names.")
def places(app: App, /, fmt: str | None, as_json: bool, **criteria: Any) -> None:
    """The gazetteer: every place, its kind, what it lies within, its other spellings.

    With --region, that place and everything within it.

    \b
    qantar places
    qantar places --region mangistau --json
    """
    _run(app, kinds.PLACES, fmt, as_json, criteria)


def _export_help() -> str:
    formats = "\n".join(f"  {e.name:<11} {e.purpose}" for e in EXPORTS.values())
    return (
        "The knowledge base for other tools: a file (-o PATH), or stdout for text formats (-o -).\n\n"
        f"\b\nFORMAT is one of:\n{formats}\n\n"
        "The timeline's filters (--date, --from, --to, --region, --source, --actor, --tag) choose the events "
        "of geojson, timelinejs and html; sqlite, csl-json and bibtex hold everything. An existing PATH "
        "is replaced only with --force, and a file is written whole or not at all.\n\n"
        "\b\n"
        "qantar export sqlite -o qantar.db --metadata metadata.json\n"
        "qantar export geojson -o january.geojson --from 2022-01-01 --to 2022-01-31\n"
        "qantar export bibtex -o -"
    )


def _write_output(path: str, data: str | bytes, force: bool, criterion: str) -> None:
    """``data`` to stdout (``-``) or, whole or not at all, to the file ``path``."""
    if path == "-":
        sys.stdout.write(data if isinstance(data, str) else data.decode("utf-8"))
        return
    _write_outputs([(path, data, criterion)], force)


def _write_outputs(files: list[tuple[str, str | bytes, str]], force: bool) -> None:
    """Each ``(path, data, criterion)`` to its file: all of them whole, or none."""
    from .out import atomic

    def filler(data: str | bytes) -> Callable[[Any], object]:
        body = data.encode("utf-8") if isinstance(data, str) else data
        return lambda handle: handle.write(body)

    try:
        atomic.write_all([(path, filler(data), criterion) for path, data, criterion in files], force)
    except QueryError as exc:
        raise usage(exc) from None
    except atomic.WriteFailed as exc:
        raise Failed(str(exc)) from None


@cli.command(help=_export_help(), short_help="The knowledge base as files for other tools.")
@click.argument("fmt", metavar="FORMAT", type=ClosedSet(tuple(EXPORTS), "format"))
@click.option("-o", "--output", metavar="PATH", help="The file to write, or - for stdout (text formats).")
@click.option("--force", is_flag=True,
              help="Replace PATH if it exists (a symbolic link is replaced itself, never written through).")
@click.option("--metadata", metavar="PATH",
              help="With sqlite, also write datasette's metadata JSON (title, licence, sources) to PATH.")
@filter_options(kinds.EVENTS)
@click.pass_obj
def export(app: App, /, fmt: str, output: str | None, force: bool, metadata: str | None, **criteria: Any) -> None:
    from .out import atomic
    from .out.exports import ExportFailed

    chosen = EXPORTS[fmt.lower()]
    if output is None:
        where = "-o PATH" if chosen.binary else "-o PATH, or -o - for stdout"
        raise Usage(f"Missing option '-o': export writes a file, named with {where}.")
    if output == "-" and chosen.binary:
        raise Usage(f"{chosen.name} is a binary file and does not go to stdout: give a file with -o PATH.", "'-o'")
    if metadata is not None and chosen.metadata is None:
        takers = [e.name for e in EXPORTS.values() if e.metadata]
        raise Usage(f"a metadata file goes with {' or '.join(takers)} only.", "'--metadata'")
    given = [OPTION_NAMES.get(k, "--" + k.replace("_", "-")) for k, v in criteria.items()
             if v not in (None, (), [], False)]
    if given and not chosen.filtered:
        takers = [e.name for e in EXPORTS.values() if e.filtered]
        raise Usage(f"{chosen.name} holds the whole knowledge base: the timeline's filters choose the events of "
                    f"{', '.join(takers[:-1])} and {takers[-1]} only.", f"'{given[0]}'")
    if metadata not in (None, "-") and output != "-" and os.path.abspath(metadata) == os.path.abspath(output):
        raise Usage("--metadata and -o name the same file: give two.", "'--metadata'")
    try:
        for path, criterion in ((output, "output"), (metadata, "metadata")):
            if path is not None and path != "-":
                atomic.check(path, force, criterion)
                if app.reads(path):
                    raise QueryError(f"{path} is the knowledge file being read: name another file",
                                     criterion=criterion, value=path)
    except QueryError as exc:
        raise usage(exc) from None
    except atomic.WriteFailed as exc:
        raise Failed(str(exc)) from None
    from .find.query import Selection

    events = app.select("events", **criteria)
    if isinstance(events, Selection):
        events.asked = describe(criteria)  # the page says how its events were chosen
    try:
        data = chosen.render(app.kb, events)
    except ExportFailed as exc:
        raise Failed(str(exc)) from None

    def notes() -> None:
        for line in chosen.remarks(app.kb, events):
            say(line)
        if not events and chosen.filtered:
            app.say_unrecorded(kinds.EVENTS, criteria)
        say_left_out(getattr(events, "left_out", 0), kinds.EVENTS)

    with then_saying(notes):
        if metadata is None:
            _write_output(output, data, force, "output")
        else:  # both files, or neither
            database = os.path.splitext(os.path.basename(output))[0]
            companion = chosen.companion(app.kb, database)
            _write_outputs([(output, data, "output"), (metadata, companion, "metadata")], force)


@cli.command(short_help="Check a knowledge file against its schema and rules.")
@click.argument("path", required=False, shell_complete=offers_paths("file"))
@click.option("--texts", metavar="DIR", shell_complete=offers_paths("dir"),
              help="Check every quote against the archived article texts in DIR (found by SHA-256).")
@click.pass_context
def validate(ctx: click.Context, path: str | None, texts: str | None) -> None:
    """Check a knowledge file (the bundled one by default) and list every problem.

    Problems are printed as file:line: message; the exit code is 1 if there
    are any, whoever reads the list. With --texts, every quote must occur in
    its article.

    \b
    qantar validate
    qantar validate my.yaml --texts ../shared/seeds
    """
    from .kb.validate import validate_file

    if texts is not None and not os.path.isdir(texts):
        reason = "does not exist" if not os.path.exists(texts) else "is not a directory"
        raise Usage(f"{texts!r} {reason}: give the directory of the archived article texts.", "'--texts'")
    report = validate_file(path if path is not None else ctx.obj.data, texts)
    try:
        for line in report.lines():
            click.echo(one_line(line))
        sys.stdout.flush()
    except OSError as exc:
        if _output_failed(exc):
            ctx.exit(1)
    say(report.summary())
    ctx.exit(1 if report.total else 0)


@cli.command("help", hidden=True)
@click.argument("name", metavar="[COMMAND]", required=False)
@click.pass_context
def help_command(ctx: click.Context, name: str | None) -> None:
    """The help of qantar, or of COMMAND: the same as qantar --help or qantar COMMAND --help.

    \b
    qantar help
    qantar help timeline
    """
    root = ctx.find_root()
    if name is None:
        click.echo(cli.get_help(root))
        return
    command = cli.get_command(root, name)
    if command is None:
        commands = [c for c in cli.list_commands(root) if not cli.commands[c].hidden]
        from .find.names import Candidate, quoted, suggest

        close = suggest(name.lower(), [Candidate(c, c) for c in commands])
        hint = f" Did you mean: {', '.join(close)}?" if close else f" The commands: {', '.join(commands)}."
        raise Usage(f"No such command {quoted(name)}.{hint}", ctx=ctx)
    click.echo(command.get_help(click.Context(command, info_name=name, parent=root)))


SHELLS = ("bash", "zsh", "fish")


@cli.command(short_help="Print a shell's completion script (bash, zsh, fish).")
@click.argument("shell", type=ClosedSet(SHELLS, "shell"))
def completion(shell: str) -> None:
    """Print the script that makes SHELL complete qantar's commands, options and names.

    Names come from the knowledge base: --actor tok offers
    kassym-jomart-tokayev. See the README for where each shell keeps it.

    \b
    qantar completion bash
    qantar completion zsh
    qantar completion fish
    """
    from click.shell_completion import get_completion_class

    script = get_completion_class(shell.lower())
    assert script is not None  # Click has a class for each of SHELLS
    click.echo(script(cli, {}, "qantar", "_QANTAR_COMPLETE").source())
