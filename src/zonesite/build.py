"""The build pipeline, top to bottom: load, model, render, write atomically, index."""

from __future__ import annotations

import hashlib
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import feeds
from .config import Config
from .content import load_site
from .modelcache import ModelCache
from .pdf import PdfBuilder
from .progress import Progress
from .output import read_manifest, staged_output, write_manifest
from .problems import Problem
from .render import Renderer
from .search import BUNDLE, build_index, existing_index


@dataclass
class BuildResult:
    out_dir: Path
    rendered: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    pdfs: int = 0
    pdfs_rendered: int = 0
    indexed: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        parts = [f"{len(self.rendered) + len(self.reused)} pages ({len(self.rendered)} rendered, {len(self.reused)} unchanged)"]
        if self.pdfs:
            parts.append(f"{self.pdfs} PDFs ({self.pdfs_rendered} rendered, {self.pdfs - self.pdfs_rendered} unchanged)")
        if self.indexed:
            parts.append(f"{sum(self.indexed.values())} pages indexed for search")
        parts.append(f"{len(self.warnings)} warnings")
        return f"built {', '.join(parts)} into {self.out_dir} in {self.seconds:.2f} s"


def cache_dir(config: Config) -> Path:
    return config.root / ".cache" / "zonesite"


def build(config: Config, content_dir: Path, out_dir: Path, *, with_pdf: bool = True, with_search: bool = True, progress: bool = False) -> BuildResult:
    started = time.perf_counter()
    # 1. Read and validate every content file; errors stop here, before anything is written.
    #    Zones whose files did not change since the last build come from the model cache.
    model_cache = ModelCache(cache_dir(config), config)
    site, problems = load_site(config, content_dir, known=model_cache.zones)
    model_cache.save()
    result = BuildResult(out_dir, warnings=problems.warnings)
    renderer = Renderer(config, site, config.root / "templates")
    # 2. Official PDF copies, rendered again only when one of their inputs changed.
    pdfs, result.pdfs_rendered = PdfBuilder(config, renderer, cache_dir(config)).build(progress) if with_pdf else ({}, 0)
    result.pdfs = len(pdfs)
    # 3. Plan every page of every language.
    pages = renderer.plan(pdfs)
    manifest_path = cache_dir(config) / f"pages-{_name(out_dir)}.json"
    previous = read_manifest(manifest_path)
    keys = {page.path: renderer.page_key(page) for page in pages}
    unchanged = {path for path, key in keys.items() if previous.get(path) == key and (out_dir / path).is_file()}
    extra_files = {"sitemap.xml": feeds.sitemap(config, pages), "robots.txt": feeds.robots(config),
                   **{f"{lang}/feed.xml": feeds.atom_feed(config, site, lang) for lang in config.languages}}
    search_key = _fingerprint(with_search, sorted(keys[p.path] for p in pages if p.template == "document.html"))
    site_key = _fingerprint(search_key, sorted(keys.items()), sorted(extra_files.items()), _folder_fingerprint(config.root / "assets"),
                            sorted((pdf.path, pdf.sha256) for pdf in pdfs.values()))
    keys.update({SITE_KEY: site_key, SEARCH_KEY: search_key})
    if previous.get(SITE_KEY) == site_key and len(unchanged) == len(pages):
        # Nothing that goes into the site changed: the site on disk is already this build's output.
        result.reused = [page.path for page in pages]
        result.indexed = existing_index(out_dir) if with_search else {}
        result.seconds = time.perf_counter() - started
        return result
    # 4. The Markdown of the pages to render, across all cores when there are many.
    renderer.prerender([page.context["view"].version for page in pages
                        if page.path not in unchanged and "view" in page.context])
    with staged_output(out_dir) as stage:
        # 5. Static files and PDFs.
        shutil.copytree(config.root / "assets", stage.root / "assets")
        for pdf in pdfs.values():
            stage.link(pdf.cached, pdf.path)
        # 6. Pages: reuse the previous build's file when nothing that goes into it changed.
        bar = Progress(len(pages) - len(unchanged), "pages", enabled=progress and len(pages) - len(unchanged) > 100, every=500)
        for page in pages:
            if page.path in unchanged and stage.reuse(page.path):
                continue
            stage.write(page.path, renderer.render(page))
            bar.step()
        bar.done()
        # 7. Sitemap, robots.txt and feeds.
        for path, text in extra_files.items():
            stage.write(path, text)
        # 8. The search index, one per language: the previous one when no indexed page changed.
        if with_search and previous.get(SEARCH_KEY) == search_key and stage.reuse_tree(BUNDLE):
            result.indexed = existing_index(stage.root)
        elif with_search:
            result.indexed = build_index(stage.root)
        result.rendered = [p.path for p in pages if p.path in stage.written]
        result.reused = [p.path for p in pages if p.path in stage.reused]
    write_manifest(manifest_path, keys)
    result.seconds = time.perf_counter() - started
    return result


SITE_KEY, SEARCH_KEY = "#site", "#search"  # manifest entries beside the pages' paths


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _folder_fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def _name(out_dir: Path) -> str:
    """One manifest per output folder, so building into two folders never mixes their caches."""
    return hashlib.sha256(str(out_dir.resolve()).encode()).hexdigest()[:10]
