"""schema.org descriptions (JSON-LD) of the pages, so search engines and portals know who says what, and in which language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..config import Config
from ..model import Zone
from ..source.history import History
from . import urls

if TYPE_CHECKING:  # pages.py builds its descriptions with this module
    from .pages import DocumentView
    from .pdf import PdfFile

CONTEXT = "https://schema.org"


def author(text: str, organisation: str) -> dict[str, Any]:
    """The front matter's "Name, function": a Person with a job title; a name without a function is the organisation
    that signs (Lier's "Lokale Politie Lier")."""
    name, _, job = (part.strip() for part in text.partition(","))
    if not job:
        return {"@type": "GovernmentOrganization", "name": name}
    return {"@type": "Person", "name": name, "jobTitle": job, "worksFor": {"@type": "GovernmentOrganization", "name": organisation}}


def publisher(config: Config, lang: str) -> dict[str, Any]:
    """The site's publisher (site_config.yaml `publisher`)."""
    facts = config.publisher
    data: dict[str, Any] = {"@type": "Organization", "name": facts.name[lang]}
    if facts.website:
        data["url"] = facts.website
    return _with_contact(data, facts)


def zone_organisation(config: Config, zone: Zone, lang: str) -> dict[str, Any]:
    """A police zone as the government organisation it is, with the contact facts its zone.yaml gives."""
    data: dict[str, Any] = {"@type": "GovernmentOrganization",
                            "name": config.text(lang, "zone_full_name").format(name=zone.names[config.default_language]),
                            "alternateName": zone.names[lang],
                            "url": urls.public(config, urls.zone(lang, zone))}
    if zone.website:
        data["sameAs"] = zone.website
    return _with_contact(data, zone)


def _with_contact(data: dict[str, Any], facts) -> dict[str, Any]:
    """The e-mail, phone and address of a publisher or zone, those it has."""
    if facts.email:
        data["email"] = facts.email
    if facts.phone:
        data["telephone"] = facts.phone
    if facts.address:
        data["address"] = {"@type": "PostalAddress", "streetAddress": ", ".join(facts.address)}
    return data


def web_page(config: Config, lang: str, path: str, kind: str, name: str, **more: Any) -> dict[str, Any]:
    """A page of the site (home, zone, themes …) as part of the site, published by the publisher."""
    return {"@context": CONTEXT, "@type": kind, "name": name, "inLanguage": lang, "url": urls.public(config, path),
            "isPartOf": {"@type": "WebSite", "name": config.title[lang], "url": urls.public(config, urls.home(lang))},
            "publisher": publisher(config, lang), **more}


def document(config: Config, shown: DocumentView, zone: Zone, pdf: PdfFile | None, dates: History | None) -> dict[str, Any]:
    """A document in one language: who wrote it, the zone it is from, who publishes it, its translations and its PDF."""
    doc, version, lang = shown.document, shown.version, shown.lang
    organisation = zone_organisation(config, zone, lang)
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "DigitalDocument",
        "name": version.title,
        "description": version.summary,
        "inLanguage": version.lang,
        "url": urls.public(config, urls.document(lang, doc)),
        "author": author(version.author, organisation["name"]),
        "sourceOrganization": organisation,
        "publisher": publisher(config, lang),
        "genre": config.document_types[doc.type][lang],
        "keywords": [config.themes[theme][lang] for theme in doc.themes],
    }
    if doc.date:
        data["dateCreated"] = doc.date.isoformat()
    if dates:
        data["datePublished"] = dates.published.isoformat()
        if dates.modified:
            data["dateModified"] = dates.modified.isoformat()
    if doc.period:
        data["temporalCoverage"] = f"{doc.period.start.isoformat()}/{doc.period.end.isoformat()}"
    if pdf:
        data["encoding"] = {"@type": "MediaObject", "encodingFormat": "application/pdf", "contentSize": str(pdf.size),
                            "contentUrl": urls.public(config, pdf.path), "sha256": pdf.sha256}
    translations = [other for other in config.translations if other in doc.versions]
    if shown.is_translation:
        data["translationOfWork"] = {"@type": "DigitalDocument", "inLanguage": shown.source.lang, "name": shown.source.title,
                                     "url": urls.public(config, urls.document(shown.source.lang, doc))}
    elif not shown.is_fallback and translations:
        data["workTranslation"] = [{"@type": "DigitalDocument", "inLanguage": other, "name": doc.versions[other].title,
                                    "url": urls.public(config, urls.document(other, doc))} for other in translations]
    return data


def objectives_dataset(config: Config, lang: str, columns: tuple[str, ...]) -> dict[str, Any]:
    """The open data of the objectives, as a schema.org Dataset (what dataset search engines read)."""
    return {"@type": "Dataset", "name": config.text(lang, "data_objectives_title"),
            "description": config.text(lang, "data_objectives_description"), "inLanguage": lang,
            "url": urls.public(config, urls.fixed_page(config, lang, "data")), "isAccessibleForFree": True,
            "creator": publisher(config, lang), "variableMeasured": list(columns),
            "distribution": [{"@type": "DataDownload", "encodingFormat": media,
                              "contentUrl": urls.public(config, urls.dataset(lang, extension))}
                             for extension, media in (("csv", "text/csv"), ("json", "application/json"))]}


def fixed_page(config: Config, lang: str, key: str, path: str, columns: tuple[str, ...]) -> dict[str, Any]:
    """A fixed page: the themes page collects the zones' objectives, the open-data page describes their dataset."""
    name = config.text(lang, f"{key}_title")
    if key == "themes":
        return web_page(config, lang, path, "CollectionPage", name,
                        about=[{"@type": "Thing", "name": labels[lang]} for labels in config.themes.values()],
                        mainEntity=objectives_dataset(config, lang, columns))
    if key == "data":
        return web_page(config, lang, path, "WebPage", name, mainEntity=objectives_dataset(config, lang, columns))
    return web_page(config, lang, path, "AboutPage" if key == "about" else "WebPage", name)


def home(config: Config, lang: str) -> dict[str, Any]:
    """The home page: the site itself, who publishes it, and where its search is."""
    return {"@context": CONTEXT, "@type": "WebSite", "name": config.title[lang], "description": config.description[lang],
            "inLanguage": lang, "url": urls.public(config, urls.home(lang)), "publisher": publisher(config, lang),
            "potentialAction": {"@type": "SearchAction", "query-input": "required name=q",
                                "target": urls.public(config, urls.fixed_page(config, lang, "search")) + "?q={q}"}}
