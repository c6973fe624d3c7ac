"""`serve`: the build, run into a preview folder on every change, with drafts shown, and a browser reload."""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import os
import socket
import sys
import threading
import time
import traceback
from stat import S_ISLNK
from collections.abc import Iterable
from pathlib import Path

from ..config import load_config
from ..engine.cache import Cache, write_atomically
from ..engine.fingerprint import tree_signature
from ..engine.workers import worker_pool
from ..engine.writer import forget
from ..messages import DEFAULT, say
from ..outputs.pdf import build_pdfs
from ..pipeline import PREVIEW_PROBLEMS, Pipeline, problems_json
from ..problems import ERROR, WARNING, ContentError, Problem, Problems
from ..source.reader import HTML, read_document
from ..unchanged import default_cache


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
        self.pdf_state = ""  # what the overlay says about the PDFs: being rebuilt, or ready
        self.config_read = _signature(config.sources)  # the configuration's files as they were when it was read
        self.tree = ContentTree(self.pipeline.content_dir)

    def content_dir_of(self, config) -> Path:
        return self.content_arg or config.root / "content"

    def refresh(self, slow: bool = False, changed: Iterable[str] | None = None) -> tuple[list[str], list[Problem]]:
        """Run the build; on a content error, keep the last good pages and show the errors over them.

        The fast refresh keeps the PDFs and search index the preview has; the slow one (when the editor pauses)
        brings them up to date too. `changed`: the paths the watcher saw change, when it saw them all; otherwise the
        whole content folder is looked at. Returns the files written and the problems found.
        """
        with self.lock:
            self.tree.forget(None if slow else changed)  # first: a configuration that fails to load keeps them too
            try:
                read = _signature(self.pipeline.config.sources)
                config = self.pipeline.config if read == self.config_read else load_config(self.config_path)
                self.config_read = read
                if config != self.pipeline.config:
                    self.pipeline = Pipeline(config, self.content_dir_of(config), self.cache_dir, preview=True, lang=self.lang)
                tree = self.content_tree()
                self.pipeline.overlay_pdf = self.pdf_state  # written with the problems: the report is not written twice
                seen = self.pipeline.look(self.out_dir, slow, slow, tree=tree)
                result = self.pipeline.build(self.out_dir, with_pdf=slow, with_search=slow, seen=seen)
            except ContentError as error:
                problems = Problems(list(error.problems))
                self.write_report(problems, self.pdf_state)
                return [], problems.items
            return result.rendered, result.problems.items

    def content_tree(self) -> tuple:
        """The content folder's tree_signature, the zone folders the watcher saw change scanned again."""
        if self.tree.folder != self.pipeline.content_dir:
            self.tree = ContentTree(self.pipeline.content_dir)
        return self.tree.signature()

    def warm_up(self) -> None:
        """The first build read the documents in worker processes: one read here prepares in this process what
        reading prepares once (the term base's patterns, the messages), before the editor's first save, not during it."""
        config = self.pipeline.config
        for _, scan in self.pipeline.kept.scans.values():
            for stem, by_lang in scan.documents.items():
                read_document(scan.slug, stem, {lang: Path(path) for lang, path in by_lang.items()}, config,
                              self.pipeline.cache.folder / HTML)
                return

    def write_report(self, problems: Problems | None = None, pdf: str = "") -> None:
        """What the overlay shows: the problems in the editor's language, and whether PDFs are being rebuilt."""
        path = self.out_dir / PREVIEW_PROBLEMS
        if problems is None:  # only the PDFs' state changes: keep the problems the last build reported
            try:
                report = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                report = json.loads(problems_json(Problems(), self.lang))
        else:
            report = json.loads(problems_json(problems, self.lang))
        report["pdf"] = pdf
        write_atomically(path, json.dumps(report, ensure_ascii=False))
        forget(self.out_dir, PREVIEW_PROBLEMS)

    def refresh_slow_parts(self) -> tuple[int, list[Problem]]:
        """PDFs are rendered into the cache outside the lock (minutes on a big site), then a slow refresh places them.
        Returns how many PDFs were rendered, and the problems of the slow refresh."""
        with self.lock:
            pipeline = self.pipeline
            try:
                # With the tree, as a save reads: read without it, every zone was new to the next save, which
                # gathered them all again (20-25 ms of CPU on 1,000 documents, the first save after the start).
                self.tree.forget(None)
                site, problems = pipeline.validate(self.content_tree())
            except ContentError:
                return 0, []
        if problems.errors:
            return 0, []
        self.pdf_state = say(self.lang, "overlay.pdf_busy")
        self.write_report(pdf=self.pdf_state)
        try:
            # In a process of its own, at a lower priority: making the PDFs' HTML would otherwise hold this process's
            # interpreter, and the PDF workers the cores, while the editor's next save waits for both. A new interpreter,
            # not a copy of this one: the save after a copy copied every page of the model it touched (40 ms).
            with worker_pool(1, fresh=True) as pool:
                rendered = pool.submit(_render_pdfs, pipeline.config, site, self.cache_dir).result()
            _, found = self.refresh(slow=True)
        finally:
            self.pdf_state = say(self.lang, "overlay.pdf_ready")
            self.write_report(pdf=self.pdf_state)
        return rendered, found


class ContentTree:
    """The content folder's tree_signature, kept between saves: a save lists the folder and scans again only the zone
    folders the watcher saw change (every file of 1,000 documents, stat by stat, was a fifth of a save). A zone folder
    added, removed or renamed shows in the listing; a path the watcher names outside the zone folders, or no list of
    paths at all, has every folder scanned again. So has any save while the content holds a link: the watcher follows
    links and may name a file by the link's path, in another zone than the one that changed."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.inside = os.path.join(os.path.abspath(folder), "")  # the watcher names paths from the root
        self.zones: dict[str, tuple] = {}  # each zone folder's entries, named from the content folder as tree_signature does
        self.linked = False  # the content holds a link (see above)

    def forget(self, paths: Iterable[str] | None) -> None:
        if paths is None or self.linked:
            self.zones.clear()
            return
        for path in paths:
            zone, _, rest = path[len(self.inside):].partition(os.sep) if path.startswith(self.inside) else ("", "", "")
            if not rest:  # not inside a zone folder: a file of the content folder itself, or elsewhere
                self.zones.clear()
                return
            self.zones.pop(zone, None)

    def signature(self) -> tuple:
        """What tree_signature(folder) gives, from the zone folders kept and those scanned again."""
        try:
            with os.scandir(self.folder) as found:
                children = sorted(found, key=lambda entry: entry.name)
        except OSError:
            children = []
        entries, zones = [], {}
        for entry in children:
            try:
                stat = entry.stat(follow_symlinks=False)
            except OSError:  # gone since the folder was listed, as tree_signature does
                continue
            entries.append((entry.name, stat.st_size, stat.st_mtime_ns, stat.st_mode))
            if entry.is_dir(follow_symlinks=False):
                zone = self.zones.get(entry.name)
                if zone is None:
                    zone = tuple((f"{entry.name}/{name}", *facts) for name, *facts in tree_signature(Path(entry.path)))
                zones[entry.name] = zone
                entries.extend(zone)
        self.zones = zones
        self.linked = any(S_ISLNK(mode) for *_, mode in entries)
        return tuple(entries)


def _signature(paths: tuple[Path, ...]) -> tuple:
    """Sizes and times of files; a missing file counts too (it may come back)."""
    found = []
    for path in paths:
        try:
            stat = path.stat()
            found.append((path, stat.st_size, stat.st_mtime_ns))
        except OSError:
            found.append((path, None, None))
    return tuple(found)


def _render_pdfs(config, site, cache_dir: Path) -> int:
    """The preview's PDFs, in a background process: it and the workers it starts yield to the editor's saves, and leave
    them a core of their own: with a PDF worker per core, a save's rebuild waited for a core."""
    yield_to_saves()
    return build_pdfs(config, site, Cache(cache_dir), workers=max(1, (os.cpu_count() or 1) - 1))[1]


def yield_to_saves() -> None:
    """This process and those it starts run only when a core is idle (SCHED_IDLE, where the system has it; a lower
    priority otherwise): at nice 10 they still took a fifth of the core a save's rebuild ran on."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(10)


class SlowWork:
    """Runs the slow refresh in the background once the editor pauses; never two at once."""

    def __init__(self, preview: Preview, say_line, idle_seconds: float = 2.0):
        self.preview, self.say_line, self.idle = preview, say_line, idle_seconds
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
                rendered, found = self.preview.refresh_slow_parts()
            except Exception:  # noqa: BLE001 - a failed background refresh must not stop the preview
                self.say_line("serve.slow_failed", log=str(_log_traceback(self.preview.cache_dir)))
                return
            if rendered:
                self.say_line("serve.slow_done", problems=found, count=rendered)
            settle()


def settle() -> None:
    """Once the editor pauses: one full collection, then what survives is set aside (gc.freeze), so the collections
    a save's allocations start do not scan the model the preview keeps between saves (70-90 ms for 1,000 documents,
    in the middle of a save). Unfrozen first: what became garbage since the last pause is collected too."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _log_traceback(folder: Path) -> Path:
    """A fault of the program, written to a file of the cache folder: never a traceback on the editor's screen."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / f"error-{dt.datetime.now():%Y%m%d-%H%M%S}.log"
    log.write_text(traceback.format_exc(), encoding="utf-8")
    return log


def free_port(host: str, wanted: int, tries: int = 20) -> int:
    """The wanted port, or the next one nobody listens on."""
    for port in range(wanted, wanted + tries):
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    return 0  # let the system choose


def _stat(path: Path) -> tuple | None:
    """Identity of a file: a tool that replaces it (sed -i, git checkout) gives a new inode."""
    try:
        stat = os.stat(path)
        return stat.st_ino, stat.st_size, stat.st_mtime_ns
    except OSError:
        return None


def watch_sources(preview: Preview, on_change, stop: threading.Event | None = None) -> None:
    """One watcher (watchfiles) over the sources; the configuration file is compared on every tick as well,
    because a watch on a file is lost when a tool replaces the file instead of rewriting it. `on_change` gets the
    paths that changed, or None when only the configuration did. Until `stop` is set; a fault while a save is handled
    does not end the watch."""
    from watchfiles import watch

    config = preview.pipeline.config
    folders = [p for p in (preview.content_dir_of(config), config.root / "templates", config.root / "assets", config.locales_dir) if p.exists()]
    config_stat = _stat(preview.config_path)
    # A save is passed on once a millisecond passes without another change to the files (at most 30 ms after the
    # first): an editor's save (a write, or a new file renamed over the old) takes less. The watcher looks that often:
    # a save waited 7 ms on average with 5 ms, 2.6 ms now, for 2% of a core while the editor types.
    for changes in watch(*folders, debounce=30, step=1, rust_timeout=300, yield_on_timeout=True,
                         stop_event=stop):
        now = _stat(preview.config_path)
        if changes or now != config_stat:
            config_stat = now
            try:
                on_change({path for _, path in changes} if changes else None)
            except Exception:  # noqa: BLE001 - a fault of the program: said and logged, the next save is watched for
                log = _log_traceback(preview.cache_dir)
                print(say(preview.lang, "serve.save_failed", time=f"{dt.datetime.now():%H:%M:%S}", log=str(log)),
                      file=sys.stderr, flush=True)


def in_loop(loop, call, timeout: float = 1.0) -> None:
    """Run `call` in the server's loop and wait until it ran: going on, this thread would keep the interpreter, and the
    loop wait up to its switch interval (5 ms) before sending the browser its reload. Not longer than `timeout`."""
    done = threading.Event()

    def run() -> None:
        try:
            call()
        finally:
            done.set()

    loop.add_callback(run)
    done.wait(timeout)


def serve(config_path: Path, content_dir: Path | None, port: int | None, out_dir: Path | None = None,
          cache_dir: Path | None = None, host: str = "127.0.0.1", lang: str = DEFAULT) -> None:
    # Imported before the threads start (the watcher's, the background work's): a process forked while another thread
    # imports a module inherits the lock of that import, held for ever.
    import concurrent.futures.process  # noqa: F401 - the background work's worker pool
    import watchfiles  # noqa: F401
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

    class Quiet(Server):
        def _setup_logging(self):
            """livereload's own lines ("Serving on", "Reload 0 waiters") would drown ours; tornado needs a handler."""
            logging.getLogger("tornado").addHandler(logging.NullHandler())

    shown: set[Problem] = set()

    def say_line(ident: str, problems: list[Problem] = (), **params) -> None:
        """One line per event, then the problems not shown before, each with its file and line."""
        print(say(lang, ident, time=f"{dt.datetime.now():%H:%M:%S}", **params), file=sys.stderr, flush=True)
        for problem in problems:
            if problem not in shown:
                print(f"  {problem.render(lang)}", file=sys.stderr, flush=True)
        shown.intersection_update(problems)
        shown.update(problems)

    preview = Preview(config_path, content_dir, out_dir, cache_dir, lang)
    config = preview.pipeline.config
    wanted = port or config.serve_port
    chosen = free_port(host, wanted)
    if chosen != wanted:
        say_line("serve.port_taken", port=wanted, free=chosen)
    started = time.perf_counter()
    written, problems = preview.refresh()
    preview.warm_up()
    settle()
    say_line("serve.ready", problems, url=f"http://{host}:{chosen}/", files=len(written),
             seconds=f"{time.perf_counter() - started:.1f}")
    slow = SlowWork(preview, say_line)
    slow.schedule(delay=0)
    loop = ioloop.IOLoop.current()

    def changed(paths: set[str] | None) -> None:
        began = time.perf_counter()
        files, found = preview.refresh(changed=paths)
        took = time.perf_counter() - began
        in_loop(loop, lambda: LiveReloadHandler.reload_waiters("*"))
        # The line, after the reload and in the loop that sends it: said here, it held the interpreter (a thousand
        # problems compared with those shown) while the loop waited for it to send the reload.
        errors = [p for p in found if p.severity == ERROR]
        if errors:
            loop.add_callback(say_line, "serve.rebuilt_errors", found, errors=len(errors))
        else:
            loop.add_callback(say_line, "serve.rebuilt", found, files=len(files), ms=f"{took * 1000:.0f}",
                              errors=0, warnings=sum(1 for p in found if p.severity == WARNING))
        slow.schedule()

    threading.Thread(target=watch_sources, args=(preview, changed), daemon=True).start()
    server = Quiet(watcher=SignalledOnly())
    try:
        server.serve(root=str(preview.out_dir), port=chosen, host=host,
                     default_filename="index.html", open_url_delay=None, restart_delay=0)
    except KeyboardInterrupt:  # livereload stops on Ctrl-C itself, but not when it comes before its loop runs
        pass
    print(say(lang, "serve.stopped"), file=sys.stderr)
