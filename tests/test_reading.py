"""Issue 11, the reading experience: timeline, themes page, search on a phone, tables and print, language details.

Browser tests use Debian's Chromium through Playwright on the real site served by nginx with its generated
configuration; small sites are built with `make_site` and a fixed ZONESITE_TODAY.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import lxml.html
import pytest
import yaml

from tests.browser import serve
from tests.conftest import DOCUMENT, PROJECT, TRANSLATION, ZONE_YAML
from tests.test_citizens import NEW, OLD, build, page
from tests.test_pdf import poppler
from zonesite.source.markdown import render_markdown

NARROW_NO_BREAK_SPACE = "\u202f"


@pytest.fixture
def tab(chromium):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    page.close()
    assert not errors, errors


def wait_for_results(tab):
    tab.locator(".search-status").filter(has_text=re.compile(r"\d|Geen|Aucun")).wait_for()


# --- 1. the home page's timeline ---------------------------------------------------------------------------------

def test_timeline_marks_today_and_links_every_bar_to_its_document(make_site, monkeypatch):
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, "content/testzone/oud.nl.md": OLD,
                      "content/testzone/nieuw.nl.md": NEW})
    out = build(root, "2023-07-02", monkeypatch)
    svg = page(out, "nl").xpath("//figure[contains(@class, 'timeline')]//*[local-name()='svg']")[0]
    ticks = {int(text.text): float(text.get("x")) - 3 for text in svg.xpath(".//*[contains(@class, 'tick-label')]")}
    today = float(svg.xpath(".//*[@class='today']/*[local-name()='line']")[0].get("x1"))
    assert ticks[2023] + 0.45 * (ticks[2024] - ticks[2023]) < today < ticks[2023] + 0.55 * (ticks[2024] - ticks[2023])
    assert "2 juli 2023" in page(out, "nl").xpath("//figure[contains(@class, 'timeline')]/figcaption")[0].text_content()
    bars = {link.get("href"): (link.get("aria-label"), link.xpath("string(.//*[contains(@class, 'bar-label')])"))
            for link in svg.xpath(".//*[contains(@class, 'bar-link')]")}
    assert set(bars) == {"testzone/oud/", "testzone/nieuw/"}
    assert bars["testzone/nieuw/"][0] == "Opdrachtbrief 2021-2025 (Testzone), 1 januari 2021 tot 31 december 2025"
    assert bars["testzone/nieuw/"][1] == "Opdrachtbrief 2021-2025"
    for name, label in bars.values():
        assert name.startswith(label), "the link's name starts with the words it shows"
    assert page(out, "nl").xpath("//*[contains(@class, 'scroll-hint')]"), "a phone is told that the timeline scrolls"
    later = build(root, "2024-07-02", monkeypatch)  # another day moves the line
    assert float(page(later, "nl").xpath("//*[@class='today']/*[local-name()='line']")[0].get("x1")) > today


def test_timeline_scroll_hint_shows_on_a_phone_only(tab, site_url):
    for width, shown in ((360, True), (1280, False)):
        tab.set_viewport_size({"width": width, "height": 800})
        tab.goto(site_url + "nl/")
        assert tab.is_visible(".scroll-hint") is shown
        figure = tab.locator("figure.timeline")
        scrolls = figure.evaluate("f => f.scrollWidth > f.clientWidth")
        assert scrolls is shown


# --- 2. the themes page --------------------------------------------------------------------------------------------

def test_a_goal_on_the_themes_page_lands_on_its_section(tab, site_url):
    tab.goto(site_url + "nl/themas/")
    goal = tab.locator("#wijkwerking").locator("xpath=..").get_by_role("link", name=re.compile("vertrouwen van de Gentenaar"))
    goal.click()
    tab.wait_for_load_state()
    anchor = urlparse(tab.url).fragment
    assert urlparse(tab.url).path == "/nl/gent/opdrachtbrief-2021-2025/" and anchor
    heading = tab.locator(f"[id='{anchor}']")
    assert heading.evaluate("h => h.tagName") in ("H2", "H3", "H4") and "Kernafpraak 2" in heading.text_content()
    assert -2 <= heading.bounding_box()["y"] < 200


def test_a_general_goal_is_shown_once_and_every_goal_names_its_document(real_site):
    tree = lxml.html.fromstring((real_site / "nl/themas/index.html").read_bytes())
    general = "We zetten ons in om het Zonaal Veiligheidsplan 2020-2025 krachtig uit te voeren"
    shown = [a for a in tree.xpath("//main//li/a") if a.text_content().startswith(general)]
    assert len(shown) == 1 and shown[0].xpath("ancestor::section/h2/@id") == ["general"]
    for item in tree.xpath("//section[contains(@class, 'theme')]//li"):
        source = item.xpath(".//*[contains(@class, 'goal-source')]")[0].text_content()
        assert re.search(r"\d{4} tot \d{1,2} \w+ \d{4}", source), source  # its document and period
    legend = tree.xpath("//details[contains(@class, 'legend')]")[0].text_content()
    assert "Prioriteit (P)" in legend and "Aandachtspunt (A)" in legend and "Tactisch" in legend


def test_only_documents_in_force_without_a_script(make_site, monkeypatch, chromium):
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, "content/testzone/oud.nl.md": OLD.replace(
        "themes: [drugs]\n", "themes: [drugs]\nobjectives:\n  - {id: oud-1, title: Oud doel, themes: [drugs]}\n"),
        "content/testzone/nieuw.nl.md": NEW})
    out = build(root, "2023-06-01", monkeypatch)
    with serve(out) as base:
        tab = chromium.new_page(java_script_enabled=False)
        tab.goto(base + "nl/themas/#drugs")
        drugs = tab.locator("section#drugs, section:has(#drugs)").first
        assert drugs.get_by_text("Oud doel").is_visible() and drugs.get_by_text("Drugs aanpakken").is_visible()
        tab.check("#only-in-force")
        assert not drugs.get_by_text("Oud doel").is_visible(), "the replaced document's goal is hidden"
        assert drugs.get_by_text("Drugs aanpakken").is_visible()
        tab.close()


# --- 3. search on a phone -----------------------------------------------------------------------------------------

def test_search_filters_fold_on_a_phone_come_after_the_results_and_clear_at_once(tab, site_url):
    tab.set_viewport_size({"width": 360, "height": 740})
    tab.goto(site_url + "nl/zoeken/?q=politie")
    wait_for_results(tab)
    assert tab.input_value("#site-search") == "politie", "the header's box keeps the query"
    filters = tab.locator("details.search-filters")
    assert filters.get_attribute("open") is None and not tab.is_visible("details.search-filters fieldset")
    assert tab.locator(".search-results").bounding_box()["y"] < filters.bounding_box()["y"]
    everything = tab.locator(".search-results li").count()
    tab.click("details.search-filters summary")
    gent = tab.locator("fieldset:has(legend:text('Zone')) label:has-text('Gent')")
    assert re.search(r"Gent \(\d+\)", gent.text_content()), gent.text_content()
    gent.locator("input").check()
    tab.locator(".search-clear").wait_for()
    assert "(1 gekozen)" in filters.locator("summary").text_content()
    tab.wait_for_url(re.compile(r"zone=Gent"))
    tab.locator(".search-results li").first.wait_for()
    assert 0 < tab.locator(".search-results li").count() <= everything
    tab.click(".search-clear")
    tab.wait_for_url(re.compile(r"zoeken/\?q=politie$"))
    assert not tab.locator("details.search-filters input:checked").count()
    assert tab.locator(".search-clear").is_hidden() and filters.locator("summary").text_content().strip() == "Verfijnen"


def test_the_year_filter_covers_every_year_of_a_period(tab, site_url):
    tab.goto(site_url + "nl/zoeken/?q=politie&year=2023")
    wait_for_results(tab)
    titles = tab.locator(".search-results h2").all_text_contents()
    assert "OPDRACHTBRIEF VOOR HET MANDAAT VAN KORPSCHIEF VAN POLITIE AALST" in titles, titles
    assert "Opdrachtbrief 2019-2024" in titles  # Lokeren's 2019–2024 letter is in force in 2023 too
    assert not any("Verslag BIN" in title for title in titles), "the 2022 meeting report is not a 2023 document"


def test_nothing_found_offers_the_other_languages_results(tab, site_url):
    tab.goto(site_url + "fr/recherche/?q=korpschef")
    wait_for_results(tab)
    offer = tab.locator(".search-other")
    offer.wait_for()
    link = offer.locator("a")
    target = urlparse(link.get_attribute("href"))
    assert target.path.endswith("/nl/zoeken/") and parse_qs(target.query) == {"q": ["korpschef"]}
    assert tab.locator(".search-results li[lang='nl']").count() > 0
    link.click()
    wait_for_results(tab)
    assert tab.locator(".search-results li").count() > 0


# --- 4. tables and print ------------------------------------------------------------------------------------------

def test_wide_table_keeps_its_first_column_and_has_a_caption(tab, site_url):
    tab.set_viewport_size({"width": 360, "height": 740})
    tab.goto(site_url + "nl/aalst/opdrachtbrief-2021-2025/#4-financien")
    table = tab.locator(".doc-body table").first
    assert table.locator("caption").text_content() == "4. FINANCIËN — UITGAVEN"
    region = tab.locator(".table-scroll").first
    first = table.locator("tbody tr td").first
    before = first.bounding_box()["x"]
    region.evaluate("r => r.scrollLeft = 400")
    assert region.evaluate("r => r.scrollLeft") > 0, "the table scrolls sideways on a phone"
    assert abs(first.bounding_box()["x"] - before) < 1, "the first column stays in view"


def test_printed_document_keeps_every_column_its_address_and_date(tab, site_url, tmp_path):
    tab.goto(site_url + "nl/aalst/opdrachtbrief-2021-2025/")
    pdf = tmp_path / "printed.pdf"
    tab.pdf(path=str(pdf), format="A4")
    text = poppler("pdftotext", "-layout", str(pdf), "-")
    row = next(line for line in text.splitlines() if line.strip().startswith("Personeelskosten"))
    assert re.findall(r"\d[\d.]*,\d\d", row) == ["24.097.402,73", "25.420.444,87", "25.747.133,50", "26.409.026,93",
                                                  "26.492.362,39", "26.608.497,75"], row
    flat = " ".join(text.split())
    assert "Afgedrukt van https://politiebeleid.example.be/nl/aalst/opdrachtbrief-2021-2025/ op " in flat
    assert re.search(r"Afgedrukt van \S+ op \d{1,2} \w+ \d{4}\.", flat)


def test_a_short_bold_line_becomes_a_heading_with_its_words_unchanged():
    text = ("## 2 Doelstellingen\n\n**Strategische doelstelling 1**\n\nWe doen dit.\n\n"
            "**Dit is een benadrukte zin, geen titel.**\n\n### 2.1 Verder\n\n**Tactische doelstelling 1.1**\n")
    rendered = render_markdown(text)
    tree = lxml.html.fromstring(f"<div>{rendered.html}</div>")
    assert [(h.tag, h.text_content()) for h in tree.xpath("//h2|//h3|//h4")] == [
        ("h2", "2 Doelstellingen"), ("h3", "Strategische doelstelling 1"), ("h3", "2.1 Verder"),
        ("h4", "Tactische doelstelling 1.1")]
    assert tree.xpath("//p/strong")[0].text == "Dit is een benadrukte zin, geen titel."
    words = lambda s: re.sub(r"[#*]", "", s).split()  # noqa: E731
    assert words(tree.text_content()) == words(text), "not a word changed"
    assert [h.text for h in rendered.headings] == ["2 Doelstellingen", "Strategische doelstelling 1", "2.1 Verder",
                                                   "Tactische doelstelling 1.1"]


# --- 6. language details ------------------------------------------------------------------------------------------

def test_french_dates_follow_french_usage(make_site, monkeypatch):
    out = build(make_site({"content/testzone/zone.yaml": ZONE_YAML, "content/testzone/test.nl.md": DOCUMENT,
                           "content/testzone/test.fr.md": TRANSLATION}), "2023-06-01", monkeypatch)
    french = " ".join(page(out, "fr/testzone/test").xpath("//dl[contains(@class, 'doc-meta')]")[0].text_content().split())
    assert "du 1er janvier 2021 au 31 décembre 2025" in french
    dutch = " ".join(page(out, "nl/testzone/test").xpath("//dl[contains(@class, 'doc-meta')]")[0].text_content().split())
    assert "1 januari 2021 tot 31 december 2025" in dutch


def test_french_interface_strings_have_a_narrow_no_break_space_before_double_punctuation():
    strings = yaml.safe_load((PROJECT / "locales/fr.yaml").read_text(encoding="utf-8"))
    wrong = []
    for key, text in strings.items():
        text = re.sub(r"<code>.*?</code>|https?://\S+", "", str(text))  # commands and addresses are not French prose
        for match in re.finditer(r"(.)([:;!?])(?=\s|$|[»\"'])", text):
            if match.group(1) != NARROW_NO_BREAK_SPACE:
                wrong.append(f"{key}: …{text[max(0, match.start() - 15):match.end()]}")
    assert not wrong, wrong


def test_breadcrumb_and_language_switch_speak_the_pages_language(real_site):
    for lang, other, crumb, nav, phrase in (("nl", "fr", "Kruimelpad", "Taal", "Cette page en français"),
                                            ("fr", "nl", "Fil d'Ariane", "Langue", "Deze pagina in het Nederlands")):
        tree = lxml.html.fromstring((real_site / f"{lang}/gent/opdrachtbrief-2021-2025/index.html").read_bytes())
        assert tree.xpath("//nav[contains(@class, 'breadcrumb')]/@aria-label") == [crumb]
        assert tree.xpath("//nav[contains(@class, 'languages')]/@aria-label") == [nav]
        switch = tree.xpath(f"//nav[contains(@class, 'languages')]//a[@hreflang='{other}']")[0]
        assert switch.get("aria-label") == phrase and switch.get("lang") == other
        assert switch.text_content().lower() in phrase.lower(), "the visible words are part of the spoken phrase"


def test_accessibility_statement_says_de_modelverklaring(real_site):
    text = lxml.html.fromstring((real_site / "nl/toegankelijkheid/index.html").read_bytes()).text_content()
    assert "de modelverklaring" in text and "het modelverklaring" not in text


def test_real_site_builds_with_every_theme_link_resolving(real_site):
    """The themes page's section links point at ids that exist on the target page (both languages)."""
    for path in ("nl/themas/index.html", "fr/themes/index.html"):
        tree = lxml.html.fromstring((real_site / path).read_bytes())
        for link in tree.xpath("//section[contains(@class, 'theme')]//li/a[contains(@href, '#')]"):
            target, _, anchor = link.get("href").partition("#")
            page_file = (real_site / path).parent / target / "index.html"
            ids = lxml.html.fromstring(page_file.resolve().read_bytes()).xpath("//@id")
            assert anchor in ids, (path, link.get("href"))

