"""Accessibility judged by axe-core in Chromium, plus what axe cannot see: headings, keyboard, zoom, narrow screens."""

from __future__ import annotations

from pathlib import Path

import axe_playwright_python
import lxml.html
import pytest

from tests.browser import browser
from tests.test_site import html_pages

AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def context(real_site):
    with browser() as instance:
        # The pages' Content-Security-Policy forbids injected scripts; axe is the one we let in.
        ctx = instance.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        yield ctx
        ctx.close()


def test_axe_finds_no_wcag_a_or_aa_violation_on_any_page(real_site, site_url, context):
    pages = [p.relative_to(real_site).as_posix() for p in html_pages(real_site) if p.name != "index.html" or p.parent != real_site]
    tab = context.new_page()
    violations = []
    for path in pages:
        tab.goto(site_url + path)
        tab.add_script_tag(content=AXE)
        result = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
        for violation in result["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            violations.append(f"{path}: {violation['id']} ({violation['impact']}) {targets}")
    print(f"axe-core checked {len(pages)} pages")
    assert len(pages) >= 30
    assert not violations, "\n".join(violations[:20])


def test_one_h1_and_no_skipped_heading_levels(real_site):
    for path in html_pages(real_site):
        if path.parent == real_site and path.name == "index.html":
            continue
        tree = lxml.html.fromstring(path.read_bytes())
        levels = [int(h.tag[1]) for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert levels.count(1) == 1, path
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, f"{path.relative_to(real_site)}: h{before} then h{after}"


def test_tables_have_headers_and_captions_and_the_timeline_a_text_alternative(real_site):
    for path in html_pages(real_site):
        tree = lxml.html.fromstring(path.read_bytes())
        for table in tree.iter("table"):
            assert table.xpath(".//th"), f"{path}: table without header cells"
            assert table.xpath("./caption")[0].text_content().strip(), f"{path}: table without caption"
    home = lxml.html.fromstring((real_site / "nl/index.html").read_bytes())
    svg = home.xpath("//svg")[0]
    assert svg.xpath("./title")[0].text_content() == "Mandaatperiodes"
    names = [link.get("aria-label") for link in svg.xpath(".//a")]
    assert len(names) == 4 and any("(Gent), 1 januari 2021 tot" in name for name in names), names


def test_keyboard_alone_reaches_skip_link_menu_language_switch_and_search(site_url, context):
    tab = context.new_page()
    tab.goto(site_url + "nl/gent/")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.className") == "skip-link"
    assert tab.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    tab.keyboard.press("Enter")
    assert tab.url.endswith("#main")
    tab.goto(site_url + "nl/gent/")
    reached = []
    for _ in range(12):
        tab.keyboard.press("Tab")
        reached.append(tab.evaluate("document.activeElement.textContent.trim() || document.activeElement.id"))
    assert "Français" in reached and "Thema's" in reached and "site-search" in reached, reached
    while tab.evaluate("document.activeElement.textContent.trim()") != "Français":
        tab.keyboard.press("Shift+Tab")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/fr/gent/")
    tab.focus("#site-search")
    tab.keyboard.type("drogue")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/fr/recherche/?q=drogue")


@pytest.mark.parametrize("width,zoom", [(320, 1), (1280, 2)])
def test_layout_holds_narrow_and_zoomed(real_site, site_url, context, width, zoom):
    tab = context.new_page()
    tab.set_viewport_size({"width": width // zoom, "height": 800})
    for path in ("nl/", "nl/gent/", "nl/themas/", "nl/aalst/opdrachtbrief-2021-2025/", "fr/recherche/?q=drogue"):
        tab.goto(site_url + path)
        overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px / {zoom * 100}%"


def test_no_request_leaves_the_site(site_url, context):
    """Fonts, scripts, styles, the search index: everything comes from the site's own origin."""
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    for path in ("", "nl/", "nl/gent/opdrachtbrief-2021-2025/", "fr/recherche/?q=drogue", "nl/themas/"):
        tab.goto(site_url + path)
        tab.wait_for_load_state("networkidle")
    assert requests
    outside = [url for url in requests if not url.startswith(site_url)]
    assert not outside, outside
