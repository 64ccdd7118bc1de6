"""Every command has help text and is shown in the README."""

import re

import pytest
from conftest import ROOT, SEEDS, invoke

from qantar_cli.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name):
    command = cli.commands[name]
    assert command.help and len(command.help.strip()) > 20
    out = invoke(name, "--help", data=None).stdout
    assert out.startswith(f"Usage: qantar {name}")
    for param in command.params:
        if param.param_type_name == "option":
            assert param.help, f"{name} {param.opts} has no help"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_readme(name):
    assert re.search(rf"qantar {name}\b", README), f"README does not show `qantar {name}`"


def test_readme_leads_with_the_two_setup_commands():
    blocks = re.findall(r"```(?:\w+)?\n(.*?)```", README, re.S)
    first = [line for line in blocks[0].splitlines() if line.strip()]
    assert first == ["pip install . && qantar timeline --date 2022-01-05", "pip install -e '.[test]' && pytest"]


def test_readme_examples_have_not_drifted():
    """The README's output examples are what the commands print (``python tools/readme_examples.py``)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(ROOT / "tools" / "readme_examples.py"), "--check"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr


def test_the_library_example_runs():
    """The doctest in ``qantar_cli/__init__.py`` is what the library does."""
    import doctest

    import qantar_cli

    result = doctest.testmod(qantar_cli, raise_on_error=False)
    assert result.attempted >= 3 and result.failed == 0


def test_readme_explains_exactly_the_tag_vocabulary():
    """The schema's tag enum (SPEC: one documented vocabulary) and README's "Tags" section agree."""
    import json

    from qantar_cli.kb.files import schema_path

    with open(schema_path(), encoding="utf-8") as handle:
        schema = json.load(handle)
    vocabulary = schema["definitions"]["event"]["properties"]["tags"]["items"]["enum"]
    section = README.split("\n## Tags\n", 1)[1].split("\n## ", 1)[0]
    explained = re.findall(r"^- `([a-z0-9-]+)` — \S", section, re.M)
    assert explained == vocabulary
    assert len(vocabulary) <= 25


def help_examples(name):
    """The example command lines that end a command's help."""
    lines = [line.strip() for line in (cli.commands[name].help or "").splitlines()]
    return [line for line in lines if line.startswith("qantar ")]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_help_ends_with_examples_that_run(name, tmp_path, monkeypatch):
    import shlex

    monkeypatch.chdir(tmp_path)  # examples that write files (export) write them here

    examples = help_examples(name)
    assert len(examples) >= 2, f"qantar {name} --help shows {len(examples)} examples"
    assert (cli.commands[name].help or "").rstrip().splitlines()[-1].strip() == examples[-1]  # they end it
    for example in examples:
        args = shlex.split(example)[1:]
        if args[0] == "validate" and "--texts" in args:
            if not SEEDS.is_dir():
                continue  # needs the archived articles beside the checkout
            args = [a if a != "../shared/seeds" else str(SEEDS) for a in args]
        if args[:2] == ["validate", "my.yaml"]:
            args[1] = str(ROOT / "data" / "qantar.yaml")
        invoke(*args, data=None)  # fails the test on any non-zero exit
