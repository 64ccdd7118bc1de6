"""Regenerate the README's example output, or check that it has not drifted.

    python tools/readme_examples.py           # rewrite README.md in place
    python tools/readme_examples.py --check   # exit 1 and show a diff if it drifted

Each example in README.md is a marker and a fenced block:

    <!-- output: qantar timeline --date 2022-01-05 -->
    ```text
    $ qantar timeline --date 2022-01-05
    ...
    ```

The command is run with the installed ``qantar`` (the one beside this
Python), 100 columns, no colour, a private cache, from the repository's
root, and its stdout and stderr replace the block, as a terminal shows
them, trailing spaces trimmed. A marker ``<!-- output (by hand): ... -->``
is left alone (timings depend on the machine). A pipeline that needs a tool
that is not installed (``jq``) is reported and skipped.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
BLOCK = re.compile(r"(<!-- output: (?P<cmd>.+?) -->\n```text\n)(?P<body>.*?)(```)", re.S)


def run(command: str, cache: str) -> str:
    """What a terminal 100 columns wide shows for ``command``."""
    bindir = os.path.dirname(sys.executable)
    env = {k: v for k, v in os.environ.items() if k not in ("QANTAR_DATA", "FORCE_COLOR", "QANTAR_NO_CACHE")}
    env.update(COLUMNS="100", LINES="50", NO_COLOR="1", QANTAR_CACHE_DIR=cache,
               PATH=bindir + os.pathsep + env.get("PATH", ""))
    done = subprocess.run(["bash", "-c", command + " 2>&1"], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120, check=False)
    return "\n".join(line.rstrip() for line in done.stdout.splitlines())


def missing_tools(command: str) -> list[str]:
    """The programs of a pipeline, other than qantar, that are not installed."""
    words = shlex.split(command)
    programs = {words[0]} | {words[i + 1] for i, w in enumerate(words[:-1]) if w == "|"}
    return sorted(p for p in programs if p != "qantar" and shutil.which(p) is None)


def regenerate(text: str) -> tuple[str, list[str]]:
    """The README with every example's output refreshed, and the commands skipped."""
    skipped: list[str] = []
    cache = tempfile.mkdtemp(prefix="qantar-readme-")
    try:
        def replace(match: re.Match[str]) -> str:
            command = match.group("cmd")
            missing = missing_tools(command)
            if missing:
                skipped.append(f"{command} (needs {', '.join(missing)})")
                return match.group(0)
            output = run(command, cache)
            return f"{match.group(1)}$ {command}\n{output}\n{match.group(4)}"

        return BLOCK.sub(replace, text), skipped
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def main(argv: list[str]) -> int:
    with open(README, encoding="utf-8") as handle:
        current = handle.read()
    fresh, skipped = regenerate(current)
    for command in skipped:
        print(f"skipped: {command}", file=sys.stderr)
    if "--check" in argv:
        if fresh == current:
            return 0
        sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), fresh.splitlines(True),
                                                   "README.md", "README.md (regenerated)"))
        print("README examples have drifted: run python tools/readme_examples.py", file=sys.stderr)
        return 1
    if fresh != current:
        with open(README, "w", encoding="utf-8") as handle:
            handle.write(fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
