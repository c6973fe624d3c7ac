"""Turn the site model into pages: plan every page per language, then render each through Jinja."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from collections.abc import Callable

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import __version__, urls
from .config import Config
from .markdown import RenderedMarkdown, render_markdown
from .model import Document, Objective, Site, Version, Zone
from .timeline import build_timeline
from .workers import worker_pool


PARALLEL_FROM = 40  # below this many documents, starting worker processes costs more than it saves


@dataclass(frozen=True)
class DocumentView:
    """A document as shown in one language: the version shown, and whether it is a translation or a fallback."""

    document: Document
    lang: str  # language of the page
    version: Version  # the text shown (the default language's when no translation exists)
    source: Version  # the authoritative version
    renderer: Renderer = field(compare=False, repr=False)

    @property
    def rendered(self) -> RenderedMarkdown:
        """Rendered on first use only: a page taken unchanged from the cache never needs its Markdown."""
        return self.renderer.rendered(self.version)

    @property
    def is_translation(self) -> bool:
        return self.version.translated_from is not None

    @property
    def is_fallback(self) -> bool:
        return self.version.lang != self.lang

    @property
    def outdated(self) -> bool:
        return self.is_translation and self.version.translated_from != self.source.source_text_hash


@dataclass
class Page:
    path: str  # output path inside the site, e.g. "nl/aalst/index.html"
    template: str
    lang: str | None
    context: dict[str, Any]
    alternates: dict[str, str] = field(default_factory=dict)  # language -> path of the same page
    inputs: tuple[str, ...] = ()  # fingerprints of what goes into the page, for the build cache
    in_sitemap: bool = True
    absolute_links: bool = False  # a 404 page is served at any address, so relative links would break


class Renderer:
    def __init__(self, config: Config, site: Site, templates: Path, *, preview: bool = False,
                 markdown_cache: dict[tuple[Path, str], RenderedMarkdown] | None = None):
        self.config, self.site = config, site
        self.env = Environment(
            loader=FileSystemLoader(templates),
            autoescape=select_autoescape(["html", "xml", "svg"], default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(config=config, site=site, version=__version__)
        self.env.filters.update(date=self._date)
        self.templates = templates
        self.preview = preview  # pages of `serve` carry a script that shows content errors
        self._markdown = {} if markdown_cache is None else markdown_cache
        self._zone_fingerprints: dict[str, str] = {}

    # --- helpers available to templates -------------------------------------------------
    def _date(self, value: dt.date | None, lang: str) -> str:
        return format_date(value, format="long", locale=self.config.text(lang, "locale")) if value else ""

    def rendered(self, version: Version) -> RenderedMarkdown:
        key = (version.path, version.source_text_hash)
        if key not in self._markdown:
            self._markdown[key] = render_markdown(version.body)
        return self._markdown[key]

    def prerender(self, versions: list[Version], workers: int | None = None) -> None:
        """Render many Markdown texts in parallel processes (a cold build of a big site); few, here."""
        todo = {(v.path, v.source_text_hash): v.body for v in versions if (v.path, v.source_text_hash) not in self._markdown}
        workers = workers or os.cpu_count() or 1
        if len(todo) < PARALLEL_FROM or workers < 2:
            return  # rendered on first use
        with worker_pool(workers) as pool:
            for key, rendered in zip(todo, pool.map(render_markdown, todo.values(), chunksize=16)):
                self._markdown[key] = rendered

    def view(self, doc: Document, lang: str) -> DocumentView:
        source = doc.versions[self.config.default_language]
        version = doc.versions.get(lang, source)
        return DocumentView(doc, lang, version, source, self)

    @cached_property
    def templates_fingerprint(self) -> str:
        digest = hashlib.sha256(__version__.encode())
        code = sorted(Path(__file__).parent.glob("*.py"))  # the generator's own code shapes every page too
        pages_templates = [p for p in sorted(self.templates.rglob("*")) if "pdf" not in p.relative_to(self.templates).parts]
        for path in code + pages_templates:
            if path.is_file():
                digest.update(path.name.encode() + path.read_bytes())
        digest.update(self.config.path.read_bytes())
        for lang in self.config.languages:
            digest.update((self.config.locales_dir / f"{lang}.yaml").read_bytes())
        return digest.hexdigest()

    def zone_fingerprint(self, zone: Zone) -> str:
        """Changes when a page listing this zone's documents could change: its zone file or any front matter."""
        if zone.slug not in self._zone_fingerprints:
            self._zone_fingerprints[zone.slug] = self._hash_zone(zone)
        return self._zone_fingerprints[zone.slug]

    def _hash_zone(self, zone: Zone) -> str:
        digest = hashlib.sha256(zone.path.read_bytes())
        for doc in zone.documents:
            for version in doc.versions.values():
                digest.update(repr((doc.slug, version.title, version.summary, version.author, version.objectives,
                                    doc.type, doc.status, doc.themes, doc.period, doc.date)).encode())
        return digest.hexdigest()

    @cached_property
    def site_fingerprint(self) -> str:
        """For pages that list every zone: home, themes."""
        return hashlib.sha256("".join(self.zone_fingerprint(zone) for zone in self.site.zones).encode()).hexdigest()

    # --- planning -----------------------------------------------------------------------
    def plan(self, pdfs: dict[tuple[str, str, str], Any]) -> list[Page]:
        """Every page of every language; `pdfs` are the official copies by (zone, document, language)."""
        pages: list[Page] = []
        config = self.config
        every = lambda make: {lang: make(lang) for lang in config.languages}  # noqa: E731
        list_inputs = (self.site_fingerprint,)
        for lang in config.languages:
            pages.append(Page(urls.home(lang), "home.html", lang, {"timeline": build_timeline(self.site, lang)},
                              every(urls.home), list_inputs))
            for zone in self.site.zones:
                zone_inputs = (self.zone_fingerprint(zone),)
                zone_file_hash = hashlib.sha256(zone.path.read_bytes()).hexdigest()
                pages.append(Page(urls.zone(lang, zone), "zone.html", lang, {"zone": zone},
                                  every(lambda l, z=zone: urls.zone(l, z)), zone_inputs))
                for doc in zone.documents:
                    view = self.view(doc, lang)
                    pdf = pdfs.get((doc.zone, doc.slug, lang))
                    context = {"zone": zone, "view": view, "structured_data": self.structured_data(view, zone), "pdf": pdf}
                    # Only what this page shows: the zone file, its own text and its source's, its PDF.
                    inputs = (zone_file_hash, view.version.source_text_hash, view.source.source_text_hash,
                              pdf.sha256 if pdf else "")
                    pages.append(Page(urls.document(lang, doc), "document.html", lang, context,
                                      every(lambda l, d=doc: urls.document(l, d)), inputs))
            for key, template in (("themes", "themes.html"), ("about", "prose.html"), ("accessibility", "prose.html"),
                                  ("search", "search.html"), ("verify", "verify.html")):
                context = {"page_key": key, "pdfs": sorted(pdfs.values(), key=lambda pdf: pdf.path),
                           "search_strings": {k: v for k, v in config.strings[lang].items() if k.startswith("search_")}}
                inputs = list_inputs + tuple(pdf.sha256 for pdf in context["pdfs"]) if key == "verify" else list_inputs
                pages.append(Page(urls.fixed_page(config, lang, key), template, lang, context,
                                  every(lambda l, k=key: urls.fixed_page(config, l, k)), inputs))
            pages.append(Page(f"{lang}/404.html", "404.html", lang, {}, every(lambda l: f"{l}/404.html"), (), False, True))
        pages.append(Page("index.html", "root.html", None, {}, every(urls.home), ()))
        pages.append(Page("404.html", "404.html", config.default_language, {}, {}, (), False, True))
        return pages

    def page_key(self, page: Page) -> str:
        """Two renders with the same key produce the same bytes; the cache relies on it."""
        digest = hashlib.sha256(self.templates_fingerprint.encode())
        digest.update(repr((page.path, page.template, page.lang, sorted(page.alternates.items()), page.inputs,
                            self.preview)).encode())
        return digest.hexdigest()

    # --- rendering ----------------------------------------------------------------------
    def render(self, page: Page, extra: dict[str, Any] | None = None) -> str:
        lang = page.lang or self.config.default_language
        if page.absolute_links:
            link: Callable[[str], str] = lambda target: urls.absolute(self.config, target)  # noqa: E731
        else:
            link = lambda target: urls.relative(page.path, target)  # noqa: E731
        context = {
            "page": page,
            "lang": lang,
            "t": lambda key, **values: self.config.text(lang, key).format(**values) if values else self.config.text(lang, key),
            "link": link,
            "urls": urls,
            "public": lambda path: urls.public(self.config, path),
            "objectives_by_theme": self.objectives_by_theme,
            "view_of": self.view,
            "markdown": lambda text: Markup(render_markdown(text).html),
            "pdf": None,
            "preview": self.preview,
            "pdfs": [],
            **page.context,
            **(extra or {}),
        }
        return self.env.get_template(page.template).render(context)

    def structured_data(self, view: DocumentView, zone: Zone) -> dict[str, Any]:
        """schema.org description of a document and the zone that publishes it, for search engines."""
        doc, version = view.document, view.version
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "DigitalDocument",
            "name": version.title,
            "description": version.summary,
            "inLanguage": version.lang,
            "author": {"@type": "Person", "name": version.author},
            "publisher": {"@type": "GovernmentOrganization", "name": zone.names[view.lang]},
            "url": urls.public(self.config, urls.document(view.lang, doc)),
        }
        if doc.date:
            data["datePublished"] = doc.date.isoformat()
        if doc.period:
            data["temporalCoverage"] = f"{doc.period.start.isoformat()}/{doc.period.end.isoformat()}"
        if view.is_translation:
            data["translationOfWork"] = {"@type": "DigitalDocument", "inLanguage": view.source.lang,
                                         "url": urls.public(self.config, urls.document(view.source.lang, doc))}
        return data

    def objectives_by_theme(self, lang: str) -> dict[str, list[tuple[Zone, list[tuple[Document, Objective]]]]]:
        """For the themes page: theme -> zones -> (document, objective) in the page's language."""
        table: dict[str, list] = {}
        for theme in self.config.themes:
            rows = []
            for zone in self.site.zones:
                found = [(doc, objective) for doc in zone.documents
                         for objective in self.view(doc, lang).version.objectives if theme in objective.themes]
                rows.append((zone, found))
            table[theme] = rows
        return table
