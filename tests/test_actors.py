"""``qantar actors [NAME]``."""

import pytest
from conftest import assert_usage_error, invoke


@pytest.mark.parametrize(
    "args, expected",
    [
        ([], ["csto", "karim-massimov", "kassym-jomart-tokayev", "protesters", "russia"]),
        (["Masimov"], ["karim-massimov"]),
        (["massimov"], ["karim-massimov"]),
        (["Kasym-Zhomart Tokayev"], ["kassym-jomart-tokayev"]),
        (["kassym-jomart-tokayev"], ["kassym-jomart-tokayev"]),
        (["Tokaev"], ["kassym-jomart-tokayev"]),  # a spelling variant the aliases do not list
        (["Тоқаев"], ["kassym-jomart-tokayev"]),
        (["CSTO"], ["csto"]),
        (["security"], ["csto"]),  # part of a name
        (["--kind", "state"], ["russia"]),
        (["--kind", "State"], ["russia"]),
        (["--kind", "person"], ["karim-massimov", "kassym-jomart-tokayev"]),
        (["--source", "trt"], ["karim-massimov", "russia"]),
        (["--source", "independent"], ["csto", "protesters"]),
        (["--kind", "person", "--source", "official"], ["karim-massimov", "kassym-jomart-tokayev"]),
    ],
)
def test_filters(args, expected):
    run = invoke("actors", *args, "--json")
    assert run.ids() == expected


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["Nazarbaev"], ["Unknown actor 'Nazarbaev'"]),
        (["Tokarov"], ["Did you mean", "kassym-jomart-tokayev"]),
        (["--kind", "robot"], ["--kind", "robot"]),
    ],
)
def test_errors(args, fragments):
    assert_usage_error(invoke("actors", *args, ok=False), *fragments)


def test_roles_keep_their_dates():
    [massimov] = invoke("actors", "Masimov", "--json").json()
    assert massimov["roles"] == [{"title": "Chairman of the National Security Committee", "from": None,
                                  "until": "2022-01-05"}]
    assert massimov["aliases"] == ["Masimov"]
    assert massimov["citations"][0]["origin"] == "official"  # defaulted from the source's stance


def test_the_table_gives_each_actor_a_one_line_description():
    out = invoke("actors", "--kind", "person").stdout
    assert "President of Kazakhstan." in out  # the first sentence of the summary
    assert "Former head of the National Security Committee." in out


@pytest.mark.parametrize("summary, first", [
    ("Newspaper. It also ran a series.", "Newspaper."),
    ('Newspaper that showed "Qantar. A Coup Attempt. How It Was". Later it ran more.',
     'Newspaper that showed "Qantar. A Coup Attempt. How It Was".'),
    ("Newspaper that showed “Qantar. A Coup Attempt.” Later more.", "Newspaper that showed “Qantar. A Coup Attempt.” Later more."),
    ("No full stop", "No full stop"),
])
def test_the_one_line_description_never_ends_inside_a_quoted_title(summary, first):
    from qantar_cli.display import first_sentence

    assert first_sentence(summary) == first


def test_an_empty_table_names_the_name_asked_for_as_typed():
    done = invoke("actors", "Tokayev", "--kind", "state", data=None)
    assert done.stdout == "" and done.stderr == "qantar: no actors match 'Tokayev' --kind state.\n"
