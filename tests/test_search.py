"""Search in a real browser: Debian's Chromium, Playwright, the built site served on 127.0.0.1."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest



@pytest.fixture
def tab(chromium):
    page = chromium.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    page.close()
    assert not errors, errors


def results(page) -> list[dict]:
    # Locators, not wait_for_function: the page's Content-Security-Policy forbids evaluating strings.
    page.locator(".search-status").filter(has_text=re.compile(r"\d|Geen|Aucun")).wait_for()
    return page.eval_on_selector_all(".search-results li", """items => items.map(li => ({
        title: li.querySelector('h2').textContent,
        href: li.querySelector('a').getAttribute('href'),
        meta: li.querySelector('.meta').textContent,
        excerpt: li.querySelector('.excerpt').innerHTML}))""")


def search(page, base: str, path: str) -> list[dict]:
    page.goto(base + path)
    return results(page)


def test_query_in_the_url_runs_on_load_and_finds_the_zones(tab, site_url):
    found = search(tab, site_url, "nl/zoeken/?q=drugs")
    zones = {item["meta"].split(" · ")[0] for item in found}
    assert {"Aalst", "Gent", "Lier", "Lokeren"} <= zones, zones
    assert all("<mark>" in item["excerpt"] for item in found)
    assert "4" in tab.text_content(".search-status") or len(found) > 4
    assert tab.input_value("#search-query") == "drugs"


def test_stemming_finds_other_forms(tab, site_url):
    singular = {item["href"].split("#")[0] for item in search(tab, site_url, "nl/zoeken/?q=inbraak")}
    plural = {item["href"].split("#")[0] for item in search(tab, site_url, "nl/zoeken/?q=inbraken")}
    assert singular and singular == plural


def test_french_query_finds_french_pages(tab, site_url):
    found = search(tab, site_url, "fr/recherche/?q=cambriolages")
    assert found
    assert all(urlparse(item["href"]).path.startswith("/fr/") for item in found)
    tab.goto(site_url.rstrip("/") + found[0]["href"])
    assert tab.get_attribute("html", "lang") == "fr"


def test_filters_narrow_across_and_widen_within(tab, site_url):
    everything = search(tab, site_url, "nl/zoeken/?q=politie")
    tab.check("fieldset:has(legend:text('Zone')) label:has-text('Gent') input")
    only_gent = results(tab)
    assert 0 < len(only_gent) < len(everything)
    assert all(item["meta"].startswith("Gent") for item in only_gent)
    assert "zone=Gent" in tab.url
    tab.check("fieldset:has(legend:text('Zone')) label:has-text('Lier') input")
    gent_or_lier = results(tab)
    assert len(gent_or_lier) > len(only_gent)
    assert {item["meta"].split(" · ")[0] for item in gent_or_lier} == {"Gent", "Lier"}


def test_result_lands_on_the_heading(tab, site_url):
    found = search(tab, site_url, "nl/zoeken/?q=voorwoord")
    with_anchor = [item for item in found if "#" in item["href"]]
    assert with_anchor
    tab.click(f".search-results a[href='{with_anchor[0]['href']}']")
    tab.wait_for_load_state()
    anchor = urlparse(tab.url).fragment
    assert anchor
    assert tab.locator(f"[id='{anchor}']").is_visible()
    box = tab.locator(f"[id='{anchor}']").bounding_box()
    assert -2 <= box["y"] < tab.viewport_size["height"]


def test_keyboard_only_search(tab, site_url):
    tab.goto(site_url + "nl/zoeken/")
    tab.focus("#search-query")
    tab.keyboard.type("drugs")
    tab.keyboard.press("Enter")
    assert results(tab)
    assert "q=drugs" in tab.url
    tab.go_back()
    tab.locator(".search-status:empty").wait_for(state="attached")
    assert tab.input_value("#search-query") == ""


def test_search_box_in_the_header_leads_to_the_search_page(tab, site_url):
    tab.goto(site_url + "nl/")
    tab.fill("#site-search", "verkeer")
    tab.press("#site-search", "Enter")
    tab.wait_for_url("**/nl/zoeken/?q=verkeer")
    assert results(tab)
