"""A build with nothing changed (issue 14): the shortcuts of its check, each against what it stands for."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import jinja2
import pytest

from zonesite import cli
from zonesite.config import load_config
from zonesite.engine import fingerprint
from zonesite.engine.cache import Cache
from zonesite.messages import Message
from zonesite.outputs.templates import Templates
from zonesite.problems import Problem, compact

from tests.conftest import DOCUMENT, TRANSLATION, ZONE_YAML

PROJECT = Path(__file__).resolve().parent.parent
# What a build with nothing to do must not import: the model's reader, the renderers, the PDF and Word libraries.
HEAVY = ("zonesite.pipeline", "zonesite.source.validate", "zonesite.outputs.pdf", "zonesite.commands.new", "jinja2",
         "markdown_it", "pikepdf", "weasyprint", "babel", "importlib.metadata", "yaml")


def build(root: Path, *python: str) -> subprocess.CompletedProcess:
    line = [sys.executable, *python, str(PROJECT / "build.py"), "build", "--no-pdf", "--no-search", "--lang", "en",
            "--config", str(root / "site_config.yaml"), "--cache", str(root.parent / "cache"), "--out", str(root.parent / "out")]
    return subprocess.run(line, capture_output=True, text=True, cwd=root, timeout=300)


def test_a_build_with_nothing_changed_imports_none_of_the_renderers(make_site):
    root = make_site()
    assert build(root).returncode == 0
    again = build(root, "-X", "importtime")
    assert again.returncode == 0 and "(0 rendered" in again.stdout, again.stdout + again.stderr
    imported = {line.split("|")[-1].strip() for line in again.stderr.splitlines() if line.startswith("import time:")}
    assert "zonesite.unchanged" in imported  # the report is what the command line printed
    assert not [name for name in HEAVY if name in imported]


# What a build with one document edited does not use, unless a text shows an image or a PDF is made (gzip: a site
# whose server has no brotli; signal: the workers, which a build of a few files does not start).
UNUSED_BY_AN_EDIT = ("pikepdf", "PIL", "weasyprint", "markdown_it", "importlib.metadata", "urllib.request",
                     "multiprocessing", "concurrent.futures", "zonesite.outputs.signing", "logging", "csv", "slugify",
                     "text_unidecode", "subprocess", "isal", "signal", "babel")


def test_a_build_with_one_document_edited_imports_only_what_it_uses(make_site):
    root = make_site()
    assert build(root).returncode == 0
    document = root / "content/testzone/test.nl.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nEen zin erbij.\n", encoding="utf-8")
    again = build(root, "-X", "importtime")
    assert again.returncode == 0 and "(0 rendered" not in again.stdout, again.stdout + again.stderr
    imported = {line.split("|")[-1].strip() for line in again.stderr.splitlines() if line.startswith("import time:")}
    assert "zonesite.pipeline" in imported and "jinja2" in imported  # the page was made
    assert not [name for name in UNUSED_BY_AN_EDIT if name in imported]


def test_a_build_with_one_document_edited_collects_garbage_rarely(make_site):
    """Importing the generator and a build over a site built before keep most of what they make: Python's default,
    a collection every 700 new objects, had a build with one edit spend 30-50 ms on a thousand documents in
    collections that found almost nothing. A first build keeps the default, which keeps its memory lower."""
    root = make_site()
    counted = ("import gc, sys; count = lambda: sum(g['collections'] for g in gc.get_stats()); before = count(); "
               "from zonesite.cli import main; status = main(sys.argv[1:]); "
               "print(count() - before, gc.get_threshold()[0], file=sys.stderr); sys.exit(status)")
    line = [sys.executable, "-c", counted, "build", "--no-pdf", "--no-search", "-q", "--config", str(root / "site_config.yaml"),
            "--cache", str(root.parent / "cache"), "--out", str(root.parent / "out")]

    def collections_and_threshold() -> list[int]:
        result = subprocess.run(line, capture_output=True, text=True, cwd=root, timeout=300)
        assert result.returncode == 0, result.stderr
        return [int(number) for number in result.stderr.split()[-2:]]

    assert collections_and_threshold()[1] == 700  # a first build: Python's default
    document = root / "content/testzone/test.nl.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nEen zin erbij.\n", encoding="utf-8")
    collections, threshold = collections_and_threshold()
    assert threshold > 700 and collections <= 25, collections  # 44 with the threshold raised for the build only


def _run_with_exit_hook(root: Path, prelude: str, *args: str) -> subprocess.CompletedProcess:
    """The command line's entry point with an exit hook that prints how many objects the collector still tracks."""
    at_exit = (f"{prelude}import atexit, gc, sys; atexit.register(lambda: print('exit hook', len(gc.get_objects()), "
               "file=sys.stderr)); from zonesite.cli import run; run()")
    line = [sys.executable, "-c", at_exit, "build", "--no-pdf", "--no-search", *args, "--config", str(root / "site_config.yaml"),
            "--cache", str(root.parent / "cache"), "--out", str(root.parent / "out")]
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}  # as a pipe is written
    return subprocess.run(line, capture_output=True, text=True, cwd=root, timeout=300, env=buffered)


def test_the_command_line_leaves_the_interpreter_no_model_to_collect(make_site):
    """The interpreter's last collection, as it ends, walked every object the build still held: a sixth of a build
    with one edit on a thousand documents. What a command made is set aside first; at exit, after a build that started
    worker processes (here: that imported multiprocessing), the collector is left to look at the few objects made since
    (the exit hooks' own)."""
    root = make_site()
    result = _run_with_exit_hook(root, "import multiprocessing; ", "-q")
    assert result.returncode == 0, result.stderr
    assert int(result.stderr.split("exit hook")[-1]) < 1_000  # tens of thousands when the build's objects are left to it


def test_a_command_without_workers_ends_at_once_with_its_output_whole(make_site):
    """A build that started no worker process nor thread ends without the interpreter's teardown (no exit hook runs),
    after its output is flushed: every line printed, the exit code the command's."""
    root = make_site()
    built = _run_with_exit_hook(root, "", "--lang", "en")
    assert built.returncode == 0 and "exit hook" not in built.stderr, built.stderr
    assert built.stdout.startswith("built ") and "rendered" in built.stdout and built.stdout.endswith("\n"), built.stdout
    document = root / "content/testzone/test.nl.md"
    document.write_text(document.read_text(encoding="utf-8") + "\n[een link](nergens.nl.md)\n", encoding="utf-8")
    failed = _run_with_exit_hook(root, "", "--lang", "en")  # an error: the message on stderr, exit code 2
    assert failed.returncode == 2 and "nergens.nl.md" in failed.stderr and "exit hook" not in failed.stderr, failed.stderr


def test_library_versions_are_those_importlib_reports():
    expected = []
    for name in fingerprint.RENDERING_LIBRARIES:
        try:
            expected.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            expected.append((name, None))
    assert fingerprint.library_versions(fingerprint.RENDERING_LIBRARIES) == expected


def test_another_version_of_a_library_first_on_the_path_changes_the_code_fingerprint(tmp_path, monkeypatch):
    before = fingerprint.code_fingerprint()
    (tmp_path / "Jinja2-99.1.dist-info").mkdir()
    (tmp_path / "PyYAML-7.0-py3.11.egg-info").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    assert fingerprint.library_versions(("jinja2", "pyyaml", "no-such-library")) == [
        ("jinja2", "99.1"), ("pyyaml", "7.0"), ("no-such-library", None)]
    fingerprint.code_fingerprint.cache_clear()
    try:
        assert fingerprint.code_fingerprint() != before
    finally:
        monkeypatch.undo()
        fingerprint.code_fingerprint.cache_clear()
    assert fingerprint.code_fingerprint() == before


def test_the_tree_signature_changes_with_every_save_rename_and_new_folder(tmp_path):
    folder = tmp_path / "content"
    (folder / "zone" / "doc").mkdir(parents=True)
    deep = folder / "zone" / "doc" / "image.png"
    deep.write_bytes(b"12345")
    (folder / "zone" / "doc.nl.md").write_text("tekst", encoding="utf-8")
    seen = {fingerprint.tree_signature(folder)}
    assert [name for name, *_ in next(iter(seen))] == ["zone", "zone/doc", "zone/doc/image.png", "zone/doc.nl.md"]

    def changed() -> bool:
        signature = fingerprint.tree_signature(folder)
        new = signature not in seen
        seen.add(signature)
        return new

    stat = deep.stat()
    os.utime(deep, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # saved again, same size
    assert changed()
    deep.write_bytes(b"123456")
    os.utime(deep, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # another size, the same time
    assert changed()
    deep.rename(deep.with_name("kaart.png"))
    assert changed()
    (folder / "zone" / "nieuw").mkdir()
    assert changed()
    assert not changed()  # and nothing else moves it
    assert fingerprint.tree_signature(tmp_path / "missing") == ()


def test_compiled_templates_are_kept_between_runs_and_follow_their_source(tmp_path, monkeypatch):
    config = load_config(PROJECT / "site_config.yaml")
    folder, compiled = tmp_path / "templates", tmp_path / "cache" / "templates"
    folder.mkdir()
    (folder / "page.html").write_text("<p>{{ word }}</p>", encoding="utf-8")
    (compiled / "0123456789abcdef").mkdir(parents=True)  # another version of the generator's
    compiles = []
    original = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile", lambda self, *args, **kwargs: compiles.append(1) or original(self, *args, **kwargs))

    def render() -> str:  # a new run: a new environment
        return Templates(config, folder, compiled=compiled).env.get_template("page.html").render(word="een")

    assert render() == "<p>een</p>" and len(compiles) == 1
    assert render() == "<p>een</p>" and len(compiles) == 1, "compiled again although the template did not change"
    assert [path.name for path in compiled.iterdir()] == [fingerprint.code_fingerprint()[:16]]
    (folder / "page.html").write_text("<p>{{ word }}!</p>", encoding="utf-8")
    assert render() == "<p>een!</p>" and len(compiles) == 2


def test_dates_are_kept_beside_the_compiled_templates_and_written_as_babel_writes_them(tmp_path, monkeypatch):
    from babel.dates import format_date

    config = load_config(PROJECT / "site_config.yaml")
    compiled = tmp_path / "cache" / "templates"
    days = [dt.date(2021, 1, 1), dt.date(2024, 12, 31), dt.date(2025, 3, 9)]
    first = Templates(config, PROJECT / "templates", compiled=compiled)
    written = {(day, lang): first.date(day, lang) for day in days for lang in config.languages}
    for (day, lang), text in written.items():
        pattern = config.text(lang, "date_pattern_first_day" if day.day == 1 else "date_pattern")
        assert text == format_date(day, format=pattern, locale=config.text(lang, "locale"))
    kept = next(compiled.iterdir()) / "dates.jsonl"
    with kept.open("a", encoding="utf-8") as file:
        file.write('["nl_BE", "d MMMM y"')  # a line cut short: a build that stopped while writing it
    monkeypatch.setattr("babel.dates.format_date", lambda *args, **kwargs: pytest.fail("Babel asked again"))
    again = Templates(config, PROJECT / "templates", compiled=compiled)  # a new run
    assert {(day, lang): again.date(day, lang) for day in days for lang in config.languages} == written
    with pytest.raises(pytest.fail.Exception):
        again.date(dt.date(2022, 5, 17), config.default_language)  # a date never written: Babel's


def test_the_catalogues_are_kept_parsed_in_the_cache_by_their_bytes(tmp_path, monkeypatch):
    import yaml

    from zonesite import messages

    folder = tmp_path / "catalogues"
    folder.mkdir()
    (folder / "nl.yaml").write_text('groet: "dag {naam}"\n', encoding="utf-8")
    monkeypatch.setattr(messages, "CATALOGUES", folder)
    monkeypatch.setattr(messages, "_kept", [])
    messages.keep_in(tmp_path / "cache")
    assert messages.say("nl", "groet", naam="An") == "dag An"
    parse = yaml.load
    monkeypatch.setattr(yaml, "load", lambda *args, **kwargs: pytest.fail("parsed again"))
    messages.keep_in(tmp_path / "cache")  # a new run
    assert messages.say("nl", "groet", naam="An") == "dag An"
    (folder / "nl.yaml").write_text('groet: "hallo {naam}"\n', encoding="utf-8")
    (folder / "fr.yaml").write_text('groet: "bonjour {naam}"\n', encoding="utf-8")
    monkeypatch.setattr(yaml, "load", parse)
    messages.keep_in(tmp_path / "cache")
    assert messages.say("fr", "groet", naam="An") == "bonjour An"
    assert messages.say("nl", "groet", naam="An") == "hallo An"
    kept = sorted(path.name.split("-")[0] for path in (tmp_path / "cache" / messages.KIND).iterdir())
    assert kept == ["fr", "nl"]  # the old Dutch text's entry is gone, the French one stays beside the new Dutch one
    messages.catalogue.cache_clear()


def test_help_and_a_mistyped_configuration_keep_no_catalogue(tmp_path, monkeypatch, capsys):
    """Only a build, check or preview of a site that is there keeps the catalogues: no folder made elsewhere."""
    from zonesite import messages

    monkeypatch.setattr(messages, "_kept", [])
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site_config.yaml").write_text("", encoding="utf-8")
    for asks_help in (["--help"], ["check", "--help"], ["-q", "-h"]):
        with pytest.raises(SystemExit):
            cli.main(asks_help)
    (tmp_path / "site_config.yaml").unlink()
    assert cli.main(["check", "--config", str(tmp_path / "typo" / "site_config.yaml")]) == 2
    assert list(tmp_path.iterdir()) == []
    messages.catalogue.cache_clear()


def test_a_mistake_in_a_template_is_named_with_its_file_and_line(make_site):
    root = make_site()
    page = root / "templates" / "base.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\n{% if %}\n", encoding="utf-8")
    result = build(root)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "base.html:" in result.stderr and "template error" in result.stderr
    page.write_text(text, encoding="utf-8")
    (root / "templates" / "zone.html").unlink()  # a missing template is an OSError to Python, a template error here
    result = build(root)
    assert result.returncode == 2 and "template error: 'zone.html'" in result.stderr, result.stderr


def test_a_problem_names_its_file_from_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = Message.of("cli.interrupted")
    shown = {str(path): Problem(path, 3, message).render("en").split(": ")[0] for path in (
        tmp_path / "content" / "a.nl.md", Path("content/a.nl.md"), Path("/elders/b.nl.md"),
        tmp_path.parent / f"{tmp_path.name}x" / "c.nl.md")}  # a folder whose name only begins like the working one
    assert list(shown.values()) == ["content/a.nl.md:3", "content/a.nl.md:3", "/elders/b.nl.md:3",
                                    f"{tmp_path.parent}/{tmp_path.name}x/c.nl.md:3"]


def test_a_compressed_copy_is_made_again_when_its_file_or_the_compressing_code_changes(tmp_path, monkeypatch):
    from zonesite import pipeline
    from zonesite.engine.writer import Output

    def copy_keys(*keys: str) -> dict[str, str]:
        outputs = [Output(f"page-{number}.html", key, make=lambda: "<p>x</p>") for number, key in enumerate(keys)]
        return {output.path: output.key for output in pipeline._with_compressed(outputs, brotli_server=True)}

    first, second = fingerprint.fingerprint("page", 1), fingerprint.fingerprint("page", 2)
    before = copy_keys(first, first)
    assert before["page-0.html.br"] == before["page-1.html.br"] != before["page-0.html"]
    assert len(set(before.values())) == 2
    after = copy_keys(first, second)
    assert after["page-0.html.br"] == before["page-0.html.br"] and after["page-1.html.br"] != before["page-1.html.br"]
    (tmp_path / "Brotli-99.1.dist-info").mkdir()  # another version of a library that compresses
    monkeypatch.syspath_prepend(str(tmp_path))
    fingerprint.code_fingerprint.cache_clear()
    try:
        assert not set(copy_keys(first, first).values()) & {before["page-0.html.br"]}
    finally:
        monkeypatch.undo()
        fingerprint.code_fingerprint.cache_clear()


def test_a_build_takes_the_zones_files_from_the_tree_signature_and_finds_what_a_listing_finds(tmp_path, monkeypatch):
    from zonesite.source import reader

    content = tmp_path / "content"
    files = ["zone/zone.yaml", "zone/plan.nl.md", "zone/plan.fr.md", "zone/Plan Fout.nl.md", "zone/kaart.png",
             "zone/bijlagen/a.pdf", "zone/bijlagen/diep/b.png", "zone/bijlagen/verdwaald.nl.md", "zone/.verborgen/c.png",
             "zone/.tmp.nl.md", "zone/z.csv"]
    for number, name in enumerate(files):
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text("x" * number, encoding="utf-8")
    config = load_config(PROJECT / "site_config.yaml")

    def scans(part) -> tuple:
        scan = reader._scan_zone(content / "zone", content.resolve(), config, part)
        return (scan.zone_file, scan.documents, list(scan.documents), scan.others, scan.stats, list(scan.stats),
                scan.problems.items)

    listed = scans(None)
    assert listed[3] == [str(content / name) for name in ("zone/kaart.png", "zone/z.csv", "zone/bijlagen/a.pdf",
                                                           "zone/bijlagen/diep/b.png")]
    part = reader._by_zone(fingerprint.tree_signature(content))["zone"]
    with monkeypatch.context() as patched:  # not listed again
        patched.setattr(reader.os, "scandir", lambda *_: (_ for _ in ()).throw(AssertionError("listed again")))
        assert scans(part) == listed
    empty, link = content / "zone" / "leeg", content / "zone" / "link.png"
    # A folder with nothing listed (empty, or unreadable) and a link (the signature does not follow it): scanned.
    for make, undo in ((empty.mkdir, empty.rmdir), (lambda: link.symlink_to(content / "zone" / "kaart.png"), link.unlink)):
        make()
        assert reader._listed(reader._by_zone(fingerprint.tree_signature(content))["zone"]) is None
        undo()
    assert reader._listed(reader._by_zone(fingerprint.tree_signature(content))["zone"]) is not None


def test_a_build_without_pdfs_into_a_cache_that_holds_none_takes_no_fingerprint_of_a_pdf_job(tmp_path, monkeypatch):
    from zonesite.engine.cache import Cache
    from zonesite.model import Site
    from zonesite.outputs import pdf

    asked = []
    monkeypatch.setattr(pdf, "jobs", lambda *_, **__: asked.append(True) or [])
    config, cache = load_config(PROJECT / "site_config.yaml"), Cache(tmp_path / "cache")
    assert pdf.build_pdfs(config, Site(()), cache, render=False) == ({}, 0) and not asked
    (tmp_path / "cache" / pdf.KIND).mkdir(parents=True)
    (tmp_path / "cache" / pdf.KIND / "0123.json").write_text("{}", encoding="utf-8")  # a PDF of a build before
    assert pdf.build_pdfs(config, Site(()), cache, render=False) == ({}, 0) and asked  # which ones are current: asked


def test_importing_the_renderer_compiles_only_the_patterns_a_plain_text_needs():
    """The Markdown module compiled 33 patterns when imported, most of them for links, footnotes, tables and
    abbreviations; a build with one plain text edited used five."""
    counted = ("import re, sys; import bisect, html, urllib.parse, markdown_it_pyrs, zonesite.model, zonesite.source.slug; "
               "made = []; compile = re.compile; "
               "re.compile = lambda *a: made.append(sys._getframe(1).f_globals['__name__']) or compile(*a); "
               "import zonesite.source.markdown as md; print(made.count('zonesite.source.markdown')); "
               "md.render_markdown('Zie [de wet](https://example.org/wet) en UNIX.[^1]\\n\\n[^1]: Een noot.\\n'); "
               "print(made.count('zonesite.source.markdown'))")
    result = subprocess.run([sys.executable, "-c", counted], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    at_import, after_links = map(int, result.stdout.split())
    assert at_import <= 6 and after_links > at_import  # a link and a footnote compile theirs when first met


def test_the_problems_a_build_keeps_hold_each_message_once_and_read_back_the_same(make_site):
    """A build's thousands of warnings are a few messages: kept for the next build, each is pickled once, not once per
    file (a third of the time to write and to read them back)."""
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, "content/testzone/test.nl.md": DOCUMENT,
                      "content/testzone/test.fr.md": TRANSLATION,
                      **{f"content/testzone/ongebruikt-{number}.txt": "niemand toont dit" for number in range(3)}})
    first = build(root)
    assert first.returncode == 0, first.stderr
    cache = Cache(root.parent / "cache")
    (kept,) = [cache.get_object("problems", name.removesuffix(".pickle")) for name in cache.names("problems")]
    unused = [problem for problem in kept if problem.message.id == "content.unused_file"]
    assert len(unused) == 3 and len({id(problem.message) for problem in unused}) == 1
    again = build(root)  # nothing changed: the problems are read back from the cache and printed as they were
    assert again.returncode == 0 and "(0 rendered" in again.stdout and again.stderr == first.stderr


def test_compacting_problems_keeps_them_equal_and_a_message_with_a_list_as_it_is():
    listed = Message("document.bad_file_name", (("languages", ["nl", "fr"]),))
    items = [Problem(Path(f"{name}.md"), 0, Message.of("content.unused_file")) for name in "ab"] + [Problem(Path("c.md"), 1, listed)]
    kept = compact(items)
    assert kept == items and kept[0].message is kept[1].message and kept[2].message is listed


def test_files_fingerprint_lists_what_path_rglob_lists_in_the_order_of_sorted_paths(tmp_path):
    """Listed by strings instead of Paths, for speed: the same files (hidden ones, links to files; not what a link to a
    folder holds), in the same order, so the same fingerprint as the listing by Paths it replaces."""
    import hashlib

    def by_paths(*paths: Path, pattern: str = "*") -> str:
        digest = hashlib.sha256()
        for path in paths:
            files = sorted(p for p in path.rglob(pattern) if p.is_file()) if path.is_dir() else [path] if path.is_file() else []
            for file in files:
                digest.update(str(file.relative_to(path.parent)).encode() + b"\0" + file.read_bytes())
        return digest.hexdigest()

    top = tmp_path / "templates"
    for number, name in enumerate(("a/b.html", "a-b/x.html", "a.b", ".hidden", "deep/er/c.py", "deep/d.py", "z.py")):
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text(f"{number}", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "e.py").write_text("e", encoding="utf-8")
    (top / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (top / "file-link.py").symlink_to(top / "z.py")
    single = tmp_path / "site_config.yaml"
    single.write_text("x: 1", encoding="utf-8")
    for paths, pattern in (((top,), "*"), ((top,), "*.py"), ((top, single, tmp_path / "missing"), "*")):
        assert fingerprint.files_fingerprint(*paths, pattern=pattern) == by_paths(*paths, pattern=pattern)
    before = fingerprint.files_fingerprint(top)
    (top / "a-b" / "x.html").write_text("changed", encoding="utf-8")
    assert fingerprint.files_fingerprint(top) != before
