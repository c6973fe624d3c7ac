"""Plan every page of every language: where it goes, the data it shows, and a fingerprint of that data."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any, NamedTuple

from .. import clock
from ..config import Config
from ..engine.fingerprint import Fingerprints, fingerprint
from ..model import Document, Objective, Site, Version, Zone
from ..source.history import History
from ..source.markdown import render_markdown
from . import opendata, structured, urls


@dataclass(frozen=True)
class DocumentView:
    """A document as shown in one language: the version shown, and whether it is a translation or a fallback."""

    document: Document
    lang: str  # language of the page
    version: Version  # the text shown (the default language's when no translation exists)
    source: Version  # the authoritative version
    is_draft: bool = False

    @property
    def rendered(self):
        return self.version.rendered

    @property
    def is_translation(self) -> bool:
        return self.version.translated_from is not None

    @property
    def is_fallback(self) -> bool:
        return self.version.lang != self.lang

    @property
    def outdated(self) -> bool:
        return self.is_translation and self.version.translated_from != self.source.source_text_hash

    @property
    def objectives_in_text(self) -> bool:
        """Whether an objective links to the heading of the text that describes it: the page says so once."""
        return any(objective.anchor for objective in self.version.objectives)

    @cached_property
    def objective_tree(self) -> list[tuple[Objective, list[tuple[Objective, tuple]]]]:
        """Each objective without a parent, with its children (each with none: the shape a template's recursive loop
        walks), in the text's order: found once for the document's page and its zone's, rather than by a search
        through the list for each objective while rendering."""
        objectives = self.version.objectives
        return [(objective, [(child, ()) for child in objectives if child.parent == objective.id])
                for objective in objectives if not objective.parent]


def view(config: Config, doc: Document, lang: str) -> DocumentView:
    source = doc.versions[config.default_language]
    return DocumentView(doc, lang, doc.versions.get(lang, source), source, doc.status in config.draft_statuses)


class Views(dict):
    """Every document as shown in one language, by its key, each made when first asked for: a build that renders
    few pages looks at few documents."""

    def __init__(self, config: Config, documents: dict[str, Document], lang: str):
        super().__init__()
        self.config, self.documents, self.lang = config, documents, lang

    def __missing__(self, key: str) -> DocumentView:
        made = self[key] = view(self.config, self.documents[key], self.lang)
        return made

    def __contains__(self, key: object) -> bool:
        return key in self.documents


@dataclass
class Planned:
    """What the preview's last plan made, for the next save: a zone whose documents, and whatever else its pages show,
    are the same keeps its pages, not planned again. `shared`: per language, the data every page of the language
    shows, one dict updated by each plan, so a page kept from an earlier plan shows this one's."""

    world: tuple = ()  # what every zone's pages show besides the zone: the configuration, day, currencies, PDFs, history
    zones: dict[tuple[str, int], tuple[Zone, tuple, list[Page]]] = field(default_factory=dict)
    shared: dict[str, dict] = field(default_factory=dict)


@dataclass
class Stored:
    """A build's plan kept for the next build (in the cache): the pages of each zone in one language, as (path, template,
    alternates, output key), by the key of everything they are made from (see _zone_key). A zone whose key is the same
    gets its pages back without being planned: it is planned again only when one of its pages is rendered. A key's
    first digit is its zone's: the cache keeps the plan in a file per first digit, and an edit rewrites its zone's."""

    before: dict[str, tuple] = field(default_factory=dict)  # the last build's
    now: dict[str, tuple] = field(default_factory=dict)  # this build's: what the next one gets
    shared: str = ""  # what every page is made from (see pipeline.Pipeline._pages_key), part of each zone's key


@dataclass
class Page:
    """`context` makes the data the template shows, only when the page is rendered (by whichever process renders it):
    planning a page costs its fingerprint, so a build that renders few pages does not gather data for all of them."""

    path: str  # output path inside the site, e.g. "nl/aalst/index.html"
    template: str
    lang: str | None
    context: Callable[[], dict[str, Any]]
    alternates: dict[str, str] = field(default_factory=dict)  # language -> path of the same page
    inputs: str = ""  # fingerprint of the data the page shows
    in_sitemap: bool = True
    absolute_links: bool = False  # a 404 page is served at any address, so relative links would break
    key: str = ""  # its output's key (see page_key) when the plan kept it (see Stored), which keeps no `inputs`


def history_of(history: dict[str, History], version: Version) -> History | None:
    """The git history of a version's file (`history` is by path in the content folder). From the parts of its path,
    not its text: a build asks for every document's, and the text of a path loaded from the cache is made on first
    use (a fifth of planning the pages); content outside git has no history to ask."""
    if not history:
        return None
    parts = version.path.parts
    return history.get(f"{parts[-2]}/{parts[-1]}")


def plan(config: Config, site: Site, pdfs: dict[tuple[str, str, str], Any], history: dict[str, History] | None = None,
         fingerprints: Fingerprints | None = None, planned: Planned | None = None,
         stored: Stored | None = None) -> list[Page]:
    """Every page of every language; `pdfs` are the official copies by (zone, document, language), `history` the
    content's git history by file; `fingerprints` and `planned` what the preview keeps between saves, `stored` what a
    build keeps for the next one."""
    history = history or {}
    hashed = fingerprints or Fingerprints()
    pages: list[Page] = []
    every = lambda make: {lang: make(lang) for lang in config.languages}  # noqa: E731
    all_pdfs = sorted(pdfs.values(), key=lambda pdf: pdf.path)
    today = clock.today()
    currency = site.currencies(today)  # in force, expired, replaced: as of today
    # The model without texts, from the fingerprints the zones and documents keep: a text edit re-renders only its own pages.
    listing = hashed("listing", [zone.fingerprint for zone in site.zones], currency)
    with_pdfs = hashed("with_pdfs", listing, all_pdfs)
    # Shown on several pages of a language: gathered once, when the first of them is rendered.
    in_force = {key for key, state in currency.items() if state and state.state == "in_force"}
    objectives_table = cache(lambda lang: objectives_by_theme(config, site, lang, in_force))
    general = cache(lambda lang: general_objectives(config, site, lang))
    documents = {doc.key: doc for doc in site.documents}
    world = (config, today, currency, pdfs, history)
    # What any zone's pages show of the others: the listing names every document's title and currency (a replaced
    # document names the title of the one that replaces it).
    stored_world = fingerprint(stored.shared, listing) if stored is not None else ""
    before = planned.zones if planned is not None and planned.world == world else {}
    kept: dict[tuple[str, int], tuple[Zone, tuple, list[Page]]] = {}
    addresses: dict[str, dict[str, str]] = {}
    for lang in config.languages:
        views = Views(config, documents, lang)
        shared = planned.shared.setdefault(lang, {}) if planned is not None else {}
        shared.update(views=views, currency=currency)
        pages.append(Page(urls.home(lang), "home.html", lang,
                          lambda lang=lang, shared=shared: {**shared, **_home(config, site, lang, today)},
                          every(urls.home), fingerprint(listing, today)))  # the timeline marks the day of the build
        for zone in site.zones:
            if stored is not None:
                pages.extend(_stored_zone_pages(config, zone, lang, shared, pdfs, history, currency, every, stored,
                                                stored_world))
                continue
            related = tuple(_related(doc, currency, views) for doc in zone.documents)
            last = before.get((lang, id(zone)))
            if last is not None and last[0] is zone and last[1] == related:
                zone_pages = last[2]
            else:
                zone_pages = _zone_pages(config, zone, lang, shared, pdfs, history, currency, related, hashed, every,
                                         addresses)
            kept[(lang, id(zone))] = (zone, related, zone_pages)
            pages.extend(zone_pages)
        for key, template in (("themes", "themes.html"), ("about", "prose.html"), ("accessibility", "prose.html"),
                              ("search", "search.html"), ("verify", "verify.html"), ("glossary", "glossary.html"),
                              ("data", "data.html")):
            context = lambda lang=lang, key=key, shared=shared: {  # noqa: E731
                **shared, "page_key": key, "pdfs": all_pdfs, "objectives_table": objectives_table(lang),
                "general_objectives": general(lang),
                "in_force_keys": in_force,
                "pdf_groups": pdf_groups(config, site, pdfs, lang) if key == "verify" else [],
                "signing": config.pdf_signing,
                "glossary": config.terms.glossary(lang) if config.terms and key == "glossary" else [],
                "search_strings": {k: v for k, v in config.strings[lang].items() if k.startswith("search_")},
                "body_html": render_markdown(config.strings[lang].get(f"{key}_body", "")).html,
                "data_columns": opendata.COLUMNS,
                "structured_data": structured.fixed_page(config, lang, key, urls.fixed_page(config, lang, key), opendata.COLUMNS)}
            pages.append(Page(urls.fixed_page(config, lang, key), template, lang, context,
                              every(lambda l, k=key: urls.fixed_page(config, l, k)), with_pdfs if key == "verify" else listing))
        pages.append(Page(f"{lang}/404.html", "404.html", lang, lambda shared=shared: shared, every(lambda l: f"{l}/404.html"),
                          "", False, True))
    pages.append(Page("index.html", "root.html", None, dict, every(urls.home), ""))
    pages.append(Page("404.html", "404.html", config.default_language, lambda: {"views": {}}, {}, "", False, True))
    if planned is not None:
        planned.world, planned.zones = world, kept
    return pages


def _home(config: Config, site: Site, lang: str, today: dt.date) -> dict[str, Any]:
    """What the home page shows besides the shared data. Its timeline's module is loaded only when the home page is
    rendered: a build with one text edited does not."""
    from .timeline import build_timeline

    return {"site": site, "zones": {zone.slug: zone for zone in site.zones}, "timeline": build_timeline(config, site, lang, today),
            "structured_data": structured.home(config, lang)}


def _related(doc: Document, currency: dict, views: Views) -> tuple[str, ...]:
    """The titles of the documents a document's page names: the one that replaces it and the one it replaces."""
    state = currency[doc.key]
    by, replaced = state and state.by, doc.replaces and doc.replaces.key
    if not (by or replaced):  # most documents name none: asked for each zone of each save
        return ()
    return tuple(views[key].version.title for key in (by, replaced) if key in views)


def _zone_pages(config: Config, zone: Zone, lang: str, shared: dict, pdfs: dict, history: dict[str, History],
                currency: dict, related: tuple, hashed: Fingerprints, every: Callable,
                addresses: dict[str, dict[str, str]]) -> list[Page]:
    """A zone's page and its documents' pages in one language. `addresses`: where each document's page goes in every
    language, by the document's key; worked out for its first page, and the same dict for its pages in the others."""
    views = shared["views"]
    pages = [Page(urls.zone(lang, zone), "zone.html", lang,
                  lambda shared=shared: {**shared, "zone": zone, "structured_data": _zone_data(config, zone, lang)},
                  every(lambda l: urls.zone(l, zone)),
                  hashed(urls.zone(lang, zone), zone.fingerprint, [currency[doc.key] for doc in zone.documents]))]
    zone_facts = zone.facts_fingerprint
    for doc, names in zip(zone.documents, related):
        key = doc.key
        pdf = pdfs.get((doc.zone, doc.slug, lang))
        shown = views[key]
        dates = history_of(history, shown.version)
        context = lambda shown=shown, pdf=pdf, dates=dates: {  # noqa: E731
            **shared, "zone": zone, "view": shown, "pdf": pdf, "history": dates,
            "structured_data": structured.document(config, shown, zone, pdf, dates)}
        alternates = addresses.get(key)
        if alternates is None:
            alternates = addresses[key] = every(lambda l, d=doc: urls.document(l, d))
        path = alternates[lang]
        inputs = hashed(path, zone_facts, doc.fingerprint, shown.version.source_text_hash,
                        shown.source.source_text_hash, pdf, currency[key], list(names), dates)
        pages.append(Page(path, "document.html", lang, context, alternates, inputs))
    return pages


def _stored_zone_pages(config: Config, zone: Zone, lang: str, shared: dict, pdfs: dict, history: dict[str, History],
                       currency: dict, every: Callable, stored: Stored, world: str) -> list[Page]:
    """A zone's pages in one language as the last build planned them, when they are made from the same: without their
    data, which the zone's pages planned again give, once, to whichever of them is rendered. Else planned."""
    key = _zone_key(config, world, zone, lang, pdfs, history)
    known = stored.before.get(key)
    if known is None:
        pages = _planned_zone(config, zone, lang, shared, pdfs, history, currency, every)
        for page in pages:
            page.key = page_key(stored.shared, page)
        stored.now[key] = tuple((page.path, page.template, page.alternates, page.key) for page in pages)
        return pages
    stored.now[key] = known
    planned: list[list[Page]] = []  # the zone's pages with their data, once one of them is rendered

    def context(index: int) -> dict[str, Any]:
        if not planned:
            planned.append(_planned_zone(config, zone, lang, shared, pdfs, history, currency, every))
        return planned[0][index].context()

    return [Page(path, template, lang, lambda index=index: context(index), alternates, key=key)
            for index, (path, template, alternates, key) in enumerate(known)]


def page_key(shared: str, page: Page) -> str:
    """What a page is made from: what every page shows (`shared`), where it goes, its template and language, the
    addresses of its other languages and the fingerprint of its data. Texts joined, then hashed: all of them are
    strings without a NUL, and written out as a tuple they cost a thirtieth of a build with one document edited."""
    alternates = (f"{lang}={path}" for lang, path in page.alternates.items())
    text = "\0".join((shared, page.path, page.template, page.lang or "", *alternates, page.inputs))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _planned_zone(config: Config, zone: Zone, lang: str, shared: dict, pdfs: dict, history: dict[str, History],
                  currency: dict, every: Callable) -> list[Page]:
    related = tuple(_related(doc, currency, shared["views"]) for doc in zone.documents)
    return _zone_pages(config, zone, lang, shared, pdfs, history, currency, related, Fingerprints(), every, {})


def _zone_key(config: Config, world: str, zone: Zone, lang: str, pdfs: dict, history: dict[str, History]) -> str:
    """Everything a zone's pages in one language are made from: what they show of the whole site (`world`, see plan),
    the zone and its documents, their texts, which the zone's fingerprint leaves out, and their PDFs and dates (a
    build that makes a PDF, or a commit, changes its zone's key, not every zone's). Strings joined, then hashed: one
    per zone and language, where each page's fingerprint took a tenth of a build with one edit. The configuration and
    the code are the key of what is stored (see Stored)."""
    texts = [version.source_text_hash for doc in zone.documents for version in doc.versions.values()]
    source = config.default_language
    made = [(pdfs.get((doc.zone, doc.slug, lang)), history_of(history, doc.versions.get(lang) or doc.versions[source]))
            for doc in zone.documents] if pdfs or history else []
    if any(pdf or dates for pdf, dates in made):
        texts.append(repr(made))
    place = hashlib.sha256(zone.slug.encode("utf-8")).hexdigest()[0]  # the same for every key of the zone: see Stored
    return place + hashlib.sha256("\0".join((world, lang, zone.fingerprint, *texts)).encode("utf-8")).hexdigest()


def _zone_data(config: Config, zone: Zone, lang: str) -> dict:
    return structured.web_page(config, lang, urls.zone(lang, zone), "WebPage", zone.names[lang],
                               about=structured.zone_organisation(config, zone, lang))


class PdfEntry(NamedTuple):
    """One PDF on the verification page: its language version and whether it is the official text."""

    lang: str
    pdf: Any
    view: DocumentView


def pdf_groups(config: Config, site: Site, pdfs: dict, lang: str) -> list[tuple[Zone, Document, list[PdfEntry]]]:
    """Every PDF grouped per document, zone by zone; in each group the page's own language first."""
    order = (lang,) + tuple(other for other in config.languages if other != lang)
    groups = []
    for zone in site.zones:
        for doc in zone.documents:
            entries = [PdfEntry(other, pdfs[(doc.zone, doc.slug, other)], view(config, doc, other))
                       for other in order if (doc.zone, doc.slug, other) in pdfs]
            if entries:
                groups.append((zone, doc, entries))
    return groups


def general_ids(config: Config, doc: Document) -> set[str]:
    """Ids of the objectives the Dutch text marks `scope: general`: they apply to every theme of the document."""
    return {o.id for o in doc.versions[config.default_language].objectives if o.scope == "general"}


def objectives_by_theme(config: Config, site: Site, lang: str, in_force: set[str]) -> dict[str, list[tuple[Zone, list, bool]]]:
    """For the themes page: theme -> zones -> documents -> objectives in the page's language; general goals left out.
    A document's objectives come together: the page writes what they share (its title, period, status) once. Each
    zone says whether one of its documents there is in force (`in_force`: the keys of the documents in force)."""
    table: dict[str, list] = {theme: [] for theme in config.themes}
    for zone in site.zones:
        found: dict[str, list] = {theme: [] for theme in config.themes}
        for doc in zone.documents:
            general = general_ids(config, doc)
            mine: dict[str, list[Objective]] = {}
            for objective in view(config, doc, lang).version.objectives:
                if objective.id in general:
                    continue
                for theme in set(objective.themes) & found.keys():
                    mine.setdefault(theme, []).append(objective)
            for theme, objectives in mine.items():
                found[theme].append((doc, objectives))
        for theme in config.themes:
            table[theme].append((zone, found[theme], any(doc.key in in_force for doc, _ in found[theme])))
    return table


def general_objectives(config: Config, site: Site, lang: str) -> list[tuple[Zone, Document, Objective]]:
    """The goals that apply to everything, shown once above the themes instead of under each of them."""
    return [(zone, doc, objective) for zone in site.zones for doc in zone.documents
            for objective in view(config, doc, lang).version.objectives if objective.id in general_ids(config, doc)]
