"""Shared test set-up: a clean environment, a fixed width, and a runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qantar_cli.cli import cli

TESTS = Path(__file__).parent
ROOT = TESTS.parent
MINI = TESTS / "fixtures" / "mini.yaml"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(autouse=True)
def env_setup(monkeypatch, tmp_path_factory):
    """No stray QANTAR_DATA, a fixed terminal width, a private cache, no colour overrides."""
    for name in ("QANTAR_DATA", "NO_COLOR", "FORCE_COLOR", "QANTAR_NO_CACHE", "TERM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "50")
    monkeypatch.setenv("QANTAR_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


class Run:
    """A finished CLI invocation, with stdout and stderr kept apart."""

    def __init__(self, result):
        self.result = result
        self.code = result.exit_code
        self.stdout = result.stdout
        self.stderr = result.stderr

    def json(self):
        return json.loads(self.stdout)

    def ids(self):
        return [r["id"] for r in self.json()]


def invoke(*args: str, data: Path | str | None = MINI, ok: bool = True, env: dict | None = None) -> Run:
    """Run ``qantar [--data DATA] ARGS``.

    With ``ok`` (the default) any non-zero exit fails the test and shows
    stderr, as httpie's ``http()`` helper does.
    """
    argv = (["--data", str(data)] if data is not None else []) + list(args)
    result = CliRunner().invoke(cli, argv, env=env, catch_exceptions=False)
    run = Run(result)
    if ok and run.code != 0:
        pytest.fail(f"qantar {' '.join(argv)} exited {run.code}\nstderr:\n{run.stderr}")
    return run


def assert_usage_error(run: Run, *fragments: str, code: int = 2) -> None:
    """An error: the right exit code, empty stdout, a useful sentence, no traceback."""
    assert run.code == code, run.stderr
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    for fragment in fragments:
        assert fragment in run.stderr, run.stderr


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """A cache directory of the test's own (not yet created)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("QANTAR_CACHE_DIR", str(folder))
    return folder
