"""The comparison report (report.html) in a real browser: Playwright drives Debian's Chromium over file://.

A reader opens the page on a laptop (1366 x 900) or prints it to PDF. On screen nothing may widen the page (wide
tables and long manifests scroll inside their own box), the first screen holds the ranking and the conclusions, and
the page raises no error. In print there are no scroll boxes, no navigation, and nothing is wider than an A4 page.
One real report is built per module (`compare -n 3 --months 24 --demo-scale`); a second, synthetic one renders
the worst strings a report can hold (sha256 hashes, file paths, long scenario names) through the same template.
Screenshots and the PDF are saved under the tests' tmp_path. Without /usr/bin/chromium the module is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from diffusionsim.cli import main
from diffusionsim.report.comparison.document import Code, Figure, Items, Report, Section, Table, Text
from diffusionsim.report.comparison.render import to_html
from tests.browser import chromium_browser, needs_chromium
from tests.conftest import SCENARIOS

SCREEN = {"width": 1366, "height": 900}  # the commonest laptop screen
A4 = {"width": 703, "height": 1009}  # the text area of an A4 page (210 x 297 mm, less report.css's @page margins)
# at 96 px per inch: what a printed page has room for

pytestmark = needs_chromium
pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency; `uv sync` installs it")

# Elements whose right edge lies beyond the viewport, outside any box that scrolls (a table's .table-box, a <pre>).
OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth + 0.5;
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const inScrollBox = el => { for (let a = el.parentElement; a; a = a.parentElement) if (scrolls(a)) return true;
                              return false; };
  return [...document.body.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > limit && !inScrollBox(el))
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : '')
               + ' right=' + Math.round(el.getBoundingClientRect().right));
}"""
PAGE_WIDTHS = """() => ({inner: window.innerWidth, client: document.documentElement.clientWidth,
  html: document.documentElement.scrollWidth, body: document.body.scrollWidth})"""


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """A real comparison at the demo's scale: two scenarios, three replications, two years; one worker, in process."""
    out = tmp_path_factory.mktemp("report")
    argv = ["compare", str(SCENARIOS / "demo.toml"), str(SCENARIOS / "bundled_payment.toml"), "--demo-scale"]
    argv += ["-n", "3", "--months", "24", "-w", "1", "--out", str(out), "--quiet"]
    assert main(argv) == 0
    return out / "report.html"


LONG_HASH = "9466d24b0d060eee73844686938cdf95dfb1b3fb15edd515b6f2db07d4dd8c29"
LONG_PATH = (
    "/home/someone/projects/diffusionsim/scenarios/sweeps/regional_high_intensity_with_multi_year_contracts.toml"
)
LONG_NAME = "regional_high_intensity_with_multi_year_contracts_and_cofinancing_relief"


@pytest.fixture(scope="module")
def worst_case(report, tmp_path_factory) -> Path:
    """The real template and stylesheet with the longest unbreakable strings a report holds, in every kind of block;
    the figure is the real report's largest PNG."""
    out = tmp_path_factory.mktemp("worst")
    image = max(report.parent.glob("*.png"), key=lambda p: p.stat().st_size)
    names = ["demo", LONG_NAME, "bundled_payment"]
    wide = pd.DataFrame(
        [
            [f"setting.{LONG_NAME}.{i}", LONG_HASH, LONG_PATH] + [f"+{i}.0 pp [-12.5 pp, +13.8 pp]"] * 6
            for i in range(4)
        ],
        columns=["setting", "sha256", "file", *names, *[f"{n} vs demo" for n in names]],
    )
    sections = [
        Section(
            "brief",
            f"Brief: {LONG_NAME}",
            [Table(wide, caption=LONG_PATH, id="ranking"), Items([LONG_PATH], id="conclusions")],
        ),
        Section(
            "appendix",
            "Appendix",
            [
                Text(f"sha256 {LONG_HASH}{LONG_HASH}"),
                Items([f"file {LONG_PATH}"] * 2),
                Code(f'{{"scenario_file": "{LONG_PATH}", "sha256": "{LONG_HASH}"}}'),
                Figure(image.name, alt="the widest figure"),
            ],
        ),
    ]
    doc = Report(
        title=f"Scenario comparison: {LONG_NAME}", lang="en", warnings=[f"{LONG_PATH} {LONG_HASH}"], sections=sections
    )
    path = out / "report.html"
    path.write_text(to_html(doc, report.parent), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from chromium_browser()


class Opened:
    """A page with every console error and uncaught exception it raised while loading."""

    def __init__(self, browser, path: Path, viewport: dict, media: str = "screen"):
        self.page = browser.new_page(viewport=viewport)
        self.errors: list[str] = []
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.emulate_media(media=media)
        self.page.goto(path.as_uri(), wait_until="load")

    def __call__(self, script: str, arg=None):
        return self.page.evaluate(script, arg)


@pytest.fixture(scope="module")
def screen(browser, report) -> Iterator[Opened]:
    opened = Opened(browser, report, SCREEN)
    yield opened
    opened.page.close()


@pytest.fixture(scope="module")
def printed(browser, report) -> Iterator[Opened]:
    opened = Opened(browser, report, A4, media="print")
    yield opened
    opened.page.close()


def test_page_loads_without_errors(screen, tmp_path):
    assert screen.page.title().startswith("Scenario comparison")
    assert screen("document.querySelectorAll('section').length") >= 5
    assert screen("document.querySelectorAll('script, link[rel=stylesheet], [src^=http]').length") == 0
    shot = tmp_path / "first_screen.png"
    screen.page.screenshot(path=str(shot))  # the first screen only, as the reader sees it
    print(f"\nfirst screen: {shot}")
    assert not screen.errors, screen.errors


def test_no_horizontal_scroll_on_a_laptop(screen):
    widths = screen(PAGE_WIDTHS)
    assert widths["html"] <= widths["inner"] and widths["body"] <= widths["inner"], widths
    assert screen(OVERFLOWING) == []


def test_tables_scroll_inside_their_own_box(screen):
    boxes = screen(
        "[...document.querySelectorAll('table')].map(t => { const b = t.closest('.table-box'); "
        "return b && {box: b.getBoundingClientRect().right, client: b.clientWidth, "
        "overflow: getComputedStyle(b).overflowX}; })"
    )
    assert boxes and all(boxes), "every table sits in a .table-box"
    for box in boxes:
        assert box["box"] <= SCREEN["width"] and box["client"] <= SCREEN["width"], box
        assert box["overflow"] == "auto", box


def test_two_scenarios_need_no_table_scrolling(screen):
    """At 1366 px a table of two scenarios fits by wrapping its labels and headers: none needs its scroll bar."""
    scrolling = screen(
        "[...document.querySelectorAll('.table-box')].filter(b => b.scrollWidth > b.clientWidth + 1)"
        ".map(b => (b.closest('section') || {}).id + ': ' + b.scrollWidth + ' > ' + b.clientWidth)"
    )
    assert scrolling == []


def test_first_screen_holds_the_ranking_and_the_conclusions(screen):
    tops = screen(
        "['ranking', 'conclusions'].map(id => { const el = document.getElementById(id); "
        "return el && el.getBoundingClientRect().top; })"
    )
    assert None not in tops, "#ranking and #conclusions are on the page"
    assert all(top < SCREEN["height"] for top in tops), tops
    assert screen("document.querySelector('main section').id") == "brief"


def test_figures_have_alt_text_and_fit(screen):
    images = screen(
        "[...document.images].map(i => ({alt: i.alt, width: i.getBoundingClientRect().width, "
        "natural: i.naturalWidth, box: i.parentElement.clientWidth, complete: i.complete}))"
    )
    assert len(images) >= 4
    for image in images:
        assert image["alt"].strip(), image
        assert image["complete"] and image["natural"] > 0, "the data URI decodes"
        assert image["width"] <= image["box"] + 0.5, image


def test_print_has_no_scroll_boxes_no_nav_and_fits_a4(printed, tmp_path):
    widths = printed(PAGE_WIDTHS)
    assert widths["html"] <= widths["inner"] and widths["body"] <= widths["inner"], widths
    # In print nothing scrolls, so nothing may reach past the page: the tables included.
    assert printed(OVERFLOWING) == []
    assert set(printed("[...document.querySelectorAll('.table-box')].map(b => getComputedStyle(b).overflowX)")) == {
        "visible"
    }
    assert printed("[...document.querySelectorAll('nav')].every(n => getComputedStyle(n).display === 'none')")
    assert printed(
        "[...document.querySelectorAll('thead')].every(h => getComputedStyle(h).display === 'table-header-group')"
    )  # a table's header repeats on every page it spans
    # A scenario's colour swatch is a background, which print drops unless told to keep it.
    assert set(printed("[...document.querySelectorAll('.swatch')].map(s => getComputedStyle(s).printColorAdjust)")) == {
        "exact"
    }
    pdf = tmp_path / "report.pdf"
    printed.page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    print(f"\nPDF: {pdf}")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 50_000  # text and the figures
    assert not printed.errors, printed.errors


@pytest.mark.parametrize(
    ("viewport", "media"), [(SCREEN, "screen"), ({"width": 390, "height": 844}, "screen"), (A4, "print")]
)
def test_long_unbreakable_strings_never_widen_the_page(browser, worst_case, viewport, media, tmp_path):
    """Hashes, paths and scenario names in a title, a warning, table cells, list items and <pre>: on a laptop, a
    phone and in print the page keeps its width."""
    opened = Opened(browser, worst_case, viewport, media)
    try:
        widths = opened(PAGE_WIDTHS)
        assert widths["html"] <= widths["inner"] and widths["body"] <= widths["inner"], widths
        assert opened(OVERFLOWING) == []
        opened.page.screenshot(path=str(tmp_path / f"worst_{media}_{viewport['width']}.png"), full_page=True)
        assert not opened.errors, opened.errors
    finally:
        opened.page.close()
