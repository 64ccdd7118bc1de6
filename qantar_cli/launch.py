"""The console script's entry point: Ctrl-C is quiet from the first moment.

Importing Click and the rest takes tens of milliseconds; a Ctrl-C in that
time would print a ``KeyboardInterrupt`` traceback. So the first thing this
module does, before it imports anything else, is to make SIGINT end the
process with 130, quietly (unless the caller ignores SIGINT). Once the
command line has its own handling in place it takes SIGINT back (see
``cli.QantarGroup.main``). Only the console script and ``python -m
qantar_cli`` import this module; the library never does.
"""

import signal


def _quiet_exit(signum: int, frame: object) -> None:
    import os

    os._exit(130)


if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
    signal.signal(signal.SIGINT, _quiet_exit)


def main() -> None:
    from .cli import cli

    cli(prog_name="qantar")
