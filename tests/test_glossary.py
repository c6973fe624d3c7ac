"""Issue 11, "who says so": the abbreviations of terms.yaml marked up where a text first uses them, and a glossary
page per language. The words of the official text stay exactly as written."""

from __future__ import annotations

from tests.conftest import translation_of
from tests.test_citizens import build, cls, page, site

TEXT = """\
---
title: Opdrachtbrief 2021-2025
type: opdrachtbrief
period: {start: 2021-01-01, end: 2025-12-31}
author: Test Auteur
status: vastgesteld
summary: Een document met afkortingen.
themes: [drugs]
---
## Het ZVP en de BIN

Het [ZVP](https://example.be/zvp) staat in `ZVP-2021`. Het ZVP werd besproken met de BIN-coördinator;
opnieuw het ZVP en de BIN. Zes VTE CALog, en GAS maar geen gas.

| Dienst | VTE |
|---|---|
| Wijk | 3 VTE |
"""

FR = translation_of(TEXT).replace("title: Opdrachtbrief 2021-2025", "title: Lettre de mission 2021-2025") \
    .replace("## Het ZVP en de BIN", "## Le PZS et le PLP") \
    .replace("Het [ZVP](https://example.be/zvp) staat in `ZVP-2021`. Het ZVP werd besproken met de BIN-coördinator;\n"
             "opnieuw het ZVP en de BIN. Zes VTE CALog, en GAS maar geen gas.",
             "Le PZS a été discuté avec le coordinateur PLP. Six ETP CALog.") \
    .replace("| Dienst | VTE |\n|---|---|\n| Wijk | 3 VTE |", "")


def source_words(markdown: str) -> str:
    """The words of the body as a reader sees them, without Markdown's marks."""
    body = markdown.split("---\n", 2)[2]
    for mark, words in (("## ", ""), ("`", ""), ("[ZVP](https://example.be/zvp)", "ZVP"), ("|---|---|", " "), ("|", " ")):
        body = body.replace(mark, words)
    return " ".join(body.split())


def test_the_first_use_of_each_abbreviation_is_marked_and_the_text_is_unchanged(make_site, monkeypatch):
    out = build(site(make_site, afk_nl=TEXT, afk_fr=FR), "2023-06-01", monkeypatch)
    tree = page(out, "nl/testzone/afk")
    body = tree.xpath(f"//*[{cls('doc-body')}]")[0]
    marked = [(abbr.text, abbr.get("title")) for abbr in body.iter("abbr")]
    assert marked == [("ZVP", "zonaal veiligheidsplan"), ("BIN", "buurtinformatienetwerk"), ("VTE", "voltijds equivalent"),
                      ("CALog", "administratief en logistiek kader"), ("GAS", "gemeentelijke administratieve sanctie")]
    first = body.xpath(".//abbr[.='ZVP']")[0]
    assert first.getparent().tag == "p" and "Het ZVP werd" in first.getparent().text_content()
    assert not body.xpath(".//h2//abbr | .//a//abbr | .//code//abbr"), "never in a heading, a link or code"
    assert body.xpath(".//h2")[0].get("id") == "het-zvp-en-de-bin"
    for caption in body.xpath(".//caption"):  # a table's caption names it after its heading: added, not the text's
        caption.drop_tree()
    assert " ".join(body.text_content().split()) == source_words(TEXT), "only markup is added, never a word"
    french = page(out, "fr/testzone/afk").xpath(f"//*[{cls('doc-body')}]")[0]
    assert [(a.text, a.get("title")) for a in french.iter("abbr")] == [
        ("PZS", "plan zonal de sécurité"), ("PLP", "partenariat local de prévention"), ("ETP", "équivalent temps plein"), ("CALog", "cadre administratif et logistique")]


def test_a_glossary_page_per_language_linked_from_every_footer(make_site, monkeypatch):
    out = build(site(make_site, afk_nl=TEXT, afk_fr=FR), "2023-06-01", monkeypatch)
    for lang, slug, entry, meaning, other in (("nl", "afkortingen", "ZVP", "zonaal veiligheidsplan", "plan zonal de sécurité (PZS)"),
                                              ("fr", "abreviations", "PZS", "plan zonal de sécurité", "zonaal veiligheidsplan (ZVP)")):
        tree = page(out, f"{lang}/{slug}")
        rows = {dt.text_content().strip(): [" ".join(dd.text_content().split()) for dd in dt.itersiblings("dd")]
                for dt in tree.xpath(f"//dl[{cls('glossary')}]//dt")}
        assert rows[entry][0] == meaning and other in rows[entry][1]
        assert tree.xpath(f"//dt/abbr[@title='{meaning}']")
        assert len(rows) >= 20
        for path in (lang, f"{lang}/testzone/afk"):
            footer = page(out, path).xpath("//footer//a/@href")
            target = next(href for href in footer if slug in href)
            assert (out / path / target / "index.html").resolve() == (out / lang / slug / "index.html").resolve()
