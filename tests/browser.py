"""Debian's Chromium for the browser tests (the app's and the report's), as Playwright drives it on these machines:
`playwright install` cannot download browsers here, so Playwright launches /usr/bin/chromium, headless. CI installs
it with apt (.ci/run); without it the browser tests are skipped, not failed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium (CI installs it: apt install chromium)"
)


def chromium_browser() -> Iterator[object]:
    """A headless Chromium, closed after use: the body of a module-scoped `browser` fixture."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is a dev dependency; `uv sync` installs it"
    )
    pw = sync_api.sync_playwright().start()
    chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()
        pw.stop()
