"""Issue 11, "who says so": the publisher from site_config.yaml on every page, and zone pages with their full name
and only the contact facts the zone has.

Each test builds a small project with `make_site` through the command line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_citizens import NEW, OLD, OTHER, build, cls, page, site
from tests.test_pipeline import assert_refused, line_of

PUBLISHER = """\
publisher:
  name: {nl: Redactie Testsite, fr: Rédaction du site de test}
  email: redactie@test.example.be
  phone: "+32 9 123 45 67"
  website: https://test.example.be/
  address: ["Teststraat 1", "9000 Gent"]
"""

FULL_ZONE = """\
name: {nl: Gent, fr: Gand}
address: ["Antwerpsesteenweg 1", "9040 Gent"]
email: info@pz.example.be
chief: HCP Test Korpschef
"""


def with_publisher(root: Path, block: str = PUBLISHER) -> Path:
    """The project's publisher block replaced by `block`."""
    config = root / "site_config.yaml"
    text = config.read_text(encoding="utf-8")
    start = text.index("publisher:\n")
    end = text.index("\n\n", start)
    config.write_text(text[:start] + block.rstrip("\n") + text[end:], encoding="utf-8")
    return root


def words(element) -> str:
    return " ".join(element.text_content().split())


def test_the_publisher_is_in_the_footer_about_page_accessibility_statement_and_structured_data(make_site, monkeypatch):
    root = with_publisher(site(make_site, oud_nl=OLD, nieuw_nl=NEW))
    out = build(root, "2023-06-01", monkeypatch)
    for path in ("nl", "nl/testzone", "nl/testzone/nieuw", "nl/themas", "fr/a-propos"):
        footer = page(out, path).xpath("//footer")[0]
        name = "Redactie Testsite" if path.startswith("nl") else "Rédaction du site de test"
        assert name in words(footer), path
        assert footer.xpath(".//a[@href='mailto:redactie@test.example.be']"), path
    for path, name in (("nl/over", "Redactie Testsite"), ("nl/toegankelijkheid", "Redactie Testsite"),
                       ("fr/accessibilite", "Rédaction du site de test")):
        section = page(out, path).xpath(f"//main//*[{cls('publisher')}]")[0]
        text = words(section)
        assert name in text and "Teststraat 1" in text and "9000 Gent" in text, path
        assert section.xpath(".//a[@href='tel:+3291234567']") and section.xpath(".//a[@href='https://test.example.be/']")
    statement = words(page(out, "nl/toegankelijkheid").xpath("//main")[0])
    assert "pagina van de zone" not in statement and "redactie van deze site" in statement
    for path, heading in (("nl/toegankelijkheid", "Een probleem melden"), ("fr/accessibilite", "Signaler un problème")):
        main = page(out, path).xpath("//main")[0]
        assert heading in [words(h) for h in main.xpath(".//h2")], "the statement's text is rendered, not shown as markup"
        assert "<p>" not in main.text_content()
    data = json.loads(page(out, "nl/testzone/nieuw").xpath("//script[@type='application/ld+json']")[0].text)
    assert data["publisher"] == {"@type": "Organization", "name": "Redactie Testsite", "url": "https://test.example.be/",
                                 "email": "redactie@test.example.be", "telephone": "+32 9 123 45 67",
                                 "address": {"@type": "PostalAddress", "streetAddress": "Teststraat 1, 9000 Gent"}}


@pytest.mark.parametrize("block, key, words_", [
    ("publisher:\n  name: {nl: Redactie}\n  email: redactie@test.example.be\n", "name:", ("'fr'",)),
    ("publisher:\n  name: {nl: Redactie, fr: Rédaction}\n  email: geen-adres\n", "email:", ("publisher.email", "geen-adres")),
    ("publisher:\n  name: {nl: Redactie, fr: Rédaction}\n  website: javascript:alert(1)\n", "website:", ("publisher.website",)),
    ("publisher:\n  name: {nl: Redactie, fr: Rédaction}\n  address: [Straat 1]\n", "publisher:", ("at least one of",)),
    ("publisher:\n  name: {nl: Redactie, fr: Rédaction}\n  email: r@test.example.be\n  fax: 123\n", "fax:", ("unknown key 'fax'",)),
])
def test_a_bad_publisher_is_an_error_at_its_line(make_site, block, key, words_):
    root = with_publisher(site(make_site, oud_nl=OLD, nieuw_nl=NEW), block)
    text = (root / "site_config.yaml").read_text(encoding="utf-8")
    start = text.index("publisher:\n")
    line = text[:start].count("\n") + line_of(text[start:], key)
    assert_refused(root, "site_config.yaml", line, *words_)


def test_a_zone_page_has_the_full_name_and_only_the_facts_the_zone_has(make_site, monkeypatch):
    root = site(make_site, oud_nl=OLD, nieuw_nl=NEW)
    (root / "content/gent").mkdir()
    (root / "content/gent/zone.yaml").write_text(FULL_ZONE, encoding="utf-8")
    (root / "content/gent/jaarverslag.nl.md").write_text(OTHER, encoding="utf-8")  # without objectives
    out = build(root, "2023-06-01", monkeypatch)
    for lang, full in (("nl", "Politiezone Gent"), ("fr", "Zone de police Gent")):
        tree = page(out, f"{lang}/gent")
        assert words(tree.xpath("//h1")[0]) == full
        assert tree.findtext(".//title").startswith(full)
        contact = tree.xpath(f"//*[{cls('contact')}]")[0]
        assert [words(dt) for dt in contact.xpath(".//dt")] == (["Adres", "E-mail"] if lang == "nl" else ["Adresse", "Courriel"])
        assert "HCP Test Korpschef" in words(tree.xpath("//main")[0])
        data = json.loads(tree.xpath("//script[@type='application/ld+json']")[0].text)
        assert data["about"]["@type"] == "GovernmentOrganization" and data["about"]["name"] == full
        assert data["about"]["email"] == "info@pz.example.be" and "telephone" not in data["about"]
    # No objectives: no objectives heading; a zone with only a name: no contact heading.
    assert [words(h) for h in page(out, "nl/gent").xpath("//main//h2")] == ["Contact", "Documenten"]
    assert [words(h) for h in page(out, "nl/testzone").xpath("//main//h2")] == ["Documenten", "Doelstellingen"]
    for path in ("nl/gent", "nl/testzone"):
        for heading in page(out, path).xpath("//main//*[self::h2 or self::h3]"):
            assert words(heading.getparent()) != words(heading), f"{path}: heading '{words(heading)}' with nothing under it"
