"""The machine-readable files: sitemap with hreflang alternates, robots.txt and an Atom feed per language."""

from __future__ import annotations

import datetime as dt
from html import escape as html_escape

from . import urls
from ..config import Config
from ..model import Site
from .pages import Page


def escape(text: str) -> str:
    """XML text: what xml.sax.saxutils.escape does, without its import of urllib.request and http.client (a tenth
    of what a build with one document edited spends on imports)."""
    return html_escape(text, quote=False)


def quoteattr(text: str) -> str:
    """An attribute value (an address) in double quotes, its quotes escaped."""
    return f'"{html_escape(text)}"'


def sitemap(config: Config, pages: list[Page]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for page in pages:
        if not page.in_sitemap or page.lang is None:
            continue
        lines.append(f"  <url><loc>{escape(urls.public(config, page.path))}</loc>")
        for lang, path in page.alternates.items():
            lines.append(f'    <xhtml:link rel="alternate" hreflang="{lang}" href={quoteattr(urls.public(config, path))}/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots(config: Config) -> str:
    return f"User-agent: *\nAllow: /\nSitemap: {config.base_url}sitemap.xml\n"


def atom_feed(config: Config, site: Site, lang: str) -> str:
    def stamp(day: dt.date) -> str:
        return f"{day.isoformat()}T00:00:00Z"

    documents = sorted(site.documents, key=lambda doc: doc.sort_date, reverse=True)
    updated = stamp(documents[0].sort_date) if documents else stamp(dt.date(2000, 1, 1))
    feed_url = config.base_url + f"{lang}/feed.xml"
    entries = []
    for doc in documents:
        version = doc.versions.get(lang) or doc.versions[config.default_language]
        link = urls.public(config, urls.document(lang, doc))
        entries.append(
            f"  <entry>\n    <id>{escape(link)}</id>\n    <title>{escape(version.title)}</title>\n"
            f"    <link href={quoteattr(link)}/>\n    <updated>{stamp(doc.sort_date)}</updated>\n"
            f"    <author><name>{escape(version.author)}</name></author>\n"
            f"    <summary>{escape(version.summary)}</summary>\n  </entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}">\n'
        f"  <id>{escape(feed_url)}</id>\n  <title>{escape(config.title[lang])} · {escape(config.text(lang, 'feed_title'))}</title>\n"
        f"  <link rel=\"self\" href={quoteattr(feed_url)}/>\n  <link href={quoteattr(urls.public(config, urls.home(lang)))}/>\n"
        f"  <updated>{updated}</updated>\n" + "\n".join(entries) + "\n</feed>\n"
    )
