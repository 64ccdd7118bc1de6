"""Shell completion through Click's protocol: the candidates the shell gets, as a real process.

Each case runs qantar the way the completion scripts do (``_QANTAR_COMPLETE``,
``COMP_WORDS``, ``COMP_CWORD`` in the environment) and reads the candidates
it prints, so the console script's own start-up (``launch.main``) is part
of the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import MINI, ROOT, invoke

from qantar_cli import load
from qantar_cli.find.complete import SAFE, matching, offer
from qantar_cli.find.names import Candidate

#: The two ways qantar starts: ``python -m qantar_cli``, and what the installed ``qantar`` script runs.
STARTS = {
    "module": [sys.executable, "-m", "qantar_cli"],
    "script": [sys.executable, "-c", "import sys; sys.argv[0] = 'qantar'; from qantar_cli.launch import main; main()"],
}


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QANTAR_DATA", "PYTHONUNBUFFERED")}
    env.update(extra)
    return env


def complete(words: str, cword: int | str | None = None, shell: str = "bash", start: str = "module",
             **env: str) -> subprocess.CompletedProcess[str]:
    """What qantar prints for the completion of ``words`` (its last word, unless ``cword`` says otherwise)."""
    if cword is None:
        cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    done = subprocess.run(STARTS[start], capture_output=True, text=True, timeout=60,
                          env=environment(_QANTAR_COMPLETE=f"{shell}_complete", COMP_WORDS=words,
                                          COMP_CWORD=str(cword), **env))
    return done


def offered(words: str, **kwargs: str) -> list[str]:
    """The candidates of a bash completion, in order; the run must be clean."""
    done = complete(words, **kwargs)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    lines = done.stdout.splitlines()
    assert all(line.startswith("plain,") for line in lines), lines
    return [line.removeprefix("plain,") for line in lines]


CASES = [
    # (what is typed, offered, not offered)
    ("qantar timeline --actor tok", ["kassym-jomart-tokayev"], ["nursultan-nazarbayev", "karim-massimov"]),
    ("qantar timeline --actor Тока", ["kassym-jomart-tokayev"], ["karim-massimov"]),
    ("qantar figures --actor masim", ["karim-massimov"], ["kassym-jomart-tokayev"]),
    ("qantar timeline --region mangist", ["mangystau-region", "mangistau-city"], ["almaty", "zhanaozen"]),
    ("qantar timeline --region Жаңаөзен", ["zhanaozen"], ["mangystau-region"]),
    ("qantar places --region ALMATY", ["almaty", "almaty-region"], ["aktau", "pavlodar"]),
    ("qantar timeline --source off", ["official"], ["independent", "foreign", "kazinform-2025-chronology"]),
    ("qantar timeline --source kazin", ["kazinform-2025-chronology"], ["iwpr-2023-year-on", "official"]),
    ("qantar disputes --source global", ["global-voices-2023-truth-suppressed"], ["trt-2023-coup-attempt"]),
    ("qantar actors masim", ["karim-massimov"], ["kassym-jomart-tokayev"]),
    ("qantar sources iwpr", ["iwpr-2023-year-on"], ["kazinform-2025-chronology"]),
    ("qantar sources astana", ["astana-times-2024-documentary"], ["iwpr-2023-year-on"]),
    ("qantar show massim", ["karim-massimov"], ["kassym-jomart-tokayev"]),
    ("qantar show zhanaoz", ["zhanaozen"], ["aktau", "karim-massimov"]),
    ("qantar show 2022-01-05-almaty-air", ["2022-01-05-almaty-airport-global-voices", "2022-01-05-almaty-airport-kazinform"],
     ["2022-01-05-almaty-akimat-kazinform", "karim-massimov"]),
    ("qantar show karim-massimov trt", ["trt-2023-coup-attempt"], ["karim-massimov"]),
    ("qantar figures --category cas", ["casualties"], ["detentions", "weapons"]),
    ("qantar actors --kind per", ["person"], ["organization", "state"]),
    ("qantar timeline --tag police", ["police-violence"], ["protests", "violence"]),
    ("qantar timeline --actor Ток", ["kassym-jomart-tokayev"], ["karim-massimov"]),
    ("qantar timeline --actor toqa", ["kassym-jomart-tokayev"], ["karim-massimov"]),
    ("qantar timeline --region Aqta", ["aktau"], ["atyrau", "almaty"]),
    ("qantar search --kind ev", ["event"], ["figure", "place"]),
    ("qantar timeline -f js", ["json"], ["csv", "table"]),
    ("qantar timeline --format ND", ["ndjson"], ["json"]),
]


@pytest.mark.parametrize(("words", "wanted", "unwanted"), CASES, ids=[c[0] for c in CASES])
def test_completion_offers_the_ids_the_words_may_mean(words, wanted, unwanted):
    got = offered(words)
    for one in wanted:
        assert one in got, got
    for one in unwanted:
        assert one not in got, got


def test_names_that_start_with_the_words_come_first():
    got = offered("qantar timeline --actor mas")
    assert got.index("karim-massimov") < got.index("almas-kaisar")  # "Masimov" starts with it; "Almas" contains it


def test_nothing_typed_offers_every_id_and_every_candidate_is_one_safe_token():
    kb = load()
    actors = offered("qantar timeline --actor ")
    assert sorted(actors) == sorted(a["id"] for a in kb["actors"])
    every = offered("qantar show ")
    assert set(every) == set(kb.by_id)
    assert all(SAFE.match(c) and c == c.strip() and " " not in c for c in every)


def test_commands_and_options_complete_too():
    assert offered("qantar ti") == ["timeline"]
    assert {"show", "sources"} <= set(offered("qantar s"))
    assert "completion" in offered("qantar comp")
    assert "--region" in offered("qantar timeline --re")


@pytest.mark.parametrize("start", STARTS)
def test_completion_works_through_each_way_qantar_starts(start):
    assert offered("qantar timeline --actor tok", start=start) == ["kassym-jomart-tokayev"]


def test_file_options_hand_over_to_the_shells_own_file_completion():
    assert complete("qantar --data ").stdout.splitlines() == ["file,"]
    assert complete("qantar validate ").stdout.splitlines() == ["file,"]
    assert complete("qantar validate --texts ").stdout.splitlines() == ["dir,"]


def test_data_on_the_command_line_being_completed_is_the_file_used():
    got = offered(f"qantar --data {MINI} timeline --region pav")
    assert set(got) == {"pavlodar", "pavlodar-region"}
    assert offered(f"qantar --data {MINI} show 2022-01-0") == [
        "2022-01-01-zhanaozen-protest", "2022-01-02-pavlodar-protest", "2022-01-02-protests-begin",
        "2022-01-05-almaty-airport", "2022-01-05-state-of-emergency", "2022-01-05-taldykorgan"]
    assert offered("qantar show 2022-01-0", QANTAR_DATA=str(MINI))[0] == "2022-01-01-zhanaozen-protest"


def test_zsh_and_fish_forms():
    zsh = complete("qantar timeline --actor tok", shell="zsh")
    assert zsh.returncode == 0 and zsh.stderr == ""
    assert zsh.stdout.splitlines() == ["plain", "kassym-jomart-tokayev", "_"]
    # fish sends the whole line and, separately, the word being completed
    fish = complete("qantar timeline --actor tok", cword="tok", shell="fish")
    assert fish.returncode == 0 and fish.stderr == ""
    assert fish.stdout.splitlines() == ["plain,kassym-jomart-tokayev"]
    fish = complete("qantar show masim", cword="masim", shell="fish", start="script")
    offered = fish.stdout.splitlines()
    # the actor, and the records whose ids spell his name with a double s (a spelling variant)
    assert "plain,karim-massimov" in offered and all("massimov" in line for line in offered)


def broken_files(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: [\n", encoding="utf-8")
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text(MINI.read_text(encoding="utf-8").replace("id: karim-massimov", "id: Karim Massimov!"),
                       encoding="utf-8")
    return {"unparsable": bad, "invalid": invalid, "missing": tmp_path / "missing.yaml", "directory": tmp_path}


@pytest.mark.parametrize("how", ["option", "environment"])
@pytest.mark.parametrize("kind", ["unparsable", "invalid", "missing", "directory"])
def test_a_knowledge_file_that_does_not_load_offers_nothing_and_prints_nothing(tmp_path, how, kind):
    path = broken_files(tmp_path)[kind]
    for words in ("qantar timeline --actor tok", "qantar show k", "qantar timeline --region ", "qantar sources "):
        if how == "option":
            done = complete(words.replace("qantar ", f"qantar --data {path} ", 1), QANTAR_NO_CACHE="1")
        else:
            done = complete(words, QANTAR_DATA=str(path), QANTAR_NO_CACHE="1")
        # Click's protocol ends every answer with a newline, an empty one too: no candidate, no message
        assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "", ""), (words, done)
    # what does not come from the knowledge file still completes
    assert offered(f"qantar --data {path} timeline -f cs") == ["csv"]


def test_a_warm_completion_reads_the_cache_not_the_yaml(tmp_path):
    """Completion costs what a query costs: once the cache is warm, no YAML is parsed."""
    cache = str(tmp_path / "cache")
    env = environment(QANTAR_CACHE_DIR=cache, _QANTAR_COMPLETE="bash_complete",
                      COMP_WORDS="qantar timeline --actor tok", COMP_CWORD="3")
    code = ("import sys\nfrom qantar_cli.cli import cli\n"
            "try:\n    cli.main(prog_name='qantar')\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write(' '.join(sorted(sys.modules)))\n")
    for _ in range(2):  # the first run fills the cache
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert done.stdout.strip() == "plain,kassym-jomart-tokayev"
    modules = set(done.stderr.split())
    assert "yaml" not in modules and "rich" not in modules


def test_the_completion_command_prints_each_script():
    bash = invoke("completion", "bash", data=None)
    assert "_QANTAR_COMPLETE=bash_complete" in bash.stdout
    assert "complete -o nosort -F _qantar_completion qantar" in bash.stdout
    zsh = invoke("completion", "zsh", data=None).stdout
    assert zsh.startswith("#compdef qantar") and "_QANTAR_COMPLETE=zsh_complete" in zsh
    fish = invoke("completion", "Fish", data=None).stdout
    assert "complete --no-files --command qantar" in fish and "_QANTAR_COMPLETE=fish_complete" in fish


def test_an_unknown_shell_is_a_usage_error():
    run = invoke("completion", "tcsh", data=None, ok=False)
    assert run.code == 2 and run.stdout == "" and "Traceback" not in run.stderr
    assert "bash" in run.stderr and "zsh" in run.stderr and "fish" in run.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_itself_completes_with_the_printed_script(tmp_path):
    """The script ``qantar completion bash`` prints, sourced by bash, fills COMPREPLY with the ids."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    launcher = bindir / "qantar"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m qantar_cli "$@"\n', encoding="utf-8")
    launcher.chmod(0o755)
    script = (
        'source <(qantar completion bash)\n'
        'COMP_WORDS=(qantar timeline --region mangist); COMP_CWORD=3\n'
        '_qantar_completion qantar\n'
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = environment(PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}", PYTHONPATH=str(ROOT))
    done = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True, text=True,
                          timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["mangistau-city", "mangystau-region"]


# -- the matching itself, without a shell -------------------------------------------


def test_matching_folds_both_sides_and_puts_starts_first():
    pool = [Candidate("almas-kaisar", "Almas Kaisar"), Candidate("karim-massimov", "Karim Massimov", ["Masimov"]),
            Candidate("zhanaozen", "Zhanaozen", ["Жаңаөзен", "Zhanaözen"])]
    assert matching(pool, "MAS") == ["karim-massimov", "almas-kaisar"]
    assert matching(pool, "zhanaö") == ["zhanaozen"]
    assert matching(pool, "") == ["almas-kaisar", "karim-massimov", "zhanaozen"]
    assert matching(pool, "xyz") == []


def test_one_or_two_letters_match_only_at_the_start():
    pool = [Candidate("aktau", "Aktau"), Candidate("almaty", "Almaty"), Candidate("pavlodar", "Pavlodar")]
    assert matching(pool, "a") == ["aktau", "almaty"]  # not pavlodar, which merely contains an "a"
    assert matching(pool, "lod") == ["pavlodar"]


def test_ids_that_are_not_one_safe_token_are_never_offered():
    pool = [Candidate("good-id", "Good"), Candidate("bad id", "Good too"), Candidate("$(rm)", "Good three"),
            Candidate("-rf", "Good four"), Candidate("semi;colon", "Good five")]
    assert matching(pool, "good") == ["good-id"]


def test_a_huge_typed_value_is_answered_at_once():
    kb = load(MINI)
    assert offer(kb, "actors", "x" * 1_000_000) == []


def test_offer_refuses_what_it_cannot_complete():
    with pytest.raises(ValueError, match="cannot complete"):
        offer(load(MINI), "weather", "")


@pytest.mark.parametrize(("shell", "variables", "named"), [
    ("bash", {}, "(COMP_WORDS is not set)"),
    ("bash", {"COMP_WORDS": "qantar tim", "COMP_CWORD": "abc"}, "malformed"),
    ("zsh", {"COMP_WORDS": "qantar tim", "COMP_CWORD": "abc"}, "malformed"),
])
def test_a_malformed_completion_environment_is_one_sentence(shell, variables, named):
    """A stray _QANTAR_COMPLETE, or a COMP_CWORD that is no number, ended in a Click traceback."""
    env = {k: v for k, v in environment().items() if k not in ("COMP_WORDS", "COMP_CWORD")}
    env.update(_QANTAR_COMPLETE=f"{shell}_complete", **variables)
    done = subprocess.run(STARTS["module"], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 1 and done.stdout == "" and "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("qantar: _QANTAR_COMPLETE asks for shell completion") and named in line
    assert line.endswith("unset _QANTAR_COMPLETE to run qantar")


@pytest.mark.parametrize(("line", "wanted", "unwanted"), [
    ("qantar figures --fields ", {"id", "stated", "claimed_by"}, {"title", "question"}),
    ("qantar figures --fields id,la", {"id,label"}, {"id,id", "label"}),
    ("qantar figures --fields id,label,", {"id,label,category", "id,label,as_of"}, {"id,label,id", "id,label,label"}),
    ("qantar timeline --fields da", {"date"}, {"as_of"}),
    ("qantar search bakery --fields t", {"title"}, {"tags", "time"}),
    ("qantar show x --fields que", {"question"}, set()),
    ("qantar places --fields ID", {"id"}, {"iso_code"}),
    ("qantar places --fields ID,NA", {"id,name"}, set()),
])
def test_fields_complete_from_the_commands_own_collection(line, wanted, unwanted):
    """In: the field after the last comma, of the command's kind (any kind's for show), not given yet."""
    got = set(offered(line))
    assert wanted <= got and not unwanted & got, got
    assert all(" " not in c for c in got)


@pytest.mark.parametrize("typed", ["'a b,la'", "$(id),la", "id,,la", "id,id,la", "bogus,la", "'\x1b[31m,la'"])
def test_fields_completion_echoes_nothing_that_is_not_fields(typed):
    """Out: what was typed before the last comma handed back to the shell, spaces and controls included."""
    done = complete(f"qantar figures --fields {typed}", cword=3)
    assert done.returncode == 0 and done.stderr == "" and "plain," not in done.stdout, done.stdout
    assert "la" not in done.stdout
