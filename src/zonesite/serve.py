"""`serve`: a live preview that keeps the site in memory and re-renders only the pages a change affects."""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from pathlib import Path

from . import feeds
from .build import cache_dir
from .config import Config, load_config
from .content import load_site
from .pdf import PdfBuilder
from .problems import ContentError, Problem
from .render import Renderer
from .search import build_index

log = logging.getLogger("zonesite.serve")


class Preview:
    """The preview site in a folder of its own; `refresh` brings it up to date with the sources."""

    def __init__(self, config_path: Path, content_dir: Path | None, out_dir: Path | None = None):
        self.config_path, self.content_arg = config_path, content_dir
        self.config: Config = load_config(config_path)
        self.out_dir = out_dir or cache_dir(self.config) / "preview"
        self.zones: dict = {}  # zone folder -> (signature, zone, problems), kept between refreshes
        self.markdown: dict = {}
        self.keys: dict[str, str] = {}  # page path -> key of what is on disk
        self.pdfs: dict = {}
        self.lock = threading.Lock()
        self.renderer: Renderer | None = None

    @property
    def content_dir(self) -> Path:
        return self.content_arg or self.config.root / "content"

    def refresh(self) -> list[str]:
        """Re-render what changed; on a content error, keep the last good pages and publish the error."""
        with self.lock:
            try:
                config = load_config(self.config_path)
                if config != self.config:
                    self.config, self.zones, self.keys = config, {}, {}
                site, _ = load_site(self.config, self.content_dir, known=self.zones)
            except ContentError as error:
                self._publish_errors(error.problems)
                return []
            self.renderer = Renderer(self.config, site, self.config.root / "templates", preview=True,
                                     markdown_cache=self.markdown)
            written = self._write_pages()
            self._publish_errors([])
            return written

    def _write_pages(self) -> list[str]:
        renderer = self.renderer
        pages = renderer.plan(self.pdfs)
        keys, written = {}, []
        assets = self.out_dir / "assets"
        shutil.copytree(self.config.root / "assets", assets, dirs_exist_ok=True)
        for page in pages:
            keys[page.path] = key = renderer.page_key(page)
            if self.keys.get(page.path) != key:
                _write_atomically(self.out_dir / page.path, renderer.render(page))
                written.append(page.path)
        for gone in set(self.keys) - set(keys):
            (self.out_dir / gone).unlink(missing_ok=True)
        if written:
            _write_atomically(self.out_dir / "sitemap.xml", feeds.sitemap(self.config, pages))
        self.keys = keys
        return written

    def _publish_errors(self, problems: list[Problem]) -> None:
        report = {"problems": [str(problem) for problem in problems]}
        _write_atomically(self.out_dir / "_preview" / "errors.json", json.dumps(report))
        for problem in problems:
            log.error("%s", problem)

    def refresh_slow_parts(self) -> None:
        """Search index and PDFs: minutes of work on a big site, so never on the path of a reload."""
        with self.lock:
            renderer = self.renderer
        if renderer is None:
            return
        build_index(self.out_dir)
        pdfs, rendered = PdfBuilder(self.config, renderer, cache_dir(self.config)).build()
        with self.lock:
            for pdf in pdfs.values():
                target = self.out_dir / pdf.path
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(pdf.cached, target)
            if pdfs != self.pdfs:
                self.pdfs = pdfs
                self._write_pages()
        log.info("search index and %d PDFs up to date (%d rendered)", len(pdfs), rendered)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


class SlowWork:
    """Runs the slow refresh in the background once the editor pauses; never two at once."""

    def __init__(self, preview: Preview, idle_seconds: float = 2.0):
        self.preview, self.idle = preview, idle_seconds
        self.timer: threading.Timer | None = None

    def schedule(self, delay: float | None = None) -> None:
        if self.timer:
            self.timer.cancel()
        self.timer = threading.Timer(self.idle if delay is None else delay, self._run)
        self.timer.daemon = True
        self.timer.start()

    def _run(self) -> None:
        try:
            self.preview.refresh_slow_parts()
        except Exception:  # a failed background refresh must not stop the preview
            log.exception("background refresh failed")


def serve(config_path: Path, content_dir: Path | None, port: int | None, out_dir: Path | None = None,
          host: str = "127.0.0.1") -> None:
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from tornado import ioloop
    from watchfiles import watch

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    log.setLevel(logging.INFO)
    preview = Preview(config_path, content_dir, out_dir)
    started = time.perf_counter()
    written = preview.refresh()
    log.info("preview of %d pages ready in %.2f s", len(written), time.perf_counter() - started)
    slow = SlowWork(preview)
    slow.schedule(delay=0)
    loop = ioloop.IOLoop.current()
    root = preview.config.root
    watched = [p for p in (preview.content_dir, root / "templates", root / "assets", root / "locales", preview.config_path) if p.exists()]

    def watch_sources() -> None:
        for changes in watch(*watched, debounce=30, step=10, rust_timeout=0):
            began = time.perf_counter()
            pages = preview.refresh()
            log.info("%d change(s): %d page(s) re-rendered in %.0f ms", len(changes), len(pages),
                     (time.perf_counter() - began) * 1000)
            loop.add_callback(LiveReloadHandler.reload_waiters, "*")
            slow.schedule()

    threading.Thread(target=watch_sources, daemon=True).start()
    server = Server()
    server.watch(str(preview.config_path), delay="forever")  # our own watcher signals reloads, not livereload's poller
    server.serve(root=str(preview.out_dir), port=port or preview.config.serve_port, host=host,
                 default_filename="index.html", open_url_delay=None, restart_delay=0)
