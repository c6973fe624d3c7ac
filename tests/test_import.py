"""`import`: Word documents made here (python-docx, pandoc) become draft Markdown documents, every sentence kept."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from PIL import Image

from tests.conftest import ZONE_YAML
from tests.test_cli_errors import run
from zonesite.commands import word_markdown
from zonesite.commands.fidelity import fidelity, sentences, shown_text
from zonesite.source.markdown import render_markdown

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = sorted((PROJECT / "tests" / "seeds").glob("*.txt"))


def pandoc(*args: str) -> None:
    if not shutil.which("pandoc"):
        if os.environ.get("CI") == "true":
            pytest.fail("pandoc is not installed; `make test` installs it")
        pytest.skip("pandoc is not installed; `make test` installs it")
    subprocess.run(["pandoc", *args], check=True, capture_output=True)


def picture(path: Path) -> Path:
    Image.new("RGB", (40, 20), "navy").save(path)
    return path


def body_of(document: Path) -> str:
    return document.read_text(encoding="utf-8").split("\n---\n", 1)[1]


def imported(root: Path, name: str) -> Path:
    return root / "content" / "testzone" / f"{name}.nl.md"


def toc_field_entry(paragraph, title: str, page: str) -> None:
    """A table of contents field as Word writes it: its result is an entry linked to a _Toc bookmark."""
    w = nsdecls("w")
    for xml in (f'<w:r {w}><w:fldChar w:fldCharType="begin"/></w:r>',
                f'<w:r {w}><w:instrText xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u </w:instrText></w:r>',
                f'<w:r {w}><w:fldChar w:fldCharType="separate"/></w:r>',
                f'<w:hyperlink {w} w:anchor="_Toc1"><w:r><w:t>{title}</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>{page}</w:t></w:r></w:hyperlink>',
                f'<w:r {w}><w:fldChar w:fldCharType="end"/></w:r>'):
        paragraph._p.append(parse_xml(xml))


def word_document(tmp_path: Path) -> Path:
    """A document as an office writes it: a title, headers and footers, a table of contents, lists, a table, a picture."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Politiezone Testzone - kopregel op elke pagina"
    section.footer.paragraphs[0].text = "Vertrouwelijk - voetregel op elke pagina"
    document.add_heading("Beleidsplan Testzone 2026", 0)
    document.add_paragraph("Inhoudsopgave", style="TOC Heading")
    toc = document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Inleiding\t2", style=toc)
    document.add_paragraph("Doelstellingen ........ 3")
    toc_field_entry(document.add_paragraph(), "Getypte opsommingen", "4")
    document.add_heading("Inleiding", 1)
    intro = document.add_paragraph("Dit plan is ")
    intro.add_run("bindend").bold = True
    intro.add_run(" voor het ")
    intro.add_run("hele korps").italic = True
    intro.add_run(". Het geldt vijf jaar.")
    document.add_paragraph("Beekveldstraat 29, 9300 Aalst")
    document.add_heading("Details", 4)  # levels skipped in Word
    document.add_paragraph("Eerste punt", style="List Bullet")
    document.add_paragraph("Onderdeel van het eerste punt", style="List Bullet 2")
    document.add_paragraph("Tweede punt", style="List Bullet")
    document.add_paragraph("Beekveldstraat 29, 9300 Aalst")
    document.add_paragraph("Stap een", style="List Number")
    document.add_paragraph("Stap twee", style="List Number")
    document.add_paragraph("Pagina 2 van 3")
    document.add_paragraph("Beekveldstraat 29, 9300 Aalst")
    document.add_heading("Achtergrond", 3)
    document.add_paragraph("Een alinea onder een kop van het tweede niveau.")
    document.add_heading("Getypte opsommingen", 1)
    document.add_paragraph("•\tMet de hand getypt punt")
    document.add_paragraph("o\tDaaronder een tweede niveau")
    document.add_paragraph("▪\tEn een derde niveau")
    document.add_paragraph("•\tTerug naar het eerste niveau")
    table = document.add_table(rows=3, cols=2)
    for row, cells in enumerate([("Dienst", "Personeel"), ("Interventie", "42"), ("Wijk | buurt", "17")]):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    document.add_picture(str(picture(tmp_path / "organigram.png")))
    path = tmp_path / "beleidsplan.docx"
    document.save(path)
    return path


def test_a_python_docx_document_keeps_its_structure_and_loses_its_furniture(make_site, tmp_path):
    root = make_site()
    result = run(root, "import", str(word_document(tmp_path)), "--zone", "testzone")
    assert result.returncode == 0, result.stdout + result.stderr
    path = imported(root, "beleidsplan-testzone-2026")
    text = path.read_text(encoding="utf-8")
    body = body_of(path)
    assert 'title: "Beleidsplan Testzone 2026"' in text and "type: beleidsplan" in text and "status: ontwerp" in text
    assert body.startswith("## Inleiding\n\nDit plan is **bindend** voor het *hele korps*. Het geldt vijf jaar.\n")
    headings = re.findall(r"^(#+) (.+)$", body, re.M)
    assert headings == [("##", "Inleiding"), ("###", "Details"), ("###", "Achtergrond"), ("##", "Getypte opsommingen")], \
        "a level Word skips is closed up, and a heading above it stays above it"
    assert "- Eerste punt\n  - Onderdeel van het eerste punt\n- Tweede punt\n" in body
    assert "1. Stap een\n2. Stap twee\n" in body
    assert ("- Met de hand getypt punt\n  - Daaronder een tweede niveau\n    - En een derde niveau\n"
            "- Terug naar het eerste niveau\n") in body
    assert "| Dienst | Personeel |\n| --- | --- |\n| Interventie | 42 |\n| Wijk \\| buurt | 17 |\n" in body
    assert "![Beschrijf deze afbeelding](beleidsplan-testzone-2026/afbeelding-1.png)" in body
    saved = root / "content/testzone/beleidsplan-testzone-2026/afbeelding-1.png"
    assert saved.read_bytes() == (tmp_path / "organigram.png").read_bytes()
    for furniture in ("kopregel", "voetregel", "Inhoudsopgave", "Inleiding 2", "........", "opsommingen 4", "Pagina 2 van 3"):
        assert furniture not in body
    assert body.count("Beekveldstraat 29") == 1, "a line repeated on every page is kept once"
    assert "faithful to the original: 23 of 23 sentences" in result.stdout and "(100.0%)" in result.stdout
    assert "table of contents: 4" in result.stdout and "page number: 1" in result.stdout
    assert "repeated header or footer: 2" in result.stdout and "afbeelding-1.png: Word gives no description" in result.stdout
    check = run(root, "check")
    assert "error" not in check.stderr.replace("0 error(s)", ""), check.stderr
    path.write_text(text.replace("status: ontwerp", "status: vastgesteld"), encoding="utf-8")
    lines = text.splitlines()
    check = run(root, "check")  # once it is said to be ready, check points at every field still to fill in
    assert check.returncode == 2
    for field in ("author:", "summary:", "  - {id: doel-1"):
        line = next(number for number, line in enumerate(lines, start=1) if line.startswith(field))
        assert f"beleidsplan-testzone-2026.nl.md:{line}: " in check.stderr, (field, check.stderr)
    picture = next(number for number, line in enumerate(lines, start=1) if line.startswith("![Beschrijf deze afbeelding]"))
    assert f"beleidsplan-testzone-2026.nl.md:{picture}: an image still has the placeholder description" in check.stderr


def test_a_pandoc_document_keeps_footnotes_links_nested_lists_and_tables(make_site, tmp_path):
    source = tmp_path / "verslag.md"
    source.write_text(
        "# Verslag van de vergadering\n\n"
        "Aanwezig waren **alle leden** en *de voorzitter*[^1]. Zie [de website](https://www.example.be/a_b).\n\n"
        "1. Opening\n    - Welkom door de voorzitter\n        1. Eerste mededeling\n2. Varia\n\n"
        "## Cijfers\n\n| Jaar | Aantal |\n|---|---|\n| 2024 | 10 |\n| 2025 | 12 |\n\n"
        "![Kaart van de zone](kaart.png)\n\n"
        "Een zin met een *ster in de tekst.\n\n"
        "[^1]: Zij kwam later aan. Ze had een tweede zin.\n",
        encoding="utf-8")
    picture(tmp_path / "kaart.png")
    docx_path = tmp_path / "verslag.docx"
    pandoc(str(source), "--toc", "--resource-path", str(tmp_path), "-o", str(docx_path))
    root = make_site()
    result = run(root, "import", str(docx_path), "--zone", "testzone", "--slug", "verslag-2025")
    assert result.returncode == 0, result.stdout + result.stderr
    body = body_of(imported(root, "verslag-2025"))
    assert "Table of Contents" not in body and "table of contents: 1" in result.stdout
    assert body.startswith("## Verslag van de vergadering\n\n")
    assert ("Aanwezig waren **alle leden** en *de voorzitter*[^1]. "
            "Zie [de website](https://www.example.be/a_b).") in body
    assert "1. Opening\n   - Welkom door de voorzitter\n     1. Eerste mededeling\n2. Varia\n" in body
    assert "### Cijfers\n\n| Jaar | Aantal |\n| --- | --- |\n| 2024 | 10 |\n| 2025 | 12 |\n" in body
    assert "![Kaart van de zone](verslag-2025/afbeelding-1.png)" in body
    assert "Een zin met een \\*ster in de tekst." in body
    assert body.rstrip().endswith("[^1]: Zij kwam later aan. Ze had een tweede zin.")
    assert "Ze had een tweede zin." in render_markdown(body).html
    assert re.search(r"faithful to the original: (\d+) of \1 sentences", result.stdout)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.stem)
def test_each_source_text_as_word_document_is_imported_word_for_word(make_site, tmp_path, seed):
    """The shipped source texts, made into Word documents: every sentence found, no furniture left."""
    docx_path = tmp_path / f"{seed.stem}.docx"
    pandoc("-f", "markdown-smart", str(seed), "-o", str(docx_path))
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML})
    result = run(root, "import", str(docx_path), "--zone", "testzone", "--slug", "geimporteerd")
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    found, total = map(int, re.search(r"(\d+) of (\d+) sentences", result.stdout).groups())
    assert found == total > 100
    body = body_of(imported(root, "geimporteerd"))
    assert not re.search(r"\.{5,}|…\.+", body), "dot leaders of a printed table of contents"
    assert not re.search(r"^\s*([-*]|\d+\.)\s+[▪•o▶]\s", body, re.M), "a typed bullet left inside a list item"
    assert "▪" not in body
    headings = re.findall(r"^#+ (.+)$", body, re.M)
    assert not {h for h in headings if headings.count(h) > 1}, "a heading repeated on every page"
    shown = shown_text(body)
    unplaced = [sentence for sentence in sentences(word_text(docx_path)) if sentence not in shown]
    assert not unplaced, f"sentences another reader (python-docx) finds in the Word document: {unplaced[:3]}"
    check = run(root, "check")
    assert "error" not in check.stderr.replace("0 error(s)", ""), check.stderr


def word_text(path: Path) -> list[str]:
    """The paragraphs of the body and its tables as python-docx reads them, typed bullets and tables of contents left out."""
    document = docx.Document(str(path))
    cells = [p for table in document.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    texts = [re.sub(r"^\s*([o✓✔◦–-])\s|[▪•●■➢►▶]", " ", p.text) for p in [*document.paragraphs, *cells]]
    return [text for text in texts if not re.search(r"[.…]{4,}\s*\d+\s*$", text) and text.strip() not in ("Inhoud", "Inhoudsopgave")]


def test_a_sentence_the_markdown_lost_is_reported_with_exit_1(make_site, tmp_path, monkeypatch):
    """Break the writer on purpose: a table it drops must show up as missing sentences."""
    docx_path = word_document(tmp_path)
    root = make_site()
    monkeypatch.setattr(word_markdown.MarkdownWriter, "table", lambda self, element: "")
    from zonesite.cli import main

    code = main(["import", str(docx_path), "--zone", "testzone", "--config", str(root / "site_config.yaml")])
    assert code == 1
    assert fidelity(["Eerste zin. Tweede zin."], "Eerste zin.\n").missing == ["Tweede zin."]


def test_the_report_lists_what_it_could_not_place(capsys, make_site, tmp_path, monkeypatch):
    docx_path = word_document(tmp_path)
    root = make_site()
    monkeypatch.setattr(word_markdown.MarkdownWriter, "table", lambda self, element: "")
    from zonesite.cli import main

    main(["import", str(docx_path), "--zone", "testzone", "--config", str(root / "site_config.yaml")])
    out = capsys.readouterr().out
    assert "17 van 23 zinnen" in out and "niet teruggevonden" in out and "  - Wijk | buurt" in out


def test_import_refuses_to_overwrite_and_explains_bad_input(make_site, tmp_path):
    root = make_site()
    docx_path = word_document(tmp_path)
    assert run(root, "import", str(docx_path), "--zone", "testzone").returncode == 0
    path = imported(root, "beleidsplan-testzone-2026")
    path.write_text(path.read_text(encoding="utf-8") + "\nMijn aanvulling.\n", encoding="utf-8")
    again = run(root, "import", str(docx_path), "--zone", "testzone")
    assert again.returncode == 2 and "already exists and is not overwritten" in again.stderr
    assert "Mijn aanvulling." in path.read_text(encoding="utf-8")
    not_word = tmp_path / "notities.docx"
    not_word.write_text("gewone tekst", encoding="utf-8")
    broken = tmp_path / "kapot.docx"
    with zipfile.ZipFile(docx_path) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            target.writestr(item, b"<w:document" if item.filename == "word/document.xml" else source.read(item))
    for args, message in [((str(not_word), "--zone", "testzone"), "notities.docx is not a readable Word document"),
                          ((str(broken), "--zone", "testzone"), "kapot.docx is not a readable Word document"),
                          ((str(tmp_path / "weg.docx"), "--zone", "testzone"), "weg.docx does not exist"),
                          ((str(docx_path), "--zone", "mechelen"), "zone 'mechelen' does not exist"),
                          ((str(docx_path), "--zone", "testzone/../testzone"), "zone 'testzone/../testzone' does not exist"),
                          ((str(docx_path), "--zone", "testzone", "--slug", "../elders"), "'../elders' cannot be a file name")]:
        result = run(root, "import", *args)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr, result.stderr
