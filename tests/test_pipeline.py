"""One pipeline (issue 10), end to end through the command line, the files it writes and HTTP.

Each test runs `build.py` in a subprocess on a small project made by `make_site`, with its own
`--cache` and `--out` folders, and never looks inside the package.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
import yaml

from tests.conftest import DOCUMENT, TRANSLATION, ZONE_YAML, translation_of
from zonesite.engine.cache import Cache
from zonesite.source import reader
from zonesite.source.reader import SHARDS

PROJECT = Path(__file__).resolve().parent.parent
BUILD_PY = str(PROJECT / "build.py")
DEADLINE = 3.0  # seconds the preview may take to show a change
TEST_DOC = "content/testzone/test.nl.md"

# --- running the command line ------------------------------------------------------------------


def run(root: Path, command: str, *args: str, out: Path | None = None, cache: Path | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess:
    """`build.py COMMAND ARGS` in the project folder; build, check and serve get their own --cache, build and serve --out."""
    line = [sys.executable, BUILD_PY, command, *args, "--config", str(root / "site_config.yaml"), "--lang", "en"]
    if command in ("build", "check", "serve"):
        line += ["--cache", str(cache or root.parent / "cache")]
    if command in ("build", "serve"):
        line += ["--out", str(out or root.parent / "out")]
    return subprocess.run(line, capture_output=True, text=True, cwd=root, timeout=timeout)


PROBLEM = re.compile(r"^(?P<path>[^\s:]*[/.][^\s:]*)(?::(?P<line>\d+))?: (?:(?P<kind>warning|note): )?(?P<message>.*)$")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    kind: str  # error, warning or note
    message: str
    text: str  # the whole line as printed


def problems(stderr: str, kind: str | None = None) -> list[Problem]:
    """The `path:line: [warning: |note: ]message` lines of a command's stderr."""
    found = []
    for text in stderr.splitlines():
        match = PROBLEM.match(text)
        if match:
            found.append(Problem(match["path"], int(match["line"]) if match["line"] else None,
                                 match["kind"] or "error", match["message"], text))
    return [p for p in found if kind is None or p.kind == kind]


def has_problem(stderr: str, kind: str, path: str, line: int | None = None, *words: str) -> bool:
    return any(p.path == path and (line is None or p.line == line) and all(w in p.message for w in words)
               for p in problems(stderr, kind))


def line_of(text: str, fragment: str) -> int:
    """1-based number of the first line of `text` that contains `fragment`."""
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


def assert_refused(root: Path, path: str, line: int | None, *words: str) -> None:
    """check and build both exit 2 with an error at path:line whose message has the words; build writes nothing."""
    out = root.parent / "refused-out"
    for command in ("check", "build"):
        result = run(root, command, out=out)
        assert result.returncode == 2, f"{command} exited {result.returncode}:\n{result.stderr}"
        assert "Traceback" not in result.stderr, result.stderr
        assert has_problem(result.stderr, "error", path, line, *words), \
            f"{command}: no error at {path}:{line} with {words}:\n{result.stderr}"
    assert not out.exists(), "a build with an error wrote the output folder"


def with_drafts(root: Path) -> Path:
    """The project's site_config.yaml declares `draft_statuses: [ontwerp]` (added when the copy lacks it)."""
    config = root / "site_config.yaml"
    if "draft_statuses" not in yaml.safe_load(config.read_text(encoding="utf-8")):
        with config.open("a", encoding="utf-8") as file:
            file.write("\ndraft_statuses: [ontwerp]\n")
    return root


def snapshot(folder: Path) -> dict[str, str]:
    """{relative path: sha256} of every file under the folder."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def pdftotext(pdf: Path) -> str:
    if not shutil.which("pdftotext"):
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext is not installed; `make test` installs poppler-utils")
        pytest.skip("pdftotext is not installed; `make test` installs poppler-utils")
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def one_document(make_site, document: str, translation: str | None = None, extra: dict | None = None) -> Path:
    files = {"content/testzone/zone.yaml": ZONE_YAML, TEST_DOC: document}
    if translation is not None:
        files["content/testzone/test.fr.md"] = translation
    return make_site({**files, **(extra or {})})


# --- 1. build publishes nothing that check rejects; both report the same warnings ----------------

def test_link_to_a_missing_document_stops_check_and_build(make_site):
    """A link to a document that does not exist is an error in check and in build."""
    document = DOCUMENT + "\nZie [het plan](../gent/bestaat-niet.nl.md).\n"
    root = one_document(make_site, document)
    assert_refused(root, TEST_DOC, line_of(document, "bestaat-niet"), "no such document")


def test_link_to_a_missing_anchor_in_another_document_stops_check_and_build(make_site):
    """An anchor that the linked document does not have is an error; one it has is fine."""
    document = DOCUMENT + "\nZie [dit](ander.nl.md#eerste-hoofdstuk).\n\nZie [dat](ander.nl.md#no-such-anchor).\n"
    other = DOCUMENT.replace("Testdocument", "Ander document")
    root = one_document(make_site, document, extra={"content/testzone/ander.nl.md": other})
    assert_refused(root, TEST_DOC, line_of(document, "no-such-anchor"), "anchor")
    check = run(root, "check")
    assert not has_problem(check.stderr, "error", TEST_DOC, line_of(document, "#eerste-hoofdstuk")), check.stderr


def test_an_edit_checks_its_links_against_the_anchors_of_a_document_taken_from_the_cache(make_site):
    """The anchors of a text are kept with it in the cache (one per line): a link written later is checked against them."""
    other = DOCUMENT.replace("Testdocument", "Ander document")
    root = one_document(make_site, DOCUMENT, extra={"content/testzone/ander.nl.md": other})
    assert run(root, "build").returncode == 0
    document = DOCUMENT + "\nZie [dit](ander.nl.md#eerste-hoofdstuk).\n"
    (root / TEST_DOC).write_text(document, encoding="utf-8")
    built = run(root, "build", "-v")
    assert built.returncode == 0 and "ander.nl.md" not in built.stdout, built.stdout + built.stderr  # from the cache
    (root / TEST_DOC).write_text(document.replace("#eerste-hoofdstuk", "#no-such-anchor"), encoding="utf-8")
    refused = run(root, "build")
    assert refused.returncode == 2 and has_problem(refused.stderr, "error", TEST_DOC, line_of(document, "ander.nl.md"), "anchor")


TOTAL_TABLE = """
## Begroting

### Uitgaven

| Post | Bedrag |
|---|--:|
| Personeel | 100,00 |
| Werking | 50,00 |
| TOTAAL | 160,00 |

Tekst na de tabel.

## Slot

Laatste zin.
"""


def test_build_prints_the_same_warnings_as_check(make_site):
    """build prints check's warning lines, and its summary counts as many warnings as check."""
    document = DOCUMENT + TOTAL_TABLE
    stale = translation_of(DOCUMENT)  # stamped with an older Dutch text: outdated
    root = one_document(make_site, document, stale)
    check = run(root, "check")
    assert check.returncode == 1, check.stderr
    warnings = [p.text for p in problems(check.stderr, "warning")]
    assert any("table total" in line for line in warnings), check.stderr
    counted = re.search(r"checked: (\d+) error\(s\), (\d+) warning\(s\)", check.stderr)
    assert counted and int(counted[1]) == 0 and int(counted[2]) == len(warnings), check.stderr
    build = run(root, "build", "--no-pdf", "--no-search")
    assert build.returncode == 0, build.stderr
    assert sorted(p.text for p in problems(build.stderr, "warning")) == sorted(warnings)
    assert f"{len(warnings)} warnings" in build.stdout.strip().splitlines()[-1]


# --- 2. tables: a lost cell is an error; a wrong total a warning that can be acknowledged --------

def test_table_row_with_more_cells_than_its_header_is_an_error(make_site):
    """A row with one cell more than the header stops check and build at that row's line."""
    document = DOCUMENT + "\n| Post | Bedrag |\n|---|--:|\n| Overdrachten | 123.671,00 | 999,00 |\n| TOTAAL | 123.671,00 |\n"
    root = one_document(make_site, document)
    assert_refused(root, TEST_DOC, line_of(document, "Overdrachten"), "cells")


def test_wrong_table_total_stays_a_warning(make_site):
    """A TOTAAL row that does not add up is a warning: check exits 1, build publishes."""
    document = DOCUMENT + TOTAL_TABLE
    root = one_document(make_site, document, translation_of(document))
    check = run(root, "check")
    assert check.returncode == 1, check.stderr
    assert has_problem(check.stderr, "warning", TEST_DOC, line_of(document, "TOTAAL"), "table total"), check.stderr
    build = run(root, "build", "--no-pdf", "--no-search")
    assert build.returncode == 0, build.stderr
    assert has_problem(build.stderr, "warning", TEST_DOC, line_of(document, "TOTAAL"), "table total"), build.stderr


NOTE_NL = "Het totaal wijkt af in de vastgestelde tekst en blijft ongewijzigd."
NOTE_FR = "Le total diffère dans le texte adopté et reste inchangé."
NOTES_YAML = f"""editor_notes:
  - section: begroting
    acknowledges: [table-total]
    text: {{nl: "{NOTE_NL}", fr: "{NOTE_FR}"}}
"""


def noted_site(make_site, section: str = "begroting", body: str = TOTAL_TABLE) -> tuple[Path, str]:
    """A document whose wrong total under 'Begroting' (in a subsection) is acknowledged, with its translation."""
    notes = NOTES_YAML.replace("section: begroting", f"section: {section}")
    document = DOCUMENT.replace("---\n## Eerste", notes + "---\n## Eerste") + body
    translation = (translation_of(document).replace(notes, "")
                   .replace("## Begroting", "## Budget").replace("### Uitgaven", "### Dépenses")
                   .replace("Tekst na de tabel.", "Texte après le tableau.").replace("## Slot", "## Fin")
                   .replace("Laatste zin.", "Dernière phrase."))
    root = one_document(make_site, document, translation)
    return root, document


def test_acknowledged_total_is_a_note_and_check_exits_zero(make_site):
    """An acknowledged table-total warning in the section's subsection is printed as a note, not a warning."""
    root, document = noted_site(make_site)
    check = run(root, "check")
    assert check.returncode == 0, check.stderr
    assert not problems(check.stderr, "warning"), check.stderr
    assert has_problem(check.stderr, "note", TEST_DOC, line_of(document, "TOTAAL"), "table total"), check.stderr
    build = run(root, "build", "--no-pdf", "--no-search")
    assert build.returncode == 0 and not problems(build.stderr, "warning"), build.stderr
    assert "0 warnings" in build.stdout.strip().splitlines()[-1]


def test_a_build_with_nothing_changed_prints_the_problems_of_the_build_before(make_site):
    """They come from the cache then, an acknowledged finding inside its note too: the same lines, the same counts."""
    root, _ = noted_site(make_site)
    (root / "content/testzone/kaart.txt").write_text("door geen tekst gebruikt", encoding="utf-8")
    first = run(root, "build", "--no-pdf", "--no-search")
    again = run(root, "build", "--no-pdf", "--no-search")
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert "(0 rendered" in again.stdout and "(0 rendered" not in first.stdout, again.stdout
    assert problems(first.stderr, "warning") and problems(first.stderr, "note"), first.stderr
    assert again.stderr == first.stderr
    counts = [re.sub(r".*\), (.*) into .*", r"\1", result.stdout.strip().splitlines()[-1]) for result in (first, again)]
    assert counts[0] == counts[1] == "1 warnings, 1 acknowledged", counts


def test_acknowledgement_covers_only_its_section(make_site):
    """A wrong total outside the acknowledged section stays a warning."""
    body = TOTAL_TABLE + "\n| Post | Bedrag |\n|---|--:|\n| Kosten | 10,00 |\n| TOTAAL SLOT | 99,00 |\n"
    root, document = noted_site(make_site, body=body)
    check = run(root, "check")
    assert check.returncode == 1, check.stderr
    assert has_problem(check.stderr, "warning", TEST_DOC, line_of(document, "TOTAAL SLOT"), "table total"), check.stderr
    assert has_problem(check.stderr, "note", TEST_DOC, line_of(document, "| TOTAAL |"), "table total"), check.stderr


def _position(tree, element) -> int:
    return next(index for index, node in enumerate(tree.iter()) if node is element)


def test_editor_note_is_shown_after_the_table_in_its_section_per_language(make_site):
    """The note's text stands in an .editor-note after the table, inside its section, labelled as not official."""
    root, _ = noted_site(make_site)
    assert run(root, "build", "--no-pdf", "--no-search").returncode == 0
    out = root.parent / "out"
    for lang, mine, other in (("nl", NOTE_NL, NOTE_FR), ("fr", NOTE_FR, NOTE_NL)):
        tree = lxml.html.fromstring((out / lang / "testzone/test/index.html").read_bytes())
        notes = tree.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' editor-note ')]")
        assert notes, f"{lang}: no .editor-note"
        note = next((n for n in notes if mine in n.text_content()), None)
        assert note is not None, f"{lang}: the note's text is not in an .editor-note"
        assert other not in tree.text_content(), f"{lang}: the other language's note is shown"
        assert note.text_content().strip() != mine, f"{lang}: the note is not labelled as an editor's note"
        table = tree.xpath("//main//table")[0]
        assert _position(tree, table) < _position(tree, note), f"{lang}: the note comes before the table"
        if lang == "nl":
            start = tree.xpath("//*[@id='begroting']")[0]
            end = tree.xpath("//*[@id='slot']")[0]
            assert _position(tree, start) < _position(tree, note) < _position(tree, end), "the note is outside its section"


def test_editor_note_for_a_missing_section_is_an_error(make_site):
    """An editor note whose section no heading has stops check and build."""
    root, document = noted_site(make_site, section="bestaat-niet")
    assert_refused(root, TEST_DOC, None, "bestaat-niet")


# --- 3. drafts are never public; placeholders are errors; translations are not official copies --

DRAFT = (DOCUMENT.replace("title: Testdocument", "title: Verborgen ontwerptekst")
         .replace("status: vastgesteld", "status: ontwerp")
         .replace("Een zin in het eerste hoofdstuk.", "Deze zin is nog geheim."))
DRAFT_FR = translation_of(DRAFT).replace("title: Document de test", "title: Texte secret en projet")


def leaks(out: Path, needles: list[str]) -> list[str]:
    """Where any needle occurs in the output: file names, file contents (gzip-compressed search files unpacked)."""
    found = []
    for path in sorted(out.rglob("*")):
        name = path.relative_to(out).as_posix()
        found += [f"{name}: in the name: {needle}" for needle in needles if needle in name]
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":  # Pagefind's index files
                data = gzip.decompress(data)
            found += [f"{name}: {needle}" for needle in needles if needle.encode("utf-8") in data]
    return found


def test_a_draft_is_left_out_of_every_output(make_site):
    """A document with a draft status is in no page, list, feed, sitemap, search index or PDF."""
    root = with_drafts(make_site({
        "content/testzone/zone.yaml": ZONE_YAML, TEST_DOC: DOCUMENT, "content/testzone/test.fr.md": translation_of(DOCUMENT),
        "content/testzone/geheimplan.nl.md": DRAFT, "content/testzone/geheimplan.fr.md": DRAFT_FR}))
    result = run(root, "build")
    assert result.returncode == 0, result.stderr
    out = root.parent / "out"
    assert (out / "nl/testzone/test/index.html").is_file() and list(out.glob("pagefind/*")), "the published document is missing"
    assert list(out.rglob("*.pdf")), "no PDF at all: the build did not make PDFs"
    assert leaks(out, ["Verborgen ontwerptekst", "Texte secret en projet", "Deze zin is nog geheim", "geheimplan"]) == []


def test_the_site_as_published_keeps_each_zone_without_a_draft_as_it_is(make_site, tmp_path):
    """Leaving the drafts out makes a zone again only where it has one: the others keep the fingerprints they hold."""
    from zonesite.config import load_config
    from zonesite.pipeline import Pipeline

    root = with_drafts(make_site({
        "content/testzone/zone.yaml": ZONE_YAML, TEST_DOC: DOCUMENT, "content/testzone/geheimplan.nl.md": DRAFT,
        "content/anderezone/zone.yaml": ZONE_YAML, "content/anderezone/plan.nl.md": DOCUMENT}))
    config = load_config(root / "site_config.yaml")
    site, _ = Pipeline(config, root / "content", tmp_path / "cache").validate()
    published = site.without(config.draft_statuses)
    drafted, other = site.zone("testzone"), site.zone("anderezone")
    assert published.zone("anderezone") is other
    assert published.zone("testzone") is not drafted
    assert [doc.slug for doc in published.zone("testzone").documents] == ["test"]
    assert sorted(doc.slug for doc in drafted.documents) == ["geheimplan", "test"]


def test_the_templates_are_compiled_while_worker_processes_read_the_content(make_site, tmp_path, monkeypatch):
    """This process would only wait for the workers' results: it prepares the templates then, not after the read."""
    from zonesite.config import load_config
    from zonesite.outputs.templates import Templates
    from zonesite.pipeline import Pipeline

    monkeypatch.setattr(reader, "PARALLEL_FROM", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    events: list[str] = []
    reading, loading = reader._read_documents, Templates.load_all

    def read(*args, **kwargs):
        events.append("read starts")
        try:
            return reading(*args, **kwargs)
        finally:
            events.append("read ends")

    monkeypatch.setattr(reader, "_read_documents", read)
    monkeypatch.setattr(Templates, "load_all", lambda self: events.append("templates") or loading(self))
    root = make_site()
    Pipeline(load_config(root / "site_config.yaml"), root / "content", tmp_path / "cache").build(tmp_path / "site", with_pdf=False)
    assert events[:3] == ["read starts", "templates", "read ends"]
    assert "Test" in (tmp_path / "site/nl/testzone/test/index.html").read_text(encoding="utf-8")


def test_the_workers_that_read_the_content_use_the_configuration_they_were_forked_with(make_site, tmp_path, monkeypatch):
    """Sent with each task, the configuration was pickled once per task and unpickled in the worker."""
    from zonesite.config import Config, load_config
    from zonesite.pipeline import Pipeline

    monkeypatch.setattr(reader, "PARALLEL_FROM", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    config = load_config(make_site() / "site_config.yaml")

    def refuse(self, protocol):
        raise AssertionError("the configuration was pickled")

    monkeypatch.setattr(Config, "__reduce_ex__", refuse, raising=False)
    Pipeline(config, config.root / "content", tmp_path / "cache").build(tmp_path / "site", with_pdf=False)
    assert "Test" in (tmp_path / "site/nl/testzone/test/index.html").read_text(encoding="utf-8")


def test_templates_that_fail_while_the_content_is_read_leave_the_content_errors_to_be_reported_first(make_site, tmp_path,
                                                                                                        monkeypatch):
    """Prepared ahead or not, a build stops at the content's errors before it needs the assets."""
    from zonesite.config import load_config
    from zonesite.pipeline import Pipeline
    from zonesite.problems import ContentError

    monkeypatch.setattr(reader, "PARALLEL_FROM", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, TEST_DOC: DOCUMENT + "\n[weg](../nergens/niets.md)\n"})
    (root / "assets/broken.css").write_bytes(b"\xff\xfe not a text")
    pipeline = Pipeline(load_config(root / "site_config.yaml"), root / "content", tmp_path / "cache")
    with pytest.raises(ContentError):
        pipeline.build(tmp_path / "site", with_pdf=False)


def test_a_document_made_by_new_appears_nowhere(make_site):
    """`new` writes a draft, and a build leaves it out entirely."""
    root = with_drafts(make_site())
    created = run(root, "new", "--zone", "testzone", "--type", "opdrachtbrief", "--title", "Nieuw plan",
                  "--start", "2026-01-01", "--end", "2030-12-31")
    assert created.returncode == 0, created.stderr
    result = run(root, "build")
    assert result.returncode == 0, result.stderr
    out = root.parent / "out"
    assert (out / "nl/testzone/test/index.html").is_file()
    assert leaks(out, ["Nieuw plan", "opdrachtbrief-2026-2030", "Voornaam Naam"]) == []


def test_placeholders_are_errors_once_the_status_is_not_a_draft(make_site):
    """Changing only the status of a new document makes each placeholder `new` wrote an error at its line."""
    root = with_drafts(make_site())
    before = set((root / "content").rglob("*.md"))
    assert run(root, "new", "--zone", "testzone", "--type", "opdrachtbrief", "--title", "Nieuw plan",
               "--start", "2026-01-01", "--end", "2030-12-31").returncode == 0
    [created] = set((root / "content").rglob("*.md")) - before
    text = created.read_text(encoding="utf-8")
    created.write_text(re.sub(r"^status: ontwerp", "status: vastgesteld", text, count=1, flags=re.MULTILINE), encoding="utf-8")
    lines = text.splitlines()
    body_start = [number for number, line in enumerate(lines, 1) if line == "---"][1]
    objectives = next(number for number, line in enumerate(lines, 1) if line.startswith("objectives:"))
    placeholders = {
        "author": next(number for number, line in enumerate(lines, 1) if line.startswith("author:")),
        "summary": next(number for number, line in enumerate(lines, 1) if line.startswith("summary:")),
        "objective title": next(number for number, line in enumerate(lines, 1) if number > objectives and "title" in line),
        "body sentence": next(number for number, line in enumerate(lines, 1)
                              if number > body_start and line.strip() and not line.startswith("#")),
    }
    relative = created.relative_to(root).as_posix()
    for command in ("check", "build"):
        result = run(root, command)
        assert result.returncode == 2, f"{command}:\n{result.stderr}"
        for what, number in placeholders.items():
            assert has_problem(result.stderr, "error", relative, number, "placeholder"), \
                f"{command}: the {what} placeholder (line {number}) is not an error:\n{result.stderr}"


@pytest.mark.poppler
def test_a_translation_pdf_never_says_official_copy(make_site):
    """The Dutch PDF is the official copy; the French one never says so."""
    root = make_site()
    assert run(root, "build", "--no-search").returncode == 0
    out = root.parent / "out"
    dutch, french = pdftotext(out / "nl/testzone/test/test.nl.pdf"), pdftotext(out / "fr/testzone/test/test.fr.pdf")
    assert "Officiële kopie" in dutch
    assert "Document de test" in french and "Officiële kopie" not in french


# --- 4. a skipped output keeps what it has; the cache is pruned ----------------------------------

def test_build_without_pdf_keeps_the_pdfs_already_built(make_site):
    """`build --no-pdf` after a full build leaves every PDF in the output folder as it was."""
    root = make_site()
    assert run(root, "build", "--no-search").returncode == 0
    out = root.parent / "out"
    pdfs = {path: digest for path, digest in snapshot(out).items() if path.endswith(".pdf")}
    assert len(pdfs) == 2
    result = run(root, "build", "--no-pdf", "--no-search")
    assert result.returncode == 0, result.stderr
    assert {path: digest for path, digest in snapshot(out).items() if path.endswith(".pdf")} == pdfs


def test_build_without_pdf_looks_for_no_pdf_the_site_before_did_not_have(make_site, tmp_path, monkeypatch):
    """The site built before holds the files its manifest lists: a PDF it does not list is not looked for."""
    from zonesite.config import load_config
    from zonesite.pipeline import Pipeline

    root = make_site()
    config = load_config(root / "site_config.yaml")
    Pipeline(config, root / "content", tmp_path / "cache").build(tmp_path / "out", with_pdf=False, with_search=False)
    looked, isfile = [], os.path.isfile
    monkeypatch.setattr(os.path, "isfile", lambda path: looked.append(str(path)) or isfile(path))
    document = root / "content/testzone/test.nl.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nEen zin erbij.\n", encoding="utf-8")
    Pipeline(config, root / "content", tmp_path / "cache").build(tmp_path / "out", with_pdf=False, with_search=False)
    assert not [path for path in looked if path.endswith(".pdf")]


def test_build_without_search_keeps_the_search_bundle(make_site):
    """`build --no-search` after a full build leaves the pagefind/ folder as it was."""
    root = make_site()
    assert run(root, "build", "--no-pdf").returncode == 0
    out = root.parent / "out"
    bundle = snapshot(out / "pagefind")
    assert "pagefind-entry.json" in bundle
    result = run(root, "build", "--no-pdf", "--no-search")
    assert result.returncode == 0, result.stderr
    assert (out / "pagefind").is_dir() and snapshot(out / "pagefind") == bundle


def test_the_cache_does_not_grow_with_each_edit(make_site):
    """Three edits later, the cache holds as many files as after the first build: old PDFs and HTML are pruned.
    What was read is kept in at most 64 files by each entry's key (a document's or a zone file's, made of its files'
    sizes and times), the plan in at most 16 by each zone's and language's key: how many of them hold an entry differs
    from build to build, so they are counted apart."""
    root = make_site()
    cache = root.parent / "cache"

    def files() -> tuple[list[str], list[str], list[str]]:
        names = sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file())
        return ([n for n in names if not n.startswith(("read/", "plan/"))], [n for n in names if n.startswith("read/")],
                [n for n in names if n.startswith("plan/")])

    assert run(root, "build").returncode == 0
    first, read, plan = files()
    assert first and read and plan
    for number in range(3):
        with (root / TEST_DOC).open("a", encoding="utf-8") as file:
            file.write(f"\nWijziging {number}.\n")
        assert run(root, "build").returncode == 0
    now, read, plan = files()
    assert len(now) == len(first), set(now) ^ set(first)
    assert len(plan) == 1, plan  # one zone: its keys in both languages start with its digit
    entries = {(p.parent.name, p.name.split(".")[0]) for p in (root / "content").rglob("*.md")}  # a document each
    entries |= {p.parent.name for p in (root / "content").glob("*/zone.yaml")}  # and a zone file each
    assert 1 <= len(read) <= min(len(entries), len(SHARDS)), read



def test_an_edit_rewrites_only_the_small_parts_of_the_cache_that_held_and_hold_its_entry(tmp_path, monkeypatch):
    """What was read is kept in parts by key; an edit replaces one entry by another: only the part that held the old
    one and the part of the new one are written again, each a small share of a big site."""
    known = {hashlib.sha256(str(number).encode()).hexdigest(): (f"document {number}", None) for number in range(640)}
    edited = next(iter(known))
    kept = {key: value for key, value in known.items() if key != edited}
    kept[hashlib.sha256(b"edited").hexdigest()] = ("document 0, edited", None)
    cache = Cache(tmp_path / "cache")
    reader._save_read(cache, "base", {}, known, persist=True)
    assert reader._load_read(Cache(tmp_path / "cache"), "base") == known
    written: list[dict] = []
    monkeypatch.setattr(cache, "put_object", lambda kind, key, entries, on_disk: written.append(entries))
    reader._save_read(cache, "base", known, kept, persist=True)
    assert 1 <= len(written) <= 2 and edited not in {key for entries in written for key in entries}
    assert sum(len(entries) for entries in written) <= len(known) / 16, [len(entries) for entries in written]


def test_after_an_edit_the_cache_holds_exactly_what_the_read_kept(tmp_path):
    """Only the parts whose keys changed are written again; read back, the parts hold every entry kept and no other,
    and a part left without entries is gone."""
    known = {hashlib.sha256(str(number).encode()).hexdigest(): (f"document {number}", None) for number in range(200)}
    added = hashlib.sha256(b"new").hexdigest()
    alone = next(key for key in known if reader._shard(key) != reader._shard(added)
                 and sum(reader._shard(other) == reader._shard(key) for other in known) == 1)
    kept = {key: value for key, value in known.items() if key != alone}
    kept[added] = ("a new document", None)
    cache = Cache(tmp_path / "cache")
    reader._save_read(cache, "base", {}, known, persist=True)
    reader._save_read(cache, "base", known, kept, persist=True)
    assert reader._load_read(Cache(tmp_path / "cache"), "base") == kept
    assert cache.get_object(reader.READ, f"base-{reader._shard(alone)}") is None


def test_a_path_in_the_cache_is_kept_as_its_text_and_comes_back_equal(tmp_path):
    """Pickle's own way keeps every part of a path and parses each again when loading: the cache keeps the whole
    text, one string to parse (a quarter of loading what a thousand documents' read kept)."""
    path = tmp_path / "content" / "zone-001" / "plan.nl.md"
    cache = Cache(tmp_path / "cache")
    cache.put_object(reader.READ, "paths", {"path": path, "paths": (path, path.parent)})
    stored = (tmp_path / "cache" / reader.READ / "paths.pickle").read_bytes()
    assert str(path).encode() in stored and str(path.parent).encode() in stored
    assert Cache(tmp_path / "cache").get_object(reader.READ, "paths") == {"path": path, "paths": (path, path.parent)}


def test_a_build_puts_the_configuration_into_words_once(make_site, tmp_path, monkeypatch):
    """Every output's key holds the configuration, whose text (catalogues, term base) is long: a build writes it out
    once, for its fingerprint, and the fingerprint changes with it."""
    from zonesite.config import Config, load_config
    from zonesite.pipeline import Pipeline

    root = make_site()
    config = load_config(root / "site_config.yaml")
    worded = []
    write_out = Config.__repr__
    monkeypatch.setattr(Config, "__repr__", lambda self: worded.append(self) or write_out(self))
    Pipeline(config, root / "content", tmp_path / "cache").build(tmp_path / "out", with_pdf=False, with_search=False)
    assert len(worded) == 1
    changed = load_config(root / "site_config.yaml")
    object.__setattr__(changed, "base_url", "https://elders.example/")
    assert changed.fingerprint != config.fingerprint and load_config(root / "site_config.yaml").fingerprint == config.fingerprint


def test_the_configuration_is_taken_from_the_cache_until_one_of_its_files_changes(make_site, tmp_path, monkeypatch):
    """A build keeps the configuration it read, validated; the next takes it without parsing while the configuration,
    its catalogues and its term base are the same, and reads them again when one of them changed."""
    from dataclasses import replace

    from zonesite import config as configuration

    root = make_site()
    cache = tmp_path / "cache"
    first = configuration.load_config(root / "site_config.yaml", cache_dir=cache)
    parse = configuration.parse_yaml
    monkeypatch.setattr(configuration, "parse_yaml", lambda text: pytest.fail("parsed again"))
    assert configuration.load_config(root / "site_config.yaml", cache_dir=cache) == first
    monkeypatch.setattr(configuration, "parse_yaml", parse)
    for name in ("terms.yaml", "locales/fr.yaml", "site_config.yaml"):
        source = root / name
        source.write_text(source.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
        read = []
        monkeypatch.setattr(configuration, "parse_yaml", lambda text: read.append(text) or parse(text))
        assert configuration.load_config(root / "site_config.yaml", cache_dir=cache) == first and read, name
    assert len(list((cache / configuration.KIND).iterdir())) == 1  # only the latest is kept
    # A configuration with a signing key is read each time: the key is opened, its password read, its certificate checked.
    signed = tmp_path / "signed"
    monkeypatch.setattr(configuration, "_read_config", lambda path, open_key, seen: replace(first, pdf_signing=object()))
    configuration.load_config(root / "site_config.yaml", cache_dir=signed)
    assert not (signed / configuration.KIND).exists() or not list((signed / configuration.KIND).iterdir())


def test_the_configuration_kept_is_the_one_its_files_say_now(make_site, tmp_path, monkeypatch):
    """A changed string comes back changed; a catalogue gone is reported, not served from the cache; and a catalogue
    saved while the configuration was being read is not kept as what its old bytes gave."""
    from zonesite import config as configuration
    from zonesite.problems import ContentError

    root = make_site()
    cache = tmp_path / "cache"
    catalogue = root / "locales/fr.yaml"
    key, value = next(iter(configuration.load_config(root / "site_config.yaml", cache_dir=cache).strings["fr"].items()))
    text = catalogue.read_text(encoding="utf-8")
    saved_meanwhile = text.replace(f"{key}:", f"{key}: Enregistré pendant la lecture #", 1)
    assert saved_meanwhile != text
    read_text = configuration.read_text

    def read_then_save(path, seen=None):
        data = read_text(path, seen)
        if path == catalogue:
            catalogue.write_text(saved_meanwhile, encoding="utf-8")
        return data

    monkeypatch.setattr(configuration, "read_text", read_then_save)
    catalogue.write_text(text + "\n", encoding="utf-8")
    assert configuration.load_config(root / "site_config.yaml", cache_dir=cache).strings["fr"][key] == value
    monkeypatch.setattr(configuration, "read_text", read_text)
    assert configuration.load_config(root / "site_config.yaml", cache_dir=cache).strings["fr"][key] \
        .startswith("Enregistré pendant la lecture")
    catalogue.unlink()
    with pytest.raises(ContentError) as error:
        configuration.load_config(root / "site_config.yaml", cache_dir=cache)
    assert (catalogue, 0, "config.no_strings") in [(p.path, p.line, p.message.id) for p in error.value.problems]


def test_the_language_of_the_messages_is_taken_from_the_configuration_kept(make_site, tmp_path, monkeypatch):
    from zonesite import config as configuration

    root = make_site()
    cache = tmp_path / "cache"
    configuration.load_config(root / "site_config.yaml", cache_dir=cache)
    parse = configuration.parse_yaml
    monkeypatch.setattr(configuration, "parse_yaml", lambda text: pytest.fail("parsed again"))
    assert configuration.configured_language(root / "site_config.yaml", cache) == "nl"
    monkeypatch.setattr(configuration, "parse_yaml", parse)
    config_file = root / "site_config.yaml"
    config_file.write_text(config_file.read_text(encoding="utf-8").replace("messages_language: nl", "messages_language: fr"),
                           encoding="utf-8")
    assert configuration.configured_language(config_file, cache) == "fr"
    configuration.load_config(config_file, cache_dir=cache)
    monkeypatch.setattr(configuration, "parse_yaml", lambda text: pytest.fail("parsed again"))
    assert configuration.configured_language(config_file, cache) == "fr"


def test_a_page_key_changes_with_each_thing_the_page_is_made_from():
    from dataclasses import replace

    from zonesite.outputs.pages import Page
    from zonesite.pipeline import page_key

    page = Page("nl/gent/plan/index.html", "document.html", "nl", dict,
                {"nl": "nl/gent/plan/index.html", "fr": "fr/gent/plan/index.html"}, "1" * 64)
    others = [replace(page, path="nl/gent/plan2/index.html"), replace(page, template="zone.html"), replace(page, lang="fr"),
              replace(page, lang=None), replace(page, alternates={"nl": "nl/gent/plan/index.html"}),
              replace(page, alternates={"nl": "nl/gent/plan/index.html", "fr": "fr/gent/autre/index.html"}),
              replace(page, inputs="2" * 64)]
    keys = [page_key("0" * 64, page), page_key("3" * 64, page), *(page_key("0" * 64, other) for other in others)]
    assert len(set(keys)) == len(keys) and page_key("0" * 64, replace(page)) == keys[0]

# --- 5. the search bundle is complete ------------------------------------------------------------

def test_every_file_of_the_search_bundle_is_complete(make_site):
    """Each .css, .js and .json of pagefind/ is whole: not empty, JSON parses, CSS ends with a closing brace."""
    root = make_site()
    assert run(root, "build", "--no-pdf").returncode == 0
    bundle = root.parent / "out/pagefind"
    files = [p for p in sorted(bundle.rglob("*")) if p.suffix in (".css", ".js", ".json")]
    assert any(p.name == "pagefind-entry.json" for p in files)
    for path in files:
        data = path.read_bytes()
        assert data, f"{path.name} is empty"
        text = data.decode("utf-8")
        if path.suffix == ".json":
            json.loads(text)
        if path.suffix == ".css":
            assert text.rstrip().endswith("}"), f"{path.name} is cut short: ends {text[-40:]!r}"
        if len(data) in (32768, 65536) and path.suffix == ".js":
            assert text.rstrip()[-1:] in ("}", ";", ")"), f"{path.name} is {len(data)} bytes and cut short"


# --- 6. every file under content/ is read or reported -------------------------------------------

def test_a_document_in_a_subfolder_is_an_error(make_site):
    """A document one folder too deep stops check and build, naming the file."""
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, TEST_DOC: DOCUMENT,
                      "content/testzone/test.fr.md": translation_of(DOCUMENT),
                      "content/testzone/2024/x.nl.md": DOCUMENT.replace("Testdocument", "Verstopt")})
    assert_refused(root, "content/testzone/2024/x.nl.md", None)


def test_a_file_that_is_not_read_is_a_warning(make_site):
    """Any other file under content/ that the site does not read is reported as a warning by check and build."""
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, TEST_DOC: DOCUMENT,
                      "content/testzone/test.fr.md": translation_of(DOCUMENT),
                      "content/testzone/notes.txt": "mijn aantekeningen\n"})
    check = run(root, "check")
    assert check.returncode == 1, check.stderr
    assert has_problem(check.stderr, "warning", "content/testzone/notes.txt"), check.stderr
    build = run(root, "build", "--no-pdf", "--no-search")
    assert build.returncode == 0, build.stderr
    assert has_problem(build.stderr, "warning", "content/testzone/notes.txt"), build.stderr


# --- 7. URL schemes: http, https, mailto and tel only -------------------------------------------

def test_a_javascript_website_in_zone_yaml_is_an_error(make_site):
    """zone.yaml `website: "javascript:alert(1)"` stops check and build at its line."""
    zone = ZONE_YAML + 'website: "javascript:alert(1)"\n'
    root = make_site({"content/testzone/zone.yaml": zone, TEST_DOC: DOCUMENT,
                      "content/testzone/test.fr.md": translation_of(DOCUMENT)})
    assert_refused(root, "content/testzone/zone.yaml", line_of(zone, "website:"), "javascript:")


@pytest.mark.parametrize("href", ["javascript:alert(1)", "data:text/html,hi"])
def test_a_link_with_an_unsafe_scheme_is_an_error(make_site, href):
    """A Markdown link to a javascript: or data: URL stops check and build at its line."""
    document = DOCUMENT + f"\nKlik [hier]({href}).\n"
    root = one_document(make_site, document, translation_of(document))
    assert_refused(root, TEST_DOC, line_of(document, href), href.split(":")[0] + ":")


def test_allowed_schemes_and_an_email_address_are_fine(make_site):
    """http, https, mailto and tel links, and a zone's e-mail address, pass check."""
    zone = ZONE_YAML + 'email: "x@y.be"\nwebsite: "https://www.example.be"\n'
    document = DOCUMENT + ("\n[a](https://www.example.be) [b](http://www.example.be) "
                           "[c](mailto:x@y.be) [d](tel:+3250000000)\n")
    root = one_document(make_site, document, translation_of(document), {"content/testzone/zone.yaml": zone})
    result = run(root, "check")
    assert result.returncode == 0, result.stderr


# --- 9. structure the page would lose or bend ---------------------------------------------------

STRUCTURE = {
    "heading levels jump": ("\n##### Te diep\n\nTekst.\n", "##### Te diep", "heading"),
    "second title heading": ("\n# Nog een titel\n\nTekst.\n", "# Nog een titel", "heading"),
    "paragraph after a tab": ("\n\tEen alinea die met een tab begint.\n", "met een tab", "indented"),
    "paragraph after 4 spaces": ("\n    Een alinea die met vier spaties begint.\n", "vier spaties", "indented"),
    "missing image": ("\n![Kaart](kaart.png)\n", "![Kaart]", "kaart.png"),
}


@pytest.mark.parametrize("case", sorted(STRUCTURE))
def test_structure_problems_are_errors_with_their_line(make_site, case):
    """Jumping heading levels, a second # heading, an indented paragraph and a missing image stop check and build."""
    body, fragment, word = STRUCTURE[case]
    document = DOCUMENT + body
    root = one_document(make_site, document)
    assert_refused(root, TEST_DOC, line_of(document, fragment), word)


# --- the output folder is always exactly the old site or exactly the new one --------------------

def test_a_killed_build_leaves_exactly_the_old_or_the_new_site(make_site, tmp_path):
    """Killed at any moment, a build leaves the output folder byte for byte the previous or the next site."""
    paragraph = "Een zin over veiligheid en preventie in de zone. " * 40
    files = {"content/testzone/zone.yaml": ZONE_YAML}
    for number in range(30):
        document = (DOCUMENT.replace("Testdocument", f"Document {number}")
                    + "".join(f"\n## Hoofdstuk {n}\n\n{paragraph}\n" for n in range(2, 8)))
        files[f"content/testzone/doc-{number}.nl.md"] = document
        files[f"content/testzone/doc-{number}.fr.md"] = translation_of(document)
    root = make_site(files)
    out = tmp_path / "out"
    assert run(root, "build", "--no-pdf", out=out).returncode == 0
    edited = root / "content/testzone/doc-7.nl.md"
    for number, delay in enumerate((0.05, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5)):
        old = snapshot(out)
        with edited.open("a", encoding="utf-8") as file:
            file.write(f"\nWijziging {number}.\n")
        # An empty cache of its own: the killed build renders everything, so it runs long enough to be caught.
        command = [sys.executable, BUILD_PY, "build", "--no-pdf", "-q", "--config", str(root / "site_config.yaml"),
                   "--out", str(out), "--cache", str(tmp_path / f"cache-killed-{number}")]
        process = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed = snapshot(out) if out.is_dir() else None
        finished = run(root, "build", "--no-pdf", out=out)
        assert finished.returncode == 0, finished.stderr
        new = snapshot(out)
        assert old != new, "the edit changed nothing in the output"
        assert killed in (old, new), (
            f"killed after {delay} s: the output is neither the old nor the new site "
            f"({len(set(killed or {}) ^ set(old))} paths differ from the old, "
            f"{sum(1 for p in new if (killed or {}).get(p) != new[p])} files differ from the new)")


def test_an_edit_reads_that_document_again_and_no_other(make_site):
    """`-v` names the files a build read again: all of them the first time, then only the edited document's."""
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, TEST_DOC: DOCUMENT,
                      "content/testzone/ander.nl.md": DOCUMENT.replace("Testdocument", "Ander document"),
                      "content/tweede/zone.yaml": ZONE_YAML.replace("Testzone", "Tweede zone"),
                      "content/tweede/derde.nl.md": DOCUMENT.replace("Testdocument", "Derde document")})

    def read_again() -> list[str]:
        result = run(root, "build", "--no-pdf", "-v")
        assert result.returncode == 0, result.stderr
        return sorted(Path(line.split(" ", 1)[1]).name for line in result.stdout.splitlines() if line.startswith("read "))

    assert read_again() == ["ander.nl.md", "derde.nl.md", "test.nl.md"]
    assert read_again() == []
    edit(root / TEST_DOC, "Testdocument", "Gewijzigd document")
    assert read_again() == ["test.nl.md"]
    assert "Gewijzigd document" in (root.parent / "out/nl/testzone/test/index.html").read_text(encoding="utf-8")
    (root / "content/testzone/beeld.png").write_bytes(b"not an image, but a file the zone's documents may show")
    assert read_again() == ["ander.nl.md", "test.nl.md"]  # the zone's documents, not the other zone's


def test_a_page_made_again_from_the_cache_shows_the_headings_of_its_text(make_site, tmp_path):
    """The cache keeps a text's headings with its HTML, apart from the model: a page made again for a document the
    build did not read again (here, after a template changed) has its table of contents, as a fresh build has."""
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, TEST_DOC: DOCUMENT.replace(
        "## Eerste hoofdstuk", "## Eerste hoofdstuk\n\nInleiding.\n\n### Een deel van het eerste hoofdstuk")})
    assert run(root, "build", "--no-pdf", "--no-search").returncode == 0
    with (root / "templates/document.html").open("a", encoding="utf-8") as template:
        template.write("{# every page made again #}\n")
    again = run(root, "build", "--no-pdf", "--no-search", "-v")
    assert again.returncode == 0, again.stderr
    assert not [line for line in again.stdout.splitlines() if line.startswith("read ")]  # the model came from the cache
    assert "nl/testzone/test/index.html" in again.stdout  # and the page was made again
    page = (root.parent / "out/nl/testzone/test/index.html").read_text(encoding="utf-8")
    toc = lxml.html.fromstring(page).xpath("//nav[@class='toc']//a")
    assert [a.get("href") for a in toc] == ["#eerste-hoofdstuk", "#een-deel-van-het-eerste-hoofdstuk"]
    fresh = tmp_path / "fresh"
    assert run(root, "build", "--no-pdf", "--no-search", out=fresh, cache=tmp_path / "fresh-cache").returncode == 0
    assert (fresh / "nl/testzone/test/index.html").read_text(encoding="utf-8") == page


def without_index(files: dict[str, str]) -> dict[str, str]:
    """Pagefind's files differ between two builds of the same pages (its entry file is not reproducible)."""
    return {path: digest for path, digest in files.items() if not path.startswith("pagefind/")}


def test_a_build_brings_the_site_before_up_to_date_and_leaves_the_published_one_alone(make_site, tmp_path):
    """Each build starts from the site before the previous one, kept beside the output (the first build keeps a
    copy of itself): after edits, an added and a removed document, the output is byte for byte a fresh build, and the
    site it replaced is kept unchanged."""
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, TEST_DOC: DOCUMENT,
                      "content/testzone/weg.nl.md": DOCUMENT.replace("Testdocument", "Verdwijnt")})
    out = tmp_path / "out"
    spare = tmp_path / ".out.previous"
    steps = [lambda: None,
             lambda: edit(root / TEST_DOC, "Testdocument", "Eerste wijziging"),
             lambda: (root / "content/testzone/weg.nl.md").unlink(),
             lambda: (root / "content/testzone/nieuw.nl.md").write_text(DOCUMENT.replace("Testdocument", "Nieuw"), encoding="utf-8"),
             lambda: edit(root / TEST_DOC, "Eerste wijziging", "Tweede wijziging")]
    published = []
    for number, step in enumerate(steps):
        step()
        assert run(root, "build", "--no-pdf", out=out).returncode == 0
        fresh = tmp_path / f"fresh-{number}"
        assert run(root, "build", "--no-pdf", out=fresh, cache=tmp_path / f"fresh-cache-{number}").returncode == 0
        published.append(snapshot(out))
        assert without_index(published[-1]) == without_index(snapshot(fresh)), f"step {number}: not a fresh build's output"
        assert (out / "pagefind/pagefind-entry.json").is_file()
        # After the first build, a copy of it; after each other build, the site it replaced, unchanged.
        assert snapshot(spare) == published[max(number - 1, 0)], f"step {number}: the site before is not kept as it was"
    assert not (out / "nl/testzone/weg").exists() and (out / "nl/testzone/nieuw/index.html").is_file()



def test_an_edit_of_a_theme_a_date_a_zone_name_or_a_title_shows_on_every_page_as_in_a_fresh_build(make_site, tmp_path):
    """An edit of what other pages show (a theme, a date, the zone's name, a title) or of the text alone: each build
    from the last one's cache and site is byte for byte a fresh build, and shows the change where it is listed."""
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, TEST_DOC: DOCUMENT,
                      "content/testzone/tweede.nl.md": DOCUMENT.replace("Testdocument", "Tweede document")})
    out = tmp_path / "out"
    steps = [(lambda: None, "nl/testzone/index.html", "Testdocument"),
             (lambda: edit(root / TEST_DOC, "themes: [drugs]", "themes: [drugs, verkeer]"), "nl/themas/index.html", "Verkeersveiligheid"),
             (lambda: edit(root / TEST_DOC, "end: 2025-12-31}", "end: 2027-12-31}\ndate: 2022-02-01"), "nl/testzone/index.html", "2027"),
             (lambda: edit(root / "content/testzone/zone.yaml", "Testzone", "Andere zone"), "nl/testzone/tweede/index.html", "Andere zone"),
             (lambda: edit(root / TEST_DOC, "title: Testdocument", "title: Nieuwe titel"), "nl/testzone/index.html", "Nieuwe titel"),
             (lambda: edit(root / TEST_DOC, "Een zin in het eerste hoofdstuk.", "Een andere zin."), "nl/testzone/test/index.html", "Een andere zin.")]
    each_step_as_a_fresh_build(root, tmp_path, out, steps)


def each_step_as_a_fresh_build(root: Path, tmp_path: Path, out: Path, steps: list) -> None:
    """After each step, a build into `out` (with the cache of the builds before) equals a fresh build of the same
    sources byte for byte, and the step's page shows what the step changed."""
    for number, (step, page, shown) in enumerate(steps):
        step()
        assert run(root, "build", "--no-pdf", "--no-search", out=out).returncode == 0
        fresh = tmp_path / f"fresh-{number}"
        assert run(root, "build", "--no-pdf", "--no-search", out=fresh, cache=tmp_path / f"fresh-cache-{number}").returncode == 0
        assert snapshot(out) == snapshot(fresh), f"step {number}: not a fresh build's output"
        assert shown in (out / page).read_text(encoding="utf-8"), f"step {number}: {page} does not show {shown!r}"


def test_zones_kept_from_the_plan_before_show_every_kind_of_edit_as_a_fresh_build(make_site, tmp_path):
    """A build keeps each zone's pages in the cache and gets them back, unplanned, for a zone made from the same.
    Two zones, one naming the other's document: after each kind of edit (a text, the title another zone's page shows,
    a zone's name, a translation, a theme, a removed document, a changed template, a page gone from the site, a
    commit), the site is byte for byte a fresh build, and shows the change where it is listed."""
    other = "content/anderezone/opvolger.nl.md"
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, TEST_DOC: DOCUMENT, "content/testzone/test.fr.md": TRANSLATION,
                      "content/anderezone/zone.yaml": "name: {nl: Anderezone, fr: Autre zone}\n",
                      other: DOCUMENT.replace("title: Testdocument", "title: Opvolger\nreplaces: testzone/test")
                                     .replace("start: 2021-01-01", "start: 2026-01-01").replace("end: 2025-12-31", "end: 2030-12-31"),
                      "content/anderezone/weg.nl.md": DOCUMENT.replace("Testdocument", "Verdwijnt")})
    out = tmp_path / "out"
    who = {"GIT_AUTHOR_NAME": "Redactie", "GIT_AUTHOR_EMAIL": "r@test.example.be", "GIT_COMMITTER_NAME": "Redactie",
           "GIT_COMMITTER_EMAIL": "r@test.example.be", "GIT_AUTHOR_DATE": "2026-03-02T12:00:00+01:00",
           "GIT_COMMITTER_DATE": "2026-03-02T12:00:00+01:00"}

    def commit() -> None:  # the dates the pages of the edited document show
        for line in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "Tekst"]):
            subprocess.run(["git", *line], cwd=root, env={**os.environ, **who}, check=True, capture_output=True)

    def gone() -> None:  # a page of a zone that did not change, missing from the site and from the one kept beside it
        shutil.rmtree(tmp_path / ".out.previous")
        (out / "nl/anderezone/opvolger/index.html").unlink()
        edit(root / TEST_DOC, "Een andere zin.", "Nog een andere zin.")

    steps = [(lambda: None, "nl/testzone/test/index.html", "Opvolger"),
             (lambda: edit(root / TEST_DOC, "Een zin in het eerste hoofdstuk.", "Een andere zin."), "nl/testzone/test/index.html", "Een andere zin."),
             (lambda: edit(root / other, "title: Opvolger", "title: Nieuwe opvolger"), "nl/testzone/test/index.html", "Nieuwe opvolger"),
             (lambda: edit(root / "content/anderezone/zone.yaml", "Anderezone", "Hernoemde zone"), "nl/anderezone/index.html", "Hernoemde zone"),
             (lambda: edit(root / "content/testzone/test.fr.md", "Une phrase", "Une autre phrase"), "fr/testzone/test/index.html", "Une autre phrase"),
             (lambda: edit(root / other, "themes: [drugs]", "themes: [drugs, verkeer]"), "nl/themas/index.html", "Verkeersveiligheid"),
             (lambda: (root / "content/anderezone/weg.nl.md").unlink(), "nl/anderezone/index.html", "Nieuwe opvolger"),
             (lambda: edit(root / "templates/document.html", "{{ t('doc_currency') }}", "{{ t('doc_currency') }}:"), "nl/anderezone/opvolger/index.html", "</dt>"),
             (gone, "nl/anderezone/opvolger/index.html", "Nieuwe opvolger"),
             (commit, "nl/testzone/test/index.html", "2 maart 2026")]
    each_step_as_a_fresh_build(root, tmp_path, out, steps)
    assert not (out / "nl/anderezone/weg").exists()
    assert len(list((tmp_path / "cache/plan").iterdir())) > 1, "no plan kept in the cache"


# --- the sitemap and the translation's facts ----------------------------------------------------

def test_every_sitemap_entry_has_its_language_alternates(make_site):
    """Each <url> of sitemap.xml has an xhtml:link alternate for nl and for fr."""
    root = make_site()
    assert run(root, "build", "--no-pdf", "--no-search").returncode == 0
    tree = ET.parse(root.parent / "out/sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = tree.getroot().findall("s:url", ns)
    assert len(urls) >= 5
    for url in urls:
        languages = {link.get("hreflang") for link in url.findall("x:link", ns) if link.get("rel") == "alternate"}
        assert {"nl", "fr"} <= languages, url.findtext("s:loc", namespaces=ns)


FACTS = {
    "period": ("period: {start: 2021-01-01, end: 2025-12-31}", "period: {start: 2021-01-01, end: 2026-12-31}"),
    "status": ("status: vastgesteld", "status: voorgelegd"),
    "themes": ("themes: [drugs]\n", "themes: [drugs, verkeer]\n"),
}


@pytest.mark.parametrize("key", sorted(FACTS))
def test_a_translation_whose_facts_differ_from_its_source_is_an_error(make_site, key):
    """A French file whose period, status or themes differ from the Dutch stops check and build at that key."""
    old, new = FACTS[key]
    translation = translation_of(DOCUMENT).replace(old, new, 1)
    assert translation != translation_of(DOCUMENT)
    root = one_document(make_site, DOCUMENT, translation)
    assert_refused(root, "content/testzone/test.fr.md", line_of(translation, f"{key}:"))


# --- 8. the preview, through HTTP ---------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int | None, str]:
    """(HTTP status, body); status None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return None, ""


def within(seconds: float, condition: Callable[[], bool], what: str) -> float:
    """Poll every 50 ms until the condition holds; returns the time it took, fails after the deadline."""
    started = time.perf_counter()
    while True:
        if condition():
            return time.perf_counter() - started
        if time.perf_counter() - started > seconds:
            pytest.fail(f"not within {seconds} s: {what}")
        time.sleep(0.05)


@dataclass
class PreviewSite:
    base: str
    out: Path
    stderr: Path

    def get(self, path: str) -> tuple[int | None, str]:
        return fetch(self.base + path)


@contextmanager
def preview(root: Path) -> Iterator[PreviewSite]:
    """`build.py serve` on a free port, writing into <tmp>/preview; stopped at the end, no traceback allowed."""
    port = free_port()
    log = root.parent / "serve.stderr"
    with log.open("w", encoding="utf-8") as stderr:
        server = subprocess.Popen(
            [sys.executable, BUILD_PY, "serve", "--port", str(port), "--config", str(root / "site_config.yaml"),
             "--out", str(root.parent / "preview"), "--cache", str(root.parent / "cache"), "--lang", "en"],
            cwd=root, stdout=subprocess.DEVNULL, stderr=stderr, stdin=subprocess.DEVNULL)
        try:
            site = PreviewSite(f"http://127.0.0.1:{port}/", root.parent / "preview", log)
            started = time.perf_counter()
            while site.get("nl/")[0] != 200:
                assert server.poll() is None, f"serve stopped:\n{log.read_text(encoding='utf-8')}"
                assert time.perf_counter() - started < 60, "serve did not answer /nl/ within 60 s"
                time.sleep(0.1)
            time.sleep(0.5)  # the file watcher starts beside the server
            yield site
            time.sleep(0.2)  # let the last change's log reach the file
            assert "Traceback" not in log.read_text(encoding="utf-8"), log.read_text(encoding="utf-8")
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def two_zones(make_site) -> Path:
    """Zones alfa and tweede: renaming tweede to derde keeps their order, so only the folder name changes."""
    return make_site({
        "content/alfa/zone.yaml": ZONE_YAML, "content/alfa/test.nl.md": DOCUMENT, "content/alfa/test.fr.md": translation_of(DOCUMENT),
        "content/tweede/zone.yaml": "name: {nl: Tweede zone, fr: Deuxième zone}\n",
        "content/tweede/plan.nl.md": DOCUMENT.replace("Testdocument", "Plan van de tweede zone"),
    })


def zone_folders_linked(html: str) -> set[str]:
    """The zone folders among the relative links of a page: 'tweede/', 'tweede/plan/', '../tweede/'."""
    return {segment for href in re.findall(r'href="([^"#:]*)', html) for segment in href.split("/") if segment}


@pytest.mark.serve
def test_preview_follows_a_renamed_zone_folder(make_site, record_property):
    """Renamed content/tweede to content/derde: home and themes link to derde, tweede is a 404, derde answers."""
    root = two_zones(make_site)
    with preview(root) as site:
        assert "tweede" in zone_folders_linked(site.get("nl/")[1])
        os.rename(root / "content/tweede", root / "content/derde")

        def renamed() -> bool:
            home, themes = site.get("nl/")[1], site.get("nl/themas/")[1]
            return ("derde" in zone_folders_linked(home) and "tweede" not in zone_folders_linked(home)
                    and "tweede" not in zone_folders_linked(themes)
                    and site.get("nl/tweede/")[0] == 404 and site.get("nl/tweede/plan/")[0] == 404
                    and site.get("nl/derde/")[0] == 200 and site.get("nl/derde/plan/")[0] == 200)

        seconds = within(DEADLINE, renamed, "the preview shows the renamed zone")
        record_property("rename_seconds", round(seconds, 3))


def replace_config(root: Path, old: str, new: str) -> None:
    """Write a new site_config.yaml beside the old and rename it over it, as `sed -i` and `git checkout` do."""
    config = root / "site_config.yaml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    temporary = root / ".site_config.yaml.new"
    temporary.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.replace(temporary, config)


@pytest.mark.serve
def test_preview_sees_a_config_replaced_twice(make_site, record_property):
    """site_config.yaml replaced by a new file, twice: the home shows each new title."""
    root = two_zones(make_site)
    title = yaml.safe_load((root / "site_config.yaml").read_text(encoding="utf-8"))["title"]["nl"]
    with preview(root) as site:
        assert title in site.get("nl/")[1]
        for number, new in enumerate(("Eerste nieuwe sitetitel", "Tweede nieuwe sitetitel")):
            replace_config(root, title, new)
            seconds = within(DEADLINE, lambda: new in site.get("nl/")[1], f"replacement {number + 1} of the config is seen")
            record_property(f"config_replacement_{number + 1}_seconds", round(seconds, 3))
            title = new


@pytest.mark.serve
def test_preview_sees_an_edited_interface_string(make_site):
    """The preview reads its configuration again only when one of its files changed: an interface string is one."""
    root = two_zones(make_site)
    strings = root / "locales/nl.yaml"
    with preview(root) as site:
        assert "Nieuwe naam voor de startpagina" not in site.get("nl/")[1]
        text = strings.read_text(encoding="utf-8")
        label = yaml.safe_load(text)["nav_home"]
        strings.write_text(text.replace(f"nav_home: {label}", "nav_home: Nieuwe naam voor de startpagina"), encoding="utf-8")
        within(DEADLINE, lambda: "Nieuwe naam voor de startpagina" in site.get("nl/")[1], "the edited string is seen")


@pytest.mark.serve
def test_preview_drops_a_deleted_document(make_site, record_property):
    """Deleting a document's files makes its pages 404 in the preview."""
    root = two_zones(make_site)
    with preview(root) as site:
        assert site.get("nl/alfa/test/")[0] == 200
        (root / "content/alfa/test.nl.md").unlink()
        (root / "content/alfa/test.fr.md").unlink()
        seconds = within(DEADLINE, lambda: site.get("nl/alfa/test/")[0] == 404 and site.get("fr/alfa/test/")[0] == 404,
                         "the deleted document's pages are gone")
        record_property("delete_seconds", round(seconds, 3))


@pytest.mark.serve
def test_preview_serves_the_feeds_and_the_sitemap(make_site, record_property):
    """/nl/feed.xml, /fr/feed.xml and /sitemap.xml answer 200 in the preview."""
    root = two_zones(make_site)
    with preview(root) as site:
        seconds = within(DEADLINE, lambda: all(site.get(path)[0] == 200 for path in ("nl/feed.xml", "fr/feed.xml", "sitemap.xml")),
                         "feeds and sitemap answer")
        record_property("feeds_seconds", round(seconds, 3))


@pytest.mark.serve
def test_preview_shows_a_draft_with_a_band(make_site, record_property):
    """The preview shows a draft document, marked "ontwerp — niet gepubliceerd"."""
    root = with_drafts(make_site({"content/testzone/zone.yaml": ZONE_YAML, "content/testzone/geheimplan.nl.md": DRAFT,
                                  TEST_DOC: DOCUMENT, "content/testzone/test.fr.md": translation_of(DOCUMENT)}))
    with preview(root) as site:
        def shown() -> bool:
            status, page = site.get("nl/testzone/geheimplan/")
            return status == 200 and "Verborgen ontwerptekst" in page and "ontwerp — niet gepubliceerd" in page.lower()

        record_property("draft_seconds", round(within(DEADLINE, shown, "the draft with its band"), 3))


@pytest.mark.serve
def test_preview_problems_file_lists_what_check_prints(make_site):
    """_preview/problems.json of the preview holds the same warning lines as `check` prints."""
    document = DOCUMENT + TOTAL_TABLE
    root = one_document(make_site, document, translation_of(document))
    check = run(root, "check")
    warnings = [p.text for p in problems(check.stderr, "warning")]
    assert check.returncode == 1 and warnings, check.stderr
    report = root.parent / "preview/_preview/problems.json"
    with preview(root):
        def written() -> bool:
            try:
                return sorted(json.loads(report.read_text(encoding="utf-8"))["warnings"]) == sorted(warnings)
            except (OSError, ValueError, KeyError, TypeError):
                return False

        within(DEADLINE, written, f"{report.name} lists {warnings}")
        data = json.loads(report.read_text(encoding="utf-8"))
        assert data["errors"] == [] and isinstance(data["notes"], list)


def test_a_document_is_known_by_its_real_path_its_folder_resolved_once_per_read(tmp_path, monkeypatch):
    """The model keeps each file's real path: a linked folder or file is followed, as Path.resolve does, with each
    folder resolved once in a read, and again in the next (it may have become a link meanwhile)."""
    from zonesite.config import load_config

    real = tmp_path / "real"
    real.mkdir()
    for name in ("a.nl.md", "a.fr.md", "target.md"):
        (real / name).write_text("x", encoding="utf-8")
    (real / "b.nl.md").symlink_to(real / "target.md")
    (tmp_path / "linked").symlink_to(real)
    resolve, resolved = Path.resolve, []
    monkeypatch.setattr(Path, "resolve", lambda self, *args: resolved.append(self.name) or resolve(self, *args))
    reader._REAL_FOLDERS.clear()
    paths = [tmp_path / "linked/a.nl.md", tmp_path / "linked/a.fr.md", tmp_path / "linked/b.nl.md", real / "a.nl.md"]
    assert [reader._resolved(path) for path in paths] == [resolve(path) for path in paths]
    assert reader._resolved(paths[-1]) is paths[-1]
    assert resolved == ["linked", "b.nl.md", "real"]
    (tmp_path / "content").mkdir()
    reader.read_site(load_config(PROJECT / "site_config.yaml"), tmp_path / "content", Cache(tmp_path / "cache"))
    assert str(tmp_path / "linked") not in map(str, reader._REAL_FOLDERS)
