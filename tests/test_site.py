"""End to end: build the real content and inspect the output as a reader and a crawler would."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import lxml.html
import pytest

from tests.faithfulness import missing_phrases

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = sorted((PROJECT / "tests" / "seeds").glob("*.txt"))


def page(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path).read_bytes())


def document_path(seed: Path, lang: str = "nl") -> str:
    zone, slug = seed.stem.split("-", 1)
    return f"{lang}/{zone}/{slug}/index.html"


def html_pages(site: Path) -> list[Path]:
    return sorted(path for path in site.rglob("*.html") if "pagefind" not in path.parts)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.stem)
def test_every_sentence_of_the_seed_is_published(real_site, seed):
    article = page(real_site, document_path(seed)).get_element_by_id("main")
    body = article.find_class("doc-body")[0]
    header = article.find_class("doc-header")[0]
    text = lxml.html.tostring(header, encoding="unicode") + lxml.html.tostring(body, encoding="unicode")
    missing = missing_phrases(seed, text)
    assert not missing, f"{len(missing)} phrases of {seed.name} missing, first: {missing[:3]}"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.stem)
def test_no_page_furniture_left(real_site, seed):
    body = page(real_site, document_path(seed)).find_class("doc-body")[0]
    text = body.text_content()
    assert not re.search(r"\.{5,}", text), "dot leaders of a printed table of contents"
    for escaped in ("<b>", "<sup>", "<p>", "<ul", "<li", "<br"):
        assert escaped not in text, f"raw HTML {escaped} shown as text"
    assert "▪" not in text and "•" not in text, "bullet characters instead of lists"
    lines = [line.strip() for line in text.splitlines()]
    assert not any(re.match(r"^o\s", line) for line in lines), "Word 'o' bullets instead of nested lists"
    headings = [h.text_content().strip() for h in body.iter("h2", "h3", "h4", "h5", "h6")]
    repeated = {h for h in headings if headings.count(h) > 2}
    assert not repeated, f"a heading repeated on every page: {repeated}"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.stem)
def test_table_of_contents_matches_the_headings(real_site, seed):
    tree = page(real_site, document_path(seed))
    body = tree.find_class("doc-body")[0]
    headings = [(h.get("id"), h.text_content().strip()) for h in body.iter("h2", "h3")
                if h.get("id") and h.getparent().tag != "section"]
    toc = [(a.get("href")[1:], a.text_content().strip()) for a in tree.find_class("toc")[0].iter("a")]
    assert headings and toc == headings


def test_every_document_has_a_page_in_every_language(real_site, real_config):
    sources = sorted((PROJECT / "content").glob("*/*.nl.md"))
    assert len(sources) >= 5
    for source in sources:
        zone, slug = source.parent.name, source.name.split(".")[0]
        for lang in real_config.languages:
            assert (real_site / lang / zone / slug / "index.html").is_file(), f"{lang}/{zone}/{slug}"


def test_fixed_pages_exist(real_site, real_config):
    for lang in real_config.languages:
        assert (real_site / lang / "index.html").is_file()
        assert (real_site / lang / "404.html").is_file()
        for slugs in real_config.page_slugs.values():
            assert (real_site / lang / slugs[lang] / "index.html").is_file()
        for zone in ("aalst", "gent", "lier", "lokeren"):
            assert (real_site / lang / zone / "index.html").is_file()
    assert (real_site / "robots.txt").read_text().startswith("User-agent: *")


def test_sitemap_lists_every_page(real_site, real_config):
    sitemap = (real_site / "sitemap.xml").read_text(encoding="utf-8")
    listed = {urlparse(loc).path.lstrip("/") for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap)}
    base = urlparse(real_config.base_url).path.lstrip("/")
    listed = {path[len(base):] for path in listed}
    pages = {str(p.relative_to(real_site)).removesuffix("index.html") for p in html_pages(real_site)
             if p.name == "index.html" and p.parent != real_site}
    assert pages and pages == listed


def test_every_internal_link_and_anchor_resolves(real_site):
    ids: dict[Path, set[str]] = {}
    broken = []
    for path in html_pages(real_site):
        if path.name == "404.html":
            continue  # served at any address, so its links are absolute
        tree = lxml.html.fromstring(path.read_bytes())
        for element in tree.xpath("//a[@href] | //link[@href] | //script[@src]"):
            href = element.get("href") or element.get("src")
            if urlparse(href).scheme or href.startswith("//"):
                continue
            target_href, anchor = urldefrag(href)
            target = (path.parent / target_href).resolve() if target_href else path
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(real_site)} -> {href}")
                continue
            if anchor and target.suffix == ".html":
                if target not in ids:
                    ids[target] = set(lxml.html.fromstring(target.read_bytes()).xpath("//@id"))
                if anchor not in ids[target]:
                    broken.append(f"{path.relative_to(real_site)} -> {href} (no such anchor)")
    assert not broken, broken[:10]


def test_aalst_wrong_total_is_published_as_adopted(real_site):
    text = page(real_site, "nl/aalst/opdrachtbrief-2021-2025/index.html").find_class("doc-body")[0].text_content()
    assert "39.886.244,45" in text and "176.067.629,19" in text
