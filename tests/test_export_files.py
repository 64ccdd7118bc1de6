"""Exports are written whole or not at all, only where a user meant them to go.

SPEC v0.2, "Exports" and "Reliability promises": a temporary file in the
target's directory, then a rename; an existing file or link only with
--force, and a link is replaced, never written through; a directory or a
device is refused (exit 2); a missing directory is exit 1; a failure at any
point leaves no partial file and the old one intact. Failures are made to
happen: the writer raises midway, the disk fills at fsync, the rename
fails, the directory is read-only, stdout is /dev/full.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest
from conftest import MINI, ROOT, assert_usage_error, invoke

from qantar_cli.errors import QueryError
from qantar_cli.out import atomic

OLD = b"the old file, which must survive\n"


def _half_then_full(handle):
    handle.write(b"half of the new ")
    raise OSError(errno.ENOSPC, "No space left on device")


def _leftovers(folder, *expected):
    return sorted(set(os.listdir(folder)) - set(expected))


# -- the module ------------------------------------------------------------------------


def test_a_new_file_is_written_whole_with_the_usual_mode(tmp_path):
    target = tmp_path / "out.txt"
    atomic.write(str(target), lambda h: h.write(b"whole"), force=False)
    assert target.read_bytes() == b"whole"
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    assert _leftovers(tmp_path, "out.txt") == []


def test_a_failure_midway_leaves_no_file(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(atomic.WriteFailed, match="No space left on device"):
        atomic.write(str(target), _half_then_full, force=False)
    assert os.listdir(tmp_path) == []


def test_a_failure_midway_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(OLD)
    with pytest.raises(atomic.WriteFailed):
        atomic.write(str(target), _half_then_full, force=True)
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, "out.txt") == []


def test_an_interrupt_midway_cleans_up_and_goes_on(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(OLD)

    def interrupted(handle):
        handle.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic.write(str(target), interrupted, force=True)
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, "out.txt") == []


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_failure_at_fsync_or_rename_keeps_the_old_file(tmp_path, monkeypatch, step):
    target = tmp_path / "out.txt"
    target.write_bytes(OLD)

    def fail(*args, **kwargs):
        raise OSError(errno.ENOSPC if step == "fsync" else errno.EIO, "it failed")

    monkeypatch.setattr(atomic.os, step, fail)
    with pytest.raises(atomic.WriteFailed, match="it failed"):
        atomic.write(str(target), lambda h: h.write(b"new"), force=True)
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert _leftovers(tmp_path, "out.txt") == []


def test_a_symbolic_link_is_replaced_never_written_through(tmp_path):
    real = tmp_path / "real.txt"
    real.write_bytes(OLD)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with pytest.raises(QueryError, match="symbolic link"):
        atomic.write(str(link), lambda h: h.write(b"new"), force=False)
    atomic.write(str(link), lambda h: h.write(b"new"), force=True)
    assert not link.is_symlink() and link.read_bytes() == b"new"
    assert real.read_bytes() == OLD


def test_a_dangling_link_is_not_followed(tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "elsewhere.txt")
    with pytest.raises(QueryError):
        atomic.write(str(link), lambda h: h.write(b"new"), force=False)
    atomic.write(str(link), lambda h: h.write(b"new"), force=True)
    assert link.read_bytes() == b"new" and not (tmp_path / "elsewhere.txt").exists()


def test_a_file_that_appears_meanwhile_is_not_clobbered(tmp_path):
    target = tmp_path / "out.txt"

    def race(handle):
        handle.write(b"mine")
        target.write_bytes(b"someone else's")

    with pytest.raises(QueryError, match="appeared"):
        atomic.write(str(target), race, force=False)
    assert target.read_bytes() == b"someone else's"
    assert _leftovers(tmp_path, "out.txt") == []


def test_a_file_system_without_hard_links_still_gets_the_file(tmp_path, monkeypatch):
    def no_links(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "link", no_links)
    target = tmp_path / "out.txt"
    atomic.write(str(target), lambda h: h.write(b"whole"), force=False)
    assert target.read_bytes() == b"whole"
    assert _leftovers(tmp_path, "out.txt") == []


def test_refusals(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path, words in [(str(tmp_path), "is a directory"), ("/dev/null", "not a regular file"),
                        (str(fifo), "not a regular file"), (str(tmp_path / "new") + os.sep, "names a directory"),
                        ("", "empty")]:
        with pytest.raises(QueryError, match=words):
            atomic.check(path, force=True)
    with pytest.raises(atomic.WriteFailed, match="does not exist"):
        atomic.check(str(tmp_path / "missing" / "out.txt"), force=True)
    (tmp_path / "plain").write_bytes(b"")
    with pytest.raises(atomic.WriteFailed, match="not a directory"):
        atomic.check(str(tmp_path / "plain" / "out.txt"), force=True)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_read_only_directory(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(atomic.WriteFailed, match="ermission"):
            atomic.write(str(folder / "out.txt"), lambda h: h.write(b"x"), force=False)
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o755)


def test_a_directory_that_refuses_new_files(tmp_path, monkeypatch):
    """What a read-only directory does, for a user (root) whom permissions do not stop."""
    import tempfile

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    with pytest.raises(atomic.WriteFailed, match="Permission denied"):
        atomic.write(str(tmp_path / "out.txt"), lambda h: h.write(b"x"), force=False)
    assert os.listdir(tmp_path) == []


# -- the command -----------------------------------------------------------------------


@pytest.mark.parametrize(("args", "code", "fragments"), [
    (["bibtex"], 2, ["-o PATH", "-o -"]),
    (["sqlite"], 2, ["-o PATH"]),
    (["sqlite", "-o", "-"], 2, ["binary", "-o PATH"]),
    (["pdf", "-o", "{out}"], 2, ["Unknown format 'pdf'", "sqlite, geojson, timelinejs, csl-json, bibtex, html"]),
    (["bibtex", "--date", "2022", "-o", "{out}"], 2, ["'--date'", "geojson, timelinejs and html"]),
    (["sqlite", "--region", "almaty", "-o", "{out}"], 2, ["'--region'"]),
    (["csl-json", "--coarse", "-o", "{out}"], 2, ["'--coarse'"]),
    (["geojson", "--metadata", "{tmp}/m.json", "-o", "{out}"], 2, ["'--metadata'", "sqlite"]),
    (["sqlite", "--metadata", "{out}", "-o", "{out}"], 2, ["same file"]),
    (["geojson", "-o", "{tmp}"], 2, ["is a directory"]),
    (["geojson", "-o", "/dev/null"], 2, ["not a regular file"]),
    (["geojson", "-o", "{tmp}/missing/out.json"], 1, ["does not exist", "create it first"]),
    (["geojson", "--date", "2022-13", "-o", "{out}"], 2, ["not a real date"]),
    (["geojson", "--region", "nowhere-at-all", "-o", "{out}"], 2, ["'--region'"]),
])
def test_usage_and_path_errors_write_nothing(tmp_path, args, code, fragments):
    out = tmp_path / "out.file"
    filled = [a.format(out=out, tmp=tmp_path) for a in args]
    run = invoke("export", *filled, ok=False)
    assert_usage_error(run, *fragments, code=code)
    assert len(run.stderr.strip().splitlines()[-1]) > 20
    assert not out.exists() and not (tmp_path / "m.json").exists()


def test_an_existing_file_needs_force(tmp_path):
    out = tmp_path / "sources.bib"
    out.write_bytes(OLD)
    run = invoke("export", "bibtex", "-o", str(out), ok=False)
    assert_usage_error(run, "already a file", "--force")
    assert out.read_bytes() == OLD
    invoke("export", "bibtex", "-o", str(out), "--force")
    assert out.read_text(encoding="utf-8").startswith("@comment{qantar ")


def test_an_existing_metadata_file_stops_the_database_too(tmp_path):
    meta = tmp_path / "metadata.json"
    meta.write_bytes(OLD)
    run = invoke("export", "sqlite", "-o", str(tmp_path / "q.db"), "--metadata", str(meta), ok=False)
    assert_usage_error(run, "'--metadata'", "--force")
    assert sorted(os.listdir(tmp_path)) == ["metadata.json"] and meta.read_bytes() == OLD


def test_the_command_replaces_a_link_not_its_target(tmp_path):
    real = tmp_path / "real.json"
    real.write_bytes(OLD)
    (tmp_path / "link.json").symlink_to(real)
    run = invoke("export", "csl-json", "-o", str(tmp_path / "link.json"), ok=False)
    assert_usage_error(run, "symbolic link", "--force")
    invoke("export", "csl-json", "-o", str(tmp_path / "link.json"), "--force")
    assert not (tmp_path / "link.json").is_symlink()
    assert real.read_bytes() == OLD


def test_a_disk_that_fills_during_the_export_leaves_the_old_file(tmp_path, monkeypatch):
    out = tmp_path / "q.db"
    out.write_bytes(OLD)

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    run = invoke("export", "sqlite", "-o", str(out), "--force", ok=False)
    assert_usage_error(run, "No space left on device", str(out), code=1)
    assert len(run.stderr.strip().splitlines()) == 1
    monkeypatch.undo()
    assert out.read_bytes() == OLD
    assert os.listdir(tmp_path) == ["q.db"]


def test_an_export_that_cannot_be_made_leaves_the_old_file(tmp_path, monkeypatch):
    from qantar_cli.out.exports import ExportFailed, sqlite

    def no_fts(kb, events):
        raise ExportFailed("this Python's SQLite has no full-text search (FTS5)")

    monkeypatch.setattr(sqlite, "render_sqlite", no_fts)
    out = tmp_path / "q.db"
    out.write_bytes(OLD)
    run = invoke("export", "sqlite", "-o", str(out), "--force", ok=False)
    assert_usage_error(run, "FTS5", code=1)
    assert out.read_bytes() == OLD and os.listdir(tmp_path) == ["q.db"]


def test_ctrl_c_during_the_write_exits_130_and_leaves_nothing(tmp_path, monkeypatch):
    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fsync", interrupted)
    run = invoke("export", "bibtex", "-o", str(tmp_path / "s.bib"), ok=False)
    assert run.code == 130 and "Traceback" not in run.stderr
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_stdout_on_a_full_device_is_one_sentence_and_exit_1():
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "qantar_cli", "--data", str(MINI), "export", "bibtex", "-o", "-"],
                              stdout=full, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 1
    assert "No space left on device" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_file_name_with_controls_is_shown_escaped(tmp_path):
    out = tmp_path / "a\x1b[31mb.bib"
    out.write_bytes(OLD)
    run = invoke("export", "bibtex", "-o", str(out), ok=False)
    assert_usage_error(run, "\\x1b[31m")
    assert "\x1b" not in run.stderr


# -- found by an attacker's review ------------------------------------------------------


def test_a_link_to_standard_output_is_never_replaced_even_while_it_leads_to_a_file(tmp_path):
    """/dev/stdout is a link to /proc/self/fd/1: with stdout redirected to a file, --force replaced the
    link itself (as root, /dev/stdout for the whole machine). A copy of that link in tmp_path is refused."""
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    sink = tmp_path / "redirected.txt"
    env = {k: v for k, v in os.environ.items() if k != "QANTAR_DATA"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    with open(sink, "wb") as out:
        done = subprocess.run([sys.executable, "-m", "qantar_cli", "export", "bibtex", "-o", str(link), "--force"],
                              stdout=out, stderr=subprocess.PIPE, env=env, check=False)
    assert done.returncode == 2, done.stderr
    assert b"symbolic link to an open stream" in done.stderr and b"Traceback" not in done.stderr
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"
    assert sink.read_bytes() == b"" and _leftovers(tmp_path, "stdout", "redirected.txt") == []


@pytest.mark.parametrize("target", ["/dev/null", "/proc/self/fd/2", "."])
def test_a_link_to_a_device_a_stream_or_a_directory_is_refused_with_force(tmp_path, target):
    link = tmp_path / "out.bib"
    link.symlink_to(target if target != "." else str(tmp_path))
    with pytest.raises(QueryError, match="symbolic link to"):
        atomic.check(str(link), force=True)
    assert link.is_symlink()


def test_the_knowledge_file_being_read_is_never_the_output(tmp_path):
    data = tmp_path / "kb.yaml"
    data.write_bytes(MINI.read_bytes())
    run = invoke("export", "html", "-o", str(data), "--force", data=data, ok=False)
    assert_usage_error(run, "is the knowledge file being read")
    assert data.read_bytes() == MINI.read_bytes() and _leftovers(tmp_path, "kb.yaml") == []


def test_force_keeps_a_replaced_files_permissions(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(OLD)
    target.chmod(0o444)
    atomic.write(str(target), lambda h: h.write(b"new"), force=True)
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o444


def test_several_files_are_all_written_or_none(tmp_path):
    first, second = tmp_path / "q.db", tmp_path / "m.json"
    first.write_bytes(OLD)
    with pytest.raises(atomic.WriteFailed, match="no file was written"):
        atomic.write_all([(str(first), lambda h: h.write(b"new db"), "output"),
                          (str(second), _half_then_full, "metadata")], force=True)
    assert first.read_bytes() == OLD and not second.exists()
    assert _leftovers(tmp_path, "q.db") == []
    atomic.write_all([(str(first), lambda h: h.write(b"new db"), "output"),
                      (str(second), lambda h: h.write(b"{}"), "metadata")], force=True)
    assert first.read_bytes() == b"new db" and second.read_bytes() == b"{}"


def test_a_metadata_file_that_cannot_be_written_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    out, meta = tmp_path / "q.db", tmp_path / "m.json"
    out.write_bytes(OLD)
    calls = []

    def fills_on_the_second(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", fills_on_the_second)
    run = invoke("export", "sqlite", "-o", str(out), "--metadata", str(meta), "--force", ok=False)
    assert_usage_error(run, "No space left on device", "no file was written", code=1)
    assert out.read_bytes() == OLD and not meta.exists() and _leftovers(tmp_path, "q.db") == []


@pytest.mark.parametrize("signum", ["SIGTERM", "SIGHUP"])
def test_a_termination_signal_while_writing_removes_the_file_and_ends_with_its_code(tmp_path, signum):
    import signal

    number = getattr(signal, signum)
    target = tmp_path / "out.txt"
    target.write_bytes(OLD)

    def signalled(handle):
        handle.write(b"half")
        os.kill(os.getpid(), number)

    with pytest.raises(atomic.Ended) as ended:
        atomic.write(str(target), signalled, force=True)
    assert ended.value.signum == number
    assert target.read_bytes() == OLD and _leftovers(tmp_path, "out.txt") == []
    assert signal.getsignal(number) is signal.SIG_DFL  # as it was before the write


def test_the_command_ends_with_128_plus_the_signal_and_quietly(tmp_path, monkeypatch):
    import signal

    def terminated(fd):
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(atomic.os, "fsync", terminated)
    run = invoke("export", "bibtex", "-o", str(tmp_path / "s.bib"), ok=False)
    assert run.code == 128 + signal.SIGTERM and run.stderr == "" and run.stdout == ""
    assert os.listdir(tmp_path) == []
