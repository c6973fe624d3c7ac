"""Issue 11: is a document current (in force, expired, replaced), and where does the text state each goal.

Each test builds a small project with `make_site` through the command line (`run` of test_pipeline, with
its own --cache); the day of the build is fixed with ZONESITE_TODAY.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from tests.conftest import ZONE_YAML, translation_of
from tests.test_pipeline import assert_refused, line_of, run

OLD = """\
---
title: Opdrachtbrief 2015-2020
type: opdrachtbrief
period: {start: 2015-01-01, end: 2020-12-31}
author: Test Auteur
status: vastgesteld
summary: De vorige opdrachtbrief.
themes: [drugs]
replaced_by: testzone/nieuw
---
## Inleiding

Tekst.
"""

NEW = """\
---
title: Opdrachtbrief 2021-2025
type: opdrachtbrief
period: {start: 2021-01-01, end: 2025-12-31}
author: Test Auteur
status: voorgelegd
summary: De nieuwe opdrachtbrief.
themes: [drugs]
replaces: testzone/oud
objectives:
  - {id: doel-1, title: Drugs aanpakken, themes: [drugs], section: drugs}
  - {id: doel-2, title: Zonder plaats, themes: [drugs]}
---
## Inleiding

Tekst.

## Drugs

De drugsaanpak.
"""

NEW_FR = translation_of(NEW).replace("title: Opdrachtbrief 2021-2025", "title: Lettre de mission 2021-2025") \
    .replace("## Inleiding\n\nTekst.\n\n## Drugs\n\nDe drugsaanpak.", "## Introduction\n\nTexte.\n\n## Drogues\n\nLa lutte contre la drogue.") \
    .replace("summary: De nieuwe opdrachtbrief.", "summary: La nouvelle lettre de mission.") \
    .replace("replaces: testzone/oud\n", "")

OTHER = """\
---
title: Jaarverslag 2010
type: jaarverslag
period: {start: 2010-01-01, end: 2010-12-31}
author: Test Auteur
status: vastgesteld
summary: Een oud jaarverslag.
themes: [drugs]
---
## Inleiding

Tekst.
"""


def site(make_site, **documents: str) -> Path:
    files = {"content/testzone/zone.yaml": ZONE_YAML}
    files.update({f"content/testzone/{name.replace('_', '.')}.md": text for name, text in documents.items()})
    return make_site(files)


def build(root: Path, today: str, monkeypatch) -> Path:
    monkeypatch.setenv("ZONESITE_TODAY", today)
    result = run(root, "build", "--no-pdf", "--no-search")
    assert result.returncode == 0, result.stderr
    return root.parent / "out"


def page(out: Path, path: str):
    return lxml.html.fromstring((out / path / "index.html").read_text(encoding="utf-8"))


def cls(name: str) -> str:
    """XPath test for an element with the class `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def currency(out: Path, path: str) -> str:
    tree = page(out, path)
    line = tree.xpath(f"//*[{cls('currency-line')}]")
    return " ".join(line[0].text_content().split()) if line else ""


def test_in_force_expired_and_replaced_as_of_the_day_of_the_build(make_site, monkeypatch):
    root = site(make_site, oud_nl=OLD, nieuw_nl=NEW, nieuw_fr=NEW_FR, ander_nl=OTHER)
    out = build(root, "2023-06-01", monkeypatch)
    assert currency(out, "nl/testzone/nieuw").startswith("Van kracht")
    assert currency(out, "fr/testzone/nieuw").startswith("En vigueur")
    assert currency(out, "nl/testzone/ander") == "Verlopen De periode eindigde op 31 december 2010."
    assert currency(out, "nl/testzone/oud").startswith("Vervangen")
    replaced = page(out, "nl/testzone/oud").xpath(f"//*[{cls('currency-line')}]//a")[0]
    assert replaced.get("href") == "../nieuw/" and replaced.text_content() == "Opdrachtbrief 2021-2025"
    replaces = page(out, "nl/testzone/nieuw").xpath("//dt[.='Vervangt']/following-sibling::dd[1]//a")[0]
    assert replaces.text_content() == "Opdrachtbrief 2015-2020"
    for path in ("nl/testzone", "nl"):  # the zone's list and the home's recent list
        badges = {" ".join(li.xpath(".//a")[0].text_content().split()): li.xpath(f".//*[{cls('currency')}]")[0].text_content()
                  for li in page(out, path).xpath(f"//*[{cls('doc-list')}]/li")}
        assert badges == {"Opdrachtbrief 2021-2025": "Van kracht", "Opdrachtbrief 2015-2020": "Vervangen",
                          "Jaarverslag 2010": "Verlopen"}, path
    # a later day: the rebuild changes what the day changed, without any content edit
    out = build(root, "2026-01-01", monkeypatch)
    assert currency(out, "nl/testzone/nieuw").startswith("Verlopen")
    assert page(out, "nl/testzone").xpath(f"//*[{cls('doc-list')}]/li//*[{cls('currency-expired')}]")
    out = build(root, "2020-06-01", monkeypatch)
    assert currency(out, "nl/testzone/nieuw").startswith("Nog niet van kracht")


def test_a_submitted_document_is_never_called_adopted(make_site, monkeypatch):
    out = build(site(make_site, oud_nl=OLD, nieuw_nl=NEW, nieuw_fr=NEW_FR), "2023-06-01", monkeypatch)
    for path, words in (("nl/testzone/nieuw", ("vastgesteld",)), ("fr/testzone/nieuw", ("adopté", "adopte"))):
        header = page(out, path).xpath(f"//*[{cls('doc-header')}]")[0].text_content().lower()
        assert not any(word in header for word in words), header
    for path, submitted in (("nl", "voorgelegd"), ("fr", "soumis"), ("nl/over", "voorgelegd"), ("fr/a-propos", "soumis")):
        lead = page(out, path).xpath("//main")[0].text_content()
        assert submitted in lead, path


@pytest.mark.parametrize("key", ["replaces", "replaced_by"])
def test_a_relation_to_a_missing_document_is_an_error_at_its_line(make_site, key):
    text = NEW.replace("replaces: testzone/oud", f"{key}: testzone/bestaat-niet")
    root = site(make_site, nieuw_nl=text)
    assert_refused(root, "content/testzone/nieuw.nl.md", line_of(text, f"{key}:"), "testzone/bestaat-niet", "no such document")


def test_an_objective_section_without_its_heading_is_an_error_at_its_line(make_site):
    text = NEW.replace("section: drugs", "section: verkeer")
    root = site(make_site, oud_nl=OLD, nieuw_nl=text)
    assert_refused(root, "content/testzone/nieuw.nl.md", line_of(text, "section: verkeer"), "doel-1", "'verkeer'")


def test_objectives_come_first_and_link_to_their_section_in_each_language(make_site, monkeypatch):
    out = build(site(make_site, oud_nl=OLD, nieuw_nl=NEW, nieuw_fr=NEW_FR), "2023-06-01", monkeypatch)
    for lang, heading in (("nl", "Drugs"), ("fr", "Drogues")):
        tree = page(out, f"{lang}/testzone/nieuw")
        objectives = tree.xpath(f"//*[{cls('doc-objectives')}]")[0]
        assert objectives.getprevious().tag == "header", "the objectives come right after the document's header"
        links = objectives.xpath(".//a")
        assert len(links) == 1, "only the objective with a section is a link"
        target = tree.get_element_by_id(links[0].get("href").removeprefix("#"))
        assert target.tag == "h2" and target.text_content().strip() == heading
        themes = page(out, f"{lang}/{'themas' if lang == 'nl' else 'themes'}")
        link = next(a for a in themes.xpath(f"//*[{cls('theme')}]//a") if a.get("href").startswith("../testzone/nieuw/#"))
        document, _, anchor = link.get("href").partition("#")
        assert page(out, f"{lang}/testzone/nieuw").get_element_by_id(anchor).text_content().strip() == heading
