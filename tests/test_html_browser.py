"""The HTML page in a real browser: headless Chromium renders it, asks for nothing, and takes its picture.

``.ci/run`` installs Debian's ``chromium`` when it is missing; elsewhere
these tests skip, saying why, only when no Chromium or Chrome is found.
The screenshots are left in pytest's temporary directory, and their paths
printed (``pytest -s`` shows them).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import MINI
from test_html import Parsed, event_rows

from qantar_cli import load, select
from qantar_cli.out.counts import Bar, count_events
from qantar_cli.out.exports.html import render_html

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_browser() -> str | None:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


BROWSER = find_browser()
pytestmark = pytest.mark.skipif(BROWSER is None, reason=f"no Chromium or Chrome on PATH (looked for {', '.join(BROWSERS)}); "
                                                         "`apt-get install chromium` (.ci/run does)")


def chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium on ``page`` with a fresh profile, no background traffic, no DNS, a network log."""
    assert BROWSER is not None
    profile = tmp_path / "profile"
    command = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
               f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND",
               f"--log-net-log={tmp_path / 'net.json'}", *args, page.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def page_requests(tmp_path: Path) -> list[str]:
    """The URLs the page asked for, from Chromium's network log (the browser's own traffic left out)."""
    log = json.loads((tmp_path / "net.json").read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    found = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event["type"] == start and "url" in params and params.get("initiator") != "not an origin":
            found.append(params["url"])  # "not an origin": the browser's own traffic
    return found


@pytest.fixture(scope="module")
def bundled():
    kb = load()
    events = select(kb, "events")
    return kb, events, render_html(kb, events)


def test_chromium_renders_the_page_as_written(tmp_path, bundled):
    kb, events, html = bundled
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    dom = chromium(tmp_path, page, "--dump-dom").stdout
    parsed = Parsed(dom)
    assert [text for level, text in parsed.headings if level == 2] == \
        ["Timeline", "Figures", "Disputes", "Who was involved", "Sources"]
    assert len(event_rows(dom)) == len(events) == 90
    assert dom.count('<article class="dispute">') == len(kb["disputes"])
    # the chart: a bar (an SVG rectangle) for each day with events, a row for each day or gap
    chart = dom.split('<figure class="chart"', 1)[1].split("</figure>", 1)[0]
    rows = count_events(events, "day").rows()
    assert chart.count("<rect ") == sum(1 for r in rows if isinstance(r, Bar) and r.count)
    assert chart.count("<tr") == len(rows) + 1  # and the header row
    assert '<figcaption id="chart-caption">Events per day' in chart
    # nothing to fetch: the policy is in force, nothing has a src, http(s) only in <a> links
    assert "Content-Security-Policy" in dom and "default-src 'none'" in dom
    articles = {s["url"] for s in kb["sources"] if s["url"]}
    for name, attrs in parsed.tags:
        assert "src" not in attrs, name
        href = attrs.get("href") or ""
        if href.startswith("http"):
            assert name == "a"
            assert href.split("#")[0] in articles | {"https://www.geonames.org/",
                                                     "https://creativecommons.org/licenses/by/4.0/"}
    assert page_requests(tmp_path) == []


def test_the_policy_blocks_what_escaping_might_have_missed(tmp_path):
    """A request planted in the page is blocked by its policy; without the policy the log sees it."""
    kb = load(MINI)
    html = render_html(kb, select(kb, "events"))
    planted = '<img src="http://leak.invalid/x.png" alt=""><link rel="stylesheet" href="http://leak.invalid/s.css">'
    guarded = tmp_path / "guarded" / "page.html"
    guarded.parent.mkdir()
    guarded.write_text(html.replace("<main>", "<main>" + planted), encoding="utf-8")
    chromium(guarded.parent, guarded, "--dump-dom")
    assert page_requests(guarded.parent) == []
    # the control: the same page without its policy does ask, and the log shows it
    bare = tmp_path / "bare" / "page.html"
    bare.parent.mkdir()
    without = "\n".join(line for line in guarded.read_text(encoding="utf-8").splitlines()
                        if "Content-Security-Policy" not in line)
    bare.write_text(without, encoding="utf-8")
    chromium(bare.parent, bare, "--dump-dom")
    assert "http://leak.invalid/x.png" in page_requests(bare.parent)


@pytest.mark.parametrize(("name", "size"), [("desktop", "1280,1600"), ("phone", "390,1600")])
def test_screenshots(tmp_path, bundled, name, size):
    _, _, html = bundled
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / f"report-{name}.png"
    chromium(tmp_path, page, f"--screenshot={shot}", f"--window-size={size}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == tuple(int(n) for n in size.split(","))
    assert len(data) > 20_000  # a page, not a blank
    print(f"\nscreenshot ({name}): {shot}")
    assert page_requests(tmp_path) == []
    assert os.path.getsize(page) == len(html.encode("utf-8"))
