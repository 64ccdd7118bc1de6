"""The benchmark script: its generated knowledge files are valid (a scaling figure measures loading, not refusing), and it says how it is used."""

import sys

import pytest
import yaml
from conftest import ROOT

from qantar_cli import load


def test_a_generated_file_loads_with_every_copy(tmp_path):
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.generate import generate
    finally:
        sys.path.remove(str(ROOT))
    out = tmp_path / "kb-3x.yaml"
    out.write_text(yaml.safe_dump(generate(3), allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    kb = load(out, use_cache=False)  # raises DataError on any problem
    bundled = load(None, use_cache=False)
    assert kb.counts()["events"] == 3 * bundled.counts()["events"]
    assert kb.counts()["places"] == bundled.counts()["places"]


def _run_module():
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks import run
    finally:
        sys.path.remove(str(ROOT))
    return run


def test_the_benchmark_script_says_how_it_is_used(capsys):
    run = _run_module()
    for argv, said in ((["--help"], "--rounds N"), (["--rounds", "0"], "1 or more"),
                       (["--cold-rounds", "3"], "go with --rounds"), (["--rounds", "2", "--against", str(ROOT / "data")],
                                                                     "not a checkout")):
        try:
            run.main(argv)
        except SystemExit as ended:
            code = ended.code
        else:
            code = None
        out, err = capsys.readouterr()
        assert code == (0 if argv == ["--help"] else 2), argv
        assert said in (out if argv == ["--help"] else err), argv
        assert "Traceback" not in out + err


def test_a_python_that_cannot_run_qantar_is_named_not_measured(capsys, monkeypatch):
    run = _run_module()
    monkeypatch.setattr(run, "PY", "/bin/false")
    monkeypatch.setattr(run, "compile_package", lambda *a: pytest.fail("measured anyway"))
    assert run.main(["--quick"]) == 1
    err = capsys.readouterr().err
    assert "cannot import click" in err and "/bin/false" in err and len(err.splitlines()) == 1


def test_another_checkout_is_measured_on_a_file_of_its_own_generator(tmp_path, capsys, monkeypatch):
    run = _run_module()
    monkeypatch.setattr(run, "compile_package", lambda *a: pytest.fail("measured anyway"))
    bare = tmp_path / "old"
    (bare / "qantar_cli").mkdir(parents=True)  # a checkout with no generator: its 100x file cannot be written
    with pytest.raises(SystemExit) as ended:
        run.main(["--rounds", "2", "--against", str(bare)])
    err = capsys.readouterr().err
    assert ended.value.code == 2 and "no benchmarks/generate.py" in err and "--no-scaling" in err
    assert "Traceback" not in err
    path = run.generated(str(ROOT), 2, str(tmp_path / "kb-2x.yaml"), {"PATH": "/usr/bin:/bin"})
    assert load(path, use_cache=False).counts()["events"] == 2 * load(None, use_cache=False).counts()["events"]


def test_a_command_that_fails_is_marked_not_passed_off_as_a_time():
    run = _run_module()
    env = {"PATH": "/usr/bin:/bin"}
    found = run.interleaved({"fine": ([sys.executable, "-c", "pass"], env),
                             "gone": ([sys.executable, "-c", "raise SystemExit(2)"], env)}, 2)
    assert found["fine"].failed is None and found["gone"].failed == 2
    assert found["gone"].wall > 0  # timed all the same, and marked
