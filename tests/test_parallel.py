"""A large file read in two processes reads exactly as it does in one.

``parallel.read`` cuts a file at a line at column 0 and reads the halves in
two processes. Whatever the cut, the halves joined must be what
``quickyaml.read`` gives for the whole file, None included; the child's
failure, death or a Ctrl-C must change nothing but the time it takes.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
import yaml
from conftest import MINI
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_loading import CASES
from test_quickyaml import typed

from qantar_cli.kb import parallel, quickyaml, store
from qantar_cli.kb.files import bundled_path

EXAMPLES = int(os.environ.get("QANTAR_FUZZ_EXAMPLES", "300"))


def _text(path) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _generated(**style) -> str:
    from benchmarks.generate import generate

    return yaml.safe_dump(generate(2), **{"allow_unicode": True, "sort_keys": False, **style})


def joined_at(text: str, after: int):
    """The halves of ``text`` cut after ``after``, read apart and joined (or "uncut" if there is no cut)."""
    cut = parallel.halves(text, after)
    if cut is None:
        return "uncut"
    at, inside = cut
    first, second = text[:at], parallel.second_half(text, at, inside)
    head, tail = quickyaml.read(first, "kb.yaml"), quickyaml.read(second, "kb.yaml")
    return None if head is None or tail is None else parallel.join(head, tail, first, inside)


def cuts(text: str, most: int = 40):
    """An offset for each cut there is (one per line at column 0), or ``most`` of them evenly spread."""
    starts = [i + 1 for i, char in enumerate(text) if char == "\n" and text[i + 1:i + 2] not in ("", " ", "\n", "#")]
    step = max(1, len(starts) // most)
    return [max(at - 1, 0) for at in starts[::step]]


TEXTS = {
    "bundled": lambda: _text(bundled_path()),
    "fixture": lambda: _text(MINI),
    "generated": _generated,
    "generated, indented lists": lambda: _generated(indent=4),
    "generated, narrow": lambda: _generated(width=40),
    "generated, escaped": lambda: _generated(allow_unicode=False),
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_every_cut_of_a_knowledge_file_reads_as_the_whole(name):
    text = TEXTS[name]()
    whole = typed(quickyaml.read(text, "kb.yaml"))
    made = 0
    for after in cuts(text):
        joined = joined_at(text, after)
        if joined != "uncut":
            made += 1
            assert typed(joined) == whole, after
    assert made


@pytest.mark.parametrize("text", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_every_cut_of_a_broken_file_reads_as_the_whole(text):
    """Broken files too: the halves read to the whole's values, or to None when the whole is None."""
    whole = quickyaml.read(text, "kb.yaml")
    for after in cuts(text):
        joined = joined_at(text, after)
        if joined == "uncut":
            continue
        if whole is None:
            assert joined is None, after
        else:
            assert joined is not None and typed(joined) == typed(whole), after


LINES = ["a:", "a:  ", f"{parallel.CONTINUED}: 1", "b:", "a: 1", "c: [1, 2]", "d: 'q", "  r'", "- x", "- y: 1", "-", "- - 2", "  - z", "  k: v",
         "  k:", "    - w", "  w", "# c", "  # c", "", "e: |", "  block", "f: >-", "- 'long", "  quote'", "---"]


@given(st.lists(st.sampled_from(["a:", "b: 1", "- x", "- y: 1", "  - z", "  k: v", "# c"]), min_size=1, max_size=8)
       | st.lists(st.sampled_from(LINES), max_size=14))
@example(["a:", "  - z", "- x"])  # a list whose first item is indented: a column-0 item after it is no item of it
@example(["a: ", "- x", "- y"])  # spaces after the list's key
@example(["a:", "- x", "- y", f"{parallel.CONTINUED}: 1"])
@example(["a:", "- x", "  - z", "- y", "b: 1", "- w"])
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_cut_of_any_file_reads_as_the_whole(lines):
    """Files made of lines at random, with every cut there is: the same values, or None exactly when the whole is."""
    text = "\n".join(lines) + "\n"
    whole = quickyaml.read(text, "kb.yaml")
    for after in range(len(text)):
        joined = joined_at(text, after)
        if joined != "uncut":
            assert (joined is None) == (whole is None), after
            assert whole is None or typed(joined) == typed(whole), after


C = parallel.CONTINUED


@pytest.mark.parametrize(("text", "after", "expected"), [
    ("a: 1\nb: 2\n", 1, ("a: 1\n", "b: 2\n", False)),
    ("events:\n- x\n- y\n", 9, ("events:\n- x\n", f"{C}:\n- y\n", True)),
    ("c: 1\n# note\nevents:\n- x\n# more\n- y\nz: 2\n", 22, ("c: 1\n# note\nevents:\n- x\n# more\n",
                                                             f"{C}:\n- y\nz: 2\n", True)),
    ("events:\n  - x\n  - y\n", 9, None),  # no line at column 0 after the middle
    ("- x\n- y\n", 2, None),  # a list at the top: no mapping in the first half
    ("a: 1\n---\nb: 2\n", 1, None),  # a document marker is not cut at
    ("# only\n# comments\nb: 2\nc: 3\n", 0, None),  # the first half would have no mapping
    ("# a comment\nb: 2\nc: 3\n", 13, ("# a comment\nb: 2\n", "c: 3\n", False)),
    (f"events:\n- x\n- y\n{parallel.CONTINUED}: 1\n", 9, None),  # the key the cut list would be read under
])
def test_where_a_file_is_cut(text, after, expected):
    cut = parallel.halves(text, after)
    assert (cut and (text[:cut[0]], parallel.second_half(text, *cut), cut[1])) == expected


@pytest.mark.parametrize(("head", "tail", "first", "inside", "expected"), [
    ({"a": 1}, {"b": 2}, "a: 1\n", False, {"a": 1, "b": 2}),
    ({"a": 1}, {"a": 2}, "a: 1\n", False, None),  # a key written twice
    ({"a": [1]}, {C: [2], "b": 3}, "a:\n- 1\n", True, {"a": [1, 2], "b": 3}),
    ({"a": [1]}, {C: [2]}, "a:   \n- 1\n", True, {"a": [1, 2]}),  # spaces after the colon
    ({"a": [1]}, {C: [2]}, "a: # c\n- 1\n", True, None),
    ({"c": 0, "a": [1]}, {C: [2]}, "c: 0\na:\n# note\n\n- 1\n", True, {"c": 0, "a": [1, 2]}),
    ({"a": None}, {C: [2]}, "a:\n# note\n", True, {"a": [2]}),  # the cut came right after the key line
    ({"a": [1]}, {C: [2]}, "a:\n  - 1\n", True, None),  # its first item is indented: the cut one is no item of it
    ({"a": [1], "c": 0}, {C: [2]}, "a:\n- 1\nc: 0\n", True, None),  # the list is not the first half's last entry
    ({"a": {}}, {C: [2]}, "a:\n  b: 1\n", True, None),  # not a list
    ({"a": [1]}, {C: 2}, "a:\n- 1\n", True, None),
    ({"a": [1]}, {"b": [2]}, "a:\n- 1\n", True, None),  # no continued list in the second half
    ({"a": [1], "b": 0}, {C: [2], "b": 3}, "b: 0\na:\n- 1\n", True, None),
])
def test_how_halves_are_joined(head, tail, first, inside, expected):
    assert parallel.join(head, tail, first, inside) == expected


FORKED: list[int] = []


@pytest.fixture
def big_enough(monkeypatch):
    """Every file is read in two processes, on any machine where it can be; the children are kept in FORKED."""
    if not hasattr(os, "fork"):
        pytest.skip("this platform cannot fork: files are always read in one piece")
    monkeypatch.setattr(parallel, "_cores", lambda: 2)
    FORKED.clear()
    fork = os.fork

    def recorded():
        pid = fork()
        if pid:
            FORKED.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recorded)


def assert_reaped():
    """Every child the test started has ended and been reaped: none runs, none is a zombie."""
    assert FORKED
    for pid in FORKED:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_read_in_two_processes_is_the_whole(big_enough):
    text = _generated()
    assert parallel.halves(text) is not None
    assert typed(parallel.read(text, "kb.yaml", least=0)) == typed(quickyaml.read(text, "kb.yaml"))


def test_a_load_in_two_processes_is_the_load_in_one(big_enough, monkeypatch):
    with open(bundled_path(), "rb") as handle:
        data = handle.read()
    one = store.parse(data, "qantar.yaml")
    monkeypatch.setattr(parallel, "LEAST", 0)
    forks = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())  # recorded too (big_enough)
    two = store.parse(data, "qantar.yaml")
    assert forks, "the file was not read in two processes"
    assert typed(two) == typed(one)


def _in_child_only(action):
    """``quickyaml.read`` that does ``action`` in a forked child and reads normally in this process."""
    parent = os.getpid()
    real = quickyaml.read

    def read(text, name):
        if os.getpid() != parent:
            action()
        return real(text, name)

    return read


@pytest.mark.parametrize("action", [
    lambda: os._exit(3),
    lambda: os.kill(os.getpid(), signal.SIGKILL),
    lambda: 1 / 0,
], ids=["exits", "killed", "raises"])
def test_a_lost_child_costs_only_time(big_enough, monkeypatch, action):
    text = _generated()
    expected = typed(quickyaml.read(text, "kb.yaml"))
    monkeypatch.setattr(quickyaml, "read", _in_child_only(action))
    assert typed(parallel.read(text, "kb.yaml", least=0)) == expected
    assert_reaped()


def test_an_interrupted_read_leaves_no_child(big_enough, monkeypatch):
    parent = os.getpid()
    real = quickyaml.read

    def read(text, name):
        if os.getpid() != parent:
            time.sleep(60)
            return real(text, name)
        raise KeyboardInterrupt

    monkeypatch.setattr(quickyaml, "read", read)
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        parallel.read(_generated(), "kb.yaml", least=0)
    assert time.monotonic() - start < 10
    assert_reaped()


def test_one_core_or_a_small_file_is_read_in_one_piece(monkeypatch):
    def no_fork():
        raise AssertionError("forked")

    monkeypatch.setattr(os, "fork", no_fork)
    text = _generated()
    expected = typed(quickyaml.read(text, "kb.yaml"))
    assert typed(parallel.read(text, "kb.yaml")) == expected  # smaller than parallel.LEAST
    monkeypatch.setattr(parallel, "_cores", lambda: 1)
    assert typed(parallel.read(text, "kb.yaml", least=0)) == expected


# -- the cache entry written beside the checks (store.examine's ``write``) ---------------------------------


def _entry(folder):
    [found] = folder.glob("kb-*.json")
    assert not list(folder.glob(".kb-*")), "no staged file left behind"
    return found.read_bytes()


@pytest.mark.parametrize("path", [bundled_path(), str(MINI)], ids=["bundled", "fixture"])
def test_a_load_with_its_records_encoded_beside_is_the_load_in_one(big_enough, cache_dir, monkeypatch, path):
    one = store.load(path).data
    entry = _entry(cache_dir)
    for found in cache_dir.glob("kb-*"):
        found.unlink()
    monkeypatch.setattr(parallel, "LEAST", 0)
    forks = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())  # recorded too (big_enough)
    kb = store.load(path)
    assert len(forks) == 2, "read and written beside this process"
    assert typed(kb.data) == typed(one)
    assert _entry(cache_dir) == entry, "the same cache entry, byte for byte"


def test_a_file_with_problems_read_in_two_reports_as_in_one(big_enough, cache_dir, monkeypatch, tmp_path):
    text = _text(MINI).replace("kind: city", "kind: town", 1)
    path = tmp_path / "kb.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(store.DataError) as one:
        store.load(path)
    monkeypatch.setattr(parallel, "LEAST", 0)
    with pytest.raises(store.DataError) as two:
        store.load(path)
    assert two.value.lines() == one.value.lines()
    assert not list(cache_dir.glob("kb-*.json")) and not list(cache_dir.glob(".kb-*"))
    assert_reaped()


@pytest.mark.parametrize("when", ["staged", "interrupted"])
def test_a_staged_entry_is_never_left_behind(big_enough, cache_dir, monkeypatch, when):
    """The other process dies once it has written its file, or Ctrl-C comes then: nothing stays but an entry."""
    from qantar_cli.kb import cache, rules

    parent = os.getpid()
    real_stage, real_clean = cache.stage, rules.clean

    def stage(*args):
        written = real_stage(*args)
        if os.getpid() != parent and when == "staged":
            os._exit(9)
        return written

    def clean(root):
        if when == "interrupted":
            time.sleep(0.5)  # the other process has staged its file by now
            raise KeyboardInterrupt
        return real_clean(root)

    monkeypatch.setattr(cache, "stage", stage)
    monkeypatch.setattr(rules, "clean", clean)
    monkeypatch.setattr(parallel, "LEAST", 0)
    if when == "interrupted":
        with pytest.raises(KeyboardInterrupt):
            store.load(MINI)
        assert not list(cache_dir.glob("*")) and not list(cache_dir.glob(".kb-*"))
    else:
        store.load(MINI)
        _entry(cache_dir)  # written by this process instead
    assert_reaped()


@pytest.mark.parametrize("defer", [False, True], ids=["waited for", "finished after the answer"])
def test_a_lost_encoder_costs_only_time(big_enough, cache_dir, monkeypatch, defer):
    one = store.load(MINI, use_cache=False).data
    parent = os.getpid()
    real = store.build

    def build(root, *args):
        if os.getpid() != parent:
            os._exit(5)
        return real(root, *args)

    monkeypatch.setattr(store, "build", build)
    monkeypatch.setattr(parallel, "LEAST", 0)
    kb = store.load(MINI, defer_cache=defer)
    assert typed(kb.data) == typed(one)
    kb.settle()  # nothing left to do unless deferred
    _entry(cache_dir)  # cached all the same, by this process
    assert typed(store.load(MINI).data) == typed(one)  # and read from there
    assert_reaped()


# -- an entry finished after the answer (load(defer_cache=True), as the command line loads) ----------------


def _nothing_staged_or_published(folder):
    return not list(folder.glob("kb-*.json")) and not list(folder.glob(".kb-*"))


def test_a_deferred_entry_is_put_in_place_when_settled(big_enough, cache_dir, monkeypatch):
    one = store.load(MINI).data  # in one process, entry and all
    entry = _entry(cache_dir)
    for found in cache_dir.glob("kb-*"):
        found.unlink()
    monkeypatch.setattr(parallel, "LEAST", 0)
    kb = store.load(MINI, defer_cache=True)
    assert kb.writing is not None
    assert typed(kb.data) == typed(one), "the records are there before the entry is"
    assert not list(cache_dir.glob("kb-*.json")), "put in place only by settle"
    kb.settle()
    kb.settle()  # once is all it does
    assert _entry(cache_dir) == entry, "the same cache entry, byte for byte"
    assert_reaped()
    assert typed(store.load(MINI).data) == typed(one)  # and read from there


def test_a_deferred_entry_abandoned_leaves_nothing(big_enough, cache_dir, monkeypatch):
    monkeypatch.setattr(parallel, "LEAST", 0)
    kb = store.load(MINI, defer_cache=True)
    kb.settle(complete=False)
    kb.settle()  # nothing left to finish
    assert _nothing_staged_or_published(cache_dir)
    assert_reaped()


def test_ctrl_c_while_a_deferred_entry_is_awaited_leaves_nothing(big_enough, cache_dir, monkeypatch):
    monkeypatch.setattr(parallel, "LEAST", 0)
    kb = store.load(MINI, defer_cache=True)

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(parallel._Child, "result", interrupted)
    with pytest.raises(KeyboardInterrupt):
        kb.settle()
    assert _nothing_staged_or_published(cache_dir)
    assert_reaped()


@pytest.mark.parametrize("args", [["timeline", "--json"], ["timeline", "--region", "nowhere-at-all"]],
                         ids=["answered", "usage error after loading"])
def test_the_command_line_finishes_the_entry_it_deferred(big_enough, cache_dir, monkeypatch, args):
    from conftest import invoke

    monkeypatch.setattr(parallel, "LEAST", 0)
    run = invoke(*args, ok=False)
    assert run.code == (0 if "--json" in args else 2), run.stderr
    _entry(cache_dir)
    assert_reaped()


def test_ctrl_c_after_a_deferred_load_leaves_nothing(big_enough, cache_dir, monkeypatch):
    from conftest import invoke

    from qantar_cli.find import query

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(query, "select", interrupted)
    monkeypatch.setattr(parallel, "LEAST", 0)
    run = invoke("timeline", "--json", ok=False)
    assert run.code == 130 and run.stdout == "" and "Traceback" not in run.stderr
    assert _nothing_staged_or_published(cache_dir)
    assert_reaped()


def test_an_error_is_shown_before_the_entry_is_waited_for(big_enough, cache_dir, monkeypatch):
    """A usage error found after loading is said at once; the entry is finished after it."""
    from conftest import invoke

    from qantar_cli.cli import QantarGroup

    happened = []
    show, settle_all = QantarGroup._show, store.settle_all
    monkeypatch.setattr(QantarGroup, "_show", staticmethod(lambda exc: happened.append("shown") or show(exc)))
    monkeypatch.setattr(store, "settle_all", lambda complete=True: happened.append("settled") or settle_all(complete))
    monkeypatch.setattr(parallel, "LEAST", 0)
    run = invoke("timeline", "--region", "nowhere-at-all", ok=False)
    assert run.code == 2 and "nowhere-at-all" in run.stderr
    assert happened == ["shown", "settled"]
    _entry(cache_dir)
    assert_reaped()


def test_a_ctrl_c_meant_for_a_pager_spares_the_entry(big_enough, cache_dir, monkeypatch):
    """The process writing the entry ignores SIGINT: while a pager runs, a Ctrl-C is the pager's."""
    from qantar_cli.kb import cache

    monkeypatch.setattr(parallel, "LEAST", 0)
    kb = store.load(MINI, defer_cache=True)
    monkeypatch.setattr(cache, "put", lambda *args: pytest.fail("the writing process was lost"))
    os.kill(kb.writing._child.pid, signal.SIGINT)
    kb.settle()
    _entry(cache_dir)
    assert_reaped()


def test_an_entry_handed_over_is_never_lost(big_enough, cache_dir, monkeypatch):
    """Ctrl-C just after the writing process is handed over ends it; an entry whose knowledge base
    was dropped is still finished by settle_all, as the command line does at its end."""
    real = store.Writing.adopt

    def adopt_then_interrupted(self, child):
        real(self, child)
        raise KeyboardInterrupt

    monkeypatch.setattr(parallel, "LEAST", 0)
    monkeypatch.setattr(store.Writing, "adopt", adopt_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.load(MINI, defer_cache=True)
    assert _nothing_staged_or_published(cache_dir) and not store._PENDING
    monkeypatch.setattr(store.Writing, "adopt", real)
    store.load(MINI, defer_cache=True)  # dropped at once
    assert store._PENDING
    store.settle_all()
    assert not store._PENDING
    _entry(cache_dir)
    assert_reaped()


@pytest.mark.parametrize("call", ["fork", "pipe"])
def test_no_process_or_pipe_to_spare_costs_only_time(big_enough, cache_dir, monkeypatch, call):
    one = store.load(MINI, use_cache=False).data

    def refuse(*args):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, call, refuse)
    monkeypatch.setattr(parallel, "LEAST", 0)
    assert typed(store.load(MINI).data) == typed(one)
    assert list(cache_dir.glob("kb-*.json")) and not list(cache_dir.glob(".kb-*"))


def test_no_fork_beside_other_threads(monkeypatch):
    monkeypatch.setattr(parallel, "_threaded", parallel._threaded)  # the real one, whatever the fixture did
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not parallel.worth(10**9, least=0)
    finally:
        stop.set()
        thread.join()
    assert parallel.worth(10**9, least=0) == (parallel._cores() > 1)


def test_ctrl_c_while_forking_leaves_no_child_no_pipe_and_no_file(big_enough, cache_dir, monkeypatch):
    """A Ctrl-C that comes while the child is being started (held back until it is) ends the child too."""
    real_fork = os.fork

    def fork():
        # To this thread, which holds it back until the child is set (a signal to the process could go to
        # another thread of the test runner: qantar never forks beside other threads, the tests here may).
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(parallel, "LEAST", 0)
    before = set(os.listdir("/proc/self/fd"))
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)  # whatever other tests left
    try:
        with pytest.raises(KeyboardInterrupt):
            store.load(MINI)
    finally:
        signal.signal(signal.SIGINT, handler)
    assert_reaped()
    assert set(os.listdir("/proc/self/fd")) <= before
    assert not list(cache_dir.glob(".kb-*")) and not list(cache_dir.glob("kb-*"))


def test_what_an_ended_process_left_staged_is_removed(cache_dir):
    from qantar_cli.kb import cache

    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)  # a process that has ended
    cache_dir.mkdir()
    ended = cache_dir / f".kb-{pid}-0123456789ab.tmp"
    ended.write_bytes(cache.MAGIC + b"half of an entry")
    killed_at_once = cache_dir / f".kb-{pid}-0123456789ac.tmp"
    killed_at_once.write_bytes(b"")
    running = cache_dir / f".kb-{os.getpid()}-0123456789ab.tmp"
    running.write_bytes(cache.MAGIC)
    theirs = [cache_dir / f".kb-{pid}-0123456789ad.tmp", cache_dir / f".kb-{pid}-nothex.tmp"]
    theirs[0].write_bytes(b"someone else's")
    theirs[1].write_bytes(cache.MAGIC)
    store.load(MINI)
    assert not ended.exists() and not killed_at_once.exists()
    assert running.exists() and all(path.exists() for path in theirs)


def test_children_reaped_unseen_are_never_started(monkeypatch):
    monkeypatch.setattr(parallel, "_threaded", lambda: False)
    old = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        assert parallel._cores() == 1
        text = _generated()
        assert typed(parallel.read(text, "kb.yaml", least=0)) == typed(quickyaml.read(text, "kb.yaml"))
    finally:
        signal.signal(signal.SIGCHLD, old)


def test_a_child_reaped_by_someone_else_is_lost(big_enough, monkeypatch):
    real_waitpid = os.waitpid

    def waitpid(pid, options):
        real_waitpid(pid, options)
        raise ChildProcessError(10, "No child processes")

    monkeypatch.setattr(os, "waitpid", waitpid)
    with parallel.beside(lambda: 1) as child:
        assert child.result() is parallel.LOST
