"""The data ships in the wheel: build it, install it in a fresh venv, run it elsewhere."""

import json
import os
import subprocess
import sys
import venv
import zipfile

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, timeout=600)
    [built] = out.glob("qantar-*.whl")
    return built


def test_wheel_contains_the_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "qantar_cli/data/qantar.yaml" in names
    assert "qantar_cli/data/qantar.schema.json" in names
    assert not [n for n in names if n.startswith("tests/")]


def test_installed_wheel_runs_outside_the_checkout(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(bindir / "python"), "-m", "pip", "install", "-q", str(wheel)], check=True, timeout=600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("QANTAR_DATA", "PYTHONPATH")}
    env["QANTAR_CACHE_DIR"] = str(tmp_path / "cache")
    done = subprocess.run([str(bindir / "qantar"), "sources", "--json"], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    sources = json.loads(done.stdout)
    assert len(sources) == 5
    where = subprocess.run([str(bindir / "python"), "-c", "import qantar_cli.kb.files as f; print(f.bundled_path())"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60)
    assert str(env_dir) in where.stdout and str(ROOT) not in where.stdout
    table = subprocess.run([str(bindir / "qantar"), "timeline", "--date", "2022-01-05"], cwd=elsewhere, env=env,
                           capture_output=True, text=True, timeout=120)
    assert table.returncode == 0, table.stderr
    assert "2022-01-05" in table.stdout
