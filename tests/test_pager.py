"""The pager, under a real pseudo-terminal: qantar runs with its stdout (and stderr) on a pty.

A fake pager (a small Python script) stands in for ``less``: it notes that
it ran, with its arguments and ``LESS``, and copies what it reads to the
terminal after a marker line, so a test sees both whether the pager ran
and what it was given.
"""

from __future__ import annotations

import itertools
import os
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINI, ROOT

termios = pytest.importorskip("termios", reason="needs POSIX pseudo-terminals")
fcntl = pytest.importorskip("fcntl", reason="needs POSIX pseudo-terminals")

FAKE_PAGER = """\
import json, os, signal, sys
marker = sys.argv[1]
if "--interrupt" in sys.argv:  # Ctrl-C on the terminal: SIGINT to the whole foreground group
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.killpg(os.getpgrp(), signal.SIGINT)
data = sys.stdin.buffer.read()
with open(marker, "w") as out:
    json.dump({"argv": sys.argv[2:], "LESS": os.environ.get("LESS")}, out)
sys.stdout.buffer.write(b"<<PAGER>>\\n" + data)
"""

TALL = ["timeline", "--date", "2022-01"]  # dozens of events: taller than any terminal here
SHORT = ["actors", "Masimov"]  # one actor: a dozen lines


class Terminal:
    """What a run on the pty left: everything shown, the exit code, and whether the pager ran."""

    def __init__(self, shown: str, code: int, marker: Path):
        self.shown = shown
        self.code = code
        self.marker = marker

    @property
    def paged(self) -> bool:
        return self.marker.exists()

    def pager(self) -> dict:
        import json

        return json.loads(self.marker.read_text())


_runs = itertools.count()


def fake_pager(tmp_path: Path, *extra: str) -> tuple[str, Path]:
    """The command line of a fake pager, and the file it writes when it runs."""
    script = tmp_path / "fake_pager.py"
    script.write_text(FAKE_PAGER, encoding="utf-8")
    marker = tmp_path / f"paged-{next(_runs)}.json"
    return shlex.join([sys.executable, str(script), str(marker), *extra]), marker


def _controlling_terminal() -> None:
    """In the child, after setsid: the pty on stdin becomes its terminal, so Ctrl-C and /dev/tty work as at a shell."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def on_terminal(args: list[str], tmp_path: Path, env: dict[str, str] | None = None, rows: int = 24,
                cols: int = 100, pager: bool = True, data: Path | None = None, piped: bool = False,
                keys: tuple[bytes, ...] = (), timeout: float = 60, marker: Path | None = None) -> Terminal:
    """Run ``qantar ARGS`` with stdin, stdout and stderr on a new pty of ``rows`` x ``cols``.

    ``piped`` sends stdout to a pipe instead (stdin and stderr stay on the
    pty). ``keys`` are typed one by one once something is shown. The fake
    pager is QANTAR_PAGER unless ``pager`` is False; ``marker`` is the file
    that says a pager ran, when the test brings its own.
    """
    command, own_marker = fake_pager(tmp_path)
    base = {k: v for k, v in os.environ.items()
            if k not in ("QANTAR_DATA", "PAGER", "QANTAR_PAGER", "LESS", "COLUMNS", "LINES", "NO_COLOR")}
    base.update({"TERM": "xterm-256color", "PYTHONPATH": str(ROOT)})
    if pager:
        base["QANTAR_PAGER"] = command
    base.update(env or {})
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    argv = [sys.executable, "-m", "qantar_cli"] + (["--data", str(data)] if data else []) + args
    # preexec_fn: only the child can take the pty as its terminal, after its setsid; the tests start no threads
    process = subprocess.Popen(argv, stdin=slave, stdout=subprocess.PIPE if piped else slave, stderr=slave,
                               env=base, start_new_session=True, preexec_fn=_controlling_terminal)  # noqa: PLW1509
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    to_type = list(keys)
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: every process holding the pty has ended
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            elif to_type and chunks:
                time.sleep(0.3)  # the pager has drawn its screen and waits for a key
                os.write(master, to_type.pop(0))
            elif process.poll() is not None:
                break
        else:
            process.kill()
            pytest.fail(f"qantar {' '.join(args)} did not end within {timeout} s: {b''.join(chunks)[-2000:]!r}")
        code = process.wait(timeout=timeout)
        if piped:
            chunks.append(process.stdout.read())
    finally:
        os.close(master)
        if process.stdout:
            process.stdout.close()
    shown = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return Terminal(shown, code, marker or own_marker)


def test_a_table_taller_than_the_terminal_goes_through_the_pager(tmp_path):
    run = on_terminal(TALL, tmp_path, rows=24)
    assert run.code == 0, run.shown
    assert run.paged
    assert run.shown.startswith("<<PAGER>>\n")  # everything went through it
    assert "2022-01-05-almaty-airport-global-voices" in run.shown and "Traceback" not in run.shown


def test_the_note_under_a_table_follows_it_into_the_pager(tmp_path):
    run = on_terminal(["timeline", "--date", "2022-01-05"], tmp_path, rows=24)
    assert run.paged
    body, note = run.shown.rsplit("\n", 2)[0], run.shown.rstrip("\n").rsplit("\n", 1)[1]
    assert "left out: add --coarse" in note  # last, where it is printed without a pager
    assert "<<PAGER>>" in body and "left out" not in body


def test_a_short_table_is_printed_without_the_pager(tmp_path):
    run = on_terminal(SHORT, tmp_path, rows=50)
    assert run.code == 0 and not run.paged
    assert "karim-massimov" in run.shown and "<<PAGER>>" not in run.shown


def test_the_height_is_the_terminals(tmp_path):
    """The same table is paged on a short terminal and printed on a tall one; LINES is honoured."""
    assert on_terminal(SHORT, tmp_path, rows=8).paged
    assert not on_terminal(SHORT, tmp_path, rows=8, env={"LINES": "200"}).paged


def test_never_when_piped(tmp_path):
    run = on_terminal(TALL, tmp_path, rows=24, piped=True)
    assert run.code == 0 and not run.paged
    assert "2022-01-05-almaty-airport-global-voices" in run.shown and "<<PAGER>>" not in run.shown
    assert "\x1b[" not in run.shown  # plain, as ever when stdout is not a terminal


def test_machine_formats_are_never_paged(tmp_path):
    run = on_terminal(TALL + ["--json"], tmp_path, rows=24)
    assert run.code == 0 and not run.paged and run.shown.lstrip().startswith("[")


@pytest.mark.parametrize("how", ["--no-pager", "QANTAR_PAGER=", "PAGER=", "QANTAR_PAGER=  "])
def test_paging_can_be_turned_off(tmp_path, how):
    if how.startswith("--"):
        run = on_terminal([how] + TALL, tmp_path)
    else:
        name, value = how.split("=")
        run = on_terminal(TALL, tmp_path, pager=False, env={name: value})
    assert run.code == 0 and not run.paged
    assert "2022-01-05-almaty-airport-global-voices" in run.shown and "<<PAGER>>" not in run.shown


def test_pager_is_chosen_by_qantar_pager_then_pager(tmp_path):
    command, marker = fake_pager(tmp_path, "from-PAGER")
    run = on_terminal(TALL, tmp_path, pager=False, env={"PAGER": command}, marker=marker)
    assert run.paged and run.pager()["argv"] == ["from-PAGER"]
    run = on_terminal(TALL, tmp_path, env={"PAGER": "no-such-pager-at-all"})  # QANTAR_PAGER wins
    assert run.paged and run.pager()["argv"] == []


def test_the_default_is_less_with_its_settings(tmp_path):
    """With neither variable set, ``less -FRX`` runs, and LESS=FRX unless the user has set LESS."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    command, marker = fake_pager(tmp_path)
    less = bindir / "less"
    less.write_text(f"#!/bin/sh\nexec {command} \"$@\"\n", encoding="utf-8")
    less.chmod(0o755)
    path = f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"
    run = on_terminal(TALL, tmp_path, pager=False, env={"PATH": path}, marker=marker)
    assert run.paged and run.pager() == {"argv": ["-FRX"], "LESS": "FRX"}
    run = on_terminal(TALL, tmp_path, pager=False, env={"PATH": path, "LESS": "-S"}, marker=marker)
    assert run.pager()["LESS"] == "-S"


@pytest.mark.parametrize("pager", ["no-such-pager-at-all", "'unclosed quote", str(MINI), "not-a-program"])
def test_a_pager_that_cannot_start_falls_back_to_plain_output(tmp_path, pager):
    if pager == "not-a-program":  # executable, but not a program the system can run
        pager = str(tmp_path / pager)
        Path(pager).write_bytes(b"\x00\x01\x02 not an executable")
        Path(pager).chmod(0o755)
    run = on_terminal(TALL, tmp_path, pager=False, env={"QANTAR_PAGER": pager})
    assert run.code == 0 and not run.paged
    assert "2022-01-05-almaty-airport-global-voices" in run.shown and "Traceback" not in run.shown
    notes = [line for line in run.shown.splitlines() if "pager" in line]
    assert len(notes) == 1 and notes[0].startswith("qantar: ") and "QANTAR_PAGER" in notes[0]


@pytest.mark.parametrize("pager", ["false", "sh -c 'exit 3'"])
def test_a_pager_that_fails_before_reading_falls_back_to_plain_output(tmp_path, pager):
    """PAGER=false started, read nothing and failed: the table was lost, exit 0, nothing said."""
    run = on_terminal(TALL, tmp_path, pager=False, env={"QANTAR_PAGER": pager})
    assert run.code == 0 and not run.paged
    assert "2022-01-05-almaty-airport-global-voices" in run.shown
    notes = [line for line in run.shown.splitlines() if "pager" in line]
    assert len(notes) == 1 and "ended with status" in notes[0] and "QANTAR_PAGER" in notes[0]


def test_a_pager_that_quits_early_is_a_reader_that_left(tmp_path):
    """A pager that ends well before reading it all (q in less) is answered as `| head` is: nothing more."""
    run = on_terminal(TALL, tmp_path, pager=False, env={"QANTAR_PAGER": "true"})
    assert run.code == 0 and "2022-01-05-almaty-airport-global-voices" not in run.shown and "pager" not in run.shown


def test_a_missing_default_pager_falls_back_quietly(tmp_path):
    run = on_terminal(TALL, tmp_path, pager=False, env={"PATH": str(tmp_path)})  # no less anywhere
    assert run.code == 0 and not run.paged
    assert "2022-01-05-almaty-airport-global-voices" in run.shown and "pager" not in run.shown


def test_colours_are_kept_for_the_pager_and_data_stays_safe(tmp_path):
    from test_hostile import nasty_file

    nasty = nasty_file(tmp_path)
    run = on_terminal(["timeline"], tmp_path, rows=5, data=nasty)
    assert run.paged
    assert "\x1b[1m" in run.shown  # the table's own bold, for less -R
    without_own = __import__("re").sub(r"\x1b\[[0-9;]*m", "", run.shown)
    assert "\x1b" not in without_own and "\x07" not in without_own and "\u202e" not in without_own
    assert "\\x1b[31malert" in without_own
    plain = on_terminal(["--no-color", "timeline"], tmp_path, rows=5, data=nasty)
    assert plain.paged and "\x1b" not in plain.shown


def test_ctrl_c_while_the_pager_runs_belongs_to_the_pager(tmp_path):
    """SIGINT to the terminal's foreground group reaches qantar too: it waits for the pager and exits 0."""
    command, marker = fake_pager(tmp_path, "--interrupt")
    run = on_terminal(TALL, tmp_path, pager=False, env={"QANTAR_PAGER": command}, marker=marker)
    assert run.paged and run.code == 0, run.shown
    assert "Traceback" not in run.shown


def test_sigint_is_restored_after_the_pager():
    from qantar_cli.out.pager import _sigint_ignored

    before = signal.getsignal(signal.SIGINT)
    with _sigint_ignored():
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    assert signal.getsignal(signal.SIGINT) is before


@pytest.mark.skipif(shutil.which("less") is None, reason="needs less")
def test_real_less_pages_takes_ctrl_c_and_quits_on_q(tmp_path):
    """``less -FRX`` on a tall table waits at its prompt; Ctrl-C stays with it; q ends both, exit 0."""
    run = on_terminal(TALL, tmp_path, pager=False, keys=(b"\x03", b"q"), timeout=30)
    assert run.code == 0, run.shown
    assert "Date" in run.shown and "Traceback" not in run.shown
    assert "\x1b[1m" in run.shown  # colours reach the screen through less -R


def test_the_global_option_given_after_the_command_is_explained(tmp_path):
    run = on_terminal(["timeline", "--no-pager"], tmp_path)
    assert run.code == 2 and not run.paged
    assert "--no-pager is a global option: give it before the command, as in qantar --no-pager timeline" in run.shown


def test_an_ascii_only_terminal_still_gets_exact_csv(tmp_path):
    """What a writer puts through stdout's binary buffer reaches the terminal byte for byte."""
    run = on_terminal(["places", "-f", "csv"], tmp_path, env={"PYTHONIOENCODING": "ascii"})
    assert run.code == 0 and not run.paged
    assert "Жаңаөзен" in run.shown
