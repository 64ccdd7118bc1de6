"""Fuzzing the cache: whatever bytes sit where an entry should be, a load gives the right answer.

The contract: the only outcome of ``load()`` over a damaged, forged-looking
or arbitrary cache entry is the records of an uncached load (no exception),
and the entry is whole again afterwards. For a longer run:

    QANTAR_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz_cache.py
"""

import hashlib
import json
import os
import random

import pytest
from conftest import MINI
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from qantar_cli import load
from qantar_cli.collections import KEYS as COLLECTIONS
from qantar_cli.kb import cache, store

EXAMPLES = int(os.environ.get("QANTAR_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
EXPECTED = load(MINI, use_cache=False).data


@pytest.fixture
def entry(tmp_path, monkeypatch):
    """The path of the fixture's cache entry, and the bytes of a valid one."""
    monkeypatch.setenv("QANTAR_CACHE_DIR", str(tmp_path / "cache"))
    load(MINI)
    key = cache.key(store.read_bytes(str(MINI)))
    path = tmp_path / "cache" / f"kb-{key}.json"
    return path, path.read_bytes()


def answers_right_and_heals(path, key):
    assert load(MINI).data == EXPECTED
    assert cache.get(key) == EXPECTED  # rebuilt, or untouched if it was still valid


def mutate(blob: bytes, seed: int, edits: int) -> bytes:
    """Damage of the kinds disks, editors and careless scripts do, mostly aimed at the header."""
    rnd = random.Random(seed)
    buf = bytearray(blob)
    header = blob.index(b"\n") + 1
    for _ in range(edits):
        op = rnd.randrange(7)
        at = rnd.randrange(header) if rnd.random() < 0.5 else rnd.randrange(len(buf) + 1)
        at = min(at, len(buf))
        if op == 0 and at < len(buf):  # flip a bit
            buf[at] ^= 1 << rnd.randrange(8)
        elif op == 1:  # insert a byte that matters to JSON or the header
            buf.insert(at, rnd.choice(b'{}[]",:0123456789abcdef \n\\\x00\xff'))
        elif op == 2:  # delete a run
            del buf[at:at + rnd.randrange(1, 40)]
        elif op == 3:  # truncate
            del buf[at:]
        elif op == 4:  # duplicate a run
            buf[at:at] = buf[at:at + rnd.randrange(1, 200)]
        elif op == 5:  # overwrite a run with zeros, as a torn write leaves it
            buf[at:at + rnd.randrange(1, 4096)] = bytes(min(len(buf) - at, 4096))
        else:  # swap two runs
            i, j = sorted(rnd.randrange(len(buf) + 1) for _ in range(2))
            buf = buf[j:] + buf[i:j] + buf[:i]
    return bytes(buf)


@FUZZ
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes_in_place_of_an_entry(entry, data):
    path, _ = entry
    path.write_bytes(data)
    answers_right_and_heals(path, path.name[3:-5])


@FUZZ
@given(data=st.binary(max_size=400))
def test_a_valid_header_over_arbitrary_bytes(entry, data):
    path, good = entry
    path.write_bytes(good[:good.index(b"\n") + 1] + data)
    answers_right_and_heals(path, path.name[3:-5])


@FUZZ
@given(seed=st.integers(0, 2**32), edits=st.integers(1, 8))
def test_mutations_of_a_real_entry(entry, seed, edits):
    path, good = entry
    path.write_bytes(mutate(good, seed, edits))
    answers_right_and_heals(path, path.name[3:-5])


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from([*COLLECTIONS, "id", "key", "data"]) | st.text(max_size=6), inner, max_size=7),
    max_leaves=30,
)


def usable(value) -> bool:
    """What ``load`` can take from a verified entry: the six names, each a list of records."""
    return (isinstance(value, dict) and sorted(value) == sorted(COLLECTIONS)
            and all(isinstance(v, list) and all(isinstance(r, dict) for r in v) for v in value.values()))


@FUZZ
@given(value=JSON)
def test_a_well_sealed_payload_of_any_other_shape(entry, value):
    """Even an entry whose checksum is right is refused unless it has the shape ``load`` needs."""
    assume(not usable(value))
    path, _ = entry
    head = f"qantar-cache {cache.FORMAT} {path.name} ".encode()
    payload = json.dumps(value).encode()
    path.write_bytes(head + hashlib.blake2b(head + payload, digest_size=32).hexdigest().encode() + b"\n" + payload)
    answers_right_and_heals(path, path.name[3:-5])
