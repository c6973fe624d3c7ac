"""The official PDF copies, read by real PDF readers: pikepdf and poppler's pdfinfo, pdffonts, pdftotext."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from tests.conftest import DOCUMENT, ZONE_YAML, translation_of
from tests.test_cli_errors import run
from zonesite.source.markdown import render_markdown
from zonesite.source.text import read_text, split_front_matter

PROJECT = Path(__file__).resolve().parent.parent


def poppler(tool: str, *args: str) -> str:
    if not shutil.which(tool):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} is not installed; `make test` installs poppler-utils")
        pytest.skip(f"{tool} is not installed; `make test` installs poppler-utils")
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


def real_pdfs(site: Path) -> list[Path]:
    return sorted(site.glob("*/*/*/*.pdf"))


def source_of(pdf: Path) -> Path:
    """content/<zone>/<doc>.<lang>.md for a PDF; the Dutch file when there is no translation."""
    zone, name = pdf.parent.parent.name, pdf.name.removesuffix(".pdf")
    path = PROJECT / "content" / zone / f"{name}.md"
    return path if path.exists() else path.with_name(name.rsplit(".", 1)[0] + ".nl.md")


def outline_titles(pdf: pikepdf.Pdf) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            titles.append(item.title)
            walk(item.children)

    with pdf.open_outline() as outline:
        walk(outline.root)
    return titles


def test_every_document_has_a_pdf_per_language(real_site, real_config):
    pdfs = real_pdfs(real_site)
    documents = list((PROJECT / "content").glob("*/*.nl.md"))
    assert len(pdfs) == len(documents) * len(real_config.languages)


@pytest.fixture(scope="module")
def pdf_facts(real_site):
    return {pdf: pikepdf.open(pdf) for pdf in real_pdfs(real_site)}


def test_tagged_with_language_title_and_outline(pdf_facts):
    for path, pdf in pdf_facts.items():
        lang = path.name.split(".")[-2]
        assert pdf.Root.MarkInfo.Marked, path.name
        assert "/StructTreeRoot" in pdf.Root, path.name
        assert str(pdf.Root.Lang) == lang, path.name
        body = split_front_matter(read_text(source_of(path)))[1]
        headings = [heading.text for heading in render_markdown(body).headings]
        with pdf.open_metadata() as meta:
            assert meta.get("dc:title"), path.name
        assert outline_titles(pdf) == headings, path.name


def test_fonts_are_embedded_and_are_the_bundled_font(real_site):
    for path in real_pdfs(real_site):
        rows = poppler("pdffonts", str(path)).splitlines()[2:]
        assert rows, path.name
        for row in rows:
            assert "Atkinson-Hyperlegible" in row and " yes yes yes " in row, row


def test_metadata_and_page_count(real_site):
    for path in real_pdfs(real_site):
        info = poppler("pdfinfo", str(path))
        assert re.search(r"^Tagged:\s+yes", info, re.M)
        assert re.search(r"^Page size:\s+595.* x 841.* \(A4\)", info, re.M)
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
        size = path.stat().st_size
        assert 3 <= pages <= 60 and pages * 1500 < size, path.name
        assert re.search(r"^Title:\s+\S", info, re.M) and re.search(r"^Author:\s+\S", info, re.M)


def test_text_in_reading_order_and_toc_numbers_match_the_pages(real_site):
    path = real_site / "nl/gent/opdrachtbrief-2021-2025/opdrachtbrief-2021-2025.nl.pdf"
    text = " ".join(poppler("pdftotext", str(path), "-").split())
    first = text.find("Wet van 5 augustus 1992 op het politieambt.")
    later = text.find("Zonaal Veiligheidsplan voor Politiezone Gent 2020-2025.")
    assert 0 <= first < later
    pages = poppler("pdftotext", "-layout", str(path), "-").split("\f")
    toc = [(m.group(1).strip(" ."), int(m.group(2))) for m in re.finditer(r"^\s*(\S.*?)[ .]{3,}(\d+)\s*$", pages[1], re.M)]
    assert len(toc) >= 5
    for title, number in toc:
        words = " ".join(title.split()[:4])
        assert words in " ".join(pages[number - 1].split()), f"'{title}' is not on page {number}"


def test_french_pdf_says_it_is_a_translation_on_its_cover(real_site):
    path = real_site / "fr/gent/opdrachtbrief-2021-2025/opdrachtbrief-2021-2025.fr.pdf"
    cover = " ".join(poppler("pdftotext", "-f", "1", "-l", "1", str(path), "-").split())
    assert "Seul le texte néerlandais fait foi" in cover and "Officiële kopie" not in cover


def test_verification_page_lists_every_pdf_with_its_checksum(real_site):
    import hashlib

    page = (real_site / "nl/verificatie/index.html").read_text(encoding="utf-8")
    for path in real_pdfs(real_site):
        assert hashlib.sha256(path.read_bytes()).hexdigest() in page


def test_the_same_document_makes_the_same_pdf_byte_for_byte(make_site, tmp_path):
    """An official copy made again from the same source (a new machine, an emptied cache) is the same file, so its
    checksum in SHA256SUMS and on the verification page stays the same: the PDF's identifier comes from its content."""
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, "content/testzone/test.nl.md": DOCUMENT})
    copies = []
    for number in (1, 2):
        result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "--no-search", "-q", "--config",
                                 str(root / "site_config.yaml"), "--out", str(tmp_path / f"site{number}"),
                                 "--cache", str(tmp_path / f"cache{number}")], capture_output=True, text=True,
                                env={**os.environ, "ZONESITE_TODAY": "2026-06-30"})
        assert result.returncode == 0, result.stderr
        copies.append((tmp_path / f"site{number}/nl/testzone/test/test.nl.pdf").read_bytes())
    assert copies[0] == copies[1]
    with pikepdf.open(io.BytesIO(copies[0])) as pdf:
        assert len(bytes(pdf.trailer.ID[0])) == 16


def test_only_changed_documents_are_rendered_again(make_site):
    other = DOCUMENT.replace("Testdocument", "Ander document")
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML,
                      "content/testzone/test.nl.md": DOCUMENT, "content/testzone/test.fr.md": translation_of(DOCUMENT),
                      "content/testzone/ander.nl.md": other, "content/testzone/ander.fr.md": translation_of(other)})
    assert "4 PDFs (4 rendered, 0 unchanged)" in run(root, "build").stdout
    assert "4 PDFs (0 rendered, 4 unchanged)" in run(root, "build").stdout
    source = root / "content/testzone/ander.nl.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nEen nieuwe alinea.\n", encoding="utf-8")
    assert "4 PDFs (2 rendered, 2 unchanged)" in run(root, "build").stdout  # its Dutch and French copies


def _elements(root):
    kids = root.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _elements(kid)


def test_structure_has_artifacts_list_bodies_scopes_and_printable_links(pdf_facts):
    """What WeasyPrint leaves short and outputs/pdfstructure.py repairs, read back with pikepdf."""
    for path, pdf in pdf_facts.items():
        tree = pdf.Root.StructTreeRoot
        elements = list(_elements(tree))
        linked = {element.objgen for element in elements}
        parents = pikepdf.NumberTree(tree.ParentTree)
        for number, page in enumerate(pdf.pages):
            for element in parents.get(page.obj.StructParents, []):
                assert not isinstance(element, pikepdf.Dictionary) or element.objgen in linked, f"{path.name} p{number + 1}"
            marks = [operands[0] for operands, operator in pikepdf.parse_content_stream(page) if str(operator) == "BDC"]
            if number > 0:  # running header, footer and page number
                assert marks.count(pikepdf.Name("/Artifact")) >= 2, f"{path.name} p{number + 1}"
            for annotation in page.get("/Annots", []):
                if annotation.get("/Subtype") == "/Link":
                    assert int(annotation.F) & 4, path.name
        for element in elements:
            if element.S == "/LI":
                kinds = [str(kid.get("/S")) for kid in element.K]
                assert kinds in (["/Lbl", "/LBody"], ["/LBody"]), f"{path.name}: /LI with {kinds}"
            if element.S == "/TH":
                assert element.A.Scope in (pikepdf.Name("/Column"), pikepdf.Name("/Row")), path.name
        with pdf.open_metadata() as meta:
            assert meta.get("pdfuaid:part") == "1", path.name


def test_accessibility_checkers_find_no_errors_and_well_formed(real_site):
    """outloud and pdfua (PDF/UA-1), qpdf; the warnings of outloud that remain are listed in the issue's note."""
    tools = Path(sys.executable).parent  # the test tools of pyproject.toml, beside this Python
    pdfs = [str(path) for path in real_pdfs(real_site)]
    for name in ("outloud", "pdfua"):
        if not (tools / name).exists():
            pytest.fail(f"{name} is not installed; `make test` installs the test extra")
    outloud = subprocess.run([str(tools / "outloud"), *pdfs, "--json", "-", "--fail-on", "error"], capture_output=True, text=True)
    assert outloud.returncode == 0, outloud.stdout[-3000:] + outloud.stderr
    rules = {finding["rule"] for result in json.loads(outloud.stdout)["results"] for finding in result["findings"]}
    assert not rules & {"ORD-001", "LST-002", "LNK-004", "TBL-002"}, rules  # tag order, /LBody, print flag, /Scope
    pdfua = subprocess.run([str(tools / "pdfua"), "check", *pdfs], capture_output=True, text=True)
    assert pdfua.returncode == 0, pdfua.stdout[-3000:]
    for path in pdfs:
        checked = subprocess.run([shutil.which("qpdf") or pytest.fail("qpdf is not installed"), "--check", path],
                                 capture_output=True, text=True)
        assert checked.returncode == 0 and "No syntax or stream encoding errors found" in checked.stdout, path


LONG_TITLE = ("Opdrachtbrief van de korpschef voor de politiezone met de bijzonder lange titel die het college en de "
              "politieraad samen hebben vastgesteld na overleg met de gouverneur, de procureur des Konings, de "
              "directeur-coördinator, de gerechtelijke directeur en alle burgemeesters van de gemeenten van de zone, "
              "over de prioriteiten inzake verkeersveiligheid, ook, drugs, inbraken, overlast, radicalisering en "
              "cybercriminaliteit voor de periode van het zonaal veiligheidsplan 2021-2025.")


def words_with_boxes(pdf: Path) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) of every word, from poppler's pdftotext -bbox."""
    page, found = 0, []
    for line in poppler("pdftotext", "-bbox", str(pdf), "-").splitlines():
        if line.strip().startswith("<page"):
            page += 1
        match = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if match:
            found.append((page, *map(float, match.groups()[:4]), match.group(5)))
    return found


def test_a_title_of_any_length_stays_on_the_page_and_is_shortened_in_the_running_header(make_site):
    assert len(LONG_TITLE) == 474
    body = "\n\n".join(f"## {n} Hoofdstuk {n}\n\n" + "Een zin over het beleid van de zone. " * 60 for n in range(1, 5))
    document = DOCUMENT.replace("title: Testdocument", f'title: "{LONG_TITLE}"').split("## Eerste hoofdstuk")[0] + body
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, "content/testzone/test.nl.md": document})
    result = run(root, "build", "--no-search")
    assert result.returncode == 0, result.stderr
    pdf = root / "_site/nl/testzone/test/test.nl.pdf"
    words = words_with_boxes(pdf)
    for page, x0, y0, x1, y1, word in words:
        assert 0 <= x0 and x1 <= 595.3 and 0 <= y0 and y1 <= 841.9, f"'{word}' runs off page {page}"
    cover = " ".join(poppler("pdftotext", "-f", "1", "-l", "1", str(pdf), "-").split())
    assert LONG_TITLE in cover.replace("- ", "-")
    for page in range(2, max(word[0] for word in words) + 1):
        header = [word for word in words if word[0] == page and word[4] < 25 * 72 / 25.4]
        assert len({round(word[2]) for word in header}) == 1, f"the running header of page {page} is not one line"
        assert header[-1][5] == "…" and len(" ".join(word[5] for word in header)) < 120, header


def test_no_heading_alone_at_the_foot_of_a_page(real_site):
    """Neither of the last two lines of the text on a page is a heading of the document: the Gent letter's page 12
    ended with the heading "5 Goedkeuring en kennisgeving" and one short line of its section."""
    for path in real_pdfs(real_site):
        body = split_front_matter(read_text(source_of(path)))[1]
        headings = {" ".join(heading.text.split()) for heading in render_markdown(body).headings}
        words = words_with_boxes(path)
        for page in range(3, max(word[0] for word in words) + 1):
            text = [word for word in words if word[0] == page and 75 < word[2] < 841.9 - 22 * 72 / 25.4]
            for last_line in sorted({round(word[2]) for word in text})[-2:]:
                line = " ".join(word[5] for word in text if round(word[2]) == last_line)
                assert not any(heading.endswith(line) for heading in headings), f"{path.name} page {page} ends with '{line}'"


def test_the_last_page_is_not_nearly_empty(real_site):
    """The colophon follows the text on its last page when it fits, so no page carries just a few lines."""
    for path in real_pdfs(real_site):
        words = words_with_boxes(path)
        pages = max(word[0] for word in words)
        text = [word for word in words if 75 < word[2] < 841.9 - 22 * 72 / 25.4]
        last = [word for word in text if word[0] == pages]
        before = [word for word in text if word[0] == pages - 1]
        assert len(last) >= 40 or max(word[4] for word in before) > 600, path.name


def test_the_archival_variant_embeds_the_markdown_source(make_site):
    """pdf/a-3a: the document's Markdown file is an associated file of the PDF, relationship /Source."""
    root = make_site()
    config = root / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("variant: pdf/ua-1", "variant: pdf/a-3a"), encoding="utf-8")
    result = run(root, "build", "--no-search")
    assert result.returncode == 0, result.stderr
    for lang, source in (("nl", "test.nl.md"), ("fr", "test.fr.md")):
        with pikepdf.open(root / f"_site/{lang}/testzone/test/test.{lang}.pdf") as pdf:
            associated = [spec for spec in pdf.Root.get("/AF", []) if spec.get("/AFRelationship") == "/Source"]
            assert len(associated) == 1, lang
            embedded = associated[0].EF.F.read_bytes().decode("utf-8")
            assert embedded == (root / "content/testzone" / source).read_text(encoding="utf-8")
            assert str(associated[0].get("/UF", associated[0].get("/F"))) == source
            with pdf.open_metadata() as meta:
                assert meta.get("pdfaid:part") == "3" and meta.get("pdfaid:conformance") == "A"


def test_a_pdf_reads_its_document_text_once(make_site, monkeypatch):
    """The PDF shows the text's headings (its outline) and its HTML: both come from one read of the stored text, as
    for the document's page."""
    from zonesite import model
    from zonesite.config import load_config
    from zonesite.outputs.pdf import html, jobs
    from zonesite.outputs.templates import Templates
    from zonesite.pipeline import Pipeline

    root = make_site()
    config = load_config(root / "site_config.yaml")
    site, _ = Pipeline(config, root / "content", root.parent / "cache").validate()
    job = next(job for job in jobs(config, site) if job.lang == "nl")
    reads = []
    counted = lambda *args, **kwargs: reads.append(args) or open(*args, **kwargs)  # noqa: E731
    monkeypatch.setattr(model, "open", counted, raising=False)
    made = html(config, Templates(config, root / "templates"), job)
    assert len(reads) == 1
    assert job.doc.versions["nl"].rendered.html in made
