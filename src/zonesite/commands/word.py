"""A Word document (.docx) read with mammoth: page furniture left out, typed bullets made lists, the text kept to check."""

from __future__ import annotations

import mimetypes
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import mammoth
from mammoth import documents

from .word_markdown import MarkdownWriter

# Bullets typed as text at the start of a paragraph ("o" only before a tab or space), as Word exports them.
_TYPED_BULLET = re.compile(r"^[ \t]*([•▪●◦■□▫➢➤►▶✓✔–-]|o(?=[\t ]))[ \t]+(?=\S)")
_DOT_LEADER = re.compile(r"(\.{4,}|…[.…]+|(\. ){3,})\s*\d{1,4}\s*$")
_PAGE_NUMBER = re.compile(r"^[-–\s]*(pagina|page|blz\.?|p\.)?\s*\d{1,3}(\s*(/|van|of|de|sur)\s*\d{1,3})?[-–\s]*$", re.I)
_INLINE_BULLET = re.compile(r"(?<=.)[▪•●■➢►▶](?=\s)")  # a list typed into one paragraph: "door: ▪ dit ▪ dat"
_LIST_STYLE = re.compile(r"^list (?:bullet|number|continue) (\d)$", re.I)
TOC_TITLES = {"inhoud", "inhoudsopgave", "inhoudstafel", "inhoudstabel", "table of contents", "contents",
              "table des matières", "sommaire"}
REPEATED = 3  # a short line this often in the body is a page header or footer typed into the text
SHORT = 80  # characters: longer lines are text, not a page's header, footer or a title
# A second Title paragraph and a subtitle stay plain paragraphs (the first title goes to the front matter).
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
        return MarkdownWriter(picture_folder).document(self.html)

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
