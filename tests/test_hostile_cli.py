"""Hostile terminals, streams and arguments: one clear sentence, the right exit code, nothing lost.

Each test is a regression test for a case found by attacking the command
line (issue 8, section 2); they run qantar as a real process where the
operating system is part of the case.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from conftest import MINI, invoke
from test_hostile import qantar

GOOD = MINI.read_text(encoding="utf-8")
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def stderr_lines(done):
    text = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in text
    assert not CONTROLS.search(text.replace("\n", "")), text
    return text.splitlines()


# -- 1. nothing from a file name or a value reaches the terminal as control ----------


def test_a_hostile_file_name_stays_one_visible_line(tmp_path):
    path = tmp_path / "evil\x1b[31m\nname\u202e.yaml"
    path.write_text("sources: [\n", encoding="utf-8")
    done = qantar("--data", str(path), "timeline", env={"QANTAR_NO_CACHE": "1"})
    assert done.returncode == 1
    [line] = stderr_lines(done)
    assert "evil\\x1b[31m\\nname\\u202e.yaml" in line and "not valid YAML" in line


def test_a_hostile_value_in_a_usage_error_is_escaped():
    done = qantar("timeline", "--region", "evil\x1b]8;;x\x07\nname")
    assert done.returncode == 2
    text = "\n".join(stderr_lines(done))
    assert "evil\\x1b]8;;x\\x07" in text and "name" in text


def test_a_hostile_unknown_option_is_escaped():
    done = qantar("timeline", "--\x1b[2J")
    assert done.returncode == 2
    assert "\\x1b[2J" in "\n".join(stderr_lines(done))


# -- 2. JSON never carries raw C1 controls, DEL or bidirectional overrides -----------


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_json_escapes_c1_del_and_bidi(tmp_path, fmt):
    title = "a\u0085b\u009bc\x7fd\u202ee\u2066f\u2028g"
    path = tmp_path / "kb.yaml"
    path.write_text(GOOD.replace('title: "State of emergency"', "title: " + json.dumps(title)), encoding="utf-8")
    out = invoke("timeline", "-f", fmt, data=path).stdout
    assert not CONTROLS.search(out.replace("\n", "")) and "\u2028" not in out
    for escape in ("\\u0085", "\\u009b", "\\u007f", "\\u202e", "\\u2066", "\\u2028"):
        assert escape in out
    records = json.loads(out) if fmt == "json" else [json.loads(line) for line in out.splitlines()]
    assert title in [r["title"] for r in records]  # still exact once parsed


# -- 5. CSV to an ASCII-only stdout -----------------------------------------------------


@pytest.mark.parametrize("env", [{"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
                                 {"PYTHONIOENCODING": "ascii"}])
def test_csv_on_an_ascii_locale_is_exact_utf8(env):
    done = qantar("places", "-f", "csv", env=env)
    assert done.returncode == 0, done.stderr
    assert "Маңғыстау облысы" in done.stdout.decode("utf-8")
    stderr_lines(done)


# -- 7. absurd terminal widths are clamped ------------------------------------------------


@pytest.mark.parametrize("columns", ["0", "-5", "abc", "1000000"])
def test_absurd_columns_are_clamped(columns):
    start = time.monotonic()
    done = qantar("timeline", "--date", "2022-01-05", env={"COLUMNS": columns})
    assert done.returncode == 0 and done.stdout
    assert max(len(line) for line in done.stdout.decode().splitlines()) <= 500
    assert time.monotonic() - start < 10


# -- 8. a full device ------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
@pytest.mark.parametrize("args", [["timeline"], ["timeline", "--json"], ["figures", "-f", "csv"], ["show", "csto"],
                                  ["sources", "kazinform"]])
def test_a_full_device_is_one_sentence_and_exit_1(args):
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "qantar_cli", *args], stdout=full, stderr=subprocess.PIPE,
                              timeout=60)
    assert done.returncode == 1
    assert "qantar: cannot write the output: No space left on device" in done.stderr.decode()
    assert "Traceback" not in done.stderr.decode() and "Exception ignored" not in done.stderr.decode()


# -- 9. the answer does not depend on the reader ------------------------------------------


def test_validate_with_problems_exits_1_even_when_the_reader_leaves(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("value: 238", "value: many").replace("places: [pavlodar]", "places: [nowhere]"),
                   encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    cmd = f"{sys.executable} -m qantar_cli validate {bad} | head -c1 >/dev/null; exit ${{PIPESTATUS[0]}}"
    done = subprocess.run(["bash", "-c", cmd], capture_output=True, env=env, timeout=60)
    assert done.returncode == 1
    assert b"Traceback" not in done.stderr


# -- 10. a deleted working directory ---------------------------------------------------------


def test_a_deleted_working_directory_is_named(tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    cmd = f"cd {gone} && rmdir {gone} && {sys.executable} -m qantar_cli timeline --json"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    done = subprocess.run(["bash", "-c", cmd], capture_output=True, env=env, timeout=60)
    assert done.returncode == 1 and done.stdout == b""
    assert stderr_lines(done) == ["qantar: the working directory no longer exists: change to one that does"]


# -- 13. suggestions take bounded time ---------------------------------------------------------


@pytest.mark.parametrize("option", ["--region", "--actor", "--source", "--category"])
def test_a_huge_unknown_value_is_answered_at_once(option):
    value = "mangistaw" * 11_000  # ~100 kB: near the kernel's limit for one argument
    start = time.monotonic()
    done = qantar("figures", option, value)
    assert time.monotonic() - start < 5
    assert done.returncode == 2
    [line] = [line for line in stderr_lines(done) if line.startswith("Error:")]
    assert len(line) < 600  # the value is cut short in the message


# -- 14. a closed stderr never spills onto stdout -----------------------------------------------


@pytest.mark.parametrize("args", [["timeline", "--bogus"], ["timeline", "--region", "atlantis"],
                                  ["--data", "/nonexistent.yaml", "timeline"]])
def test_with_stderr_closed_errors_never_reach_stdout(args):
    done = subprocess.run(["bash", "-c", " ".join([sys.executable, "-m", "qantar_cli", *args]) + " 2>&-"],
                          capture_output=True, timeout=60)
    assert done.stdout == b""
    assert done.returncode in (1, 2)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(("args", "code"), [(["timeline", "--date", "x"], 2),
                                            (["--data", "/nonexistent.yaml", "timeline"], 1),
                                            (["timeline", "--date", "2022-01-05", "--json"], 0)])
@pytest.mark.parametrize("stderr", ["full", "reader gone"])
def test_a_stderr_that_cannot_be_written_keeps_the_exit_code(args, code, stderr):
    """The exit code is all that is left when stderr fails: a usage error is still 2, a data problem 1, and
    an answer written in full (its note on stderr lost) still 0. All three were 1, from an unseen traceback."""
    if stderr == "full":
        with open("/dev/full", "wb") as sink:
            done = subprocess.run([sys.executable, "-m", "qantar_cli", *args], stdout=subprocess.PIPE,
                                  stderr=sink, timeout=60)
    else:
        reader, writer = os.pipe()
        os.close(reader)
        try:
            done = subprocess.run([sys.executable, "-m", "qantar_cli", *args], stdout=subprocess.PIPE,
                                  stderr=writer, timeout=60)
        finally:
            os.close(writer)
    assert done.returncode == code
    assert (done.stdout != b"") == (code == 0)


# -- 18. Ctrl-C at any moment, imports included ---------------------------------------------


SCRIPT = os.path.join(os.path.dirname(sys.executable), "qantar")


@pytest.mark.skipif(not os.path.exists(SCRIPT), reason="the console script is not installed beside this Python")
@pytest.mark.parametrize("delay", [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.12])
def test_ctrl_c_at_any_moment_is_quiet(delay):
    env = {k: v for k, v in os.environ.items() if k != "QANTAR_DATA"}
    proc = subprocess.Popen([SCRIPT, "timeline", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    if b"Traceback" in err or b"Fatal Python error" in err:
        # Only the interpreter's own start-up, or the first line of launch.py,
        # may be interrupted this way: never the import of Click or the rest.
        assert b"click" not in err and b"cli.py" not in err and b"kb/" not in err, err
    else:
        assert proc.returncode in (0, 130, -signal.SIGINT), err


def test_launch_installs_the_handler_before_anything_else():
    """The window before the handler is one builtin import: launch.py imports nothing else first."""
    import ast

    from conftest import ROOT

    tree = ast.parse((ROOT / "qantar_cli" / "launch.py").read_text(encoding="utf-8"))
    body = [node for node in tree.body if not isinstance(node, ast.Expr)]  # past the docstring
    assert ast.unparse(body[0]) == "TYPE_CHECKING = False"
    assert isinstance(body[1], ast.If) and ast.unparse(body[1].orelse[0]) == "import _signal"
    assert isinstance(body[3], ast.If) and "_signal.signal" in ast.unparse(body[3])
    init = ast.parse((ROOT / "qantar_cli" / "__init__.py").read_text(encoding="utf-8"))
    assert not [n for n in init.body if isinstance(n, (ast.Import, ast.ImportFrom))]


# -- 20. wide characters are wrapped by terminal cells -------------------------------------------


def test_wide_text_is_wrapped_by_cells_not_cut(tmp_path):
    wide = "東京" * 40  # one 160-cell word
    path = tmp_path / "kb.yaml"
    path.write_text(GOOD.replace('title: "State of emergency"', f'title: "{wide}"'), encoding="utf-8")
    out = invoke("timeline", data=path, env={"COLUMNS": "80"}).stdout
    from rich.cells import cell_len

    assert all(cell_len(line) <= 80 for line in out.splitlines())
    assert "".join(re.findall("[東京]+", out)) == wide  # every character shown, none cropped


def test_a_utf8_argument_in_an_ascii_locale_is_read_as_typed():
    """LC_ALL=C with Python's UTF-8 mode off: Тоқаев arrived as surrogate escapes and was an unknown actor."""
    env = {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    done = qantar("actors", "Тоқаев", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert [a["id"] for a in json.loads(done.stdout)] == ["kassym-jomart-tokayev"]
    done = qantar("actors", os.fsdecode(b"\xff\xfe"), env=env)  # not UTF-8: refused, shown escaped as before
    assert done.returncode == 2 and b"\\udcff\\udcfe" in done.stderr
