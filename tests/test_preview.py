"""The preview between saves, in one process: what it keeps from one save to the next must never show an old text."""

from __future__ import annotations

import gc
import json
import os
import queue
import re
import shutil
import threading
import time
import weakref
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from tests.conftest import DOCUMENT, ZONE_YAML
from zonesite.commands import serve
from zonesite.commands.serve import ContentTree, Preview, in_loop, settle, watch_sources, yield_to_saves
from zonesite.engine.cache import Cache
from zonesite.engine.workers import worker_pool
from zonesite.engine.fingerprint import Fingerprints, fingerprint, tree_signature
from zonesite.outputs.pdf import build_pdfs, jobs
from zonesite.pipeline import PREVIEW_PROBLEMS


class Cycle:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self):
        self.me = self


def test_settle_sets_the_survivors_aside_and_frees_the_garbage_of_before():
    """After settle, what lives is frozen (the collections of a save skip it); a cycle frozen by an earlier settle
    and dropped since is freed by the next one, not kept for ever."""
    kept, dropped = Cycle(), Cycle()
    gone = weakref.ref(dropped)
    try:
        settle()
        assert gc.get_freeze_count() > 0
        del dropped
        gc.collect()  # a frozen cycle survives a plain collection ...
        assert gone() is not None
        settle()  # ... and not the next pause
        assert gone() is None
        assert kept.me is kept
    finally:
        gc.unfreeze()


def preview_of(root: Path) -> Preview:
    preview = Preview(root / "site_config.yaml", None, root.parent / "preview", root.parent / "cache", "en")
    preview.refresh()
    return preview


def saved(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_feeds_and_the_sitemap_follow_each_save(make_site):
    """A title edited shows in the feed at once; a new document is in the sitemap and the feed at the next save."""
    root = make_site()
    preview = preview_of(root)
    out = root.parent / "preview"
    assert "Testdocument" in (out / "nl/feed.xml").read_text(encoding="utf-8")
    saved(root / "content/testzone/test.nl.md", "title: Testdocument", "title: Herzien document")
    preview.refresh()
    feed = (out / "nl/feed.xml").read_text(encoding="utf-8")
    assert "Herzien document" in feed and "Testdocument" not in feed
    (root / "content/testzone/tweede.nl.md").write_text(DOCUMENT.replace("Testdocument", "Tweede document"), encoding="utf-8")
    preview.refresh()
    assert "/nl/testzone/tweede/" in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "Tweede document" in (out / "nl/feed.xml").read_text(encoding="utf-8")


def test_a_zone_follows_each_save_of_its_files(make_site):
    """The zone kept between saves is made again when its zone.yaml or one of its documents changes."""
    root = make_site()
    preview = preview_of(root)
    page = root.parent / "preview/nl/testzone/index.html"
    saved(root / "content/testzone/zone.yaml", "Testzone", "Hernoemde zone")
    preview.refresh()
    assert "Hernoemde zone" in page.read_text(encoding="utf-8")
    saved(root / "content/testzone/test.nl.md", "title: Testdocument", "title: Herzien document")
    preview.refresh()
    assert "Herzien document" in page.read_text(encoding="utf-8")


def test_pdf_jobs_are_kept_with_their_zone_and_follow_an_edit(make_site):
    """The jobs of a zone kept between saves are those of the last save; an edited text gets a PDF of its own."""
    root = make_site()
    preview = preview_of(root)
    pipeline = preview.pipeline
    site, _ = pipeline.validate()
    first = jobs(pipeline.config, site, pipeline.pdf_jobs)
    again = jobs(pipeline.config, pipeline.validate()[0], pipeline.pdf_jobs)
    assert [job.key for job in again] == [job.key for job in first] and again[0] is first[0]
    saved(root / "content/testzone/test.nl.md", "Een zin in het eerste hoofdstuk.", "Een andere zin.")
    edited = jobs(pipeline.config, pipeline.validate()[0], pipeline.pdf_jobs)
    assert len(edited) == len(first) and not {job.key for job in edited} & {job.key for job in first}
    assert edited == jobs(pipeline.config, pipeline.validate()[0])  # as a build without the preview's memory finds them


def test_fingerprints_kept_between_builds_are_those_of_their_parts():
    """Taken again when the parts are equal, made again when one differs: always the fingerprint of the parts."""
    kept = Fingerprints()
    for parts in (("a", [1, 2]), ("a", [1, 2]), ("a", [2, 1]), ("b", [2, 1]), ("b", [2, 1])):
        kept.start()
        assert kept("page", *parts) == fingerprint(*parts)
    assert kept("other", "a") == fingerprint("a")


def test_a_save_while_the_pdfs_are_rebuilt_keeps_saying_so(make_site):
    """The overlay's report written by a save says what the preview says of the PDFs at that moment."""
    root = make_site()
    preview = preview_of(root)
    report = root.parent / "preview" / PREVIEW_PROBLEMS
    preview.pdf_state = "De PDF's worden opnieuw gemaakt…"
    saved(root / "content/testzone/test.nl.md", "Een zin in het eerste hoofdstuk.", "Een andere zin.")
    preview.refresh()
    assert json.loads(report.read_text(encoding="utf-8"))["pdf"] == preview.pdf_state
    preview.pdf_state = ""
    saved(root / "content/testzone/test.nl.md", "Een andere zin.", "Nog een andere zin.")
    preview.refresh()
    assert json.loads(report.read_text(encoding="utf-8"))["pdf"] == ""


def test_a_zone_folder_that_is_a_link_follows_each_save(make_site):
    """A zone folder linked to a folder elsewhere in the content: a save there shows, though the link did not change."""
    root = make_site({"content/.bron/zone.yaml": "name: {nl: Tweede zone, fr: Deuxième zone}\n",
                      "content/.bron/plan.nl.md": DOCUMENT.replace("Testdocument", "Plan van de tweede zone")})
    (root / "content/tweede").symlink_to(".bron")
    preview = preview_of(root)
    page = root.parent / "preview/nl/tweede/plan/index.html"
    assert "Plan van de tweede zone" in page.read_text(encoding="utf-8")
    saved(root / "content/.bron/plan.nl.md", "Plan van de tweede zone", "Herzien plan")
    preview.refresh()
    assert "Herzien plan" in page.read_text(encoding="utf-8")


def test_the_background_pdf_work_runs_only_on_an_idle_core():
    """The process that renders the preview's PDFs, and the workers it starts, give way to a save's rebuild."""
    with ProcessPoolExecutor(1) as pool:
        assert pool.submit(_policy_after_yielding).result() == os.SCHED_IDLE


def _policy_after_yielding() -> int:
    yield_to_saves()
    with ProcessPoolExecutor(1) as pool:  # a worker it starts
        return pool.submit(os.sched_getscheduler, 0).result()


def pdf_of_the_test_document(out: Path) -> bytes:
    return (out / "nl/testzone/test/test.nl.pdf").read_bytes()


def test_a_save_places_no_pdf_rendered_since_the_last_slow_refresh(make_site):
    """A save shows the PDFs the preview showed: one the background work rendered since is placed by the slow
    refresh, which renders the pages it changes, never by a save. A document edited keeps its PDF of before."""
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, "content/testzone/test.nl.md": DOCUMENT,
                      "content/testzone/tweede.nl.md": DOCUMENT.replace("Testdocument", "Tweede document")})
    preview = preview_of(root)
    out = root.parent / "preview"
    assert "test.nl.pdf" not in (out / "nl/testzone/test/index.html").read_text(encoding="utf-8")
    preview.refresh(slow=True)
    assert "test.nl.pdf" in (out / "nl/testzone/test/index.html").read_text(encoding="utf-8")
    before = pdf_of_the_test_document(out)
    saved(root / "content/testzone/test.nl.md", "Een zin in het eerste", "Een andere zin in het eerste")
    assert "nl/testzone/test/test.nl.pdf" not in preview.refresh()[0]
    assert pdf_of_the_test_document(out) == before
    build_pdfs(preview.pipeline.config, preview.pipeline.validate()[0], Cache(root.parent / "cache"))  # the background work
    saved(root / "content/testzone/tweede.nl.md", "Een zin in het eerste", "Een zin in het tweede")
    written = preview.refresh()[0]
    assert not any(path.endswith((".pdf", ".sha256", "SHA256SUMS")) or "/pdf" in path for path in written), written
    assert pdf_of_the_test_document(out) == before
    assert "nl/testzone/test/test.nl.pdf" in preview.refresh(slow=True)[0]
    assert pdf_of_the_test_document(out) != before


def test_a_pdf_made_before_an_edit_shows_no_warnings(make_site):
    """The warnings of the renderer are shown for a PDF made from the text as it is; those of a PDF made before an
    edit name lines of a text that is no more, and wait for the PDF made after it."""
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, "content/testzone/test.nl.md": DOCUMENT,
                      "content/testzone/tweede.nl.md": DOCUMENT.replace("Testdocument", "Tweede document")})
    preview = preview_of(root)
    preview.refresh(slow=True)
    key = ("testzone", "test", "nl")
    preview.pipeline._shown_pdfs[key] = preview.pipeline._shown_pdfs[key]._replace(warnings=("Iets ging mis",))
    saved(root / "content/testzone/tweede.nl.md", "Een zin in het eerste", "Een zin in het tweede")
    assert any("Iets ging mis" in str(p) for p in preview.refresh()[1])
    saved(root / "content/testzone/test.nl.md", "Een zin in het eerste", "Een andere zin in het eerste")
    assert not any("Iets ging mis" in str(p) for p in preview.refresh()[1])


def two_zones(make_site) -> Path:
    """A document in a second zone that replaces the one of the first."""
    return make_site({"content/testzone/zone.yaml": ZONE_YAML, "content/testzone/test.nl.md": DOCUMENT,
                      "content/tweede/zone.yaml": "name: {nl: Tweede zone, fr: Deuxième zone}\n",
                      "content/tweede/nieuw.nl.md": DOCUMENT.replace("title: Testdocument", "title: Nieuw plan\nreplaces: testzone/test")})


def test_a_zone_kept_between_saves_shows_a_new_title_of_the_document_that_replaces_it(make_site):
    """The pages of a zone whose files did not change are kept from the save before, but not when they name a
    document of another zone whose title changed."""
    root = two_zones(make_site)
    preview = preview_of(root)
    page = root.parent / "preview/nl/testzone/test/index.html"
    assert "Nieuw plan" in page.read_text(encoding="utf-8")
    saved(root / "content/tweede/nieuw.nl.md", "title: Nieuw plan", "title: Beter plan")
    assert "nl/testzone/test/index.html" in preview.refresh()[0]
    assert "Beter plan" in page.read_text(encoding="utf-8")


def test_a_zone_kept_between_saves_follows_a_change_of_currency_and_of_the_templates(make_site):
    """A document of another zone that stops replacing it changes what a kept zone's page says; so does a template."""
    root = two_zones(make_site)
    preview = preview_of(root)
    page = root.parent / "preview/nl/testzone/test/index.html"
    assert "Nieuw plan" in page.read_text(encoding="utf-8")
    saved(root / "content/tweede/nieuw.nl.md", "replaces: testzone/test\n", "")
    preview.refresh()
    assert "Nieuw plan" not in page.read_text(encoding="utf-8")
    saved(root / "templates/document.html", "</article>", "<!-- bewaard --></article>")
    preview.refresh()
    assert "<!-- bewaard -->" in page.read_text(encoding="utf-8")
    assert "<!-- bewaard -->" in (root.parent / "preview/nl/tweede/nieuw/index.html").read_text(encoding="utf-8")


def test_the_problems_of_a_zone_follow_each_save(make_site):
    """A zone's problems are kept while its folder is the same: a file no document uses is reported at the save that
    adds it, and no more once a document links to it."""
    root = two_zones(make_site)
    preview = preview_of(root)
    report = root.parent / "preview" / PREVIEW_PROBLEMS
    (root / "content/testzone/bijlage.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert any("bijlage.csv" in str(p.path) for p in preview.refresh()[1])
    assert "bijlage.csv" in report.read_text(encoding="utf-8")
    saved(root / "content/testzone/test.nl.md", "Een zin in het eerste hoofdstuk.", "Zie [de bijlage](bijlage.csv).")
    problems = preview.refresh()[1]
    assert not any("bijlage.csv" in str(p.path) for p in problems), problems
    assert "bijlage.csv" not in report.read_text(encoding="utf-8")
    assert (root.parent / "preview/nl/testzone/test/bijlage.csv").is_file()


def test_a_zone_kept_between_saves_follows_the_day(make_site, monkeypatch):
    """A document's pages say whether it is in force as of the day: a save on a later day says it expired, though
    neither its zone nor any document that names it changed."""
    root = two_zones(make_site)
    (root / "content/tweede/nieuw.nl.md").write_text(DOCUMENT.replace("Testdocument", "Nieuw plan"), encoding="utf-8")
    monkeypatch.setenv("ZONESITE_TODAY", "2023-06-30")
    preview = preview_of(root)
    page = root.parent / "preview/nl/testzone/test/index.html"
    assert "Van kracht" in page.read_text(encoding="utf-8")
    monkeypatch.setenv("ZONESITE_TODAY", "2026-06-30")
    saved(root / "content/tweede/nieuw.nl.md", "Een zin in het eerste", "Een zin in het tweede")
    preview.refresh()
    assert "Verlopen" in page.read_text(encoding="utf-8") and "Van kracht" not in page.read_text(encoding="utf-8")


def test_the_slow_refresh_renders_the_pdfs_in_the_background_and_places_them(make_site):
    """Once the editor pauses, the PDFs are rendered in a process of its own, then placed, with the pages that link them."""
    root = make_site()
    preview = preview_of(root)
    page = root.parent / "preview/nl/testzone/test/index.html"
    assert "test.nl.pdf" not in page.read_text(encoding="utf-8")
    rendered, _ = preview.refresh_slow_parts()
    assert rendered == 2
    assert pdf_of_the_test_document(root.parent / "preview").startswith(b"%PDF")
    assert "test.nl.pdf" in page.read_text(encoding="utf-8")


MARK = None  # set by the test below in this process only


def _mark() -> str | None:
    return MARK


def test_a_fresh_worker_shares_nothing_with_the_process_that_starts_it():
    """The background PDF work runs in a new interpreter: a copy of the preview's process would make the next save copy
    every page of the model it touches."""
    global MARK
    MARK = "set in this process"
    try:
        with worker_pool(1, fresh=True) as pool:
            assert pool.submit(_mark).result() is None
        with worker_pool(1, fork=True) as pool:  # what a copy would see
            assert pool.submit(_mark).result() == "set in this process"
    finally:
        MARK = None


def test_warming_up_changes_nothing_the_preview_shows(make_site):
    """The read that prepares the preview's process before the first save leaves the model and the pages as they were."""
    root = make_site()
    preview = preview_of(root)
    out = root.parent / "preview"
    pages = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    zones = dict(preview.pipeline.kept.zones)
    preview.warm_up()
    assert preview.refresh()[0] == []
    assert preview.pipeline.kept.zones == zones
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == pages


def test_the_content_tree_kept_between_saves_is_the_folder_as_it_is(tmp_path):
    """Told the paths that changed, the kept signature is the one a full scan gives: after an edit, a new file in a
    sub-folder, a new zone folder and a removed one. A zone folder not named is not scanned again."""
    content = tmp_path / "content"
    for name in ("a/x.nl.md", "b/y.nl.md", "b/y/kaart.png"):
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text("eerste", encoding="utf-8")
    tree = ContentTree(content)
    assert tree.signature() == tree_signature(content)

    def changed(name: str, text: str | None) -> None:
        path = content / name
        if text is None:
            shutil.rmtree(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            os.utime(path, ns=(0, path.stat().st_mtime_ns + 1_000_000))  # a save in the same instant still counts
        tree.forget([str(path)])
        assert tree.signature() == tree_signature(content), name

    changed("a/x.nl.md", "tweede, langer")
    changed("b/y/kaart.png", "een andere kaart")
    changed("c/z.nl.md", "nieuw")
    changed("a", None)
    (content / "b/y.nl.md").write_text("niet gemeld", encoding="utf-8")
    tree.forget([str(content / "c/z.nl.md")])
    assert tree.signature() != tree_signature(content)  # b was kept as it was ...
    tree.forget(None)
    assert tree.signature() == tree_signature(content)  # ... until every folder is scanned again


def test_the_content_tree_scans_everything_again_while_the_content_holds_a_link(tmp_path, monkeypatch):
    """The watcher follows links and may name a file saved in one zone by the path of a link in another: while the
    content holds a link, a save has every zone scanned again. Paths are taken from the root, as the watcher names
    them, even for a content folder given relative to the working folder."""
    content = tmp_path / "content"
    for name in ("gent/plan/kaart.png", "lier/x.nl.md"):
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text("eerste", encoding="utf-8")
    (content / "lier/gedeeld").symlink_to("../gent/plan")
    monkeypatch.chdir(tmp_path)
    tree = ContentTree(Path("content"))
    assert tree.signature() == tree_signature(content)
    (content / "gent/plan/kaart.png").write_text("een andere, grotere kaart", encoding="utf-8")
    tree.forget([str(content / "lier/gedeeld/kaart.png")])  # the saved file, named through the link
    assert tree.signature() == tree_signature(content)
    (content / "lier/gedeeld").unlink()
    tree.forget([str(content / "lier/gedeeld")])
    assert tree.signature() == tree_signature(content)
    (content / "lier/x.nl.md").write_text("tweede, langer", encoding="utf-8")
    tree.forget([str(content / "gent/plan/kaart.png")])  # no link left: only the zone named is scanned again
    assert tree.signature() != tree_signature(content)


def test_the_watcher_names_the_paths_of_a_save_as_the_content_tree_expects(make_site):
    """The paths the watcher passes on lead the tree to scan again the zone saved in, and only that one."""
    root = two_zones(make_site)
    preview = preview_of(root)
    seen: queue.Queue = queue.Queue()
    stop = threading.Event()
    watcher = threading.Thread(target=watch_sources, args=(preview, seen.put, stop), daemon=True)
    watcher.start()
    try:
        time.sleep(0.5)  # the watches are set
        saved(root / "content/tweede/nieuw.nl.md", "Een zin in het eerste hoofdstuk.", "Een andere zin.")
        paths = seen.get(timeout=10)
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert paths and set(preview.tree.zones) == {"testzone", "tweede"}
    preview.tree.forget(paths)
    assert set(preview.tree.zones) == {"testzone"}
    preview.refresh(changed=paths)
    assert "Een andere zin." in (root.parent / "preview/nl/tweede/nieuw/index.html").read_text(encoding="utf-8")


def test_a_fault_while_a_save_is_handled_is_said_and_the_watch_goes_on(make_site, capsys):
    """A fault of the program in one save: a line naming the log of its details, and the next save is still seen."""
    root = two_zones(make_site)
    preview = preview_of(root)
    seen: queue.Queue = queue.Queue()
    calls = []

    def on_change(paths) -> None:
        calls.append(paths)
        if len(calls) == 1:
            raise RuntimeError("a fault of the program")
        seen.put(paths)

    stop = threading.Event()
    watcher = threading.Thread(target=watch_sources, args=(preview, on_change, stop), daemon=True)
    watcher.start()
    try:
        time.sleep(0.5)  # the watches are set
        saved(root / "content/tweede/nieuw.nl.md", "Een zin in het eerste hoofdstuk.", "Een andere zin.")
        deadline = time.monotonic() + 10
        while not calls and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        saved(root / "content/tweede/nieuw.nl.md", "Een andere zin.", "Nog een andere zin.")
        assert seen.get(timeout=10)
    finally:
        stop.set()
        watcher.join(timeout=10)
    said = capsys.readouterr().err
    log = Path(re.search(r"the details are in (\S+)\.", said).group(1))
    assert log.parent == root.parent / "cache" and "RuntimeError: a fault of the program" in log.read_text(encoding="utf-8")


def test_the_reload_is_sent_before_the_rebuild_goes_on():
    """What runs in the server's loop has run, in the loop's thread, when in_loop returns."""
    from tornado.ioloop import IOLoop

    started, ran = threading.Event(), []
    loops: list[IOLoop] = []

    def serve_loop() -> None:
        loop = IOLoop()
        loops.append(loop)
        loop.add_callback(started.set)
        loop.start()

    server = threading.Thread(target=serve_loop, daemon=True)
    server.start()
    assert started.wait(10)
    try:
        def reload() -> None:
            time.sleep(0.05)
            ran.append(threading.current_thread())

        in_loop(loops[0], reload)
        assert ran == [server]
    finally:
        loops[0].add_callback(loops[0].stop)
        server.join(timeout=10)


class _InThread:
    """A worker pool that renders no PDF: the slow refresh's validation alone is looked at."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def submit(self, *args):
        done: Future = Future()
        done.set_result(0)
        return done


def test_the_slow_refresh_keeps_the_zones_the_next_save_did_not_change(make_site, monkeypatch):
    """After the background work's validation, a save in one zone reads that zone again, and keeps the other as it
    was, with its problems (not gathered again, nor put into words again for the overlay)."""
    root = two_zones(make_site)
    preview = preview_of(root)
    other = preview.pipeline.kept.results["tweede"]
    monkeypatch.setattr(serve, "worker_pool", lambda *args, **kwargs: _InThread())
    monkeypatch.setattr(preview, "refresh", lambda **kwargs: ([], []))  # the slow refresh's build: not looked at here
    preview.refresh_slow_parts()
    saved(root / "content/testzone/test.nl.md", "Een zin in het eerste hoofdstuk.", "Een andere zin.")
    Preview.refresh(preview, changed=[str(root / "content/testzone/test.nl.md")])
    scan, _, problems = preview.pipeline.kept.results["tweede"]
    assert scan is other[0] and problems is other[2]
    assert preview.pipeline.kept.results["testzone"][0] is not other[0]
    assert "Een andere zin." in (root.parent / "preview/nl/testzone/test/index.html").read_text(encoding="utf-8")
