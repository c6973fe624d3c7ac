"""Issue 11, "open data": the objectives as CSV and JSON per language, documented column by column; a DCAT-AP
catalogue read as the RDF graph a portal harvests (rdflib); schema.org descriptions (JSON-LD) of every kind of page."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
import rdflib

from tests.conftest import PROJECT, ZONE_YAML
from tests.test_citizens import NEW, NEW_FR, OLD, build, cls, page, site
from tests.test_pipeline import run

BASE = "https://politiebeleid.example.be/"
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
RDF = rdflib.RDF


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The small site of test_citizens with its PDFs: the old, the new document and its translation."""
    root = tmp_path_factory.mktemp("opendata") / "project"
    for folder in ("templates", "assets", "locales"):
        shutil.copytree(PROJECT / folder, root / folder)
    for name in ("site_config.yaml", "terms.yaml"):
        shutil.copy(PROJECT / name, root / name)
    for name, text in (("zone.yaml", ZONE_YAML), ("oud.nl.md", OLD), ("nieuw.nl.md", NEW), ("nieuw.fr.md", NEW_FR)):
        (root / "content/testzone").mkdir(parents=True, exist_ok=True)
        (root / "content/testzone" / name).write_text(text, encoding="utf-8")
    result = run(root, "build", "--no-search")
    assert result.returncode == 0, result.stderr
    return root.parent / "out"


def csv_rows(out: Path, lang: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / f"data/objectives.{lang}.csv").read_text(encoding="utf-8"), newline="")))


def ld(out: Path, path: str) -> dict:
    scripts = page(out, path).xpath("//script[@type='application/ld+json']")
    assert len(scripts) == 1, path
    return json.loads(scripts[0].text)


def test_objectives_as_csv_and_json_per_language_with_document_period_themes_level_priority(built):
    for lang, title, objective in (("nl", "Opdrachtbrief 2021-2025", "Drugs aanpakken"),
                                   ("fr", "Lettre de mission 2021-2025", "Lutter contre la drogue")):
        rows = csv_rows(built, lang)
        assert [row["objective_id"] for row in rows] == ["doel-1", "doel-2"]
        first = rows[0]
        assert (first["document"], first["document_title"], first["period_start"], first["period_end"]) == \
            ("testzone/nieuw", title, "2021-01-01", "2025-12-31")
        assert first["objective"] == objective and first["themes"] == "drugs" and first["text_language"] == lang
        assert first["theme_labels"] == ("Drugs" if lang == "nl" else "Drogues")
        document, _, anchor = first["section_url"].removeprefix(BASE).partition("#")
        assert page(built, document.rstrip("/")).get_element_by_id(anchor).tag == "h2", "the link lands on its section"
        assert rows[1]["section_url"] == ""
        data = json.loads((built / f"data/objectives.{lang}.json").read_text(encoding="utf-8"))
        assert set(data["columns"]) == set(rows[0])
        assert [{k: "|".join(v) if isinstance(v, list) else v for k, v in row.items()} for row in data["objectives"]] == rows


def test_level_and_priority_are_in_the_data(make_site, monkeypatch):
    text = NEW.replace("themes: [drugs], section: drugs}", "themes: [drugs, verkeer], section: drugs, priority: P, level: strategisch}")
    out = build(site(make_site, oud_nl=OLD, nieuw_nl=text), "2023-06-01", monkeypatch)
    row = csv_rows(out, "nl")[0]
    assert (row["priority"], row["level"], row["themes"], row["theme_labels"]) == \
        ("P", "strategisch", "drugs|verkeer", "Drugs|Verkeersveiligheid")


def test_the_data_page_explains_every_column_and_the_themes_page_links_it(built):
    for lang, themes, data in (("nl", "themas", "open-data"), ("fr", "themes", "donnees-ouvertes")):
        tree = page(built, f"{lang}/{data}")
        explained = {row.xpath("./th")[0].text_content().strip(): row.xpath("./td")[0].text_content().strip()
                     for row in tree.xpath(f"//table[{cls('data-columns')}]/tbody/tr")}
        assert list(explained) == list(csv_rows(built, lang)[0]), "every column, in the order of the file"
        assert all(len(meaning) > 15 for meaning in explained.values())
        downloads = tree.xpath("//a[@download]/@href")
        for href in downloads + tree.xpath("//a[@type='application/ld+json']/@href"):
            assert (built / lang / data / href).resolve().is_file(), href
        assert len(downloads) == 4
        link = page(built, f"{lang}/{themes}").xpath(f"//*[{cls('open-data-link')}]/a/@href")[0]
        assert (built / lang / themes / link / "index.html").resolve() == (built / lang / data / "index.html").resolve()


def test_the_dcat_catalogue_describes_the_documents_their_pdfs_and_the_datasets(built):
    graph = rdflib.Graph().parse(built / "data/catalog.jsonld", format="json-ld")
    catalogue = graph.value(predicate=RDF.type, object=DCAT.Catalog, any=False)
    publisher = graph.value(catalogue, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert {str(name) for name in graph.objects(publisher, FOAF.name)} >= {"Redactie van Politiebeleid in beeld"}
    datasets = set(graph.objects(catalogue, DCAT.dataset))
    identifiers = {str(graph.value(d, DCTERMS.identifier)) for d in datasets}
    assert identifiers == {"testzone/oud", "testzone/nieuw", "objectives"}
    for dataset in datasets:
        assert graph.value(dataset, RDF.type) == DCAT.Dataset
        assert graph.value(dataset, DCTERMS.description) and graph.value(dataset, DCAT.contactPoint)
        assert graph.value(dataset, DCTERMS.publisher) == publisher
    new = next(d for d in datasets if str(graph.value(d, DCTERMS.identifier)) == "testzone/nieuw")
    titles = {title.language: str(title) for title in graph.objects(new, DCTERMS.title)}
    assert titles == {"nl": "Opdrachtbrief 2021-2025", "fr": "Lettre de mission 2021-2025"}
    period = graph.value(new, DCTERMS.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2021-01-01" and str(graph.value(period, DCAT.endDate)) == "2025-12-31"
    pdfs = [d for d in graph.objects(new, DCAT.distribution)
            if str(graph.value(d, DCAT.mediaType)).endswith("application/pdf")]
    assert len(pdfs) == 2
    for distribution in pdfs:
        file = built / str(graph.value(distribution, DCAT.downloadURL)).removeprefix(BASE)
        assert int(graph.value(distribution, DCAT.byteSize)) == file.stat().st_size
        checksum = graph.value(distribution, SPDX.checksum)
        assert str(graph.value(checksum, SPDX.checksumValue)) == hashlib.sha256(file.read_bytes()).hexdigest()
    objectives = next(d for d in datasets if str(graph.value(d, DCTERMS.identifier)) == "objectives")
    files = sorted(str(graph.value(d, DCAT.downloadURL)).removeprefix(BASE) for d in graph.objects(objectives, DCAT.distribution))
    assert files == ["data/objectives.fr.csv", "data/objectives.fr.json", "data/objectives.nl.csv", "data/objectives.nl.json"]
    assert all((built / file).is_file() for file in files)


def test_structured_data_of_documents_zones_home_and_themes(built):
    original, translation = ld(built, "nl/testzone/nieuw"), ld(built, "fr/testzone/nieuw")
    # An author without ", function" is the organisation that signs (Lier's "Lokale Politie Lier").
    assert original["author"] == {"@type": "GovernmentOrganization", "name": "Test Auteur"}
    assert original["publisher"]["@type"] == "Organization"
    assert original["sourceOrganization"]["@type"] == "GovernmentOrganization"
    assert original["workTranslation"] == [{"@type": "DigitalDocument", "inLanguage": "fr", "name": "Lettre de mission 2021-2025",
                                            "url": BASE + "fr/testzone/nieuw/"}]
    assert translation["translationOfWork"]["url"] == BASE + "nl/testzone/nieuw/" and "workTranslation" not in translation
    for data, lang in ((original, "nl"), (translation, "fr")):
        assert data["encoding"]["@type"] == "MediaObject" and data["encoding"]["encodingFormat"] == "application/pdf"
        assert data["encoding"]["contentUrl"] == BASE + f"{lang}/testzone/nieuw/nieuw.{lang}.pdf"
        assert (built / data["encoding"]["contentUrl"].removeprefix(BASE)).is_file()
    assert ld(built, "nl")["@type"] == "WebSite"
    assert ld(built, "nl/testzone")["about"]["@type"] == "GovernmentOrganization"
    themes = ld(built, "fr/themes")
    assert themes["@type"] == "CollectionPage" and themes["mainEntity"]["@type"] == "Dataset"
    assert {d["contentUrl"] for d in themes["mainEntity"]["distribution"]} == \
        {BASE + "data/objectives.fr.csv", BASE + "data/objectives.fr.json"}


def test_author_name_and_job_title_apart(make_site, monkeypatch):
    text = NEW.replace("author: Test Auteur", "author: \"HCP Jan Peeters, korpschef\"")
    out = build(site(make_site, oud_nl=OLD, nieuw_nl=text), "2023-06-01", monkeypatch)
    author = ld(out, "nl/testzone/nieuw")["author"]
    assert (author["@type"], author["name"], author["jobTitle"]) == ("Person", "HCP Jan Peeters", "korpschef")
    assert author["worksFor"]["@type"] == "GovernmentOrganization"
