"""The validated-load cache: keyed by content and code, verified before use, never in the package."""

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap

import pytest
from conftest import MINI, ROOT

from qantar_cli import load
from qantar_cli.collections import KEYS as COLLECTIONS
from qantar_cli.errors import DataError
from qantar_cli.kb import cache, yamlread

EXPECTED = load(MINI, use_cache=False).data


def entries(folder):
    return sorted(folder.glob("kb-*.json")) if folder.exists() else []


def seal(name: str, payload: bytes, form: int = cache.FORMAT) -> bytes:
    """An entry as the module docstring describes it, built independently of the module."""
    head = f"qantar-cache {form} {name} ".encode()
    return head + hashlib.blake2b(head + payload, digest_size=32).hexdigest().encode() + b"\n" + payload


def payload_of(entry) -> bytes:
    return entry.read_bytes().split(b"\n", 1)[1]


@pytest.fixture
def entry(cache_dir):
    """The cache entry of the fixture file, freshly written."""
    load(MINI)
    [found] = entries(cache_dir)
    return found


def test_a_valid_load_is_cached_and_reused(cache_dir):
    first = load(MINI)
    [entry] = entries(cache_dir)
    assert entry.read_bytes() == seal(entry.name, payload_of(entry))
    assert json.loads(payload_of(entry)) == first.data == EXPECTED
    assert cache.get(entry.name[3:-5]) == EXPECTED
    assert load(MINI).data == first.data
    assert len(entries(cache_dir)) == 1


def cached_then_edited(tmp_path, old, new):
    """A copy of the fixture, loaded (so cached), then edited in place."""
    path = tmp_path / "kb.yaml"
    text = MINI.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    load(path)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_changed_content_is_a_new_key(cache_dir, tmp_path):
    kb = load(cached_then_edited(tmp_path, "value: 238", "value: 239"))
    assert kb.get("killed-official")[1]["value"] == 239
    assert len(entries(cache_dir)) == 2


def test_an_invalid_file_is_never_served_from_a_cache(cache_dir, tmp_path):
    path = cached_then_edited(tmp_path, "places: [pavlodar]", "places: [nowhere]")
    with pytest.raises(DataError, match="unknown place id 'nowhere'"):
        load(path)


GARBAGE = {
    "empty": b"",
    "not json": b"{not json",
    "another key": b'{"key": "other", "data": {}}',
    "a list": b"[1, 2]",
    "not utf-8": b"\xff\xfe",
    # Valid JSON of the wrong shape, in format 1 (bare JSON, which was trusted):
    "a number for a collection": b'{"key": "{KEY}", "data": {"events": 5}}',
    "lists instead of records": b'{"key": "{KEY}", "data": {%s}}' % b", ".join(b'"%s": [1]' % n.encode() for n in COLLECTIONS),
    "deep nesting": b'{"key": "{KEY}", "data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
}


@pytest.mark.parametrize("garbage", GARBAGE.values(), ids=GARBAGE.keys())
def test_a_corrupt_entry_is_ignored_and_rebuilt(entry, garbage):
    entry.write_bytes(garbage.replace(b"{KEY}", entry.name[3:-5].encode()))
    assert load(MINI).data == EXPECTED
    assert json.loads(payload_of(entry)) == EXPECTED


def test_an_edited_entry_fails_its_checksum(entry):
    """An edit that keeps valid JSON and a plausible record (238 killed -> 239) is caught."""
    blob = entry.read_bytes()
    assert blob.count(b'"value":238') == 1
    entry.write_bytes(blob.replace(b'"value":238', b'"value":239'))
    assert cache.get(entry.name[3:-5]) is None
    assert load(MINI).get("killed-official")[1]["value"] == 238
    assert entry.read_bytes() == blob  # rebuilt


def _other(key: str) -> str:
    return ("1" if key[0] == "0" else "0") + key[1:]


def _replace_at(blob: bytes, i: int) -> bytes:
    return blob[:i] + (b"1" if blob[i:i + 1] == b"0" else b"0") + blob[i + 1:]


@pytest.mark.parametrize("change", [
    lambda blob: blob[:-1],
    lambda blob: blob + b" ",
    lambda blob: blob[:-2] + bytes([blob[-2] ^ 1]) + blob[-1:],
    lambda blob: _replace_at(blob, blob.index(b"\n") - 1),  # the checksum's last digit
], ids=["truncated", "appended to", "a payload bit flipped", "a checksum digit changed"])
def test_a_damaged_entry_is_refused(entry, change):
    damaged = change(entry.read_bytes())
    assert damaged != entry.read_bytes()
    entry.write_bytes(damaged)
    assert cache.get(entry.name[3:-5]) is None
    assert load(MINI).data == EXPECTED


def test_an_entry_sealed_for_another_key_or_format_is_refused(entry):
    payload = payload_of(entry)
    key = entry.name[3:-5]
    entry.write_bytes(seal(f"kb-{_other(key)}.json", payload))  # a copied or renamed entry
    assert cache.get(key) is None
    entry.write_bytes(seal(entry.name, payload, cache.FORMAT + 1))  # another format's
    assert cache.get(key) is None
    entry.write_bytes(seal(entry.name, payload))
    assert cache.get(key) == EXPECTED


WRONG_SHAPES = {
    "a number for a collection": b'{"events": 5}',
    "a list": b"[]",
    "null": b"null",
    "lists of numbers": json.dumps({n: [1] for n in COLLECTIONS}).encode(),
    "a collection missing": json.dumps({n: [] for n in COLLECTIONS[1:]}).encode(),
    "a collection too many": json.dumps({**{n: [] for n in COLLECTIONS}, "extra": []}).encode(),
    "records that are lists": json.dumps({n: [[]] for n in COLLECTIONS}).encode(),
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "deep nesting in a record": ('{"events": [' + "[" * 100_000 + "]" * 100_000 + "]}").encode(),
    "not utf-8": b'{"events": "\xff"}',
    "not json": b"{",
    "NaN in a record": json.dumps({n: [{"id": "x", "value": float("nan")}] for n in COLLECTIONS}).encode(),
    "Infinity in a record": json.dumps({n: [{"id": "x", "value": float("inf")}] for n in COLLECTIONS}).encode(),
}


@pytest.mark.parametrize("payload", WRONG_SHAPES.values(), ids=WRONG_SHAPES.keys())
def test_a_well_sealed_entry_of_the_wrong_shape_is_refused(entry, payload):
    """Even with a valid checksum, ``get`` returns only what ``load`` can use, and never raises."""
    entry.write_bytes(seal(entry.name, payload))
    assert cache.get(entry.name[3:-5]) is None
    assert load(MINI).data == EXPECTED


def test_a_symbolic_link_is_never_followed(entry, tmp_path):
    elsewhere = tmp_path / "elsewhere.json"
    shutil.copyfile(entry, elsewhere)
    entry.unlink()
    entry.symlink_to(elsewhere)
    assert cache.get(entry.name[3:-5]) is None  # a valid entry, but behind a link
    before = elsewhere.read_bytes()
    assert load(MINI).data == EXPECTED
    assert not entry.is_symlink() and entry.is_file()  # the link itself was replaced ...
    assert elsewhere.read_bytes() == before  # ... not what it pointed to


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file away needs root")
def test_another_users_entry_is_neither_read_nor_pruned(entry, monkeypatch):
    """In a cache directory others may write to (/tmp), another user can put a perfectly sealed entry
    with forged records: it is not this user's, so it is not read, and the next write replaces it."""
    forged = json.loads(payload_of(entry))
    forged["events"][0]["title"] = "FORGED"
    entry.write_bytes(seal(entry.name, json.dumps(forged).encode()))
    assert cache.get(entry.name[3:-5]) is not None  # still this user's: trusted, as documented
    os.chown(entry, 4242, 4242)
    assert cache.get(entry.name[3:-5]) is None
    assert load(MINI).data == EXPECTED
    assert entry.stat().st_uid == os.geteuid() and json.loads(payload_of(entry)) == EXPECTED
    # pruning leaves another user's files alone, whatever their age
    other = entry.with_name("kb-" + "0" * 64 + ".json")
    other.write_bytes(seal(other.name, b"{}"))
    os.chown(other, 4242, 4242)
    os.utime(other, (0, 0))
    monkeypatch.setattr(cache, "KEEP", 1)
    cache._prune(str(entry.parent), "json")
    assert other.exists()


def test_a_directory_in_place_of_an_entry_is_harmless(entry):
    entry.unlink()
    entry.mkdir()
    (entry / "inside").write_text("x")
    assert load(MINI).data == EXPECTED
    assert (entry / "inside").read_text() == "x"


def _load_in_a_subprocess(cache_dir):
    """A warm load in another process, so that a hang becomes a failure instead of a stuck suite."""
    code = f"from qantar_cli import load; import sys; sys.exit(load({str(MINI)!r}).counts()['events'] != 8)"
    env = {**os.environ, "QANTAR_CACHE_DIR": str(cache_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120,
                          env=env, preexec_fn=_limit_memory)


def _limit_memory():  # the unverified reader slurped /dev/zero until memory ran out
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_place_of_an_entry_never_blocks(entry, cache_dir):
    entry.unlink()
    os.mkfifo(entry)
    done = _load_in_a_subprocess(cache_dir)
    assert done.returncode == 0, done.stderr
    assert entry.is_file() and json.loads(payload_of(entry)) == EXPECTED  # the FIFO was replaced


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_link_to_a_device_is_never_read(entry, cache_dir):
    entry.unlink()
    entry.symlink_to("/dev/zero")
    done = _load_in_a_subprocess(cache_dir)
    assert done.returncode == 0, done.stderr
    assert entry.is_file() and json.loads(payload_of(entry)) == EXPECTED


def _bytes_read() -> int:
    with open("/proc/self/io") as handle:
        return int(next(line for line in handle if line.startswith("rchar:")).split()[1])


@pytest.mark.skipif(not os.path.exists("/proc/self/io"), reason="needs Linux's per-process I/O counters")
def test_an_oversized_entry_is_refused_before_it_is_read(entry):
    assert cache.MAX_ENTRY >= 4 * yamlread.MAX_BYTES  # room for any knowledge file that loads
    header = entry.read_bytes().split(b"\n", 1)[0] + b"\n"
    with open(entry, "wb") as handle:  # sparse: costs no disk
        handle.write(header)
        handle.truncate(cache.MAX_ENTRY + 1)
    before = _bytes_read()
    assert cache.get(entry.name[3:-5]) is None
    assert _bytes_read() - before < 2**20
    assert load(MINI).data == EXPECTED


def test_an_entry_larger_than_the_bound_is_not_written(cache_dir, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRY", 1000)
    assert load(MINI).data == EXPECTED
    assert entries(cache_dir) == []


def test_other_artefacts_are_stored_and_verified_under_the_same_key(entry):
    key = entry.name[3:-5]
    cache.put_bytes(key, "fts", b"\x00index\xff")
    index = entry.with_suffix(".fts")
    assert cache.get_bytes(key, "fts") == b"\x00index\xff"
    assert cache.get_bytes(key, "idx") is None
    assert cache.get(key) == EXPECTED  # the records are untouched
    index.write_bytes(index.read_bytes().replace(b"index", b"indey"))
    assert cache.get_bytes(key, "fts") is None
    shutil.copyfile(entry, index)  # an entry renamed to another suffix does not verify either
    assert cache.get_bytes(key, "fts") is None


@pytest.mark.parametrize("size", [1000, (1 << 20) + 1])  # BLAKE2b below a mebibyte, SHA-256 above
def test_a_big_entry_is_sealed_and_verified_as_a_small_one(entry, size):
    key = entry.name[3:-5]
    payload = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    cache.put_bytes(key, "big", payload)
    stored = entry.with_suffix(".big")
    assert cache.get_bytes(key, "big") == payload
    data = bytearray(stored.read_bytes())
    data[-size // 2] ^= 1  # one bit in the middle of the payload
    stored.write_bytes(bytes(data))
    assert cache.get_bytes(key, "big") is None


def test_the_key_of_a_big_file_is_as_stable_and_as_sensitive():
    big = b"a: 1\n" * (1 << 19)
    assert len(big) > 1 << 20
    assert cache.key(big) == cache.key(bytes(big))
    assert cache.key(big) != cache.key(big[:-1] + b"2") and len(cache.key(big)) == 64


@pytest.mark.parametrize("suffix", ["", "JSON", "../x", "a.b", "x" * 17])
def test_a_suffix_is_a_short_lowercase_word(suffix):
    with pytest.raises(ValueError):
        cache.get_bytes("0" * 64, suffix)


@pytest.mark.parametrize("bad_key", ["", "0" * 63, "../" + "0" * 61, "G" * 64, None])
def test_a_malformed_key_never_names_a_file(cache_dir, bad_key):
    cache.put_bytes(bad_key, "json", b"{}")
    assert cache.get(bad_key) is None
    assert not cache_dir.exists()


def test_an_unwritable_cache_directory_is_harmless(tmp_path, monkeypatch):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("QANTAR_CACHE_DIR", str(blocker / "cache"))
    assert load(MINI).counts()["events"] == 8


def test_the_directory_and_entries_are_private(cache_dir):
    old = os.umask(0o022)
    try:
        load(MINI)
    finally:
        os.umask(old)
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    [entry] = entries(cache_dir)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_a_failed_write_leaves_no_temporary_file(cache_dir, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    assert load(MINI).data == EXPECTED
    assert list(cache_dir.iterdir()) == []


def test_concurrent_runs_share_the_cache(cache_dir):
    """Cold runs racing to write the same entry all answer, and leave one whole entry behind."""
    code = f"from qantar_cli import load; print(len(load({str(MINI)!r}).data['events']))"
    env = {**os.environ, "QANTAR_CACHE_DIR": str(cache_dir), "PYTHONPATH": str(ROOT)}
    runs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
            for _ in range(4)]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0 and out.strip() == b"8", err
    [entry] = entries(cache_dir)
    assert sorted(p.name for p in cache_dir.iterdir()) == [entry.name]  # no temporary file left
    assert cache.get(entry.name[3:-5]) == EXPECTED


def _fake_entries(folder, count, mtime_from):
    """``count`` entries written by the cache itself, with increasing modification times."""
    made = []
    for n in range(count):
        key = f"{n:064x}"
        cache.put(key, {})
        path = folder / f"kb-{key}.json"
        os.utime(path, ns=(mtime_from + n * 10**9, mtime_from + n * 10**9))
        made.append(path)
    return made


def test_pruning_keeps_the_newest_entries(cache_dir):
    base = 1_600_000_000 * 10**9
    made = _fake_entries(cache_dir, cache.KEEP + 3, base)
    cache.put("f" * 64, {})  # the newest: now KEEP + 4 entries, pruned to KEEP
    kept = set(entries(cache_dir))
    assert len(kept) == cache.KEEP
    assert cache_dir / f"kb-{'f' * 64}.json" in kept
    assert kept.isdisjoint(made[:4])  # the four oldest went


def test_pruning_removes_only_what_the_cache_wrote(cache_dir, tmp_path):
    old = 1_000_000_000 * 10**9  # older than every real entry, so first in line for pruning
    cache_dir.mkdir()
    outside = tmp_path / "outside.json"
    outside.write_bytes(seal("kb-" + "e" * 64 + ".json", b"{}"))
    theirs = {
        "kb-notes.json": b"my notes",
        f"kb-{'a' * 64}.json": b'{"a user\'s": "file"}',
        f"kb-{'b' * 64}.JSON": seal(f"kb-{'b' * 64}.JSON", b"{}"),
        f"kb-{'c' * 63}.json": b"qantar-cache",
        f"xkb-{'c' * 64}.json": b"qantar-cache",
    }
    for name, content in theirs.items():
        (cache_dir / name).write_bytes(content)
    link = cache_dir / f"kb-{'d' * 64}.json"
    link.symlink_to(outside)
    folder = cache_dir / f"kb-{'9' * 64}.json"
    folder.mkdir()
    (folder / "kept.txt").write_text("x")
    legacy = cache_dir / f"kb-{'8' * 64}.json"  # an entry of format 1: ours, and stale
    legacy.write_text(json.dumps({"key": "8" * 64, "data": {}}, separators=(",", ":")))
    for path in [*(cache_dir / name for name in theirs), folder, legacy]:
        os.utime(path, ns=(old, old))
    os.utime(link, ns=(old, old), follow_symlinks=False)

    made = _fake_entries(cache_dir, cache.KEEP + 1, 1_700_000_000 * 10**9)

    for name, content in theirs.items():
        assert (cache_dir / name).read_bytes() == content
    assert link.is_symlink() and outside.exists()
    assert (folder / "kept.txt").read_text() == "x"
    assert not legacy.exists()
    assert sum(path.exists() for path in made) == cache.KEEP  # and the oldest of the cache's own went
    assert not made[0].exists()


def test_default_location_is_the_users_cache_not_the_package(monkeypatch, tmp_path):
    monkeypatch.delenv("QANTAR_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.directory() == str(tmp_path / "xdg" / "qantar")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.directory() == os.path.join(str(tmp_path / "home"), ".cache", "qantar")
    assert not str(cache.directory()).startswith(str(ROOT / "qantar_cli"))


@pytest.mark.parametrize("xdg", ["relative/cache", "cache", ".", ""])
def test_a_relative_xdg_cache_home_is_ignored(monkeypatch, tmp_path, xdg):
    monkeypatch.delenv("QANTAR_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.directory() == os.path.join(str(tmp_path / "home"), ".cache", "qantar")


def test_the_cache_directory_variable_wins_and_can_be_turned_off(cache_dir, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", "/elsewhere")
    assert cache.directory() == str(cache_dir)
    monkeypatch.setenv("QANTAR_NO_CACHE", "1")
    assert cache.directory() is None
    assert cache.key(b"data") is None
    load(MINI)
    assert entries(cache_dir) == []


STAMP_PROBE = textwrap.dedent("""
    import json, os, sys
    from qantar_cli import load
    from qantar_cli.kb import cache
    from qantar_cli.kb.store import bundled_path, read_bytes, schema_path

    data = read_bytes(bundled_path())
    load()  # cold: the cache directory is empty
    package = os.path.dirname(sys.modules["qantar_cli"].__file__)
    assert os.path.realpath(package) == os.path.realpath("qantar_cli"), package  # the copy, not the checkout
    modules = {name: os.path.realpath(m.__file__) for name, m in list(sys.modules.items())
               if (name == "qantar_cli" or name.startswith("qantar_cli.")) and getattr(m, "__file__", None)}
    first = cache.key(data)
    uncovered = []

    def changes_key(path):
        info = os.stat(path)
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 10**9))
        try:
            return cache.key(data) != first
        finally:
            os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))

    for name, path in sorted(modules.items()):
        if not path.startswith(os.path.realpath(package) + os.sep) or not changes_key(path):
            uncovered.append(name)
    assert cache.key(data) == first
    with open(schema_path(), "ab") as handle:
        handle.write(b"\\n")
    schema_counts = cache.key(data) != first
    print(json.dumps({"modules": sorted(modules), "uncovered": uncovered, "schema": schema_counts}))
""")


def test_the_key_covers_every_module_a_cold_load_imports(tmp_path):
    """Editing any module the loader runs, the schema, or adding a module anywhere, is a new key.

    The package is copied, so that the probe can change modification times
    without touching the checkout.
    """
    shutil.copytree(ROOT / "qantar_cli", tmp_path / "qantar_cli", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data", tmp_path / "data")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "QANTAR_CACHE_DIR": str(tmp_path / "cache"),
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("QANTAR_NO_CACHE", None)
    done = subprocess.run([sys.executable, "-c", STAMP_PROBE], check=False, capture_output=True, text=True,
                          timeout=120, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert {"qantar_cli.dates", "qantar_cli.collections", "qantar_cli.spec", "qantar_cli.kb.rules", "qantar_cli.kb.yamlread"} <= set(
        found["modules"])
    assert found["uncovered"] == []
    assert found["schema"]

    # Modules added later, in new subpackages too, count as soon as they exist.
    probe = "from qantar_cli.kb import cache, store; print(cache.key(store.read_bytes(store.bundled_path())))"

    def key():
        done = subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True, text=True, timeout=120,
                              env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    before = key()
    (tmp_path / "qantar_cli" / "gazetteer.py").write_text("PLACES = ()\n")
    after_module = key()
    (tmp_path / "qantar_cli" / "extra").mkdir()
    (tmp_path / "qantar_cli" / "extra" / "_fields.py").write_text("FIELDS = ()\n")
    after_subpackage = key()
    assert len({before, after_module, after_subpackage}) == 3


# -- one collection a line: a warm query decodes only what it reads ---------------------------


def test_an_entry_holds_one_collection_a_line(entry):
    payload = payload_of(entry)
    lines = payload.split(b"\n")
    assert len(lines) == len(COLLECTIONS)
    assert [line.split(b":", 1)[0].lstrip(b"{,") for line in lines] == [json.dumps(n).encode() for n in COLLECTIONS]
    parts = cache.get_parts(entry.name[3:-5], COLLECTIONS)
    assert {name: cache.decode_part(part) for name, part in parts.items()} == EXPECTED == json.loads(payload)


def test_a_warm_query_decodes_only_the_collections_it_reads(entry, monkeypatch):
    from qantar_cli import select

    decoded = []
    real = cache.decode_part
    monkeypatch.setattr(cache, "decode_part", lambda part: decoded.append(bytes(part[:20])) or real(part))
    kb = load(MINI)
    assert decoded == []
    found = select(kb, "events", date="2022-01-05", region="almaty")
    assert [e["id"] for e in found] == [e["id"] for e in select(load(MINI, use_cache=False), "events",
                                                                 date="2022-01-05", region="almaty")]
    assert len(decoded) == 2  # the events and the places, nothing else
    assert kb.get("pavlodar") is not None
    assert len(decoded) == 3  # a place's id is looked for among the sources, then found among the places
    assert kb.data == EXPECTED


LAYOUT_BREAKS = {
    "a collection out of order": lambda parts: [parts[1], parts[0], *parts[2:]],
    "a collection missing": lambda parts: parts[1:],
    "two collections on one line": lambda parts: [parts[0] + parts[1], *parts[2:]],
}


@pytest.mark.parametrize("change", LAYOUT_BREAKS.values(), ids=LAYOUT_BREAKS.keys())
def test_a_sealed_entry_out_of_layout_is_read_whole_or_refused(entry, change):
    names = [json.dumps(n) for n in COLLECTIONS]
    parts = [f"{n}:{json.dumps(EXPECTED[k], ensure_ascii=False, separators=(',', ':'))}"
             for n, k in zip(names, COLLECTIONS, strict=True)]
    joined = "{" + "\n,".join(change(parts)) + "}"
    entry.write_bytes(seal(entry.name, joined.encode()))
    assert cache.get_parts(entry.name[3:-5], COLLECTIONS) is None
    assert load(MINI).data == EXPECTED


def _sealed_layout(entry, replace: dict[str, str]) -> None:
    """A well-sealed entry in the layout, with some collections' text replaced."""
    lines = [f"{json.dumps(k)}:{replace.get(k, json.dumps(EXPECTED[k], separators=(',', ':')))}"
             for k in COLLECTIONS]
    entry.write_bytes(seal(entry.name, ("{" + "\n,".join(lines) + "}").encode()))


@pytest.mark.parametrize("events", ["[1, 2]", "{}", "[{]", "[NaN]", "[" * 100_000 + "]" * 100_000, '"\\ud800"'])
def test_a_well_sealed_part_that_is_not_records_is_never_used(entry, events):
    """A forged part is found when it is read: the file is parsed again and the entry rewritten."""
    from qantar_cli import select

    _sealed_layout(entry, {"events": events})
    kb = load(MINI)
    assert [e["id"] for e in select(kb, "events")] == [e["id"] for e in EXPECTED["events"]]
    assert kb.data == EXPECTED
    assert cache.get(entry.name[3:-5]) == EXPECTED  # healed


def test_a_forged_entry_for_a_file_with_problems_ends_in_its_problems(cache_dir, tmp_path):
    """The entry answers for the places, the events are forged: the file's own problems are reported."""
    from conftest import invoke

    path = tmp_path / "kb.yaml"
    path.write_text(MINI.read_text(encoding="utf-8").replace("places: [pavlodar]", "places: [nowhere]"),
                    encoding="utf-8")
    key = cache.key(path.read_bytes())
    cache_dir.mkdir()
    _sealed_layout(cache_dir / f"kb-{key}.json", {"events": "[1]"})
    run = invoke("timeline", "--region", "almaty", "--json", data=path, ok=False)
    assert run.code == 1 and run.stdout == ""
    assert "unknown place id 'nowhere'" in run.stderr and "kb.yaml:" in run.stderr
    assert "Traceback" not in run.stderr
