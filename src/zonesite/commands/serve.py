"""`serve`: the build, run into a preview folder on every change, with drafts shown, and a browser reload."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from ..config import load_config
from ..engine.cache import Cache, write_atomically
from ..engine.writer import forget
from ..messages import DEFAULT, say
from ..outputs.pdf import build_pdfs
from ..pipeline import PREVIEW_PROBLEMS, Pipeline, default_cache, problems_json
from ..problems import ContentError, Problems

log = logging.getLogger("zonesite.serve")


class Preview:
    """The preview site in a folder of its own; `refresh` brings it up to date with the sources."""

    def __init__(self, config_path: Path, content_dir: Path | None, out_dir: Path | None = None, cache_dir: Path | None = None,
                 lang: str = DEFAULT):
        self.config_path, self.content_arg, self.lang = config_path, content_dir, lang
        config = load_config(config_path)
        self.cache_dir = cache_dir or default_cache(config)
        self.out_dir = out_dir or self.cache_dir / "preview"
        self.pipeline = Pipeline(config, self.content_dir_of(config), self.cache_dir, preview=True, lang=lang)
        self.lock = threading.Lock()

    def content_dir_of(self, config) -> Path:
        return self.content_arg or config.root / "content"

    def refresh(self, slow: bool = False) -> list[str]:
        """Run the build; on a content error, keep the last good pages and show the errors over them.

        The fast refresh keeps the PDFs and search index the preview has; the slow one (when the editor pauses)
        brings them up to date too.
        """
        with self.lock:
            try:
                config = load_config(self.config_path)
                if config != self.pipeline.config:
                    self.pipeline = Pipeline(config, self.content_dir_of(config), self.cache_dir, preview=True, lang=self.lang)
                result = self.pipeline.build(self.out_dir, with_pdf=slow, with_search=slow)
            except ContentError as error:
                problems = Problems(list(error.problems))
                write_atomically(self.out_dir / PREVIEW_PROBLEMS, problems_json(problems, self.lang))
                forget(self.out_dir, PREVIEW_PROBLEMS)
                for problem in problems.items:
                    log.error("%s", problem)
                return []
            for problem in result.problems.items:
                log.warning("%s", problem)
            return result.rendered

    def refresh_slow_parts(self) -> None:
        """PDFs are rendered into the cache outside the lock (minutes on a big site), then a slow refresh places them."""
        with self.lock:
            pipeline = self.pipeline
            try:
                site, problems = pipeline.validate()
            except ContentError:
                return
        if problems.errors:
            return
        build_pdfs(pipeline.config, site, Cache(self.cache_dir))
        self.refresh(slow=True)
        log.info("search index and PDFs up to date")


class SlowWork:
    """Runs the slow refresh in the background once the editor pauses; never two at once."""

    def __init__(self, preview: Preview, idle_seconds: float = 2.0):
        self.preview, self.idle = preview, idle_seconds
        self.timer: threading.Timer | None = None
        self.running = threading.Lock()

    def schedule(self, delay: float | None = None) -> None:
        if self.timer:
            self.timer.cancel()
        self.timer = threading.Timer(self.idle if delay is None else delay, self._run)
        self.timer.daemon = True
        self.timer.start()

    def _run(self) -> None:
        with self.running:
            try:
                self.preview.refresh_slow_parts()
            except Exception:  # a failed background refresh must not stop the preview
                log.exception("background refresh failed")


def _stat(path: Path) -> tuple | None:
    """Identity of a file: a tool that replaces it (sed -i, git checkout) gives a new inode."""
    try:
        stat = os.stat(path)
        return stat.st_ino, stat.st_size, stat.st_mtime_ns
    except OSError:
        return None


def watch_sources(preview: Preview, on_change) -> None:
    """One watcher (watchfiles) over the sources; the configuration file is compared on every tick as well,
    because a watch on a file is lost when a tool replaces the file instead of rewriting it."""
    from watchfiles import watch

    config = preview.pipeline.config
    folders = [p for p in (preview.content_dir_of(config), config.root / "templates", config.root / "assets", config.locales_dir) if p.exists()]
    config_stat = _stat(preview.config_path)
    for changes in watch(*folders, debounce=30, step=10, rust_timeout=300, yield_on_timeout=True):
        now = _stat(preview.config_path)
        if changes or now != config_stat:
            config_stat = now
            on_change(len(changes) + (1 if not changes else 0))


def serve(config_path: Path, content_dir: Path | None, port: int | None, out_dir: Path | None = None,
          cache_dir: Path | None = None, host: str = "127.0.0.1", lang: str = DEFAULT) -> None:
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from livereload.watcher import Watcher
    from tornado import ioloop

    class SignalledOnly(Watcher):
        """livereload's own polling watcher stays idle: our watcher says when to reload."""

        def examine(self):
            return None, None

        def start(self, callback):
            return True

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    log.setLevel(logging.INFO)
    preview = Preview(config_path, content_dir, out_dir, cache_dir, lang)
    started = time.perf_counter()
    written = preview.refresh()
    log.info("preview of %d files ready in %.2f s", len(written), time.perf_counter() - started)
    slow = SlowWork(preview)
    slow.schedule(delay=0)
    loop = ioloop.IOLoop.current()

    def changed(count: int) -> None:
        began = time.perf_counter()
        files = preview.refresh()
        log.info("%d change(s): %d file(s) written in %.0f ms", count, len(files), (time.perf_counter() - began) * 1000)
        loop.add_callback(LiveReloadHandler.reload_waiters, "*")
        slow.schedule()

    threading.Thread(target=watch_sources, args=(preview, changed), daemon=True).start()
    server = Server(watcher=SignalledOnly())
    server.serve(root=str(preview.out_dir), port=port or preview.pipeline.config.serve_port, host=host,
                 default_filename="index.html", open_url_delay=None, restart_delay=0)
