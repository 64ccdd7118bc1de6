"""Measure qantar's start-up and scaling against the interpreter's own floors.

    python benchmarks/run.py            # start-up ratios and the scaling table
    python benchmarks/run.py --quick    # fewer runs

Uses hyperfine when it is on PATH (Debian: apt-get install hyperfine), a
plain Python timing loop otherwise. Every command runs with the same Python
as this script, so the floors (`python -c pass`, `python -c "import click"`)
are measured in the same environment as qantar itself. Budgets (SPEC.md):
the JSON path at most 1.3x the `import click` floor (goal 1.2x), a table
at most 2.0x; a file 100x the bundled one under 2 s cold and 0.5 s warm.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable


def qantar() -> list[str]:
    script = os.path.join(os.path.dirname(PY), "qantar")
    return [script] if os.path.exists(script) else [PY, "-m", "qantar_cli"]


def measure(commands: dict[str, list[str]], runs: int, env: dict[str, str], warmup: int = 3,
            prepare: str | None = None) -> dict[str, float]:
    """Mean wall time in ms of each command."""
    hyperfine = shutil.which("hyperfine")
    if hyperfine:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
            export = out.name
        args = [hyperfine, "-N", "--warmup", str(warmup), "--runs", str(runs), "--export-json", export,
                "--style", "none"]
        if prepare:
            args += ["--prepare", prepare]
        for name, cmd in commands.items():
            args += [f"--command-name={name}", subprocess.list2cmdline(cmd)]
        subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL)
        with open(export, encoding="utf-8") as handle:
            results = json.load(handle)["results"]
        os.unlink(export)
        return {r["command"]: r["mean"] * 1000 for r in results}
    timings = {}
    for name, cmd in commands.items():
        samples = []
        for i in range(warmup + runs):
            if prepare:
                subprocess.run(prepare, shell=True, env=env, check=False)
            start = time.perf_counter()
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            if i >= warmup:
                samples.append((time.perf_counter() - start) * 1000)
        timings[name] = statistics.mean(samples)
    return timings


def startup(runs: int, env: dict[str, str]) -> None:
    q = qantar()
    commands = {
        "python -c pass": [PY, "-c", "pass"],
        "python -c 'import click'": [PY, "-c", "import click"],
        "timeline --date 2022-01-05 --json": q + ["timeline", "--date", "2022-01-05", "--json"],
        "timeline --date 2022-01-05 (table)": q + ["timeline", "--date", "2022-01-05"],
        "figures --source official --json": q + ["figures", "--source", "official", "--json"],
        "figures (table, every figure)": q + ["figures"],
        "qantar --help": q + ["--help"],
    }
    subprocess.run(commands["timeline --date 2022-01-05 --json"], env=env, stdout=subprocess.DEVNULL, check=True)
    times = measure(commands, runs, env)
    floor = times["python -c 'import click'"]
    budget = {"timeline --date 2022-01-05 --json": 1.3, "figures --source official --json": 1.3,
              "timeline --date 2022-01-05 (table)": 2.0, "figures (table, every figure)": 2.0}
    print(f"Start-up ({'hyperfine' if shutil.which('hyperfine') else 'timing loop'}, {runs} runs, cache warm)")
    print(f"{'command':40} {'ms':>8} {'x click':>8}  budget")
    for name, ms in times.items():
        limit = budget.get(name)
        verdict = "" if limit is None else (f"<= {limit}x  " + ("ok" if ms / floor <= limit else "OVER"))
        print(f"{name:40} {ms:8.1f} {ms / floor:8.2f}  {verdict}")


def scaling(runs: int, env: dict[str, str]) -> None:
    q = qantar()
    sys.path.insert(0, os.path.dirname(HERE))
    import yaml

    from benchmarks.generate import generate

    work = tempfile.mkdtemp(prefix="qantar-bench-")
    rows = []
    try:
        floor = measure({"floor": [PY, "-c", "import click"]}, runs, env)["floor"]
        for factor in (1, 10, 100):
            path = os.path.join(work, f"kb-{factor}x.yaml")
            with open(path, "w", encoding="utf-8") as handle:
                yaml.safe_dump(generate(factor), handle, allow_unicode=True, sort_keys=False, width=100)
            size = os.path.getsize(path)
            query = q + ["--data", path, "timeline", "--date", "2022-01-05", "--region", "almaty", "--json"]
            cold_env = dict(env, QANTAR_NO_CACHE="1")
            cold = measure({"cold": query}, max(3, runs // 5), cold_env, warmup=1)["cold"]
            subprocess.run(query, env=env, stdout=subprocess.DEVNULL, check=True)
            warm = measure({"warm": query}, runs, env)["warm"]
            rows.append((factor, size, cold, warm))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"Scaling: timeline --date 2022-01-05 --region almaty --json (import click floor {floor:.1f} ms)")
    print(f"{'size':>6} {'bytes':>11} {'cold ms':>9} {'above floor':>12} {'warm ms':>9} {'above floor':>12}")
    base_cold = rows[0][2] - floor
    base_warm = rows[0][3] - floor
    for factor, size, cold, warm in rows:
        print(f"{factor:>5}x {size:>11,} {cold:9.0f} {cold - floor:9.0f} ({(cold - floor) / base_cold:4.1f}x)"
              f" {warm:9.0f} {warm - floor:9.0f} ({(warm - floor) / max(base_warm, 1e-9):4.1f}x)")


def compile_package() -> None:
    """Write the bytecode qantar would have in any normal install.

    With PYTHONDONTWRITEBYTECODE set (some CI and sandboxes do), an editable
    install would otherwise recompile every module on every run and measure
    the compiler, not qantar.
    """
    import compileall

    package = os.path.join(os.path.dirname(HERE), "qantar_cli")
    compileall.compile_dir(package, quiet=1)


def main(argv: list[str]) -> int:
    runs = 10 if "--quick" in argv else 30
    compile_package()
    cache = tempfile.mkdtemp(prefix="qantar-bench-cache-")
    env = {k: v for k, v in os.environ.items() if k not in ("QANTAR_DATA", "QANTAR_NO_CACHE")}
    env["QANTAR_CACHE_DIR"] = cache
    env.setdefault("COLUMNS", "100")
    try:
        startup(runs, env)
        if "--no-scaling" not in argv:
            scaling(runs, env)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
