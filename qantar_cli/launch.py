"""The console script's entry point: quiet from the first moment, quick to the last.

Importing Click and the rest takes tens of milliseconds; a Ctrl-C in that
time would print a ``KeyboardInterrupt`` traceback. So the first thing this
module does, before it imports anything else, is to make SIGINT end the
process with 130, quietly (unless the caller ignores SIGINT). It uses the
``_signal`` built-in, not ``signal``, whose enums cost more than this whole
module. Once the command line has its own handling in place it takes SIGINT
back (see ``cli.QantarGroup.main``).

When the command is done, the answer is flushed and the process ends with
``os._exit``: tearing down the interpreter (every module, every record of
the knowledge base) costs more than a small query, and nothing is left to
do by then. Only the console script and ``python -m qantar_cli`` come here;
the library and Click's test runner never do.
"""

TYPE_CHECKING = False  # typing itself would cost an import here
if TYPE_CHECKING:
    import signal as _signal  # the same functions, with the stubs _signal lacks
else:
    import _signal


def _quiet_exit(signum: int, frame: object) -> None:
    import os

    os._exit(130)


if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
    _signal.signal(_signal.SIGINT, _quiet_exit)


def main() -> None:
    import gc
    import os
    import sys

    # One command, then os._exit: the cyclic collector would only walk, again and
    # again, the millions of records of a large knowledge file, none of them garbage.
    gc.disable()
    from .cli import cli

    try:
        cli(prog_name="qantar")
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that left was answered already; nothing more can be said
            pass
    os._exit(code or 0)
