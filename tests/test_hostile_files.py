"""Hostile knowledge files, streams and names: refused in one sentence, quickly, with no traceback.

Each test here failed before the loader was hardened (see the commit that
added it): a flood of problems, huge integers, unbounded streams, deep place
chains, ids ending in a newline, unreadable article texts, and control
characters in file names, tags and keys.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import threading
import time

import pytest
from conftest import MINI, ROOT

from qantar_cli.errors import DataError, Problem
from qantar_cli.kb import rules
from qantar_cli.kb.files import MAX_BYTES
from qantar_cli.kb.store import load
from qantar_cli.text import visible

GOOD = MINI.read_text(encoding="utf-8")


def qantar(*args, stdin=None, input=None, timeout=120):
    """Run ``python -m qantar_cli ARGS`` from this checkout, as a real process."""
    env = {k: v for k, v in os.environ.items() if k not in ("QANTAR_DATA", "FORCE_COLOR", "NO_COLOR")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env["QANTAR_NO_CACHE"] = "1"
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "qantar_cli", *args], capture_output=stdin is None or input is not None,
                          check=False, stdin=stdin, input=input, env=env, timeout=timeout)
    done.elapsed = time.monotonic() - start
    return done


def refused(done, *fragments):
    """Exit 1, nothing on stdout, one-line ``qantar: file...: message`` sentences on stderr, no traceback."""
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 1, (done.returncode, err[-2000:])
    assert done.stdout == b""
    assert "Traceback" not in err
    for line in err.splitlines():
        assert line.startswith("qantar: "), line
    for fragment in fragments:
        assert fragment in err, err[-2000:]
    return err


def write(tmp_path, text, name="kb.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- 3. streams and devices ---------------------------------------------------------

TOO_LARGE = "the file is larger than 64 MiB; a knowledge file may be at most 64 MiB"


def test_a_large_regular_file_is_refused_without_reading(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    done = qantar("--data", str(path), "sources")
    assert refused(done, TOO_LARGE).strip() == f"qantar: {path}: {TOO_LARGE}"
    assert done.elapsed < 10


def test_a_stream_longer_than_the_limit_is_refused_not_cut(tmp_path):
    # Valid YAML all the way: cut at the limit it would have loaded as "empty", silently wrong.
    stream = b"# padding\n" * ((MAX_BYTES // 10) + 2)
    done = qantar("--data", "/dev/stdin", "sources", input=stream)
    assert refused(done, TOO_LARGE).strip() == f"qantar: /dev/stdin: {TOO_LARGE}"


def test_a_stream_within_the_limit_loads():
    done = qantar("--data", "/dev/stdin", "sources", "--json", input=MINI.read_bytes())
    assert done.returncode == 0, done.stderr
    assert "trt-2023-coup-attempt" in [s["id"] for s in json.loads(done.stdout)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("size, ok", [(None, True), (MAX_BYTES + 1, False)])
def test_named_pipe(tmp_path, size, ok):
    fifo = tmp_path / "kb.fifo"
    os.mkfifo(fifo)
    content = MINI.read_bytes() if size is None else b"#" * size

    def feed():
        try:
            with open(fifo, "wb") as writer:
                writer.write(content)
        except BrokenPipeError:
            pass  # the reader stopped at the limit

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    done = qantar("--data", str(fifo), "sources", "--json", timeout=60)
    writer.join(10)
    if ok:
        assert done.returncode == 0, done.stderr
        assert len(json.loads(done.stdout)) == 3
    else:
        refused(done, TOO_LARGE)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_a_device_is_refused_without_reading_it():
    done = qantar("--data", "/dev/zero", "sources", timeout=30)
    refused(done, "/dev/zero: is a character device, not a knowledge file")
    assert done.elapsed < 10


def test_a_name_with_a_nul_is_a_sentence():
    with pytest.raises(DataError, match="NUL"):
        load("kb\0.yaml", use_cache=False)


# -- 4. place chains ---------------------------------------------------------------


def chain(n: int, cycle: bool = False) -> dict:
    """Places p0 within p1 within ... within p(n-1), within the country (or back within p0)."""
    places = [{"id": "kz", "name": "KZ", "kind": "country", "within": None}]
    for i in range(n):
        parent = f"p{i + 1}" if i + 1 < n else ("p0" if cycle else "kz")
        places.append({"id": f"p{i}", "name": f"P{i}", "kind": "site", "within": parent})
    return {"places": places}


def test_a_deep_place_chain_is_checked_in_linear_time():
    start = time.monotonic()
    assert rules.check(chain(20_000)) == []
    assert time.monotonic() - start < 10  # before: 200 million steps, about a minute


def test_a_long_cycle_is_reported_once_per_place_and_fast():
    start = time.monotonic()
    issues = rules.check(chain(20_000, cycle=True))
    assert time.monotonic() - start < 10
    assert len(issues) == 20_000
    assert issues[0] == (("places", 1, "id"), "the place 'p0' lies within itself")


def test_only_the_places_on_a_cycle_lie_within_themselves():
    parents = {"tail": "a", "a": "b", "b": "c", "c": "a", "d": None, "e": "missing", "f": ["not", "an", "id"]}
    assert rules.places_within_themselves(parents) == {"a", "b", "c"}
    assert rules.places_within_themselves({"self": "self"}) == {"self"}


# -- 5. a trailing newline is not the end of an id ----------------------------------


def test_rules_regexes_read_dollar_as_ecma_does():
    root = {"sources": [{"id": "kazinform-2025\n", "published": "2025-01", "stance": "official"}]}
    expected = "a source id starts with the publisher's short name and the year, like kazinform-2025-chronology"
    assert rules.check(root) == [(("sources", 0, "id"), expected)]


# -- 7. control characters never reach the terminal ------------------------------------


def test_visible_escapes_every_control_and_nothing_else():
    assert visible("a\x1b[31mb\nc\td\re\x00f\x7fg\x85h\x9bi") == r"a\x1b[31mb\nc\td\re\x00f\x7fg\x85h\x9bi"
    assert visible("\u2028\u2029\u202a\u202e\u2066\u2069") == r"\u2028\u2029\u202a\u202e\u2066\u2069"
    assert visible("Қанды Қаңтар — «Tokayev» é 🙂 \\x") == "Қанды Қаңтар — «Tokayev» é 🙂 \\x"
    assert visible("\udcff") == r"\udcff"  # an undecodable byte in a file name


def test_visible_is_a_cheap_leaf_module():
    code = "import sys; before = set(sys.modules); import qantar_cli.text; print(sorted(set(sys.modules) - before))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          env={"PYTHONPATH": str(ROOT)})
    assert done.stdout.strip() == "['qantar_cli', 'qantar_cli.text']", done.stderr


def test_problem_is_a_frozen_dataclass_printed_on_one_line():
    problem = Problem("a\nb\x1b.yaml", 3, "unknown field '\x1b[2J'\u202e")
    assert dataclasses.is_dataclass(problem)
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.line = 4
    assert str(problem) == r"a\nb\x1b.yaml:3: unknown field '\x1b[2J'\u202e"
    assert str(Problem("kb.yaml", None, "is a directory")) == "kb.yaml: is a directory"
    assert problem == Problem("a\nb\x1b.yaml", 3, "unknown field '\x1b[2J'\u202e") and len({problem, problem}) == 1
    assert problem.message == "unknown field '\x1b[2J'\u202e"  # the data stays as it was; only printing escapes
    error = DataError.single("kb.yaml", "no such file")
    assert error.problems == [Problem("kb.yaml", None, "no such file")] and error.total == 1
    assert str(error) == "kb.yaml: no such file"


def assert_no_controls(err: str) -> None:
    for char in "\x1b\r\x07\u202e\u2028\x9b":
        assert char not in err, repr(err)
    assert "Traceback" not in err


def test_a_file_name_with_a_newline_and_an_escape(tmp_path):
    path = write(tmp_path, "sources: nope\n", name="evil\n\x1b[31mred.yaml")
    done = qantar("--data", str(path), "sources")
    err = refused(done, r"evil\n\x1b[31mred.yaml:1: sources: must be a list")
    assert_no_controls(err)
    assert len(err.splitlines()) == err.count("qantar: ")  # one problem, one line
    missing = qantar("--data", str(tmp_path / "gone\n\x1b]0;title\x07.yaml"), "sources")
    assert_no_controls(refused(missing, r"gone\n\x1b]0;title\x07.yaml: no such file"))


def test_a_hostile_tag_is_shown_escaped(tmp_path):
    path = write(tmp_path, "sources: !<%1b[31m%e2%80%ae> x\n")  # PyYAML percent-decodes tags
    err = refused(qantar("--data", str(path), "sources"), r"the tag \x1b[31m\u202e is not allowed")
    assert_no_controls(err)


def test_a_hostile_unknown_key_is_shown_escaped(tmp_path):
    text = GOOD.replace("sources:\n", 'sources:\n', 1) + '"\\e[2J\\u2028\\u202e": 1\n'
    err = refused(qantar("--data", str(write(tmp_path, text)), "sources"), r"\x1b[2J\u2028\u202e: unknown field")
    assert_no_controls(err)
    # and through `validate`, whose lines go to stdout
    done = qantar("validate", str(write(tmp_path, text, name="evil\x1b.yaml")))
    out = done.stdout.decode()
    assert done.returncode == 1 and "\x1b" not in out and r"evil\x1b.yaml" in out
    assert_no_controls(done.stderr.decode())


# -- the warm path pays for none of this --------------------------------------------


def test_the_warm_json_path_imports_nothing_for_errors(tmp_path):
    code = (
        "import sys\n"
        "from qantar_cli.cli import cli\n"
        "try:\n    cli.main(['timeline', '--date', '2022-01-05', '--json'], prog_name='qantar')\n"
        "except SystemExit:\n    pass\n"
        "sys.stderr.write(' '.join(sorted(sys.modules)))\n"
    )
    env = {"PATH": "", "PYTHONPATH": str(ROOT), "QANTAR_CACHE_DIR": str(tmp_path / "cache"), "PYTHONIOENCODING": "utf-8"}
    subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=60, check=True)  # fills the cache
    warm = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60, check=True)
    mods = set(warm.stderr.split())
    assert "qantar_cli.kb.store" in mods  # it did load
    assert not mods & {"yaml", "dataclasses", "qantar_cli.problem", "qantar_cli.text", "qantar_cli.kb.yamlread",
                       "qantar_cli.kb.schema", "qantar_cli.kb.rules"}
