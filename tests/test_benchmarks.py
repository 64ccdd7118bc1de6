"""The benchmarks' generated knowledge files are valid: a scaling figure measures loading, not refusing."""

import sys

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
