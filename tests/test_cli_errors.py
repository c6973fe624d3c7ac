"""Bad input: one clear line naming the file (and line), exit code 2, no traceback, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DOCUMENT, ZONE_YAML

PROJECT = Path(__file__).resolve().parent.parent


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    """English messages (--lang en): these tests check what is said; tests/test_messages.py checks Dutch and French."""
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *args, "--config", str(root / "site_config.yaml"), "--lang", "en"],
                          capture_output=True, text=True, cwd=root)


def site_with(make_site, document: str | bytes, name: str = "test.nl.md") -> Path:
    return make_site({"content/testzone/zone.yaml": ZONE_YAML, f"content/testzone/{name}": document})


BAD_DOCUMENTS = {
    "yaml syntax": (DOCUMENT.replace("themes: [drugs]\nobjectives", "themes: [drugs\nobjectives"), "8: the bracket opened on this line is never closed"),
    "missing front matter": ("## Alleen tekst\n", "missing front matter"),
    "invalid utf-8": (DOCUMENT.encode("utf-8").replace(b"Een zin", b"Een \xff zin"), "not valid UTF-8"),
    "wrong type": (DOCUMENT.replace("title: Testdocument", "title: [a, b]"), "'title' must be text"),
    "unknown theme": (DOCUMENT.replace("themes: [drugs]\nobjectives", "themes: [sport]\nobjectives"), "unknown value 'sport'"),
    "unknown key": (DOCUMENT.replace("author:", "auteur: x\nauthor:"), "unknown key 'auteur'"),
    "impossible date": (DOCUMENT.replace("2021-01-01", "2021-02-30"), "is not a date that exists"),
    "missing required": (DOCUMENT.replace("summary: Een document om te testen.\n", ""), "missing required key 'summary'"),
    "unknown type": (DOCUMENT.replace("type: opdrachtbrief", "type: brief"), "unknown value 'brief'"),
    "yaml alias": (DOCUMENT.replace("themes: [drugs]\nobjectives", "themes: &t [drugs]\nx: *t\nobjectives"), "aliases"),
}


@pytest.mark.parametrize("case", sorted(BAD_DOCUMENTS))
def test_bad_document_is_named_with_its_line(make_site, case):
    document, expected = BAD_DOCUMENTS[case]
    root = site_with(make_site, document)
    for command in (["build"], ["check"]):
        result = run(root, *command)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert expected in result.stderr
        first = result.stderr.splitlines()[0]
        assert first.startswith(str(Path("content/testzone/test.nl.md"))) or "content/testzone/test.nl.md:" in first
        assert ":" in first.split("test.nl.md", 1)[1][:6], "the message carries a line number"
    assert not (root / "_site").exists(), "nothing is written on error"


def test_error_line_points_at_the_field(make_site):
    root = site_with(make_site, DOCUMENT.replace("title: Testdocument", "title: [a, b]"))
    assert "test.nl.md:2:" in run(root, "check").stderr


def test_bom_and_crlf_are_accepted(make_site):
    root = site_with(make_site, b"\xef\xbb\xbf" + DOCUMENT.replace("\n", "\r\n").encode("utf-8"))
    result = run(root, "build")
    assert result.returncode == 0, result.stderr
    assert "Een zin in het eerste hoofdstuk." in (root / "_site/nl/testzone/test/index.html").read_text(encoding="utf-8")


def test_symlink_out_of_content_is_refused(make_site, tmp_path):
    outside = tmp_path / "secret.nl.md"
    outside.write_text(DOCUMENT, encoding="utf-8")
    root = make_site()
    os.symlink(outside, root / "content/testzone/secret.nl.md")
    result = run(root, "build")
    assert result.returncode == 2
    assert "secret.nl.md" in result.stderr and "outside the content folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_translation_without_source(make_site):
    root = site_with(make_site, DOCUMENT.replace("summary:", "source_hash: abc\nsummary:"), name="test.fr.md")
    result = run(root, "check")
    assert result.returncode == 2
    assert "test.fr.md:1: translation without its source" in result.stderr


def test_failed_build_keeps_previous_site(make_site):
    root = make_site()
    assert run(root, "build").returncode == 0
    page = root / "_site/nl/testzone/test/index.html"
    before = page.read_text(encoding="utf-8")
    (root / "content/testzone/test.nl.md").write_text("broken", encoding="utf-8")
    assert run(root, "build").returncode == 2
    assert page.read_text(encoding="utf-8") == before
    assert not list(root.glob("._site.building-*"))


def test_missing_config_is_a_clear_error(tmp_path):
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "--config", str(tmp_path / "nope.yaml"), "--lang", "en"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "nope.yaml: configuration file not found" in result.stderr


def test_a_catalogue_that_cannot_be_read_is_one_error_not_one_per_string(make_site):
    """One typo in locales/fr.yaml: the editor sees that line, not also every string of the catalogue as missing. A
    string missing from a catalogue that can be read is still named."""
    root = make_site()
    catalogue = root / "locales/fr.yaml"
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(text + "kapot: [\n", encoding="utf-8")
    result = run(root, "check")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if "fr.yaml" in line]
    assert len(lines) == 1 and "fr.yaml:" in lines[0] and "never closed" in lines[0], result.stderr
    first_key = next(line.split(":")[0] for line in text.splitlines() if line and not line.startswith(("#", " ")))
    catalogue.write_text("\n".join(line for line in text.splitlines() if not line.startswith(f"{first_key}:")) + "\n",
                         encoding="utf-8")
    result = run(root, "check")
    assert result.returncode == 2 and f"'{first_key}'" in result.stderr and "fr.yaml" in result.stderr, result.stderr


def test_a_locale_babel_does_not_know_is_named_with_its_file_and_line(make_site):
    root = make_site()
    catalogue = root / "locales/fr.yaml"
    lines = catalogue.read_text(encoding="utf-8").splitlines()
    number = next(index for index, line in enumerate(lines, 1) if line.startswith("locale:"))
    lines[number - 1] = "locale: fr_XX_oops"
    catalogue.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(root, "check")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert f"fr.yaml:{number}: unknown locale 'fr_XX_oops'" in result.stderr, result.stderr


COMMAND_LINES = (["build", "--no-pdf", "-q", "--out", "x"], ["check", "--lang", "fr"], ["serve", "--port", "8001"],
                 ["new", "zone", "mechelen", "--names", "nl=M"], ["new", "--start", "2026-01-01", "--zone", "gent"],
                 ["translate", "a.nl.md", "--to", "fr"], ["translations", "--stamp", "a.fr.md"], ["import", "a.docx", "--zone", "gent"],
                 ["verify", "a.pdf", "--site", "s"], ["publish", "d", "--rollback"],
                 ["build", "--port", "1"], ["check", "extra"], ["new", "--start", "31-01-2026"], ["import", "a.docx"],
                 ["serve", "--port", "acht"], ["build", "-x"])


@pytest.mark.parametrize("argv", COMMAND_LINES, ids=" ".join)
def test_the_parser_of_the_named_command_alone_reads_a_command_line_as_the_whole_parser_does(argv, capsys):
    """A command line that names its command is parsed by that command's parser alone (the other eight cost time):
    the same arguments, or the same mistake, said the same way with the same exit code."""
    from zonesite import cli

    def parsed(command: str | None) -> tuple:
        try:
            return ("args", vars(cli._parser("en", command).parse_args(argv)))
        except SystemExit as stop:
            return ("exit", stop.code, capsys.readouterr().err)

    assert parsed(argv[0]) == parsed(None)


def test_the_command_line_builds_the_parser_of_its_command_only_when_it_asks_for_no_help(monkeypatch):
    from zonesite import cli

    asked: list = []
    real = cli._parser
    monkeypatch.setattr(cli, "_parser", lambda lang, command=None: asked.append(command) or real(lang, command))
    monkeypatch.setattr(cli, "_run", lambda args, lang: 0)
    for argv in (["build", "-q"], ["-q"], ["check", "--help"], ["--help"], ["bogus"]):
        try:
            cli.main(argv)
        except SystemExit:
            pass
    assert asked == ["build", "build", None, None, None]
