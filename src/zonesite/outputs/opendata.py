"""Open data: the objectives of every zone as CSV and JSON per language, and a DCAT-AP catalogue (JSON-LD) of the
documents, their PDFs and these datasets, for open-data portals to harvest."""

from __future__ import annotations

import io
import json
from typing import Any

from ..config import Config
from ..model import Document, Site, Version, Zone
from ..source.history import History
from . import urls

# The columns of the objectives dataset, in order; their meaning is on the open-data page (locales: data_column_<name>).
COLUMNS = ("zone", "zone_name", "document", "document_title", "document_type", "document_status", "period_start",
           "period_end", "text_language", "objective_id", "objective", "parent", "level", "priority", "themes",
           "theme_labels", "section_url", "document_url")
LIST_SEPARATOR = "|"  # between the values of `themes` and `theme_labels` in the CSV

EU = "http://publications.europa.eu/resource/authority/"
LANGUAGES = {"nl": "NLD", "fr": "FRA", "de": "DEU", "en": "ENG"}  # the EU's language table
CONTEXT = {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
           "vcard": "http://www.w3.org/2006/vcard/ns#", "xsd": "http://www.w3.org/2001/XMLSchema#",
           "spdx": "http://spdx.org/rdf/terms#"}


def _version(config: Config, doc: Document, lang: str) -> Version:
    """The text a page in `lang` shows: its translation, or the Dutch where there is none."""
    return doc.versions.get(lang, doc.versions[config.default_language])


def objective_rows(config: Config, site: Site, lang: str) -> list[dict[str, Any]]:
    """One row per objective of every published document, in the language of `lang` (the Dutch text where no
    translation exists: `text_language` says which)."""
    rows = []
    labels = {theme: names[lang] for theme, names in config.themes.items()}
    for zone in site.zones:
        for doc in zone.documents:
            version = _version(config, doc, lang)
            if not version.objectives:
                continue
            page = urls.public(config, urls.document(lang, doc))
            # What every objective of the document shares, found once for all of them.
            document = {
                "zone": zone.slug, "zone_name": zone.names[lang], "document": doc.key,
                "document_title": version.title, "document_type": config.document_types[doc.type][lang],
                "document_status": config.statuses[doc.status][lang],
                "period_start": doc.period.start.isoformat() if doc.period else "",
                "period_end": doc.period.end.isoformat() if doc.period else "",
                "text_language": version.lang}
            for objective in version.objectives:
                rows.append({
                    **document, "objective_id": objective.id, "objective": objective.title,
                    "parent": objective.parent or "", "level": objective.level or "", "priority": objective.priority or "",
                    "themes": list(objective.themes), "theme_labels": [labels[t] for t in objective.themes],
                    "section_url": f"{page}#{objective.anchor}" if objective.anchor else "", "document_url": page,
                })
    return rows


def objectives_csv(config: Config, site: Site, lang: str) -> str:
    """RFC 4180 CSV, UTF-8, a header row of COLUMNS; lists joined with LIST_SEPARATOR."""
    import csv  # only when the objectives changed: an edit of a text leaves them as they are

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # rows as lists: csv.DictWriter checks each row's keys, twice the time
    writer.writerow(COLUMNS)
    writer.writerows([LIST_SEPARATOR.join(value) if isinstance(value, list) else value for value in map(row.get, COLUMNS)]
                     for row in objective_rows(config, site, lang))
    return out.getvalue()


def objectives_json(config: Config, site: Site, lang: str) -> str:
    """The same rows as the CSV, lists as lists, with the meaning of each column."""
    data = {"title": config.text(lang, "data_objectives_title"), "language": lang,
            "publisher": config.publisher.name[lang],
            "documentation": urls.public(config, urls.fixed_page(config, lang, "data")),
            "columns": {column: config.text(lang, f"data_column_{column}") for column in COLUMNS},
            "objectives": objective_rows(config, site, lang)}
    return _json(data)


def _texts(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"@value": text, "@language": lang} for lang, text in values.items() if text]


def _language(lang: str) -> dict[str, str]:
    return {"@id": f"{EU}language/{LANGUAGES.get(lang, lang.upper())}"}


def _date(day) -> dict[str, str]:
    return {"@value": day.isoformat(), "@type": "xsd:date"}


def _distribution(config: Config, path: str, title: dict[str, str], media_type: str, file_type: str, lang: str,
                  size: int | None = None, sha256: str | None = None) -> dict[str, Any]:
    address = {"@id": urls.public(config, path)}
    data: dict[str, Any] = {"@type": "dcat:Distribution", "dct:title": _texts(title), "dcat:accessURL": address,
                            "dcat:mediaType": {"@id": f"http://www.iana.org/assignments/media-types/{media_type}"},
                            "dct:format": {"@id": f"{EU}file-type/{file_type}"}, "dct:language": _language(lang)}
    if media_type != "text/html":  # a file to download, not a page to read
        data["dcat:downloadURL"] = address
    if size is not None:
        data["dcat:byteSize"] = {"@value": str(size), "@type": "xsd:nonNegativeInteger"}
    if sha256:
        data["spdx:checksum"] = {"@type": "spdx:Checksum", "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                                 "spdx:checksumValue": sha256}
    return data


def catalogue(config: Config, site: Site, pdfs: dict, history: dict[str, History]) -> str:
    """DCAT-AP (EU, and the terms DCAT-AP Vlaanderen requires): the catalogue, each document as a dataset with its
    pages and PDFs as distributions, and the objectives dataset with its CSV and JSON files."""
    publisher_id = config.base_url + "#publisher"
    publisher = {"@id": publisher_id, "@type": "foaf:Agent", "foaf:name": _texts(config.publisher.name)}
    contact: dict[str, Any] = {"@type": "vcard:Organization", "vcard:fn": config.publisher.name[config.default_language]}
    if config.publisher.email:
        contact["vcard:hasEmail"] = {"@id": f"mailto:{config.publisher.email}"}
    if config.publisher.website:
        contact["vcard:hasURL"] = {"@id": config.publisher.website}
    shared = {"dct:publisher": {"@id": publisher_id}, "dcat:contactPoint": contact,
              "dcat:theme": {"@id": f"{EU}data-theme/JUST"}}
    datasets = [_document_dataset(config, zone, doc, pdfs, history, shared) for zone in site.zones for doc in zone.documents]
    datasets.append(_objectives_dataset(config, shared))
    data = {"@context": CONTEXT, "@id": urls.public(config, urls.CATALOGUE), "@type": "dcat:Catalog",
            "dct:title": _texts(config.title), "dct:description": _texts(config.description),
            "dct:publisher": publisher, "foaf:homepage": {"@id": config.base_url},
            "dct:language": [_language(lang) for lang in config.languages],
            "dcat:themeTaxonomy": {"@id": f"{EU}data-theme"}, "dcat:dataset": datasets}
    return _json(data)


def _json(data: dict) -> str:
    """One line per file: with `indent`, json writes through its Python encoder, four times slower than its C one (a
    third of a second of a thousand documents' build); a reader's browser or `jq` lays it out."""
    return json.dumps(data, ensure_ascii=False) + "\n"


def _document_dataset(config: Config, zone: Zone, doc: Document, pdfs: dict, history: dict[str, History],
                      shared: dict) -> dict[str, Any]:
    source = doc.versions[config.default_language]
    dataset: dict[str, Any] = {
        "@id": urls.public(config, urls.document(config.default_language, doc)) + "#dataset", "@type": "dcat:Dataset",
        "dct:identifier": doc.key,
        "dct:title": _texts({lang: version.title for lang, version in doc.versions.items()}),
        "dct:description": _texts({lang: version.summary for lang, version in doc.versions.items()}),
        "dct:creator": {"@type": "foaf:Organization",
                        "foaf:name": _texts({lang: config.text(lang, "zone_full_name").format(
                            name=zone.names[config.default_language]) for lang in config.languages})},
        "dcat:keyword": [text for theme in doc.themes for text in _texts(config.themes[theme])],
        "dct:language": [_language(lang) for lang in doc.versions],
        "dcat:landingPage": [{"@id": urls.public(config, urls.document(lang, doc))} for lang in config.languages],
        **shared,
    }
    if doc.period:
        dataset["dct:temporal"] = {"@type": "dct:PeriodOfTime", "dcat:startDate": _date(doc.period.start),
                                   "dcat:endDate": _date(doc.period.end)}
    dates = history.get(f"{doc.zone}/{source.path.name}")
    if dates:
        dataset["dct:issued"] = _date(dates.published)
        if dates.modified:
            dataset["dct:modified"] = _date(dates.modified)
    distributions = []
    for lang in config.languages:
        version = _version(config, doc, lang)
        distributions.append(_distribution(config, urls.document(lang, doc), {lang: version.title}, "text/html", "HTML",
                                           version.lang))
        pdf = pdfs.get((doc.zone, doc.slug, lang))
        if pdf:
            distributions.append(_distribution(config, pdf.path, {lang: f"{version.title} (PDF)"}, "application/pdf", "PDF",
                                               version.lang, pdf.size, pdf.sha256))
    dataset["dcat:distribution"] = distributions
    return dataset


def _objectives_dataset(config: Config, shared: dict) -> dict[str, Any]:
    distributions = []
    for lang in config.languages:
        title = config.text(lang, "data_objectives_title")
        distributions.append(_distribution(config, urls.dataset(lang, "csv"), {lang: f"{title} (CSV)"}, "text/csv", "CSV", lang))
        distributions.append(_distribution(config, urls.dataset(lang, "json"), {lang: f"{title} (JSON)"},
                                           "application/json", "JSON", lang))
    return {"@id": config.base_url + "data/objectives", "@type": "dcat:Dataset", "dct:identifier": "objectives",
            "dct:title": _texts({lang: config.text(lang, "data_objectives_title") for lang in config.languages}),
            "dct:description": _texts({lang: config.text(lang, "data_objectives_description") for lang in config.languages}),
            "dct:language": [_language(lang) for lang in config.languages],
            "dcat:landingPage": [{"@id": urls.public(config, urls.fixed_page(config, lang, "data"))} for lang in config.languages],
            "dcat:distribution": distributions, **shared}
