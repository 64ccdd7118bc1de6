"""The shape STYLE.md asks for: a core free of Click and Rich, JSON without Rich."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINI, ROOT

PACKAGE = ROOT / "qantar_cli"
CORE = ["__init__", "errors", "text", "dates", "display", "spec", "collections", "kb/yamlread", "kb/schema",
        "kb/rules", "kb/store", "kb/cache", "kb/quotes", "kb/validate", "find/names", "find/query", "find/complete",
        "find/fold", "find/search", "out/writers", "out/pager", "out/atomic", "out/counts"]
#: The exports, each format a module (html's too, once it is there): core modules all.
CORE += sorted(str(p.relative_to(PACKAGE).with_suffix("")) for p in (PACKAGE / "out" / "exports").glob("*.py"))


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


#: The modules that draw for people with Rich: the tables, and the timeline's bar chart, which
#: shares the tables' console but not their layout (so it is its own small module, not more of
#: tables.py). Both are imported only on the paths that draw; JSON never pays for Rich.
RICH_MODULES = {"tables.py", "chart.py"}


def test_only_tables_and_chart_import_rich_and_only_cli_imports_click():
    for path in PACKAGE.rglob("*.py"):
        mods = imported_modules(path)
        if "rich" in mods:
            assert path.name in RICH_MODULES, f"{path.name} imports Rich"
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


def test_an_export_imports_only_its_own_writer():
    mods = _modules_after("--data", str(MINI), "export", "csl-json", "-o", "-")
    assert "qantar_cli.out.exports.csl" in mods
    assert not {"rich", "sqlite3", "qantar_cli.out.exports.sqlite", "qantar_cli.out.exports.geojson",
                "qantar_cli.out.exports.timelinejs", "qantar_cli.out.exports.html"} & mods


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


# -- imports point one way ---------------------------------------------------------

#: Each module's layer: a module imports only from its own layer or below.
LAYERS = {
    "errors": 0, "problem": 0, "text": 0, "dates": 0, "display": 0, "version": 0,
    "spec": 1, "collections": 1,
    "kb": 2,
    "find": 3, "out": 3,
    "cli": 4, "launch": 4, "__main__": 4, "__init__": 4,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__") or "__init__"


def package_imports(path: Path) -> set[str]:
    """Every qantar_cli module ``path`` imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path).split(".")
    package = here[:-1] if path.name != "__init__.py" else here
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            target = base + (node.module.split(".") if node.module else [])
            for alias in node.names:
                candidate = ".".join(target + [alias.name])
                module = candidate if (PACKAGE / Path(*candidate.split("."))).with_suffix(".py").exists() \
                    or (PACKAGE / Path(*candidate.split("."))).is_dir() else ".".join(target)
                found.add(module or "__init__")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("qantar_cli"):
            found.add(node.module.removeprefix("qantar_cli").lstrip(".") or "__init__")
    return {f for f in found if f != module_name(path)}


def layer(module: str) -> int:
    return LAYERS[module.split(".")[0]]


def import_graph() -> dict[str, set[str]]:
    return {module_name(p): package_imports(p) for p in PACKAGE.rglob("*.py")}


def test_every_module_has_a_layer():
    for module in import_graph():
        assert module.split(".")[0] in LAYERS, f"{module}: add it to LAYERS"


def test_imports_point_down_the_layers():
    wrong = [f"{m} (layer {layer(m)}) imports {t} (layer {layer(t)})"
             for m, targets in import_graph().items() for t in targets
             if m != "__init__" and layer(t) > layer(m)]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    graph = import_graph()
    graph.pop("__init__", None)  # the lazy facade, imported by nothing inside
    for targets in graph.values():
        targets.discard("__init__")  # only for __version__
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(path[path.index(nxt):] + [nxt]) if nxt in path else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "\n".join(cycles)


def test_exports_sit_in_the_output_layer():
    graph = import_graph()
    exports = sorted(m for m in graph if m.startswith("out.exports"))
    assert {"out.exports", "out.exports.about", "out.exports.sqlite", "out.exports.geojson",
            "out.exports.timelinejs", "out.exports.csl", "out.exports.bibtex"} <= set(exports)
    assert all(layer(m) == 3 for m in exports + ["out.atomic"])
    assert "kb.store" in graph["out.exports.about"]  # the version comes from the knowledge base layer


def test_the_graph_sees_lazy_imports():
    graph = import_graph()
    assert "out.tables" in graph["out.writers"]  # imported inside write_table
    assert "kb.store" in graph["cli"]
