"""Bad knowledge files: exit 1, ``file:line: message`` on stderr, no traceback."""

import pytest
from conftest import MINI, invoke

GOOD = MINI.read_text(encoding="utf-8")


def write(tmp_path, text, name="kb.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def broken(old, new, count=1):
    assert old in GOOD, old
    return GOOD.replace(old, new, count)


def line_of(text, needle):
    return text[: text.index(needle)].count("\n") + 1


CASES = [
    # (description, text, expected fragments; "{path}" and "{line:needle}" are filled in)
    ("duplicate key", broken('    name: "Aktau"\n', '    name: "Aktau"\n    name: "Aqtau"\n'), ["duplicate key 'name'"]),
    ("unquoted time", broken('time: "17:20"', "time: 17:20"), ["events[0].time", "integer 1040", "put it in quotes"]),
    ("wrong type", broken("value: 238", "value: many"), ["figures[0].value", "must be number"]),
    ("unknown place", broken("places: [pavlodar]", "places: [pavlodarr]"), ["unknown place id 'pavlodarr'"]),
    ("unknown actor", broken("actors: [csto, russia]", "actors: [csto, rusia]"), ["unknown actor id 'rusia'"]),
    ("unknown source", broken('- source: trt-2023-coup-attempt\n        quote: "In fact',
                                '- source: trt-2023-coup\n        quote: "In fact'), ["unknown source id 'trt-2023-coup'"]),
    ("duplicate id", broken("id: 2022-01-02-pavlodar-protest", "id: 2022-01-02-protests-begin"), ["duplicate id '2022-01-02-protests-begin'"]),
    ("impossible date", broken('date: "2022-01-02"', 'date: "2022-02-30"'), ["February 2022 has 28 days"]),
    ("impossible unquoted date", broken('date: "2022-01-02"', "date: 2022-02-30"), ["2022-02-30 is not a real date"]),
    ("unquoted year", broken('from: "2019"', "from: 2019"), ["roles[0].from", "put it in quotes"]),
    ("end before start", broken('end_date: "2022-01-19"', 'end_date: "2022-01-01"'), ["end_date 2022-01-01 comes before date 2022-01-05"]),
    ("bad id", broken("id: russia", "id: Russia"), ["actors[4].id", "not in the expected form"]),
    ("unknown field", broken('    unit: "weapons"\n', '    unit: "weapons"\n    colour: red\n'), ["unknown field 'colour'"]),
    ("missing field", broken('    label: "people killed"\n', ""), ["the field 'label' is missing"]),
    ("bad enum", broken("qualifier: about", "qualifier: roughly"), ["must be one of exact, about"]),
    ("tag outside the vocabulary", broken("tags: [protests]", "tags: [protest]"), ["events[0].tags[0]", "must be one of"]),
    ("yes/no", broken("qualifier: about", "qualifier: no"), ["boolean false"]),
    ("octal", broken("value: 238", "value: 0777\n    value_max: .nan"), [".nan"]),
    ("ellipsis", broken('quote: "the Moscow-led security bloc"', 'quote: "the Moscow-led … bloc"'), ["ellipsis"]),
    ("range without max", broken("    value_max: 8\n", ""), ["a range needs value_max"]),
    ("place cycle", broken("    within: mangystau-region\n\n  - id: aktau", "    within: zhanaozen\n\n  - id: aktau")
     .replace("  - id: mangystau-region\n    name: \"Mangystau Region\"\n    aliases: [\"Mangistau\", \"Маңғыстау облысы\"]\n    kind: region\n    within: kazakhstan",
              "  - id: mangystau-region\n    name: \"Mangystau Region\"\n    aliases: [\"Mangistau\", \"Маңғыстау облысы\"]\n    kind: region\n    within: zhanaozen"),
     ["lies within itself"]),
    ("source id year", broken("id: trt-2023-coup-attempt", "id: trt-2022-coup-attempt", 1)
     .replace("source: trt-2023-coup-attempt", "source: trt-2022-coup-attempt"), ["the year in the id (2022)"]),
]


@pytest.mark.parametrize("text, fragments", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_files_are_refused_with_file_and_line(tmp_path, text, fragments):
    path = write(tmp_path, text)
    run = invoke("timeline", "--json", data=path, ok=False)
    assert run.code == 1, run.stderr
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    assert f"{path}:" in run.stderr
    for fragment in fragments:
        assert fragment in run.stderr


def test_error_points_at_the_right_line(tmp_path):
    text = broken('time: "17:20"', "time: 17:20")
    path = write(tmp_path, text)
    run = invoke("timeline", data=path, ok=False)
    assert f"{path}:{line_of(text, 'time: 17:20')}: events[0].time" in run.stderr


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"", "the file is empty"),
        (b"# only a comment\n", "the file is empty"),
        (b"- a\n- b\n", "not a list"),
        (b"just text\n", "not a single value"),
        (b"sources: []\n---\nplaces: []\n", "more than one YAML document"),
        (b"sources: [\n", "not valid YAML"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"a: !!python/object/apply:os.system ['echo hacked']\n", "tag:yaml.org,2002:python/object/apply:os.system is not allowed"),
        (b"a: &x [1]\nb: *x\n", "aliases are not allowed"),
        # a character YAML refuses: by line, without PyYAML's own '<unicode string>, position' words
        (b"sources: []\nplaces: [\x00]\n", "kb.yaml:2: not valid YAML: control characters are not allowed "
                                           "(the character #x0000)"),
    ],
)
def test_unreadable_files(tmp_path, content, fragment):
    path = tmp_path / "kb.yaml"
    path.write_bytes(content)
    run = invoke("figures", data=path, ok=False)
    assert run.code == 1 and run.stdout == "" and "Traceback" not in run.stderr
    assert fragment in run.stderr and str(path) in run.stderr and "<unicode string>" not in run.stderr


def test_missing_file_and_directory(tmp_path):
    run = invoke("sources", data=tmp_path / "nope.yaml", ok=False)
    assert run.code == 1 and "no such file" in run.stderr and "Traceback" not in run.stderr
    run = invoke("sources", data=tmp_path, ok=False)
    assert run.code == 1 and "is a directory" in run.stderr


def test_env_var_selects_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("QANTAR_DATA", str(MINI))
    assert "trt-2023-coup-attempt" in invoke("sources", "--json", data=None).ids()
    monkeypatch.setenv("QANTAR_DATA", str(tmp_path / "missing.yaml"))
    run = invoke("sources", data=None, ok=False)
    assert run.code == 1 and "missing.yaml: no such file" in run.stderr


def test_help_and_version_do_not_read_the_data(tmp_path):
    missing = tmp_path / "missing.yaml"
    assert invoke("--help", data=missing).stdout.startswith("Usage:")
    assert invoke("--version", data=missing).stdout.strip().startswith("qantar ")
    assert "--date" in invoke("timeline", "--help", data=missing).stdout


def test_every_problem_is_reported_at_once(tmp_path):
    text = broken("value: 238", "value: many").replace("places: [pavlodar]", "places: [nowhere]")
    run = invoke("validate", str(write(tmp_path, text)), data=None, ok=False)
    assert run.code == 1
    assert "must be number" in run.stdout and "unknown place id 'nowhere'" in run.stdout
    assert "2 problems" in run.stderr


def test_an_event_id_begins_with_the_events_own_date(tmp_path):
    from conftest import MINI

    text = MINI.read_text(encoding="utf-8").replace("id: 2022-01-01-zhanaozen-protest", "id: 2022-01-02-zhanaozen-protest")
    bad = tmp_path / "kb.yaml"
    bad.write_text(text, encoding="utf-8")
    run = invoke("validate", str(bad), data=None, ok=False)
    assert run.code == 1 and "does not begin with the event's date 2022-01-01" in run.stdout + run.stderr


@pytest.mark.parametrize("order", ["as described", "reversed"])
def test_collections_built_one_by_one_are_those_built_at_once(order):
    """``store.Built`` builds a collection when it is first read: in any order, the records ``build`` makes."""
    import yaml

    from qantar_cli.kb import store
    from qantar_cli.kb.files import bundled_path

    with open(bundled_path(), encoding="utf-8") as handle:
        root = yaml.safe_load(handle)
    whole = store.build(root)
    lazily = store.Built(root)
    keys = list(lazily.keys) if order == "as described" else list(reversed(lazily.keys))
    assert {key: lazily.fetch(key) for key in keys} == whole
    assert all(lazily.fetch(key) is lazily.fetch(key) for key in keys), "each built once"
    assert list(lazily.all()) == list(whole)


def _first_records_fields():
    """(collection, index, field, ...) of each field the fixture's records hold, nested ones too: the first of each.

    A field is taken where it first occurs (``within`` is not in the first
    place, the country), so every field a record kind has is tried once.
    """
    import yaml

    root = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    found, seen = [], set()
    for key, records in root.items():
        if not isinstance(records, list):
            continue
        stack = [((key, i), record) for i, record in reversed(list(enumerate(records)))]
        while stack:
            path, node = stack.pop()
            if isinstance(node, dict):
                for name, value in reversed(node.items()):
                    concrete = (*path, name)
                    shape = tuple("*" if isinstance(step, int) else step for step in concrete)
                    if shape not in seen:
                        seen.add(shape)
                        found.append(concrete)
                    stack.append((concrete, value))
            elif isinstance(node, list):
                stack.extend(((*path, i), item) for i, item in reversed(list(enumerate(node))))
    return root, found


_ROOT, _FIELDS = _first_records_fields()


#: Values of every other shape: a list, a mapping, lists of them, a number, a boolean, null, text.
_WRONG = (["a"], {"a": 1}, [["a"]], 5, True, None, "x", 1.5, [None], [{}])


@pytest.mark.parametrize("path", _FIELDS, ids=["/".join(map(str, p)) for p in _FIELDS])
def test_a_value_of_any_shape_in_any_field_is_a_data_problem(path):
    """Whatever a field holds, the checks and the derived fields (origins, regions) end in problems, not a crash."""
    import copy

    import yaml

    from qantar_cli.kb import store

    dump = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for wrong in _WRONG:
        root = copy.deepcopy(_ROOT)
        node = root
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = wrong
        text = yaml.dump(root, Dumper=dump, allow_unicode=True, sort_keys=False)
        records, problems = store.parse(text.encode("utf-8"), "kb.yaml")  # raises nothing but DataError
        assert records is not None or problems, (path, wrong)
