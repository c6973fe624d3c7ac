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
from .search import build_index


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
        stage.write("sitemap.xml", feeds.sitemap(config, pages))
        stage.write("robots.txt", feeds.robots(config))
        for lang in config.languages:
            stage.write(f"{lang}/feed.xml", feeds.atom_feed(config, site, lang))
        # 8. The search index, one per language, from the pages just written.
        result.indexed = build_index(stage.root) if with_search else {}
        result.rendered = [p.path for p in pages if p.path in stage.written]
        result.reused = list(stage.reused)
    write_manifest(manifest_path, keys)
    result.seconds = time.perf_counter() - started
    return result


def _name(out_dir: Path) -> str:
    """One manifest per output folder, so building into two folders never mixes their caches."""
    return hashlib.sha256(str(out_dir.resolve()).encode()).hexdigest()[:10]
