"""Golden tables at a fixed width: a layout change is a visible diff.

Regenerate after an intended change with ``QANTAR_UPDATE_GOLDEN=1 pytest tests/test_golden.py``.
"""

import os

import pytest
from conftest import TESTS, invoke

GOLDEN = TESTS / "golden"

CASES = {
    "timeline-100": (["timeline"], "100"),
    "figures-100": (["figures"], "100"),
    "actors-80": (["actors"], "80"),
    "disputes-100": (["disputes"], "100"),
    "timeline-narrow-30": (["timeline", "--date", "2022-01-05"], "30"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_table(name, monkeypatch):
    args, width = CASES[name]
    monkeypatch.setenv("COLUMNS", width)
    out = invoke(*args).stdout
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("QANTAR_UPDATE_GOLDEN"):
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")
    assert max(len(line) for line in out.splitlines()) <= int(width) or name.endswith("narrow-30")
