"""The Markdown renderer (markdown-it-pyrs and one pass over its HTML) against the reference it must equal
(markdown-it-py with the site's token rules, src/zonesite/source/markdown_py.py, also the way taken by the texts
markdown-it-pyrs cannot render the same): byte-identical HTML with editor's notes, abbreviations, images and annexes;
the same heading ids, links and their lines, code blocks, tables and their cells, footnotes. Over every real document,
a generated corpus, and texts made to find the corners, both for texts rendered with positions and for texts of
headings, lists and tables whose lines are read from the source.

No difference is accepted: every text either renders identically through markdown-it-pyrs, or goes through
markdown-it-py. The texts that go through markdown-it-py are those with an inline footnote `^[…]` (markdown-it-pyrs
panics on an unclosed one), unclosed backticks (it panics after a '[', or leaves an earlier code span unmade), a link
whose scheme markdown-it refuses (`javascript:`, `vbscript:`, `file:`, `data:`, also written with an entity:
markdown-it-pyrs keeps it as text, markdown-it-py as a link validation names), a link after a block inside a tight list
item, a list item whose text starts on the line after its marker, an image with code or a line break in its
description, a link around an image, a table in a block quote or on a list item's line, a heading with no words, a
bold line with an image or a footnote, an editor's note closing a section before a heading in a tight list item, and
any text on which markdown-it-pyrs panics.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it.rules_block.table import escapedSplit

from zonesite.config import load_config
from zonesite.model import FILE, IMAGE, Media
from zonesite.source import markdown, markdown_py
from zonesite.source.text import read_text, split_front_matter

ROOT = Path(__file__).resolve().parent.parent
LABEL = "Noot van de redactie"
ABBREVIATIONS = (("ANPR", "automatische nummerplaatherkenning"), ("GAS", "gemeentelijke administratieve sanctie"),
                 ("PZ", "politiezone"), ("R&D", "onderzoek & \"ontwikkeling\""), ("amp", "niet in een entiteit"))
SIZES = "(min-width: 47rem) 44rem, 100vw"
MEDIA = (Media(Path("/x/organigram.png"), "organigram.png", "organigram.png", IMAGE, 10, "0", "Organigram", 1600, 900,
               (480, 960, 1440)),
         Media(Path("/x/klein.jpg"), "doc/klein%20beeld.jpg", "klein beeld.jpg", IMAGE, 10, "0", "Klein", 300, 200, (300,)),
         Media(Path("/x/bijlage.pdf"), "doc/bijlage.pdf", "bijlage.pdf", "pdf", 10, "0", "Bijlage"),
         Media(Path("/x/foto.png"), "foto.png", "foto.png", FILE, 10, "0", "Foto"))


def outcome(parsed: markdown.Parsed, notes: dict[int, list[str]], abbreviations=ABBREVIATIONS) -> dict:
    """Everything the site takes from a parsed text."""
    html = markdown.render(parsed, notes, LABEL, MEDIA, SIZES, abbreviations).html
    return {"html": html, "headings": parsed.headings, "links": parsed.links, "blocks": parsed.blocks,
            "rows": parsed.table_rows(), "footnotes": parsed.footnote_anchors()}


def notes_for(body: str) -> dict[int, list[str]]:
    """Editor's notes closing the first section, the second and the last, as a document's notes do."""
    count = len(markdown_py.parse(body).headings)
    notes = {0: ["Eerste <noot> & \"citaat\"."], 1: ["Tweede."], count - 1: ["Laatste noot.", "Nog een."]}
    return {index: texts for index, texts in notes.items() if 0 <= index < count}


def assert_same(body: str, name: str, fast: bool = True, abbreviations=ABBREVIATIONS) -> None:
    """The text renders as the reference renders it; `fast`: through markdown-it-pyrs, not by falling back."""
    notes = notes_for(body)
    parsed = markdown.parse(body)
    assert (parsed.tokens is None) == fast, f"{name}: {'markdown-it-py' if fast else 'markdown-it-pyrs'} took it"
    assert outcome(parsed, notes, abbreviations) == outcome(markdown_py.parse(body), notes, abbreviations), name


def bodies(folder: Path) -> list[tuple[str, str]]:
    return [(str(path), split_front_matter(read_text(path))[1]) for path in sorted(folder.rglob("*.md"))]


def test_every_real_document_renders_byte_identical_through_markdown_it_pyrs():
    found = bodies(ROOT / "content")
    assert len(found) >= 10
    terms = load_config(ROOT / "site_config.yaml").terms
    for name, body in found:
        lang = name.rsplit(".", 2)[-2]
        assert_same(body, name, abbreviations=tuple(terms.abbreviations(lang)))
        assert_same(body, name)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(folder), "--zones", "20"], check=True,
                   capture_output=True)
    return folder / "zonesite" / "content"


def test_a_generated_corpus_renders_byte_identical_through_markdown_it_pyrs(corpus):
    found = bodies(corpus)
    assert len(found) == 120
    for name, body in found:
        assert_same(body, name)


CORNERS = [
    "## Titel *nadruk* `code` [link](https://x.be) ![beeld](a.png)[^1]\n\nTekst[^1].\n\n[^1]: Noot.\n",
    "Titel\n=====\n\nSub\n---\n\n#### Sprong\n",
    "Alinea\nover twee regels [met link](../gent/opdrachtbrief-2021-2025.nl.md#doel) en <https://a.be>.\n",
    "- punt [a](b.nl.md)\n  - dieper ![x](y.png)\n\n1. een\n2. twee\n\n> citaat [c](d.nl.md)\n",
    "| a | b |\n|:--|--:|\n| [x](y.nl.md) | 2 |\n| TOTAAL | 3 |\n\n| c |\n|:-:|\n| \\| d |\n",
    "    ingesprongen code\n\n```\nomheind\n```\n\n~~~\n    ~~~\n~~~\n\n```py\n```py\n```\n\nTerm\n: Uitleg [l](m.nl.md)\n\nTerm 2\n\n: Los\n",
    "## Één & twee — “citaat” é\n\n## Één & twee — “citaat” é\n\n### ÇA VA\n\n## 🚓 \n\n## a&lt;b &quot;c&quot;\n",
    "Tekst <b>vet</b> <script>x</script> \\* ~~weg~~ **sterk**  \nnieuwe regel\n\n---\n\n***\n",
    "[ref]\n\n[ref]: https://x.be \"titel\"\n\n[a&b](https://x.be/?a=1&b=2) [c](mailto:a@b.be) [t](tel:+32) [f](ftp://x.be)\n",
    "Voetnoot[^a] en nog[^b].\n\n[^a]: Eerste\n\n    met tweede alinea.\n[^b]: - een lijst\n",
    "Twee keer[^n], drie keer[^n] en[^m] nog eens[^n].\n\n[^n]: Noot.\n[^m]: Andere.\n\nZie [terug](#fnref1).\n",
    "Zonder[^x] definitie.\n\n[^y]: Ongebruikt.\n",
    # bold lines as headings
    "## Hoofdstuk\n\n**Strategische doelstelling 1**\n\n**Nog een**\n\nTekst **vet** hier.\n\n**Een zin.**\n\n**Twee** en **drie**\n",
    "**Vooraan**\n\n###### Diep\n\n**Onder zes**\n\n> **In citaat**\n\n- **In lijst**\n\n**Met `code` en [link](x.pdf)**\n",
    "**__Dubbel__**\n\n__Onderstreept vet__\n\n**Regel\nerover**\n\n**" + "lang " * 30 + "**\n\n**Titel[^1]**\n\n[^1]: Noot.\n",
    "**Inleiding**\n\n**Inleiding**\n\n| a |\n|---|\n| 1 |\n\n**Verder**\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n| *z* |\n|---|\n| 3 |\n",
    # abbreviations: first use in running text only
    "## GAS en PZ\n\nDe GAS-boete, GAS en [GAS](x.pdf) `PZ` PZ. GASTEN, de R&D en R&amp;D, &amp; amp.\n\n| ANPR |\n|---|\n| ANPR |\n",
    "## GAS en PZ\n\n[GAS](x.pdf) `PZ` xPZ PZx GASTEN ![GAS](y.png) GAS PZ\n\n| ANPR |\n|---|\n| ANPR |\n",
    "![PZ beeld](organigram.png \"PZ titel\")\n\nPZ *ANPR* **GAS**\n",
    # images and annexes
    "![Organigram](organigram.png) ![Klein](doc/klein%20beeld.jpg) ![Klein](doc/klein beeld.jpg)\n\n"
    "[bijlage](doc/bijlage.pdf#pagina=2) [foto](foto.png) ![](leeg.png) ![alt](ftp://x.be/a.png)\n",
    "[![beeld](organigram.png)](doc/bijlage.pdf)\n",
    "![met `code`](organigram.png) ![over\ntwee](organigram.png)\n",
    # hostile input
    "[klik](javascript:alert(1)) ![b](data:x) <vbscript:x> [x](&#106;avascript:alert(1))\n\n[r]: file:///etc/passwd\n",
    "<script>alert(1)</script> <img src=x onerror=alert(1)> \"><svg onload=alert(1)>\n\n<div>blok</div>\n",
    "[x](https://a.be/\"onmouseover=\"alert(1)) [y](<https://a.be/ b>) [z](https://a.be/?q=<b>)\n",
    # lines of links in lists, definitions, cells and footnotes
    "- a\n- ```\n  f\n  ```\n  na [l](m)\n- b\n",
    "-\n  tekst [z](z)\n\nTerm\n: dd [q](q)\n\n1. een\n\n   twee [t](t)\n",
    "> | a |\n> |---|\n> | [b](b) |\n\n- | c |\n  |---|\n  | d |\n",
    "Tekst[^1] en ^[inline].\n\n[^1]: [link](x) in noot\n    over [twee](y) regels\n",
    "[x `a `` b ` c en [y ``z\n",
    "Zin ^[noot zonder einde\n\n## Verder\n",
    # texts of headings, lists and tables only, whose lines are read from the source
    "## A\n\nTekst\n\n- een\n  # kop in lijst\n- twee\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 |\n\nNa\n\n   ### C ###\n",
    "Setext\n===\n\n## B\n\n| x |\n|---|\n",
    "## A\n\n---\n\n|---|\n\n- - -\n\n> # citaat\n\n## B\n",
    "#\n\n## Leeg\n\n###### Zes\n####### zeven\n#hashtag\n",
    "| a |\n|---|\n| 1 |\n# kop na tabel\n| b |\n| - |\n\n| c | d |\n| --- |\n",
    "- | a |\n  |---|\n  | 1 |\n\nTerm\n: # kop\n\n## Na\n\n> | e |\n> |---|\n",

    "## ![alleen beeld](a.png)\n\n##\n\n| ![b](c.png) | y |\n|---|---|\n\n| q |\n|---|\n",
]


@pytest.mark.parametrize("body", CORNERS)
def test_the_corners_render_byte_identical(body):
    notes = notes_for(body)
    for abbreviations in (ABBREVIATIONS, ABBREVIATIONS[:3]):  # one abbreviation inside another, or none
        assert outcome(markdown.parse(body), notes, abbreviations) == outcome(markdown_py.parse(body), notes, abbreviations)


PANICS = ["Zie [de `config\n", "A\n\n[`a\\\n", "^[\n"]


@pytest.mark.parametrize("body", PANICS)
def test_what_markdown_it_pyrs_panics_on_goes_through_markdown_it_py(body):
    with pytest.raises(BaseException) as raised:  # pyo3's PanicException derives from BaseException only
        markdown._PLAIN_PARSER.render(body)
    assert type(raised.value).__name__ == "PanicException"
    parsed = markdown.parse(body)
    assert parsed.tokens is not None
    assert outcome(parsed, {}) == outcome(markdown_py.parse(body), {})


class Panicking:
    """markdown-it-pyrs panicking on a text the checks before it let through."""

    def __init__(self, panic: type) -> None:
        self.panic = panic

    def render(self, body: str) -> str:
        raise self.panic("a panic")


def test_any_panic_of_markdown_it_pyrs_sends_the_text_to_markdown_it_py(monkeypatch):
    with pytest.raises(BaseException) as raised:
        markdown._PLAIN_PARSER.render(PANICS[0])
    monkeypatch.setattr(markdown, "_PLAIN_PARSER", Panicking(type(raised.value)))
    body = "## Titel\n\nTekst met [een link](x.nl.md).\n"
    parsed = markdown.parse(body)
    assert parsed.tokens is not None
    assert outcome(parsed, {0: ["Noot."]}) == outcome(markdown_py.parse(body), {0: ["Noot."]})


def test_other_errors_are_not_taken_for_a_panic(monkeypatch):
    monkeypatch.setattr(markdown, "_PLAIN_PARSER", Panicking(KeyError))
    with pytest.raises(KeyError):
        markdown.parse("Tekst\n")


def test_the_texts_that_need_markdown_it_py_take_it():
    for body in ("[klik](javascript:alert(1))\n", "[x](&#106;avascript:x)\n", "[x]:\n  &#106;avascript:x\n", "Zin ^[noot].\n", "- ```\n  f\n  ```\n  [l](m)\n",
                 "-\n  [z](z)\n", "![a `b`](c.png)\n", "> | a |\n> |---|\n"):
        assert markdown.parse(body).tokens is not None, body
    for body in ("[klik](https://x.be)\n", "Het bestand: x\n", "x & y &amp; z\n", "- [l](m)\n"):
        assert markdown.parse(body).tokens is None, body


def test_line_numbers_of_links_are_those_of_their_block():
    parsed = markdown.parse("Eerst\n[a](a)\n\n| x |\n|---|\n| [b](b) |\n\n## [c](c)\n\n- d\n  [e](e)\n")
    assert parsed.tokens is None
    assert [(link.line, link.target) for link in parsed.links] == [(0, "a"), (5, "b"), (7, "c"), (9, "e")]


@pytest.mark.parametrize("row", ["| a | b |", "a|b", "| a \\| b |", "\\\\|x", "", "|", "a\\", "| 1.234,00 | € 5 |"])
def test_table_rows_are_cut_as_markdown_it_cuts_them(row):
    assert markdown.split_cells(row) == escapedSplit(row)
