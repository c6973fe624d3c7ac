"""Where each page of the site is written, and relative links between them."""

from __future__ import annotations

import posixpath
from functools import lru_cache
from urllib.parse import urlparse

from ..config import Config
from ..model import Document, Zone


def home(lang: str) -> str:
    return f"{lang}/index.html"


def zone(lang: str, zone: Zone | str) -> str:
    slug = zone if isinstance(zone, str) else zone.slug
    return f"{lang}/{slug}/index.html"


def document(lang: str, doc: Document) -> str:
    return f"{lang}/{doc.zone}/{doc.slug}/index.html"


def pdf(lang: str, doc: Document) -> str:
    return f"{lang}/{doc.zone}/{doc.slug}/{doc.slug}.{lang}.pdf"


CATALOGUE = "data/catalog.jsonld"  # the DCAT-AP catalogue of the site's documents and datasets


def dataset(lang: str, extension: str) -> str:
    """The objectives of every zone in one language, as csv or json."""
    return f"data/objectives.{lang}.{extension}"


def fixed_page(config: Config, lang: str, key: str) -> str:
    return f"{lang}/{config.page_slugs[key][lang]}/index.html"


def relative(from_path: str, to_path: str) -> str:
    """A link that works from any base path: relative, and to the folder rather than index.html."""
    return _link(posixpath.dirname(from_path), to_path)


class Links:
    """The relative links of one page, each worked out once. While a fragment shared by many pages is rendered
    (see templates.py), `asked` lists the targets it links to: the fragment is the same on every page whose links to
    those targets are the same, which `place` tells without working them out."""

    def __init__(self, from_path: str):
        self.folder = posixpath.dirname(from_path)
        self.parts = _parts(self.folder)
        self.made: dict[str, str] = {}
        self.asked: list[str] | None = None

    def __call__(self, target: str) -> str:
        if self.asked is not None:
            self.asked.append(target)
        link = self.made.get(target)
        if link is None:
            link = self.made[target] = _link(self.folder, target)
        return link

    def place(self, prefixes: frozenset[tuple[str, ...]]) -> tuple[int, tuple[str, ...]]:
        """What this page's links to some targets depend on, given every leading part of those targets' paths
        (`prefixes`, see below): the depth of the page's folder and the longest leading part of it that is one of them.
        A link climbs out of the folder to the part it shares with the target: all pages with the same place share
        the same parts with every one of those targets, so they have the same links to them."""
        parts = self.parts
        shared = 0
        while shared < len(parts) and parts[:shared + 1] in prefixes:
            shared += 1
        return len(parts), parts[:shared]


def prefixes(targets: list[str]) -> frozenset[tuple[str, ...]] | None:
    """Every leading part of the targets' paths (nl/themas/index.html: nl, nl/themas, nl/themas/index.html), for
    Links.place; None when a target is not a path inside the site, whose link is worked out the general way."""
    found: set[tuple[str, ...]] = set()
    for target in targets:
        parts = _parts(target.partition("#")[0])
        if ".." in parts or "" in parts[:1]:
            return None
        found.update(parts[:end] for end in range(1, len(parts) + 1))
    return frozenset(found)


def _link(folder: str, to_path: str) -> str:
    target, _, anchor = to_path.partition("#")
    link = _relpath(target, folder)
    if link == "index.html":
        link = "./"
    elif link.endswith("/index.html"):
        link = link[: -len("index.html")]
    elif target.endswith("/") and not link.endswith("/"):
        link += "/"
    return link + (f"#{anchor}" if anchor else "")


def _relpath(target: str, start: str) -> str:
    """posixpath.relpath for two paths inside the site, without its trip through the working folder (a page has
    dozens of links, a site thousands of pages)."""
    to_parts, from_parts = _parts(target), _parts(start)
    if ".." in to_parts or ".." in from_parts or "" in to_parts[:1] + from_parts[:1]:
        return posixpath.relpath(target, start or ".")  # outside the site, or absolute: the general case
    common = 0
    while common < min(len(to_parts), len(from_parts)) and to_parts[common] == from_parts[common]:
        common += 1
    return "/".join((("..",) * (len(from_parts) - common)) + to_parts[common:]) or "."


@lru_cache(maxsize=16384)
def _parts(path: str) -> tuple[str, ...]:
    """Kept: a site's links go from a few thousand folders to a few thousand pages."""
    normal = posixpath.normpath(path) if path else "."
    return () if normal == "." else tuple(normal.split("/"))


def absolute(config: Config, path: str) -> str:
    """A link from the server's root, for pages that may be served at any address (404)."""
    return urlparse(public(config, path)).path


def public(config: Config, path: str) -> str:
    """The absolute address of a page, for the sitemap, feeds and hreflang links."""
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return config.base_url + path
