"""Writing a big site on every core: the worker processes start with what the build prepared before forking them."""

from __future__ import annotations

import gc
import os
import shutil
from pathlib import Path

import jinja2
import pytest

from zonesite.config import load_config
from zonesite.engine import writer
from zonesite.engine.manifest import MANIFEST
from zonesite.engine.writer import Output, write_site
from zonesite.outputs.pages import Page
from zonesite.outputs.templates import Templates

PROJECT = Path(__file__).resolve().parent.parent
PREPARED: list[int] = []  # what `prepare` did, in the process that forks the workers


def test_every_worker_sees_what_was_prepared_before_it_was_forked(tmp_path, monkeypatch):
    """Each file says whether its process had seen `prepare`: a worker forked before it (or never prepared) says 0."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    PREPARED.clear()
    outputs = [Output(f"page-{number}.txt", str(number), make=lambda: f"{len(PREPARED)} {os.getpid()}")
               for number in range(writer.PARALLEL_FROM * 2)]
    write_site(tmp_path / "site", outputs, [], prepare=lambda: PREPARED.append(1))
    seen = [(tmp_path / "site" / output.path).read_text(encoding="utf-8").split() for output in outputs]
    assert len({pid for _, pid in seen}) == 2, "the files were not made by two processes"
    assert {prepared for prepared, _ in seen} == {"1"}
    assert PREPARED == [1], "prepared more than once"


def test_the_processes_take_smaller_and_smaller_chunks_so_none_makes_the_last_files_alone():
    """The last files of a build are its largest: taken one by one at the end, every process works until none is left."""
    for processes in (2, 4):
        taken, sizes = 0, []
        while taken < 1000:
            sizes.append(writer._chunk(1000 - taken, processes))
            taken += sizes[-1]
        assert taken == 1000 and sizes[0] == writer.CHUNK and max(sizes) == writer.CHUNK
        assert sizes == sorted(sizes, reverse=True) and sizes[-2 * processes:] == [1] * 2 * processes


def test_a_small_site_is_made_without_preparing_for_workers(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    called = []
    outputs = [Output(f"page-{number}.txt", str(number), make=lambda: "x") for number in range(3)]
    write_site(tmp_path / "site", outputs, [], prepare=lambda: called.append(1))
    assert called == [] and (tmp_path / "site" / "page-2.txt").read_text(encoding="utf-8") == "x"


def test_what_the_build_holds_is_set_aside_from_the_collector_while_files_are_made_in_one_process(tmp_path, monkeypatch):
    """The model is not walked by every collection while the pages are made, nor left set aside after."""
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    outputs = [Output(f"page-{number}.txt", str(number), make=lambda: str(gc.get_freeze_count()))
               for number in range(writer.PARALLEL_FROM)]
    write_site(tmp_path / "site", outputs, [])
    assert all(int((tmp_path / "site" / output.path).read_text(encoding="utf-8")) > 0 for output in outputs)
    assert gc.get_freeze_count() == 0


def test_loading_every_template_compiles_each_once_and_passes_over_a_broken_one(tmp_path, monkeypatch):
    """A template no page uses may not compile: that stops no build; the others are not compiled again to render."""
    config = load_config(PROJECT / "site_config.yaml")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text("<p>{{ word }}</p>", encoding="utf-8")
    (folder / "unused.html").write_text("{% if %}", encoding="utf-8")
    compiles = []
    original = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile", lambda self, *args, **kwargs: compiles.append(1) or original(self, *args, **kwargs))
    templates = Templates(config, folder)
    templates.load_all()
    assert len(compiles) == 2  # both tried
    assert templates.env.get_template("page.html").render(word="een") == "<p>een</p>"
    assert len(compiles) == 2, "compiled again to render"
    assert set(templates.locales) == set(config.languages)


def test_loading_the_templates_leaves_those_of_a_folder_to_whoever_renders_with_them(tmp_path, monkeypatch):
    """pdf/: the PDFs render with their own environment, so the page writer does not compile their template."""
    config = load_config(PROJECT / "site_config.yaml")
    folder = tmp_path / "templates"
    (folder / "pdf").mkdir(parents=True)
    (folder / "page.html").write_text("<p>{{ word }}</p>", encoding="utf-8")
    (folder / "pdf" / "document.html").write_text("<p>{{ word }}</p>", encoding="utf-8")
    compiled = []
    original = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda self, source, name=None, *args, **kwargs: compiled.append(name) or original(self, source, name, *args, **kwargs))
    Templates(config, folder).load_all()
    assert compiled == ["page.html"]


def test_a_build_reads_its_templates_once_and_the_preview_sees_them_change(tmp_path, monkeypatch):
    """A build's templates do not change while it renders: its pages do not ask the disk again for each. The preview
    keeps its templates from save to save, so it renders with the template as it is now."""
    config = load_config(PROJECT / "site_config.yaml")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text("<p>{{ word }}</p>", encoding="utf-8")
    build, preview = Templates(config, folder), Templates(config, folder, preview=True)
    page = Page("nl/index.html", "page.html", "nl", lambda: {"word": "een"})
    assert build.render(page) == preview.render(page) == "<p>een</p>"
    asked = []
    original = jinja2.FileSystemLoader.get_source
    monkeypatch.setattr(jinja2.FileSystemLoader, "get_source", lambda self, *args: asked.append(1) or original(self, *args))
    real_stat = os.stat
    stats = []
    monkeypatch.setattr(os.path, "getmtime", lambda path: stats.append(str(path)) or real_stat(path).st_mtime)
    for _ in range(3):
        assert build.render(page) == "<p>een</p>"
    assert stats == [] and asked == [], "the build asked the disk whether its template changed"
    (folder / "page.html").write_text("<p>{{ word }}!</p>", encoding="utf-8")
    assert preview.render(page) == "<p>een!</p>"


SHARED_PAGE = ("{% call shared('nav', current) %}<a href=\"{{ link('nl/index.html') }}\"{% if current == 'home' %} class=\"here\"{% endif %}>"
               "{{ t('nav_home') }}</a>{{ made() }}{% endcall %}|{{ link('nl/index.html') }}")


def test_a_shared_part_is_rendered_once_per_value_and_links_and_is_the_same_as_unshared(tmp_path):
    """The header and footer of a page are rendered once for all the pages with the same language, values and links
    to what the part links to; each page still gets the links from its own folder."""
    config = load_config(PROJECT / "site_config.yaml")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text(SHARED_PAGE, encoding="utf-8")
    templates = Templates(config, folder)
    renders: list[str] = []

    def page(path: str, current: str, lang: str = "nl") -> Page:
        return Page(path, "page.html", lang, lambda: {"current": current, "made": lambda: renders.append(path) or ""})

    pages = [page("nl/index.html", "home"), page("nl/a/index.html", "other"), page("nl/b/index.html", "other"),
             page("nl/a/d/index.html", "other"), page("nl/b/e/index.html", "other"), page("nl/c/index.html", "home"),
             page("fr/index.html", "home", "fr"), page("nl/index.html", "other")]
    home = config.text("nl", "nav_home")
    expected = [f'<a href="./" class="here">{home}</a>|./', f'<a href="../">{home}</a>|../', f'<a href="../">{home}</a>|../',
                f'<a href="../../">{home}</a>|../../', f'<a href="../../">{home}</a>|../../',
                f'<a href="../" class="here">{home}</a>|../', f'<a href="../nl/" class="here">{config.text("fr", "nav_home")}</a>|../nl/',
                f'<a href="./">{home}</a>|./']
    assert [templates.render(p) for p in pages] == expected
    assert renders == ["nl/index.html", "nl/a/index.html", "nl/a/d/index.html", "nl/c/index.html", "fr/index.html", "nl/index.html"]
    templates.forget_shared()
    renders.clear()
    assert templates.render(pages[1]) == expected[1] and renders == ["nl/a/index.html"], "rendered before the templates changed"


def test_the_first_site_is_kept_beside_it_as_links_to_the_same_files(tmp_path):
    """A cold build keeps a copy of the site it made, for the next build to start from: every file, in nested folders
    (a folder per page), is the same file (a hard link), and the published site's folders are left as they are."""
    outputs = [Output(path, path, make=lambda path=path: f"made for {path}")
               for path in ("index.html", "nl/index.html", "nl/zone/doc/index.html", "nl/zone/doc/doc.nl.pdf.sha256")]
    write_site(tmp_path / "site", outputs, [])
    spare = tmp_path / ".site.previous"
    for output in outputs:
        kept, published = spare / output.path, tmp_path / "site" / output.path
        assert kept.read_text(encoding="utf-8") == f"made for {output.path}"
        assert kept.stat().st_ino == published.stat().st_ino, f"{output.path} copied, not linked"
    assert sorted(p.relative_to(spare).as_posix() for p in spare.rglob("*")) == \
        sorted(p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*"))


def test_the_first_site_is_linked_as_its_copy_by_the_processes_that_write_it_not_walked_after(tmp_path, monkeypatch):
    """The copy is made while the site is written, by each worker for the files it writes, and for a folder made whole
    (the search index) once it is made: no walk over the whole site is left for this process alone at the end."""
    from zonesite.engine import stage
    from zonesite.engine.writer import TreeOutput

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    walked = []
    link_tree = stage._link_tree
    monkeypatch.setattr(stage, "_link_tree", lambda source, target: walked.append(source) or link_tree(source, target))

    def index(root: Path) -> None:
        (root / "bundle/part").mkdir(parents=True)
        (root / "bundle/part/entry.json").write_text("{}", encoding="utf-8")

    outputs = [Output(f"nl/page-{number}/index.html", str(number), make=lambda: str(os.getpid()))
               for number in range(writer.PARALLEL_FROM * 2)]
    write_site(tmp_path / "site", outputs, [TreeOutput("bundle", "key", index)])
    site, spare = tmp_path / "site", tmp_path / ".site.previous"
    assert len({(site / output.path).read_text(encoding="utf-8") for output in outputs}) == 2, "not made by two processes"
    published = sorted(p.relative_to(site).as_posix() for p in site.rglob("*"))
    assert sorted(p.relative_to(spare).as_posix() for p in spare.rglob("*")) == published
    for path in published:
        if (site / path).is_file():
            assert (spare / path).stat().st_ino == (site / path).stat().st_ino, f"{path} copied, not linked"
    assert len(walked) == 1 and walked[0].endswith("/bundle"), f"the whole site was walked: {walked}"
    assert not list(tmp_path.glob(".site.building-*"))


def test_a_first_build_that_fails_leaves_neither_a_site_nor_half_of_its_copy(tmp_path):
    def broken() -> str:
        raise RuntimeError("a page that cannot be made")

    outputs = [Output("index.html", "1", make=lambda: "made"), Output("nl/index.html", "2", make=broken)]
    with pytest.raises(RuntimeError):
        write_site(tmp_path / "site", outputs, [])
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_files_written_where_the_spare_goes_after_it_was_cleared_do_not_fail_the_build(tmp_path, monkeypatch):
    """A killed build's search indexer outlives it and goes on writing into the folder it was given, the spare: the
    next build clears the spare, the indexer writes into it again, and the swap must still publish the new site."""
    site, spare = tmp_path / "site", tmp_path / ".site.previous"
    write_site(site, [Output("index.html", "1", make=lambda: "one")], [])
    (spare / MANIFEST).unlink()  # as a build killed while bringing the spare up to date leaves it
    clear = shutil.rmtree

    def cleared_then_written_again(path, *args, **kwargs):
        clear(path, *args, **kwargs)
        if Path(path) == spare and not spare.exists():
            (spare / "pagefind").mkdir(parents=True)
            (spare / "pagefind" / "late.js").write_text("late", encoding="utf-8")

    monkeypatch.setattr(shutil, "rmtree", cleared_then_written_again)
    write_site(site, [Output("index.html", "2", make=lambda: "two")], [])
    assert (site / "index.html").read_text(encoding="utf-8") == "two"
    assert not list(tmp_path.glob(".site.building-*")), "the replaced site was left behind"
    monkeypatch.setattr(shutil, "rmtree", clear)
    write_site(site, [Output("index.html", "3", make=lambda: "three")], [])
    assert (site / "index.html").read_text(encoding="utf-8") == "three"


def test_a_stage_writes_into_new_folders_and_replaces_a_kept_file_rather_than_changing_it(tmp_path):
    """A build that starts from the site before the previous one writes over its files, which may be hard links to
    the published site's: the new text goes to a new file, the published one stays as it was."""
    from zonesite.engine.stage import Stage

    published, spare = tmp_path / "site", tmp_path / "spare"
    (published / "nl").mkdir(parents=True)
    (spare / "nl").mkdir(parents=True)
    (published / "nl/index.html").write_text("published", encoding="utf-8")
    os.link(published / "nl/index.html", spare / "nl/index.html")
    stage = Stage(spare, published, {"nl/index.html": "old key"})
    stage.write("nl/index.html", "new")
    stage.write("nl/zone/doc/index.html", b"made")
    assert (published / "nl/index.html").read_text(encoding="utf-8") == "published"
    assert (spare / "nl/index.html").read_text(encoding="utf-8") == "new"
    assert (spare / "nl/zone/doc/index.html").read_bytes() == b"made"


def test_a_cold_stage_makes_each_folder_once_top_down_without_asking_whether_it_is_there(tmp_path, monkeypatch):
    """A cold build makes a folder per page, twice (the site and its copy): one mkdir each, parents first, and no stat
    (os.makedirs asks about the folder above each one before making it, and whether it is a folder when it was there)."""
    from zonesite.engine import stage as stage_module
    from zonesite.engine.stage import Stage

    (tmp_path / "site").mkdir()
    (tmp_path / "copy").mkdir()
    made, asked = [], []
    mkdir, stat = os.mkdir, os.stat
    monkeypatch.setattr(stage_module.os, "mkdir", lambda path, *args: made.append(path) or mkdir(path, *args))
    monkeypatch.setattr(stage_module.os, "stat", lambda path, *args, **kwargs: asked.append(path) or stat(path, *args, **kwargs))
    stage = Stage(tmp_path / "site", tmp_path / "previous", twin=tmp_path / "copy")
    for path in ("index.html", "nl/zone/doc/index.html", "nl/zone/doc/index.html.br", "nl/zone/other/index.html", "nl/index.html"):
        stage.write(path, f"made for {path}")
    monkeypatch.undo()
    folders = ["nl", "nl/zone", "nl/zone/doc", "nl/zone/other"]
    assert made == [f"{tmp_path}/{root}/{folder}" for folder in folders for root in ("site", "copy")]
    assert [path for path in asked if str(tmp_path) in str(path)] == [], "a folder was asked about before it was made"
    for path in ("index.html", "nl/zone/doc/index.html.br", "nl/index.html"):
        assert (tmp_path / "site" / path).read_text(encoding="utf-8") == f"made for {path}"
        assert (tmp_path / "copy" / path).stat().st_ino == (tmp_path / "site" / path).stat().st_ino


def test_processes_that_make_the_same_new_folders_each_write_their_files(tmp_path):
    """Each process of a build knows only the folders it made: one finding a folder another made goes on writing."""
    from zonesite.engine.stage import Stage

    (tmp_path / "site").mkdir()
    (tmp_path / "copy").mkdir()
    first, second = (Stage(tmp_path / "site", tmp_path / "previous", twin=tmp_path / "copy") for _ in range(2))
    first.write("nl/zone/a/index.html", "a")
    second.write("nl/zone/b/index.html", "b")
    second.write("nl/zone/a/index.html.br", b"a, compressed")
    assert (tmp_path / "copy/nl/zone/a/index.html.br").read_bytes() == b"a, compressed"
    assert (tmp_path / "site/nl/zone/b/index.html").read_text(encoding="utf-8") == "b"


def test_a_written_file_is_readable_by_all_as_the_umask_allows_and_holds_every_byte(tmp_path):
    """A web server's user reads the site: a file is made as open() makes one (0666 less the umask), whole."""
    from zonesite.engine.stage import Stage

    (tmp_path / "site").mkdir()
    data = os.urandom(3_000_000)
    mask = os.umask(0o022)
    try:
        Stage(tmp_path / "site", tmp_path / "previous").write("data/big.bin", data)
    finally:
        os.umask(mask)
    written = tmp_path / "site/data/big.bin"
    assert written.read_bytes() == data and written.stat().st_mode & 0o777 == 0o644
