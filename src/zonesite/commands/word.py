"""A Word document (.docx) as Markdown: mammoth reads it, page furniture is left out, its HTML is written as Markdown."""

from __future__ import annotations

import mimetypes
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import mammoth
from mammoth import documents

from ..source.markdown import SAFE_SCHEMES, scheme

# Bullets typed as text at the start of a paragraph ("o" only before a tab or space), as Word exports them.
_TYPED_BULLET = re.compile(r"^[ \t]*([•▪●◦■□▫➢➤►▶✓✔–-]|o(?=[\t ]))[ \t]+(?=\S)")
_DOT_LEADER = re.compile(r"(\.{4,}|…[.…]+|(\. ){3,})\s*\d{1,4}\s*$")
_PAGE_NUMBER = re.compile(r"^[-–\s]*(pagina|page|blz\.?|p\.)?\s*\d{1,3}(\s*(/|van|of|de|sur)\s*\d{1,3})?[-–\s]*$", re.I)
_INLINE_BULLET = re.compile(r"(?<=.)[▪•●■➢►▶](?=\s)")  # a list typed into one paragraph: "door: ▪ dit ▪ dat"
_LIST_STYLE = re.compile(r"^list (?:bullet|number|continue) (\d)$", re.I)
TOC_TITLES = {"inhoud", "inhoudsopgave", "inhoudstafel", "inhoudstabel", "table of contents", "contents",
              "table des matières", "sommaire"}
REPEATED = 3  # a short line this often in the body is a page header or footer typed into the text
SHORT = 80
# Mammoth's own HTML for the title is replaced: the first Title paragraph becomes the front matter's title.
_STYLE_MAP = "p[style-name='Title'] => p:fresh\np[style-name='Subtitle'] => p:fresh"

TOC, PAGE_NUMBER, REPEATED_LINE = "toc", "page_number", "repeated"


@dataclass
class Picture:
    name: str
    data: bytes
    alt: str  # Word's description; empty when it has none


@dataclass
class Converted:
    html: str                         # mammoth's HTML of the text, furniture left out
    word_title: str | None            # the Title paragraph of Word, taken out of the text
    pictures: list[Picture]
    paragraphs: list[str]             # the text of every paragraph kept (body, tables, footnotes), to check against
    left_out: list[tuple[str, str]]   # page furniture: (kind, text)
    warnings: list[str] = field(default_factory=list)

    def markdown(self, picture_folder: str) -> str:
        """The text as Markdown, without front matter; pictures linked in `picture_folder`, relative to the document."""
        return _Writer(picture_folder).document(self.html)

    @property
    def title(self) -> str | None:
        """Word's title, or else the first heading, or else the first paragraph when it is short."""
        match = re.search(r"^#{2,6} (.+)$", self.markdown(""), re.M)
        first = next((" ".join(text.split()) for text in self.paragraphs if text.strip()), "")
        return self.word_title or (match.group(1).replace("\\", "") if match else None) or (first if len(first) <= SHORT else None)


def convert(path: Path, missing_alt: str) -> Converted:
    """Read `path`; `missing_alt` describes a picture Word has no description for."""
    cleaner = _Cleaner()
    pictures: list[Picture] = []

    def picture(image) -> dict[str, str]:
        kind = image.content_type or "application/octet-stream"
        extension = {"image/jpeg": ".jpg"}.get(kind) or mimetypes.guess_extension(kind) or "." + kind.split("/")[-1].removeprefix("x-")
        name = f"afbeelding-{len(pictures) + 1}{extension}"
        with image.open() as stream:
            pictures.append(Picture(name, stream.read(), image.alt_text or ""))
        return {"src": name, "alt": image.alt_text or missing_alt}

    with path.open("rb") as stream:
        result = mammoth.convert_to_html(stream, style_map=_STYLE_MAP, transform_document=cleaner.clean,
                                         convert_image=mammoth.images.img_element(picture))
    return Converted(result.value, cleaner.title, pictures, cleaner.paragraphs, cleaner.left_out,
                     [m.message for m in result.messages if m.type == "error"])


def text_of(element) -> str:
    """The plain text of a mammoth element, tabs and line breaks included."""
    if isinstance(element, documents.Text):
        return element.value
    if isinstance(element, documents.Tab):
        return "\t"
    if isinstance(element, documents.Break):
        return "\n" if element.break_type == "line" else ""
    return "".join(text_of(child) for child in getattr(element, "children", []))


class _Cleaner:
    """Leaves out page furniture and turns typed bullets into list items, on the document mammoth read."""

    def __init__(self) -> None:
        self.title: str | None = None
        self.paragraphs: list[str] = []
        self.left_out: list[tuple[str, str]] = []

    def clean(self, document):
        children = list(document.children)
        texts = [text_of(child).strip() if isinstance(child, documents.Paragraph) else "" for child in children]
        counts = Counter(text for text, child in zip(texts, children)
                         if text and len(text) <= SHORT and isinstance(child, documents.Paragraph) and not child.numbering)
        kept, seen, bullets = [], set(), _Bullets()
        for index, (child, text) in enumerate(zip(children, texts)):
            if isinstance(child, documents.Paragraph):
                kind = self._furniture(child, text, children, texts, index, counts, seen)
                if kind:
                    self.left_out.append((kind, text))
                    continue
                if self.title is None and (child.style_name or "").lower() == "title" and text:
                    self.title = " ".join(text.split())
                    continue
                for piece in _split_at_bullets(child):
                    kept.append(bullets.item(piece, kept))
                continue
            kept.append(child)
        self._collect(kept, document.notes)
        return document.copy(children=kept)

    @staticmethod
    def _furniture(paragraph, text, children, texts, index, counts, seen) -> str | None:
        style = (paragraph.style_name or "").lower()
        if style.startswith("toc") or _DOT_LEADER.search(text) or _links_to_toc_bookmark(paragraph):
            return TOC
        if text.lower().rstrip(":") in TOC_TITLES:
            following = next((t for t in texts[index + 1:] if t), "")
            if _DOT_LEADER.search(following) or any((getattr(c, "style_name", "") or "").lower().startswith("toc")
                                                    for c in children[index + 1:index + 3]):
                return TOC
        if text and _PAGE_NUMBER.match(text):
            return PAGE_NUMBER
        if counts[text] >= REPEATED:
            if text in seen:
                return REPEATED_LINE
            seen.add(text)
        return None

    def _collect(self, elements, notes) -> None:
        for element in elements:
            for node in [element, *_descendants(element)]:
                if isinstance(node, documents.Paragraph):
                    self.paragraphs.append(text_of(node))
                elif isinstance(node, documents.NoteReference):
                    self._collect(notes.resolve(node).body, notes)


def _links_to_toc_bookmark(paragraph) -> bool:
    """An entry of a table of contents field: it links to one of the bookmarks Word sets on headings for it."""
    return any(isinstance(node, documents.Hyperlink) and (node.anchor or "").startswith("_Toc") for node in _descendants(paragraph))


def _descendants(element):
    for child in getattr(element, "children", []):
        yield child
        yield from _descendants(child)


class _Bullets:
    """Typed bullets become list items; the order in which the glyphs first appear gives the level (•, o, ▪ in Word)."""

    def __init__(self) -> None:
        self.glyphs: list[str] = []
        self.base = 0

    def item(self, paragraph, kept: list):
        match = _TYPED_BULLET.match(text_of(paragraph))
        if paragraph.numbering:
            self.glyphs = []
            if match:  # a bullet typed after Word's own
                paragraph, _ = _strip(paragraph, match.end())
            style = _LIST_STYLE.match(paragraph.style_name or "")
            if style:  # "List Bullet 2": the style, not the numbering, says the level
                return paragraph.copy(numbering=documents.numbering_level(int(style.group(1)) - 1, paragraph.numbering.is_ordered))
            return paragraph
        if not match:
            self.glyphs = []
            return paragraph
        glyph = match.group(1)
        if not self.glyphs:
            previous = kept[-1] if kept else None
            numbered = isinstance(previous, documents.Paragraph) and previous.numbering
            self.base = int(previous.numbering.level_index) + 1 if numbered and glyph == "o" else 0
        if glyph not in self.glyphs:
            self.glyphs.append(glyph)
        level = self.base + self.glyphs.index(glyph)
        stripped, _ = _strip(paragraph, match.end())
        return stripped.copy(numbering=documents.numbering_level(level, False))


def _split_at_bullets(paragraph) -> list:
    """A paragraph with bullets typed inside it, as one paragraph per bullet (the text before them first)."""
    text = text_of(paragraph)
    cuts = [match.start() for match in _INLINE_BULLET.finditer(text)]
    if not cuts:
        return [paragraph]
    bounds = [0, *cuts, len(text) + 1]  # past the end: pictures and notes after the last character go with the last piece
    pieces = [_slice(paragraph, start, end)[0] for start, end in zip(bounds, bounds[1:])]
    return [piece for piece in pieces if text_of(piece).strip()]


def _slice(element, start: int, end: int, offset: int = 0):
    """A copy of the element with only the text from `start` to `end` (a tab or line break counts one); and the offset after it."""
    children = []
    for child in element.children:
        if isinstance(child, documents.Text):
            length = len(child.value)
            if offset < end and offset + length > start:
                children.append(child.copy(value=child.value[max(0, start - offset):end - offset]))
        elif isinstance(child, documents.HasChildren):
            copy, after = _slice(child, start, end, offset)
            if after > start and offset < end or after == offset and start <= offset < end:
                children.append(copy)
            offset, length = after, 0
        else:
            length = len(text_of(child))
            if start <= offset < end:
                children.append(child)
        offset += length
    return element.copy(children=children), offset


def _strip(element, count: int):
    """The element without its first `count` characters of text (a tab is one); returns it and what is left to strip."""
    children = []
    for child in element.children:
        if count and isinstance(child, documents.Text):
            cut = min(count, len(child.value))
            child, count = child.copy(value=child.value[cut:]), count - cut
        elif count and isinstance(child, documents.Tab):
            count -= 1
            continue
        elif count and isinstance(child, documents.HasChildren):
            child, count = _strip(child, count)
        children.append(child)
    return element.copy(children=children), count


class _Writer:
    """Mammoth's HTML (a small, fixed vocabulary) written as the Markdown this site reads."""

    def __init__(self, picture_folder: str) -> None:
        self.folder = picture_folder
        self.levels: list[int] = []  # Word's levels of the headings above: a level Word skips is closed up
        self.notes: dict[str, int] = {}
        self.counter = 0        # numbered lists interrupted by text continue their numbering, as in Word
        self.previous = ""

    def document(self, html: str) -> str:
        root = ET.fromstring(f"<root>{html}</root>")
        blocks = [block for element in root if (block := self.block(element))]
        return "\n\n".join(blocks) + "\n"

    def block(self, element) -> str:
        tag = element.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = _one_line(self.inline(element, plain=True))
            if not text:
                return ""
            while self.levels and self.levels[-1] >= int(tag[1]):
                self.levels.pop()
            self.levels.append(int(tag[1]))
            self.counter, self.previous = 0, tag
            return f"{'#' * min(len(self.levels) + 1, 6)} {text}"
        if tag in ("ul", "ol"):
            items = [li for li in element if li.tag == "li"]
            if items and all(re.match(r"(foot|end)note-", li.get("id", "")) for li in items):
                return self.footnotes(items)
            return self.top_list(element)
        if tag == "table":
            self.previous = tag
            return self.table(element)
        if tag == "a" and not element.get("href"):
            return ""  # a bookmark
        self.previous = tag
        return _paragraph(self.inline(element))

    def top_list(self, element) -> str:
        marker = {"ul": ("-", "*"), "ol": (".", ")")}[element.tag][self.previous == element.tag]
        self.previous = element.tag
        start = self.counter + 1 if element.tag == "ol" else 1
        text = self.list(element, marker, start)
        if element.tag == "ol":
            self.counter = start + sum(1 for li in element if li.tag == "li") - 1
        return text

    def list(self, element, marker: str = "", start: int = 1) -> str:
        ordered = element.tag == "ol"
        marker = marker or ("." if ordered else "-")
        lines = []
        for number, item in enumerate((li for li in element if li.tag == "li"), start=start):
            bullet = f"{number}{marker}" if ordered else marker
            pad = " " * (len(bullet) + 1)
            own = _paragraph(self.inline(item, skip=("ul", "ol", "p")))
            blocks = [_paragraph(self.inline(child)) for child in item if child.tag == "p"]
            nested = [self.list(child) for child in item if child.tag in ("ul", "ol")]
            text = "\n\n".join(part for part in [own, *blocks] if part)
            body = "\n".join(part for part in [text, *nested] if part)
            lines.append(bullet + (" " + body.replace("\n", "\n" + pad) if body else ""))
        return "\n".join(lines)

    def footnotes(self, items) -> str:
        lines = []
        for item in items:
            number = self.notes.setdefault(item.get("id"), len(self.notes) + 1)
            paragraphs = [_paragraph(self.inline(child)) for child in item if child.tag == "p"] or [_paragraph(self.inline(item))]
            paragraphs = [p for p in paragraphs if p]
            first, rest = (paragraphs[0] if paragraphs else ""), paragraphs[1:]
            lines.append(f"[^{number}]: " + "\n\n".join([first.replace("\n", "\n    ")] + ["    " + p.replace("\n", "\n    ") for p in rest]))
        return "\n".join(lines)

    def table(self, element) -> str:
        rows = []
        for child in element:
            rows += [tr for tr in child if tr.tag == "tr"] if child.tag in ("thead", "tbody") else [child] if child.tag == "tr" else []
        grid, spanning = [], {}
        for tr in rows:
            cells, row, column = iter(c for c in tr if c.tag in ("td", "th")), [], 0
            while True:
                if spanning.get(column):
                    spanning[column] -= 1
                    row.append("")
                    column += 1
                    continue
                cell = next(cells, None)
                if cell is None:
                    break
                text, width, height = self.flat(cell).replace("|", "\\|"), int(cell.get("colspan", 1)), int(cell.get("rowspan", 1))
                for offset in range(width):
                    row.append(text if offset == 0 else "")
                    if height > 1:
                        spanning[column + offset] = height - 1
                column += width
            grid.append(row)
        if not grid:
            return ""
        width = max(len(row) for row in grid)
        lines = ["| " + " | ".join(row + [""] * (width - len(row))) + " |" for row in grid]
        lines.insert(1, "|" + " --- |" * width)
        return "\n".join(lines)

    def flat(self, element) -> str:
        """A table cell on one line: its paragraphs, list items and inner tables one after the other."""
        parts = []
        if element.tag in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6"):
            parts.append(self.inline(element, skip=("ul", "ol", "p", "table"), in_table=True))
        for child in element:
            if child.tag in ("p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "td", "th") or child.tag.startswith("h"):
                parts.append(self.flat(child))
        if element.tag in ("td", "th") and not any(c.tag in ("p", "ul", "ol", "table") for c in element):
            parts.append(self.inline(element, in_table=True))
        return " ".join(_one_line(part) for part in parts if part.strip())

    def inline(self, element, skip=(), plain: bool = False, in_table: bool = False) -> str:
        """The inline content as Markdown; bold and italic are regrouped so that adjacent runs nest instead of colliding."""
        atoms = list(self.atoms(element, frozenset(), skip, in_table or plain))
        return "".join(text for text, _ in atoms) if plain else _emphasised(atoms)

    def atoms(self, element, marks: frozenset, skip=(), one_line: bool = False):
        """(Markdown, emphasis marks) pieces of the content; whitespace has None: it takes what its neighbours share."""
        yield from _text_atoms(element.text, marks)
        for child in element:
            if child.tag not in skip:
                yield from self.child_atoms(child, marks, one_line)
            yield from _text_atoms(child.tail, marks)

    def child_atoms(self, element, marks: frozenset, one_line: bool):
        tag, href = element.tag, element.get("href") or ""
        if tag in ("strong", "em"):
            yield from self.atoms(element, marks | {"**" if tag == "strong" else "*"}, (), one_line)
        elif tag == "a" and re.match(r"#(foot|end)note-ref-", href):
            return  # the way back from a footnote
        elif tag == "a" and re.match(r"#(foot|end)note-", href):
            yield f"[^{self.notes.setdefault(href[1:], len(self.notes) + 1)}]", marks
        elif tag == "a" and scheme(href) not in SAFE_SCHEMES:
            yield from self.atoms(element, marks, (), one_line)  # links inside the document (a table of contents) are left out
        elif tag == "a":
            yield f"[{self.inline(element, in_table=one_line)}]({_url(href)})", marks
        elif tag == "img":
            src = f"{self.folder}/{element.get('src')}" if self.folder else element.get("src", "")
            yield f"![{_escape(element.get('alt', ''))}]({_url(src)})", marks
        elif tag == "br":
            yield (" " if one_line else "\\\n"), None
        else:
            yield from self.atoms(element, marks, (), one_line)  # sup, sub, s and the like: their text


def _text_atoms(text: str | None, marks: frozenset):
    """Escaped text, its leading and trailing whitespace apart (emphasis may not begin or end with a space)."""
    if not text:
        return
    core = text.strip()
    lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    if lead:
        yield _escape(lead), None
    if core:
        yield _escape(core), marks
        if trail:
            yield _escape(trail), None


def _emphasised(atoms: list) -> str:
    """Write the pieces with their emphasis, opening the longer-lasting mark first so that marks nest."""
    resolved = []
    for index, (text, marks) in enumerate(atoms):
        if marks is None:
            before = next((m for _, m in reversed(atoms[:index]) if m is not None), frozenset())
            after = next((m for _, m in atoms[index + 1:] if m is not None), frozenset())
            marks = before & after
        resolved.append((text, marks))
    out, opened = [], []
    for index, (text, marks) in enumerate(resolved):
        first_gone = next((k for k, mark in enumerate(opened) if mark not in marks), None)
        if first_gone is not None:
            while len(opened) > first_gone:
                out.append(opened.pop())
        lasting = {mark: sum(1 for _ in _while(resolved[index:], mark)) for mark in marks - set(opened)}
        for mark in sorted(lasting, key=lambda m: -lasting[m]):
            out.append(mark)
            opened.append(mark)
        out.append(text)
    out.extend(reversed(opened))
    return "".join(out)


def _while(atoms, mark):
    for _, marks in atoms:
        if mark not in marks:
            return
        yield mark


def _escape(text: str) -> str:
    """Text as Markdown that shows it as it is: the characters that would be markup are escaped."""
    text = text.replace("\t", " ")
    text = re.sub(r"([\\`*\[\]<])", r"\\\1", text)
    text = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)
    return re.sub(r"&(?=#?\w+;)", "&amp;", text)


def _paragraph(text: str) -> str:
    """Lines without leading spaces (a code block) and without a start that Markdown reads as a heading or list."""
    lines = []
    for line in text.strip().split("\n"):
        line = line.strip()
        line = re.sub(r"^(\d+)([.)])(\s|$)", r"\1\\\2\3", line)
        line = re.sub(r"^([#>+=-])", r"\\\1", line)
        lines.append(line)
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.replace("\\\n", " ").split())


def _url(url: str) -> str:
    return f"<{url}>" if re.search(r"[\s()<>]", url) else url
