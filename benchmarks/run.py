"""Measure qantar's start-up and scaling against the interpreter's own floors.

    python benchmarks/run.py            # start-up ratios (search too) and the scaling table
    python benchmarks/run.py --quick    # fewer runs
    python benchmarks/run.py --rounds 25 [--against OTHER_CHECKOUT] [--cold-rounds N]

Uses hyperfine when it is on PATH (Debian: apt-get install hyperfine), a
plain Python timing loop otherwise. Every command runs with the same Python
as this script, so the floors (`python -c pass`, `python -c "import click"`)
are measured in the same environment as qantar itself. Budgets (SPEC.md):
the JSON path at most 1.3x the `import click` floor (goal 1.2x), a table
at most 2.0x, search at most 1.5x; a file 100x the bundled one under 2 s
cold and 0.5 s warm.

On a shared, loaded machine consecutive runs of one command drift, and so do
means. ``--rounds N`` runs every command once a round, in turn, for N rounds,
and reports medians (of wall time, and of the CPU time the process used);
``--against DIR`` also runs the same commands on the checkout in DIR, in the
same rounds, so that old and new code are compared under the same load.
Either way this checkout's code is run (``python -m qantar_cli`` with it on
``PYTHONPATH``, from a scratch directory).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import NamedTuple

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable


def qantar() -> list[str]:
    script = os.path.join(os.path.dirname(PY), "qantar")
    return [script] if os.path.exists(script) else [PY, "-m", "qantar_cli"]


def measure(commands: dict[str, list[str]], runs: int, env: dict[str, str], warmup: int = 3,
            prepare: str | None = None) -> dict[str, float]:
    """Median wall time in ms of each command (a median: other work on a shared machine skews means)."""
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
        return {r["command"]: r["median"] * 1000 for r in results}
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
        timings[name] = statistics.median(samples)
    return timings


def startup(runs: int, env: dict[str, str]) -> None:
    q = qantar()
    commands = {
        "python -c pass": [PY, "-c", "pass"],
        "python -c 'import click'": [PY, "-c", "import click"],
        "timeline --date 2022-01-05 --json": q + ["timeline", "--date", "2022-01-05", "--json"],
        "timeline --date 2022-01-05 (table)": q + ["timeline", "--date", "2022-01-05"],
        "figures --source official --json": q + ["figures", "--source", "official", "--json"],
        "search zhanaozen --json": q + ["search", "zhanaozen", "--json"],
        "search Жанаозен --json (transliterates)": q + ["search", "Жанаозен", "--json"],
        "figures (table, every figure)": q + ["figures"],
        "qantar --help": q + ["--help"],
    }
    subprocess.run(commands["timeline --date 2022-01-05 --json"], env=env, stdout=subprocess.DEVNULL, check=True)
    times = measure(commands, runs, env)
    floor = times["python -c 'import click'"]
    subprocess.run(commands["search zhanaozen --json"], env=env, stdout=subprocess.DEVNULL, check=True)  # the index
    budget = {"timeline --date 2022-01-05 --json": 1.3, "figures --source official --json": 1.3,
              "search zhanaozen --json": 1.5,
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
            # Cold: a first run, with an empty cache, which it then writes.
            empty = os.path.join(work, "cold-cache")
            cold_env = dict(env, QANTAR_CACHE_DIR=empty)
            cold = measure({"cold": query}, max(3, runs // 5), cold_env, warmup=1,
                           prepare=f"rm -rf {shlex.quote(empty)}")["cold"]
            subprocess.run(query, env=env, stdout=subprocess.DEVNULL, check=True)
            warm = measure({"warm": query}, runs, env)["warm"]
            rows.append((factor, size, cold, warm))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"Scaling: timeline --date 2022-01-05 --region almaty --json (import click floor {floor:.1f} ms;")
    print("cold: the first run, with an empty cache; warm: every run after it)")
    print(f"{'size':>6} {'bytes':>11} {'cold ms':>9} {'above floor':>12} {'warm ms':>9} {'above floor':>12}")
    base_cold = rows[0][2] - floor
    base_warm = rows[0][3] - floor
    for factor, size, cold, warm in rows:
        print(f"{factor:>5}x {size:>11,} {cold:9.0f} {cold - floor:9.0f} ({(cold - floor) / base_cold:4.1f}x)"
              f" {warm:9.0f} {warm - floor:9.0f} ({(warm - floor) / max(base_warm, 1e-9):4.1f}x)")


class Timing(NamedTuple):
    """A command's median wall and CPU time in ms, and the exit code of a run that failed (else None)."""

    wall: float
    cpu: float
    failed: int | None = None


def interleaved(commands: dict[str, tuple[list[str], dict[str, str]]], rounds: int,
                prepare: dict[str, str] | None = None,
                walls: dict[str, list[float]] | None = None) -> dict[str, Timing]:
    """Median wall and CPU ms of each command, each round running every command once.

    ``prepare`` maps a command to a directory emptied before each of its runs (a cold cache);
    ``walls``, when given, receives every run's wall time, by command. A command that fails is
    timed all the same, and says so (an older checkout may lack a command: its time is no answer's).
    """
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    failed: dict[str, int] = {}
    scratch = tempfile.mkdtemp(prefix="qantar-bench-cwd-")
    try:
        for cmd, env in commands.values():  # one warm-up each: bytecode, page cache, the cache
            subprocess.run(cmd, env=env, cwd=scratch, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)
        for _ in range(rounds):
            for name, (cmd, env) in commands.items():
                if prepare and name in prepare:
                    shutil.rmtree(prepare[name], ignore_errors=True)
                start = time.perf_counter()
                child = subprocess.Popen(cmd, env=env, cwd=scratch, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
                _, status, usage = os.wait4(child.pid, 0)
                wall = (time.perf_counter() - start) * 1000
                if os.waitstatus_to_exitcode(status) != 0:
                    failed.setdefault(name, os.waitstatus_to_exitcode(status))
                samples[name].append((wall, (usage.ru_utime + usage.ru_stime) * 1000))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if walls is not None:
        walls.update({name: [w for w, _ in found] for name, found in samples.items()})
    return {name: Timing(statistics.median(w for w, _ in found), statistics.median(c for _, c in found),
                         failed.get(name)) for name, found in samples.items()}


#: The budget of a first (uncached) query of the 100x file, in ms (SPEC.md).
COLD_BUDGET = 2000


def compare(rounds: int, against: str | None, env: dict[str, str], scaling_too: bool,
            cold_rounds: int | None = None) -> None:
    """Interleaved medians: this checkout, and optionally another, against the click floor.

    The cold 100x query runs ``cold_rounds`` rounds (a fifth of ``rounds``, at least 3, by
    default), and how many of them were within its budget is said too: its median alone
    hides how often a loaded machine pushes it over.
    """
    trees = {"now": os.path.dirname(HERE)}
    if against:
        trees = {"other": os.path.abspath(against), **trees}
    caches = {tag: tempfile.mkdtemp(prefix=f"qantar-bench-{tag}-") for tag in trees}

    def runs(args: list[str] | dict[str, list[str]],
             cold: bool = False) -> dict[str, tuple[list[str], dict[str, str]]]:
        """The commands of one row; ``args`` the same for every checkout, or by checkout."""
        made = {"import click": ([PY, "-c", "import click"], env)}
        for tag, tree in trees.items():
            cache = os.path.join(caches[tag], "cold" if cold else "warm")
            mine = args[tag] if isinstance(args, dict) else args
            made[tag] = ([PY, "-m", "qantar_cli", *mine], dict(env, PYTHONPATH=tree, QANTAR_CACHE_DIR=cache))
        return made

    def show(title: str, found: dict[str, Timing]) -> None:
        floor = found["import click"]
        print(f"{title}")
        for name, (wall, cpu, failed) in found.items():
            said = f"   FAILED (exit {failed}): not comparable" if failed is not None else ""
            print(f"  {name:14} wall {wall:8.1f} ms {wall / floor.wall:6.2f}x"
                  f"   cpu {cpu:8.1f} ms {cpu / floor.cpu:6.2f}x{said}")

    try:
        print(f"Interleaved medians of {rounds} rounds ({', '.join(f'{t}: {p}' for t, p in trees.items())})")
        for args in (["timeline", "--date", "2022-01-05", "--json"], ["figures", "--source", "official", "--json"],
                     ["search", "zhanaozen", "--json"], ["timeline", "--date", "2022-01-05"], ["figures"],
                     ["--help"]):
            show(" ".join(args), interleaved(runs(args), rounds))
        if not scaling_too:
            return
        # Each checkout reads a file 100 times its own bundled one, written by its own generator: the
        # knowledge model changes between versions, and an older one would refuse a newer file.
        files = {tag: generated(tree, 100, os.path.join(caches[tag], "kb-100x.yaml"), env)
                 for tag, tree in trees.items()}
        print("100x files: " + ", ".join(f"{tag} {os.path.getsize(path):,} bytes" for tag, path in files.items()))
        query = {tag: ["--data", path, "timeline", "--date", "2022-01-05", "--region", "almaty", "--json"]
                 for tag, path in files.items()}
        show("100x, warm: " + " ".join(query["now"][2:]), interleaved(runs(query), rounds))
        cold = runs(query, cold=True)
        empty = {tag: cold[tag][1]["QANTAR_CACHE_DIR"] for tag in trees}
        walls: dict[str, list[float]] = {}
        show("100x, cold (the first run: an empty cache, then written)",
             interleaved(cold, cold_rounds or max(3, rounds // 5), prepare=empty, walls=walls))
        for tag in trees:
            within = sum(wall < COLD_BUDGET for wall in walls[tag])
            print(f"  {tag:14} under {COLD_BUDGET} ms in {within} of {len(walls[tag])} rounds"
                  f" ({min(walls[tag]):.0f} to {max(walls[tag]):.0f} ms)")
        if against:  # the load changes from round to round; within one round both ran under about the same
            ratios = sorted(old / new for old, new in zip(walls["other"], walls["now"], strict=True))
            print(f"  other / now, round by round: median {statistics.median(ratios):.2f}"
                  f" ({ratios[0]:.2f} to {ratios[-1]:.2f})")
    finally:
        for cache in caches.values():
            shutil.rmtree(cache, ignore_errors=True)


def generated(tree: str, factor: int, path: str, env: dict[str, str]) -> str:
    """Write, with the generator of the checkout in ``tree``, a file ``factor`` times its bundled one; its path."""
    subprocess.run([PY, os.path.join(tree, "benchmarks", "generate.py"), str(factor), path],
                   env=dict(env, PYTHONPATH=tree), check=True, stdout=subprocess.DEVNULL)
    return path


def compile_package(package: str = os.path.join(os.path.dirname(HERE), "qantar_cli")) -> None:
    """Write the bytecode qantar would have in any normal install.

    With PYTHONDONTWRITEBYTECODE set (some CI and sandboxes do), an editable
    install would otherwise recompile every module on every run and measure
    the compiler, not qantar.
    """
    import compileall

    compileall.compile_dir(package, quiet=1)


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/run.py", description="Measure qantar's start-up and scaling against the interpreter's "
        "own floors (python -c pass, python -c 'import click'), with the Python that runs this script.")
    parser.add_argument("--quick", action="store_true", help="10 runs a command instead of 30")
    parser.add_argument("--rounds", type=_positive, metavar="N",
                        help="run every command once a round, in turn, for N rounds, and report medians")
    parser.add_argument("--against", metavar="DIR",
                        help="with --rounds: also run another checkout's code in the same rounds")
    parser.add_argument("--cold-rounds", type=_positive, metavar="N",
                        help="with --rounds: rounds of the cold 100x query (a fifth of --rounds by default)")
    parser.add_argument("--no-scaling", action="store_true", help="leave out the generated 10x and 100x files")
    found = parser.parse_args(argv)
    if found.rounds is None and (found.against or found.cold_rounds):
        parser.error("--against and --cold-rounds go with --rounds N")
    if found.against and not os.path.isdir(os.path.join(found.against, "qantar_cli")):
        parser.error(f"--against {found.against}: not a checkout of qantar (no qantar_cli folder in it)")
    if found.against and not found.no_scaling and not os.path.isfile(
            os.path.join(found.against, "benchmarks", "generate.py")):
        parser.error(f"--against {found.against}: it has no benchmarks/generate.py to write its own 100x file "
                     f"with (add --no-scaling)")
    return found


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def _usable() -> str | None:
    """Why this Python cannot run what is measured, or None."""
    probe = subprocess.run([PY, "-c", "import click, rich, yaml"], check=False, capture_output=True, text=True)
    if probe.returncode != 0:
        return (f"{PY} cannot import click, rich and PyYAML, which qantar needs: run this script with the "
                f"Python qantar is installed in (for example .venv/bin/python benchmarks/run.py)")
    return None


def main(argv: list[str]) -> int:
    arguments = _arguments(argv)
    problem = _usable()
    if problem:
        print(f"benchmarks/run.py: {problem}", file=sys.stderr)
        return 1
    try:
        return _run(arguments)
    except subprocess.CalledProcessError as failed:
        command = failed.cmd if isinstance(failed.cmd, str) else shlex.join(map(str, failed.cmd))
        print(f"benchmarks/run.py: a measured command failed (exit {failed.returncode}): {command[:300]}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _run(arguments: argparse.Namespace) -> int:
    runs = 10 if arguments.quick else 30
    compile_package()
    if arguments.rounds is not None:
        if arguments.against:
            compile_package(os.path.join(arguments.against, "qantar_cli"))
        env = {k: v for k, v in os.environ.items() if k not in ("QANTAR_DATA", "QANTAR_NO_CACHE", "PYTHONPATH")}
        env.setdefault("COLUMNS", "100")
        compare(arguments.rounds, arguments.against, env, not arguments.no_scaling, arguments.cold_rounds)
        return 0
    cache = tempfile.mkdtemp(prefix="qantar-bench-cache-")
    env = {k: v for k, v in os.environ.items() if k not in ("QANTAR_DATA", "QANTAR_NO_CACHE")}
    env["QANTAR_CACHE_DIR"] = cache
    # This checkout's code, whatever is installed, and no checkout in the working directory first.
    env["PYTHONPATH"] = os.path.dirname(HERE)
    os.chdir(tempfile.gettempdir())
    env.setdefault("COLUMNS", "100")
    try:
        startup(runs, env)
        if not arguments.no_scaling:
            scaling(runs, env)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
