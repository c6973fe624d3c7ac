"""The editor's loop: live preview rebuilding only what a change affects, scaffolding, incremental builds."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import DOCUMENT, ZONE_YAML, translation_of
from tests.test_cli_errors import run
from zonesite.commands.serve import Preview

PROJECT = Path(__file__).resolve().parent.parent
OTHER = DOCUMENT.replace("Testdocument", "Ander document")


def two_zones(make_site) -> Path:
    return make_site({
        "content/testzone/zone.yaml": ZONE_YAML,
        "content/testzone/test.nl.md": DOCUMENT, "content/testzone/test.fr.md": translation_of(DOCUMENT),
        "content/testzone/ander.nl.md": OTHER, "content/testzone/ander.fr.md": translation_of(OTHER),
        "content/tweede/zone.yaml": "name: {nl: Tweede, fr: Deuxième}\n",
        "content/tweede/derde.nl.md": DOCUMENT.replace("Testdocument", "Derde document"),
    })


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a save in the same instant still counts


def test_preview_rerenders_only_what_an_edit_affects(make_site, tmp_path):
    root = two_zones(make_site)
    preview = Preview(root / "site_config.yaml", None, tmp_path / "preview")
    first = preview.refresh()[0]
    assert "nl/testzone/test/index.html" in first and len(first) > 20
    assert preview.refresh()[0] == []  # nothing changed, nothing written

    # A change in the body: only that document's pages, in each language (the French shows it may be outdated).
    edit(root / "content/testzone/test.nl.md", "Een zin in het eerste", "Een andere zin in het eerste")
    written = {path for path in preview.refresh()[0] if path.endswith(".html")}
    assert written == {"nl/testzone/test/index.html", "fr/testzone/test/index.html"}
    assert "Een andere zin" in (tmp_path / "preview/nl/testzone/test/index.html").read_text(encoding="utf-8")

    # A new title: also the pages that list the document (its zone, home, themes), not the other zone's.
    edit(root / "content/testzone/test.nl.md", "title: Testdocument", "title: Nieuwe titel")
    written = set(preview.refresh()[0])
    assert {"nl/testzone/test/index.html", "nl/testzone/index.html", "nl/index.html", "nl/themas/index.html"} <= written
    assert not any(path.startswith(("nl/tweede/", "fr/tweede/")) for path in written)
    assert "nl/testzone/ander/index.html" not in written


def test_preview_shows_a_content_error_and_keeps_the_last_good_pages(make_site, tmp_path):
    root = two_zones(make_site)
    preview = Preview(root / "site_config.yaml", None, tmp_path / "preview")
    preview.refresh()
    page = tmp_path / "preview/nl/testzone/test/index.html"
    good = page.read_text(encoding="utf-8")
    assert re.search(r"assets/preview\.[0-9a-f]{10}\.js", good)  # the script that shows errors on the page
    edit(root / "content/testzone/test.nl.md", "themes: [drugs]\nobjectives", "themes: [drugs\nobjectives")
    assert preview.refresh()[0] == []
    report = json.loads((tmp_path / "preview/_preview/problems.json").read_text(encoding="utf-8"))
    # In the editor's language (Dutch by default), at the line of the bracket that is not closed.
    assert report["errors"] and "test.nl.md:8: " in report["errors"][0] and "wordt nergens gesloten" in report["errors"][0]
    assert page.read_text(encoding="utf-8") == good
    edit(root / "content/testzone/test.nl.md", "themes: [drugs\nobjectives", "themes: [drugs]\nobjectives")
    preview.refresh()
    assert json.loads((tmp_path / "preview/_preview/problems.json").read_text(encoding="utf-8"))["errors"] == []


def test_serve_survives_a_broken_file_and_reloads(make_site):
    root = two_zones(make_site)
    with socket.socket() as probe:  # a port nobody uses
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, str(PROJECT / "build.py"), "serve", "--port", str(port),
                               "--config", str(root / "site_config.yaml")], cwd=root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}/"

        def get(path: str) -> str:
            for _ in range(100):
                try:
                    return urllib.request.urlopen(base + path, timeout=2).read().decode("utf-8")
                except OSError:
                    time.sleep(0.1)
            raise AssertionError(f"serve did not answer {path}")

        assert "Een zin in het eerste" in get("nl/testzone/test/")
        source = root / "content/testzone/test.nl.md"
        source.write_text("---\ntitle: [\n", encoding="utf-8")
        for _ in range(50):
            if json.loads(get("_preview/problems.json"))["errors"]:
                break
            time.sleep(0.1)
        assert "test.nl.md" in json.loads(get("_preview/problems.json"))["errors"][0]
        assert server.poll() is None, "the server stopped on a content error"
        source.write_text(DOCUMENT.replace("Een zin", "Weer een zin"), encoding="utf-8")
        for _ in range(50):
            if "Weer een zin" in get("nl/testzone/test/"):
                break
            time.sleep(0.1)
        assert "Weer een zin" in get("nl/testzone/test/")
        assert json.loads(get("_preview/problems.json"))["errors"] == []
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_new_writes_a_document_check_accepts_and_never_overwrites(make_site):
    root = make_site()
    args = ["new", "--zone", "testzone", "--type", "opdrachtbrief", "--title", "Opdrachtbrief 2026-2030",
            "--start", "2026-01-01", "--end", "2030-12-31"]
    result = run(root, *args)
    assert result.returncode == 0, result.stderr
    created = root / "content/testzone/opdrachtbrief-2026-2030.nl.md"
    assert created.is_file()
    check = run(root, "check")
    assert check.returncode in (0, 1) and "error" not in check.stderr.replace("0 error(s)", ""), check.stderr
    created.write_text(created.read_text(encoding="utf-8") + "\nMijn tekst.\n", encoding="utf-8")
    again = run(root, *args)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert "Mijn tekst." in created.read_text(encoding="utf-8")


def test_new_zone_and_missing_options_without_a_terminal(make_site):
    root = make_site()
    assert run(root, "new", "zone", "mechelen", "--names", "nl=Mechelen,fr=Malines").returncode == 0
    assert "Malines" in (root / "content/mechelen/zone.yaml").read_text(encoding="utf-8")
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "new", "--config", str(root / "site_config.yaml"), "--lang", "en"],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and "missing zone" in result.stderr and "Traceback" not in result.stderr


def test_second_build_renders_nothing_and_one_edit_renders_one_document(make_site):
    root = two_zones(make_site)
    first = run(root, "build", "--no-search", "-v")
    assert first.returncode == 0
    second = run(root, "build", "--no-search", "-v")
    assert "written " not in second.stdout  # -v lists every file written: none
    assert "(0 rendered" in second.stdout and "PDFs (0 rendered" in second.stdout
    edit(root / "content/testzone/ander.nl.md", "Een zin", "Een nieuwe zin")
    third = run(root, "build", "--no-search", "-v")
    rendered = sorted(line.split()[1] for line in third.stdout.splitlines() if line.startswith("written ") and line.endswith(".html"))
    # Its pages in each language, and the pages listing the PDFs' checksums, which changed with it.
    assert rendered == ["fr/testzone/ander/index.html", "fr/verification/index.html",
                        "nl/testzone/ander/index.html", "nl/verificatie/index.html"]
    assert "PDFs (2 rendered" in third.stdout
    # The swap left nothing half-made behind: only the site it replaced, whole, which the next build starts from.
    assert [path.name for path in root.glob("._site.*")] == ["._site.previous"]


def test_a_build_with_nothing_changed_leaves_the_site_untouched(make_site):
    root = make_site()
    assert run(root, "build").returncode == 0
    site = root / "_site"
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*")}
    inode = site.stat().st_ino
    again = run(root, "build")
    assert "(0 rendered" in again.stdout and "PDFs (0 rendered" in again.stdout and "indexed for search" in again.stdout
    assert site.stat().st_ino == inode and {p: p.stat().st_mtime_ns for p in site.rglob("*")} == before
    page = site / "nl/testzone/test/index.html"
    made = page.read_bytes()
    page.unlink()  # a page lost from the output is noticed, and the site is whole again (from the kept site)
    assert run(root, "build").returncode == 0
    assert page.read_bytes() == made
