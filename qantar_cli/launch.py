"""The console script's entry point: Ctrl-C is quiet from the first moment.

Importing Click and the rest takes tens of milliseconds; a Ctrl-C in that
time would print a ``KeyboardInterrupt`` traceback. So the first thing
qantar's own code does is to make SIGINT end the process with 130, quietly;
once the command line has its own handling in place it takes SIGINT back
(see ``cli.QantarGroup.main``).
"""

from __future__ import annotations

import os
import signal


def _quiet_exit(signum: int, frame: object) -> None:
    os._exit(130)


def main() -> None:
    try:
        signal.signal(signal.SIGINT, _quiet_exit)
    except ValueError:  # not the main thread (embedded use): keep Python's default
        pass
    from .cli import cli

    cli(prog_name="qantar")
