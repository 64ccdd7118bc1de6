"""The shape STYLE.md asks for: a core free of Click and Rich, JSON without Rich."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINI, ROOT

PACKAGE = ROOT / "qantar_cli"
CORE = ["__init__", "errors", "text", "dates", "display", "spec", "collections", "kb/yamlread", "kb/schema",
        "kb/rules", "kb/store", "kb/cache", "kb/quotes", "kb/validate", "find/names", "find/query", "out/writers"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("module", CORE)
def test_core_modules_import_neither_click_nor_rich(module):
    assert not imported_modules(PACKAGE / f"{module}.py") & {"click", "rich"}


def test_only_tables_imports_rich_and_only_cli_imports_click():
    for path in PACKAGE.rglob("*.py"):
        mods = imported_modules(path)
        if "rich" in mods:
            assert path.name == "tables.py"
        if "click" in mods:
            assert path.name == "cli.py"


def _modules_after(*args: str) -> set[str]:
    code = (
        "import sys\n"
        "from qantar_cli.cli import cli\n"
        f"try:\n    cli.main({list(args)!r}, prog_name='qantar')\n"
        "except SystemExit:\n    pass\n"
        "sys.stderr.write(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={"PATH": "", "QANTAR_NO_CACHE": "1", "PYTHONIOENCODING": "utf-8"})
    return set(done.stderr.split())


def test_json_output_never_imports_rich():
    mods = _modules_after("--data", str(MINI), "timeline", "--date", "2022-01-05", "--json")
    assert "rich" not in mods
    assert "qantar_cli.out.writers" in mods


def test_table_output_imports_rich():
    assert "rich" in _modules_after("--data", str(MINI), "timeline", "--date", "2022-01-05")


def test_help_never_parses_yaml():
    assert "yaml" not in _modules_after("--help")
    assert "yaml" not in _modules_after("--version")


def test_library_use_without_click():
    code = (
        "import sys\n"
        "from qantar_cli import load, select\n"
        f"kb = load({str(MINI)!r})\n"
        "print(len(select(kb, 'events', region='mangistau')))\n"
        "assert 'click' not in sys.modules and 'rich' not in sys.modules, sorted(sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={"PATH": "", "QANTAR_NO_CACHE": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2"


def test_python_dash_m_works():
    done = subprocess.run([sys.executable, "-m", "qantar_cli", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("qantar ")
