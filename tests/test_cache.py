"""The validated-load cache: keyed by content, never trusted blindly, never in the package."""

import json
import os

import pytest

from conftest import MINI, ROOT
from qantar_cli import load
from qantar_cli.kb import cache
from qantar_cli.errors import DataError


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("QANTAR_CACHE_DIR", str(folder))
    return folder


def entries(folder):
    return sorted(folder.glob("kb-*.json")) if folder.exists() else []


def test_a_valid_load_is_cached_and_reused(cache_dir):
    first = load(MINI)
    [entry] = entries(cache_dir)
    assert json.loads(entry.read_text(encoding="utf-8"))["data"] == first.data
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


@pytest.mark.parametrize("garbage", [b"", b"{not json", b'{"key": "other", "data": {}}', b"[1, 2]", b"\xff\xfe"])
def test_a_corrupt_entry_is_ignored_and_rebuilt(cache_dir, garbage):
    expected = load(MINI, use_cache=False).data
    load(MINI)
    [entry] = entries(cache_dir)
    entry.write_bytes(garbage)
    assert load(MINI).data == expected
    assert json.loads(entry.read_text(encoding="utf-8"))["data"] == expected


def test_an_unwritable_cache_directory_is_harmless(tmp_path, monkeypatch):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("QANTAR_CACHE_DIR", str(blocker / "cache"))
    assert load(MINI).counts()["events"] == 8


def test_cache_can_be_turned_off(cache_dir, monkeypatch):
    monkeypatch.setenv("QANTAR_NO_CACHE", "1")
    load(MINI)
    assert entries(cache_dir) == []


def test_default_location_is_the_users_cache_not_the_package(monkeypatch, tmp_path):
    monkeypatch.delenv("QANTAR_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.directory() == str(tmp_path / "xdg" / "qantar")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.directory() == os.path.join(str(tmp_path / "home"), ".cache", "qantar")
    assert not str(cache.directory()).startswith(str(ROOT / "qantar_cli"))
