"""What people hit first: bare qantar, --version, help."""

import hashlib
import re

import pytest
from conftest import MINI, ROOT, assert_usage_error, invoke


def test_bare_qantar_prints_the_help_and_exits_0():
    run = invoke(data=None)
    assert run.stdout.startswith("Usage: qantar") and "Commands:" in run.stdout and "timeline" in run.stdout
    assert run.stderr == ""


def test_the_command_list_says_each_command_whole_at_80_columns(monkeypatch):
    """Click cuts a command's first sentence to fit, ending in "...": each has a short help of its own."""
    from qantar_cli.cli import cli

    monkeypatch.setenv("COLUMNS", "80")
    out = invoke("--help", data=None).stdout
    listed = out.split("Commands:\n", 1)[1].splitlines()
    assert [line for line in listed if "..." in line] == []
    assert len(listed) == len([c for c in cli.commands.values() if not c.hidden])
    assert all(line.rstrip().endswith((".", ")")) for line in listed)


def test_version_names_the_knowledge_base_by_date_and_hash():
    out = invoke("--version", data=None).stdout.strip()
    digest = hashlib.sha256((ROOT / "data" / "qantar.yaml").read_bytes()).hexdigest()[:12]
    assert re.fullmatch(rf"qantar \d+\.\d+\.\d+, knowledge base \d{{4}}-\d{{2}}-\d{{2}} \({digest}\)", out), out


def test_version_of_another_file_and_of_a_missing_one(tmp_path):
    out = invoke("--version", data=MINI).stdout.strip()
    assert out.endswith(f"knowledge base undated ({hashlib.sha256(MINI.read_bytes()).hexdigest()[:12]})")
    missing = invoke("--version", data=tmp_path / "missing.yaml").stdout.strip()
    assert "knowledge base unreadable" in missing and "no such file" in missing


def test_version_wins_over_a_command():
    run = invoke("--version", "timeline", data=MINI)
    assert run.stdout.startswith("qantar ") and "Date" not in run.stdout


def test_an_impossible_release_date_is_refused(tmp_path):
    path = tmp_path / "kb.yaml"
    path.write_text('released: "2026-02-30"\n' + MINI.read_text(encoding="utf-8"), encoding="utf-8")
    run = invoke("validate", str(path), data=None, ok=False)
    assert run.code == 1 and "released" in run.stdout and "not a real date" in run.stdout


def test_an_option_without_its_value_shows_the_usage_of_its_command():
    """Click's parser raises "requires an argument" without a context: the usage line is still the command's."""
    run = invoke("timeline", "--date", data=None, ok=False)
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.startswith("Usage: qantar timeline [OPTIONS]\nTry 'qantar timeline --help' for help.\n")
    assert "Error: Option '--date' requires an argument." in run.stderr


@pytest.mark.parametrize(("args", "said"), [
    (["--json", "figures"], "--json is an option of figures: give it after the command, as in qantar figures --json"),
    (["--region", "almaty", "timeline"], "as in qantar timeline --region R"),
    (["--fields=id", "places"], "--fields is an option of places: give it after the command"),
])
def test_a_commands_option_given_before_the_command_is_explained(args, said):
    """In: where the option goes. Out: Click's guess of a global option (Did you mean '--version'?)."""
    run = invoke(*args, data=None, ok=False)
    assert_usage_error(run, said)
    assert "Did you mean" not in run.stderr


@pytest.mark.parametrize("args", [["--bogus", "timeline"], ["--json"]])
def test_an_option_of_no_command_given_is_still_unknown(args):
    run = invoke(*args, data=None, ok=False)
    assert_usage_error(run, "No such option")


@pytest.mark.parametrize(("args", "said", "not_said"), [
    (["figures", "--data", "x.yaml", "--json"], "as in qantar --data x.yaml figures --json", "timeline"),
    (["timeline", "--data"], "as in qantar --data PATH timeline", "qantar --data timeline"),
    (["places", "--no-color"], "as in qantar --no-color places", "timeline"),
    (["timeline", "--version"], "answered alone: qantar --version", "qantar --version timeline"),
])
def test_a_global_option_given_after_a_command_is_shown_where_it_goes(args, said, not_said):
    """In: the example is the line typed with the option first, and --version, which answers alone, needs no command.
    Out: an example with another command, or one whose command would never run."""
    run = invoke(*args, data=None, ok=False)
    assert_usage_error(run, said)
    assert not_said not in run.stderr


@pytest.mark.parametrize("args", [[], ["timeline"], ["export"], ["help"]])
def test_help_command_prints_what_dash_dash_help_prints(args):
    """qantar help [COMMAND] is qantar [COMMAND] --help, which people type too; it reads no knowledge file."""
    said = invoke("help", *args, data="/nonexistent.yaml")
    assert said.stdout == invoke(*args, "--help", data="/nonexistent.yaml").stdout and said.stdout.startswith("Usage:")
    assert "help" not in invoke("--help", data=None).stdout.split("Commands:")[1]  # hidden: not listed


@pytest.mark.parametrize(("name", "said"), [("timelin", "Did you mean: timeline?"), ("zzz", "The commands: actors")])
def test_help_of_an_unknown_command_names_the_commands(name, said):
    assert_usage_error(invoke("help", name, data=None, ok=False), f"No such command '{name}'", said)
