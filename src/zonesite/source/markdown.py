"""Markdown to safe HTML: markdown-it-pyrs renders, and one pass over its HTML finds what validation needs and adds
what the site adds (heading ids, bold lines as headings, table regions, links to pages).

markdown-it-pyrs is the Rust port of markdown-it: the same HTML as markdown-it-py, many times faster, but with no
token stream. Its `sourcepos` rule gives each element the lines it was parsed from (`data-sourcepos="line:column-
line:column"`, counted from 1), which the pass reads and then removes. Its HTML holds no raw HTML (every `<` of the
source is escaped), so every tag in it was made by the parser. A text it cannot render as markdown-it-py does (it
panics on a few inputs, refuses some schemes where markdown-it-py keeps a link, places a few lines otherwise) goes
through markdown-it-py itself (markdown_py.py), which tests/test_markdown_differential.py holds this module to.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache
from html import unescape
from typing import NamedTuple
from urllib.parse import quote

from markdown_it_pyrs import MarkdownIt

from ..model import IMAGE, Heading, Media, RenderedMarkdown
from .slug import heading_slug

SAFE_SCHEMES = ("http", "https", "mailto", "tel")
BOLD_HEADING_MAX = 100  # a bold line longer than this is an emphasised sentence, not a heading
SCHEME = r"(?i)^([a-z][a-z0-9+.-]*):"
DOCUMENT_LINK = r"^(?:\.\./([a-z0-9-]+)/)?([a-z0-9-]+)\.[a-z]{2,3}\.md(#.*)?$"


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern[str]:
    """A pattern a plain text does not need is kept as its source and compiled where first used: a build that
    renders one plain text would otherwise compile two dozen patterns it never uses, most of importing the module."""
    return re.compile(pattern)


def document_link(target: str) -> re.Match[str] | None:
    """A link to another document's file: its zone (when in another), its document and its anchor, else None."""
    return _compiled(DOCUMENT_LINK).match(target)


# CommonMark without raw HTML (it stays text), with what the documents use: tables, strikethrough, footnotes,
# definition lists; and the lines of every element.
RULES = ["blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference", "autolink",
         "backticks", "emphasis", "entity", "escape", "image", "link", "newline", "table", "strikethrough", "footnote",
         "deflist", "sourcepos"]
_PARSER = MarkdownIt("zero").enable_many(RULES)

# What markdown-it-pyrs does not do as markdown-it-py: links with a scheme markdown-it refuses, which it leaves as text
# (written plainly, or with an entity in the target of a link or of a reference).
_REFUSED = ("javascript", "vbscript", "file", "data")
_BEFORE_SCHEME = r"[\w+.-]"
_ENTITY_IN_TARGET = r"\][(:]\s*[^\n]*?&#?\w+;"


class Link(NamedTuple):
    """A link or image: the line (from 0) of the paragraph, heading, cell or item it is in, its target as the parser
    gives it (percent-encoded), its text or the image's description."""

    line: int
    target: str
    text: str
    image: bool


class Block(NamedTuple):
    """An indented code block ("code", its line) or a table ("table", its first line, the line after its last)."""

    kind: str
    start: int
    end: int


@dataclass
class Parsed:
    """A text parsed once: what validation needs, and what `render` finishes (HTML, or markdown-it-py's tokens)."""

    body: str
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    blocks: tuple[Block, ...]
    footnotes: int
    html: str = ""
    tokens: list | None = None
    env: dict | None = None
    rows: tuple | None = None  # markdown-it-py's rows of every table, when it parsed the text

    def footnote_anchors(self) -> set[str]:
        count = self.footnotes
        return {f"fn{n}" for n in range(1, count + 1)} | {f"fnref{n}" for n in range(1, count + 1)}

    @cached_property
    def lines(self) -> list[str]:
        """The text cut into lines, once: validation and the term check read them too."""
        return self.body.split("\n")

    def table_rows(self) -> tuple:
        """Every table's rows: (line, is the header row, the source of each cell), as the GFM table rule cuts them."""
        if self.rows is not None:
            return self.rows
        return tuple(_table_rows(self.lines, block) for block in self.blocks if block.kind == "table")


class _Elsewhere(Exception):
    """The text needs markdown-it-py."""


def parse(body: str) -> Parsed:
    """The parsed text with heading ids set (bold lines made headings), through markdown-it-pyrs when it can."""
    if not _needs_markdown_it_py(body):
        try:
            return _parse(body)
        except _Elsewhere:
            pass
        except BaseException as error:  # pyo3's PanicException derives from BaseException only
            if type(error).__name__ != "PanicException":
                raise
    from . import markdown_py  # the reference parser, loaded only for a text that needs it
    return markdown_py.parse(body)


def _needs_markdown_it_py(body: str) -> bool:
    """An inline footnote (`^[…]`: markdown-it-pyrs panics on an unclosed one), a refused scheme, unclosed backticks."""
    return "^[" in body or _refused_scheme(body) or _unclosed_backticks(body) or (
        "&" in body and _compiled(_ENTITY_IN_TARGET).search(body) is not None)


def _refused_scheme(body: str) -> bool:
    """`javascript:` and the like, in any case, also as `javascript\\:` (the colon escaped)."""
    for colon in _COLON.finditer(body):
        if body[colon.start() - 1:colon.start()] not in _LAST_LETTERS:
            continue
        before = body[max(colon.start() - 12, 0):colon.start()].lower().removesuffix("\\")
        for word in _REFUSED:
            start = len(before) - len(word)
            if before.endswith(word) and not (start and _compiled(_BEFORE_SCHEME).match(before, start - 1)):
                return True
    return False


_COLON = re.compile(":")
_LAST_LETTERS = set("tTeEaA\\")  # of a refused scheme, or the backslash that escapes its colon
_BACKTICKS = r"`+"
_BLANK_LINE = r"\n[ \t]*\n"


def _unclosed_backticks(body: str) -> bool:
    """A run of backticks with no run of the same length after it in its paragraph: markdown-it-pyrs 0.4.0 panics on
    it after a '[', or leaves a code span before it unmade."""
    if "`" not in body:
        return False
    for paragraph in _compiled(_BLANK_LINE).split(body):
        runs = [len(run) for run in _compiled(_BACKTICKS).findall(paragraph)]
        index = 0
        while index < len(runs):
            closing = next((later for later in range(index + 1, len(runs)) if runs[later] == runs[index]), None)
            if closing is None:
                return True
            index = closing + 1
    return False


def scheme(href: str) -> str | None:
    match = _compiled(SCHEME).match(href.strip())
    return match.group(1).lower() if match else None


@lru_cache(maxsize=8192)
def slug(text: str) -> str:
    """Headings repeat across documents ("Inleiding", "Doelstellingen"); transliterating is the costly part."""
    return heading_slug(text)


def page_of(match: re.Match) -> str:
    """The page of another document's file (DOCUMENT_LINK): ../doc/ or ../../zone/doc/, with its anchor."""
    zone, document, anchor = match.groups()
    return f"../../{zone}/{document}/{anchor or ''}" if zone else f"../{document}/{anchor or ''}"


def table_label(heading: str, first_cell: str, tables: int) -> str:
    """A table is named after the heading it stands under; tables under the same heading add the words of their first
    header cell ("4. Financiën — Uitgaven")."""
    label = heading or "Tabel"
    return f"{label} — {first_cell}" if tables > 1 and first_cell.strip() else label


def editor_note(text: str, label: str) -> str:
    label = escape(label)
    return (f'<aside class="editor-note" role="note" aria-label="{label}" data-pagefind-ignore>\n'
            f'<p class="editor-note-label">{label}</p>\n<p>{escape(text)}</p>\n</aside>\n')


def escape(text: str) -> str:
    """As markdown-it escapes: &, <, > and the double quote."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def abbreviation_pattern(forms: tuple[str, ...], before: str, written) -> re.Pattern:
    """Whole words, exact case (GAS, not "gas"), the longer of two that start alike first."""
    forms = sorted(forms, key=len, reverse=True)
    return re.compile(before + "(" + "|".join(re.escape(written(form)) for form in forms) + r")(?!\w)")


# The pass over markdown-it-pyrs's HTML: the elements the site changes or validation reads.
_POSITION = r' data-sourcepos="(?P<{0}line>\d+):(?P<{0}column>\d+)-(?P<{0}end>\d+):(?P<{0}end_column>\d+)"'
# Each element is found by its own pattern, which starts with a literal the engine searches fast.
_ELEMENTS = {
    "heading": r"<h(?P<level>[1-6])" + _POSITION.format("h") + ">",
    "bold": r"<p" + _POSITION.format("b") + r'><strong data-sourcepos="[^"]*">',
    "link": r"<a" + _POSITION.format("a") + r' href="(?P<href>[^"]*)"(?P<title>[^>]*)>',
    "image": r"<img" + _POSITION.format("i") + r' src="(?P<src>[^"]*)" alt="(?P<alt>[^"]*)"(?P<rest>[^>]*)/>',
    "table": r"<table" + _POSITION.format("t") + ">\n",
    "code": r"<pre><code" + _POSITION.format("c") + r'(?P<language> class="[^"]*")?>',
}
_MARKS = {"heading": "<h", "bold": "><strong ", "link": "<a ", "image": "<img ", "table": "<table ", "code": "<pre>"}
_SOURCEPOS = r' data-sourcepos="[^"]*"'
_TAG = r"<[^>]*>"
_FOOTNOTE_REF = r'<sup[^>]* class="footnote-ref">.*?</sup>'
_BLOCK_TAGS = ("p", "li", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6")
_INLINE_TAGS = ("a", "img", "em", "strong", "code", "s", "sup")
_CLOSED = r"</(?:p|li|td|th|dt|dd|h[1-6]|pre|ul|ol|blockquote|table|dl)>|<hr"
_MARKER_ONLY = r"(?:^|\s)(?:[-+*:~]|\d{1,9}[.)])\s*$"
_CONTAINERS = (("<blockquote", "</blockquote>"), ("<li", "</li>"), ("<dd", "</dd>"))


class _Pass:
    """One walk through the rendered HTML in document order, collecting edits (start, end, replacement)."""

    positions = True  # the HTML has the lines of its elements, which `result` removes
    footnotes = 0  # how many footnotes the HTML ends with, counted by `result`

    def __init__(self, body: str, html: str) -> None:
        self.html, self.body = html, body
        self.edits: list[tuple[int, int, str]] = []
        self.headings: list[Heading] = []
        self.links: list[Link] = []
        self.blocks: list[Block] = []
        self.seen: set[str] = set()
        self.level = 1  # of the last heading written as one: a bold line goes one below it
        self.heading_text = ""
        self.tables: list[tuple[int, int, Block]] = []  # (edit index, position, table) of the tables under the current heading

    def run(self) -> None:
        found = []
        for kind, pattern in _ELEMENTS.items():
            if _MARKS[kind] in self.html:
                handler = getattr(self, kind)
                found += [(match.start(), handler, match) for match in _compiled(pattern).finditer(self.html)]
        found.sort(key=lambda item: item[0])
        for _, handler, match in found:
            handler(match)
        self.name_tables()

    @cached_property
    def lines(self) -> list[str]:
        return self.body.split("\n")

    def add_heading(self, level: int, text: str, line: int | str, start: int, end: int) -> None:
        if not text:
            raise _Elsewhere  # markdown-it-py names it by its source
        base = slug(text)
        anchor, counter = base, 2
        while anchor in self.seen:
            anchor, counter = f"{base}-{counter}", counter + 1
        self.seen.add(anchor)
        self.headings.append(Heading(level, text, anchor, int(line) - 1))
        self.edits.append((start, end, f'<h{level} id="{anchor}">'))
        if self.tables:
            self.name_tables()
        self.heading_text, self.tables = text, []

    def heading(self, match: re.Match) -> None:
        level = int(match["level"])
        inner = self.html[match.end():self.html.index(f"</h{level}>", match.end())]
        self.add_heading(level, _plain(inner), match["hline"], match.start(), match.end())
        self.level = level

    def bold(self, match: re.Match) -> None:
        """A paragraph that is only bold text, short and without a closing full stop (`**Strategische doelstelling
        1**`) is how the source marks a heading: it becomes one, one level below the heading it stands under."""
        close = self.html.index("</p>", match.end())
        inner = self.html[match.end():close]
        if not inner.endswith("</strong>") or self.depth(match.start()):
            return
        inner = inner[:-len("</strong>")]
        if any(mark in inner for mark in ("<strong", "</strong>", "<br", "\n")):
            return  # two bold runs, or several lines
        if "<img" in inner or "<sup" in inner:
            raise _Elsewhere  # an image's source or a footnote counts in markdown-it-py's length
        text = _plain(inner)
        if not 0 < len(text.strip()) <= BOLD_HEADING_MAX or text.strip().endswith((".", ",", ";", ":")):
            return
        level = min(self.level + 1, 6)
        self.add_heading(level, text, match["bline"], match.start(), match.end())
        self.edits.append((close - len("</strong>"), close + len("</p>"), f"</h{level}>"))

    def depth(self, position: int) -> int:
        """How many block quotes, list items and definitions the position is in."""
        return sum(self.html.count(open_, 0, position) - self.html.count(close, 0, position) for open_, close in _CONTAINERS)

    def link(self, match: re.Match) -> None:
        close = self.html.index("</a>", match.end())
        inner = self.html[match.end():close]
        if "<img" in inner or "<sup" in inner or "<a" in inner:
            raise _Elsewhere  # markdown-it-py's link text holds the image's source
        target = unescape(match["href"])
        self.links.append(Link(self.block_line(match.start()), target, _plain(inner), False))
        if scheme(target) and scheme(target) not in SAFE_SCHEMES:
            # validation refuses these; a preview of broken content must not run them either
            self.edits.append((match.start(), match.end(), f"<a{match['title']}>"))
        elif document := document_link(target):
            self.edits.append((match.start(), match.end(), f'<a href="{escape(page_of(document))}"{match["title"]}>'))

    def image(self, match: re.Match) -> None:
        line, column, end = int(match["iline"]), int(match["icolumn"]), int(match["iend"])
        source = self.lines[line - 1][column - 1:int(match["iend_column"])] if end == line else "\n"
        if "\n" in source or "`" in source or source.count("![") > 1:
            raise _Elsewhere  # markdown-it-py's description keeps code and line breaks that the alt text drops
        target = unescape(match["src"])
        self.links.append(Link(self.block_line(match.start()), target, unescape(match["alt"]), True))
        if scheme(target) and scheme(target) not in SAFE_SCHEMES:
            self.edits.append((match.start(), match.end(), f'<img alt="{match["alt"]}"{match["rest"]}/>'))

    def block_line(self, position: int) -> int:
        """The line (from 0) of the paragraph, heading, cell or list item the element at `position` is in."""
        before = position
        while True:
            at = self.html.rfind(' data-sourcepos="', 0, before)
            start = self.html.rfind("<", 0, at)
            name = self.html[start + 1:at]
            if name in _BLOCK_TAGS:
                line = int(self.html[at + 17:self.html.index(":", at)])
                if _compiled(_CLOSED).search(self.html, at, position):
                    raise _Elsewhere  # text after a block inside a tight list item: a paragraph without a tag
                if name in ("li", "dd") and _compiled(_MARKER_ONLY).search(self.lines[line - 1]):
                    raise _Elsewhere  # the item's text starts on a later line
                return line - 1
            if name not in _INLINE_TAGS:
                raise _Elsewhere
            before = start

    def table(self, match: re.Match) -> None:
        line, column = int(match["tline"]), int(match["tcolumn"])
        if self.lines[line - 1][:column - 1].strip():
            raise _Elsewhere  # in a block quote or on a list item's line: markdown-it-py cuts its cells otherwise
        end = int(match["tend"]) if int(match["tend_column"]) else int(match["tend"]) - 1
        self.blocks.append(Block("table", line - 1, end))
        self.tables.append((len(self.edits), match.end(), self.blocks[-1]))
        self.edits.append((match.start(), match.end(), ""))

    def name_tables(self) -> None:
        """Fill in the labels of the tables under the heading that ends here."""
        for index, position, block in self.tables:
            first = ""
            if len(self.tables) > 1:  # a cell of only an image or a footnote is named by its source
                cell = self.html[self.html.index(">", self.html.index("<th", position)) + 1:self.html.index("</th>", position)]
                first = _plain(cell) or _table_rows(self.lines, block)[0][2][0]
            label = escape(table_label(self.heading_text, first, len(self.tables)))
            start, end, _ = self.edits[index]
            self.edits[index] = (start, end, f'<div class="table-scroll" tabindex="0" role="region" aria-label="{label}">\n'
                                             f'<table>\n<caption class="visually-hidden">{label}</caption>\n')

    def code(self, match: re.Match) -> None:
        line, column = int(match["cline"]), int(match["ccolumn"])
        rest = self.lines[line - 1][column - 1:]
        fence = match["language"] or (rest.lstrip().startswith(("```", "~~~"))
                                      and not self.html.startswith(escape(rest), match.end()))
        if not fence:
            self.blocks.append(Block("code", line - 1, 0))

    def result(self) -> str:
        parts, last = [], 0
        for start, end, replacement in sorted(self.edits, key=lambda edit: edit[0]):
            parts += [self.html[last:start], replacement]
            last = end
        parts.append(self.html[last:])
        html = "".join(parts)
        if self.positions and ' data-sourcepos="' in html:
            html = _compiled(_SOURCEPOS).sub("", html)
        if self.blocks:
            html = html.replace(' style="text-align:', ' class="align-').replace("</table>\n", "</table>\n</div>\n")
        self.footnotes = html.count('class="footnote-item"')
        if self.footnotes:  # markdown-it-py writes an item's first paragraph on its line
            html = _footnote_references(html.replace('class="footnote-item">\n', 'class="footnote-item">'))
        return html


class _PlainPass(_Pass):
    """A text of headings, paragraphs, lists and tables only (no link, image, code, footnote or bold line): rendered
    without positions, which is faster, with the lines of its headings and tables read from the source. When those
    lines do not account for every heading and table of the HTML, the text is rendered again with positions."""

    positions = False

    def lined(self) -> bool:
        """Find the line of every heading and table; False when the source does not account for them all, or when
        the HTML has an element whose line only the positions give (a link, an image, code, a bold line). The HTML
        is searched once for all of them: `run` walks the headings and tables found."""
        self.elements = elements = list(_PLAIN_ELEMENT.finditer(self.html))
        if any(match.lastindex is None for match in elements):
            return False
        text = "\n" + self.body  # every line starts after a newline
        marks = list(_ATX_OR_DELIMITER.finditer(text))  # the source's headings, and the lines that may be a table's second
        headings, delimiters = [], []
        for match, line in zip(marks, _line_numbers(text, [match.start() for match in marks])):
            (headings if match[1] else delimiters).append((match, line))
        levels = [int(match[1]) for match in elements if match[1]]
        if [len(match[1]) for match, _ in headings] != levels or "\r" in self.body:
            return False  # a Setext heading, or a heading inside a block quote or a definition
        self.heading_lines = iter([line for _, line in headings])
        tables = [match.start() for match in elements if match[2]]
        if not tables:
            return True
        if len(delimiters) != len(tables) or any(_compiled(_NESTED).match(text, text.rfind("\n", 0, match.start()) + 1)
                                                 for match, _ in delimiters):
            return False  # a line that only looks like one, or a table in a block quote or on a list item's line
        rows = [self.html.count("<tr>", start, self.html.index("</table>", start)) - 1 for start in tables]  # body rows
        self.table_lines = iter([(line - 1, line + 1 + count) for (_, line), count in zip(delimiters, rows)])
        return True

    def run(self) -> None:
        """Headings and tables found by one pattern, in their order (a text has dozens of headings)."""
        html, lines = self.html, self.heading_lines
        for match in self.elements:
            level = match[1]
            if level is None:
                self.table(match)
                continue
            start = match.end()
            self.add_heading(int(level), _plain(html[start:html.index(f"</h{level}>", start)]), next(lines) + 1,
                             match.start(), start)
            self.level = int(level)
        self.name_tables()

    def table(self, match: re.Match) -> None:
        start, end = next(self.table_lines)
        self.blocks.append(Block("table", start, end))
        self.tables.append((len(self.edits), match.end(), self.blocks[-1]))
        self.edits.append((match.start(), match.end(), ""))


_PLAIN_PARSER = MarkdownIt("zero").enable_many(RULES[:-1])  # without "sourcepos"
# A heading (its level), a table, or an element that needs the positions (no group).
_PLAIN_ELEMENT = re.compile(r"<(?:h([1-6])>|(table)>\n|a |img |pre>|p><strong>)")
# An ATX heading (its marks), or a line markdown-it could take for a table's second (no group).
_ATX_OR_DELIMITER = re.compile(r"\n(?: {0,3}(#{1,6})(?=[ \t\n]|$)|[ \t]*[|:-][|: \t-]*(?=\n|$))")
_NESTED = r"\s*(?:>|[-+*][ \t]|\d{1,9}[.)][ \t])"


def _line_numbers(text: str, positions: list[int]) -> list[int]:
    """The line (from 0) of each newline at `positions` of text, which is the body after a newline."""
    lines, line, last = [], 0, 0
    for position in positions:
        line += text.count("\n", last, position)
        lines.append(line)
        last = position
    return lines


def _parse(body: str) -> Parsed:
    html = _PLAIN_PARSER.render(body)
    walk = _PlainPass(body, html)
    if not walk.lined():
        walk = _Pass(body, _PARSER.render(body))
    walk.run()
    html = walk.result()
    return Parsed(body, tuple(walk.headings), tuple(walk.links), tuple(walk.blocks), walk.footnotes, html=html)


def _plain(inner: str) -> str:
    """The words of a heading, link or cell from its HTML: text and code, without images or footnote marks."""
    if "<" in inner:
        inner = _compiled(_TAG).sub("", _compiled(_FOOTNOTE_REF).sub("", inner))
    return unescape(inner.replace("\n", "")) if "&" in inner else inner.replace("\n", "")


_REFERENCE = r'<a href="#fn(\d+)" id="fnref(\d+)">\[\d+\]</a>'
_BACK = r'<a href="#fnref(\d+)" class="footnote-backref">'


def _footnote_references(html: str) -> str:
    """A footnote referred to more than once: its later references are `fnref1:1`, `[1:1]`, as markdown-it-py writes
    them (markdown-it-pyrs numbers every reference: `fnref2`, `[1]`)."""
    names, counts = {}, {}
    for number, reference in _compiled(_REFERENCE).findall(html):
        later = counts.get(number, 0)
        counts[number] = later + 1
        names[reference] = f"{number}:{later}" if later else number
    if all(name == reference for reference, name in names.items()):
        return html
    html = _compiled(_REFERENCE).sub(lambda m: f'<a href="#fn{m[1]}" id="fnref{names[m[2]]}">[{names[m[2]]}]</a>', html)
    return _compiled(_BACK).sub(lambda m: f'<a href="#fnref{names[m[1]]}" class="footnote-backref">', html)


def _table_rows(lines: list[str], table: Block) -> tuple:
    """A table's rows from its lines, as markdown-it's GFM table rule cuts them (body rows have the header's cells)."""
    rows = []
    for line in (table.start, *range(table.start + 2, table.end)):
        cells = split_cells(lines[line].strip(_TRIM))
        if cells and cells[0] == "":
            cells.pop(0)
        if cells and cells[-1] == "":
            cells.pop()
        cells = [cell.strip(_TRIM) for cell in cells]
        if rows:
            cells = (cells + [""] * len(rows[0][2]))[:len(rows[0][2])]
        rows.append((line, not rows, cells))
    return tuple(rows)


_TRIM = " \t\n\r\x0b\x0c"


def split_cells(line: str) -> list[str]:
    """A table row cut at its pipes as markdown-it's escapedSplit cuts it (`\\|` stays in its cell), fast when the
    row has no backslash."""
    if "\\" not in line:
        return line.split("|")
    from markdown_it.rules_block.table import escapedSplit  # markdown-it-py: only for a row with a backslash

    return escapedSplit(line)


def render(parsed: Parsed, notes: dict[int, list[str]], note_label: str, media: tuple[Media, ...] = (), sizes: str = "",
           abbreviations: tuple[tuple[str, str], ...] = ()) -> RenderedMarkdown:
    """The HTML of a parsed text; `notes` are editor's notes by the index of the heading whose section they close;
    `media` are the files the text links to, `sizes` how wide its images show; `abbreviations` (abbreviation,
    expansion) are marked up where the text first uses them."""
    if parsed.tokens is not None:
        from . import markdown_py
        return markdown_py.render(parsed, notes, note_label, media, sizes, abbreviations)
    html = parsed.html
    if media:
        html = _place_files(html, media, sizes)
    if abbreviations:
        html = _mark_abbreviations(html, abbreviations, parsed.body)
    if notes:
        try:
            html = _insert_notes(html, parsed.headings, notes, note_label)
        except _Elsewhere:
            from . import markdown_py
            return markdown_py.render(markdown_py.parse(parsed.body), notes, note_label, media, sizes, abbreviations)
    return RenderedMarkdown(html, parsed.headings)


_FILE = r'<img src="(?P<src>[^"]*)"(?P<rest>(?: alt="[^"]*")?(?: title="[^"]*")?) />|<a href="(?P<href>[^"]*)"'


def files_by_name(media: tuple[Media, ...]) -> dict[str, Media]:
    """Each file by the name the text gives it. A file both shown and linked to is the image: a link needs only
    where it is published, which is the same, and the image its size."""
    files: dict[str, Media] = {}
    for file in media:
        if file.kind == IMAGE or file.written not in files:
            files[file.written] = file
    return files


def _place_files(html: str, media: tuple[Media, ...], sizes: str) -> str:
    """A file of the document as published beside its page; an image with its size (no jump while the page loads),
    its narrower copies for the browser to choose from, and loaded only when it is about to be seen."""
    files = files_by_name(media)

    def place(match: re.Match) -> str:
        file = files.get(unescape(match["src"] if match["src"] is not None else match["href"]))
        if file is None:
            return match[0]
        if match["href"] is not None:
            anchor = unescape(match["href"]).partition("#")[2]
            return f'<a href="{escape(file.href + (f"#{anchor}" if anchor else ""))}"'
        extra = ""
        if file.copies:
            srcset = ", ".join(f"{quote(file.copy(width))} {width}w" for width in file.widths)
            extra = f' srcset="{escape(srcset)}" sizes="{escape(sizes)}"'
        return (f'<img src="{escape(file.href)}"{match["rest"]}{extra} width="{file.width}" height="{file.height}"'
                f' loading="lazy" decoding="async" />')

    return _compiled(_FILE).sub(place, html)


@lru_cache(maxsize=16)
def _abbreviations(abbreviations: tuple[tuple[str, str], ...]) -> tuple[re.Pattern | None, dict[str, str], set[str]]:
    """The abbreviations as the HTML writes them (R&amp;D) with their markup; the pattern that finds them when one
    holds another (else each is found on its own, which is faster; what precedes one is checked apart); and those
    that are one capitalised word, which the text cannot hold unless its source does."""
    markup = {escape(abbr): f'<abbr title="{escape(expansion)}">{escape(abbr)}</abbr>' for abbr, expansion in abbreviations}
    nested = any(inner != outer and inner in outer for inner in markup for outer in markup)
    pattern = abbreviation_pattern(tuple(abbr for abbr, _ in abbreviations), "", escape) if nested else None
    return pattern, markup, {form for form in markup if _compiled(_CAPITALISED).fullmatch(form) and "&" not in form}


_NOT_RUNNING_TEXT = r"(?s)<(h[1-6]|a|code|caption)[ >].*?</\1>"
_WORD_BEFORE = r"[\w&]"  # in the HTML an entity (&amp;) is the only place a word follows '&'
_WORD = r"\w"


_CAPITALISED = r"[A-Z][\w&]*"


def _mark_abbreviations(html: str, abbreviations: tuple[tuple[str, str], ...], body: str) -> str:
    """The first use of each abbreviation in running text gets `<abbr title>`; headings (their ids and the table of
    contents), links, code and captions are left alone. Only markup is added: the words stay as written."""
    pattern, markup, simple = _abbreviations(abbreviations)
    text = _RunningText(html)
    first: dict[str, tuple[int, int]] = {}
    if pattern is None:
        # the source's words that start with a capital, unless an entity could write a letter (&#71;AS)
        used = set(_compiled(_CAPITALISED).findall(body)) if "&" not in body else None
        for written in markup:
            if used is not None and written in simple and written not in used:
                continue  # not in the text at all
            position = html.find(written)
            while position >= 0:
                end = position + len(written)
                if text.word(position, end) and text.running(position):
                    first[written] = (position, end)
                    break
                position = html.find(written, end if text.word(position, end) else position + 1)
    else:
        match = pattern.search(html)
        while match and len(first) < len(markup):
            if not text.word(match.start(), match.end()):
                match = pattern.search(html, match.start() + 1)
                continue
            if match[1] not in first and text.running(match.start()):
                first[match[1]] = match.span()
            match = pattern.search(html, match.end())
    parts, last = [], 0
    for written, (start, end) in sorted(first.items(), key=lambda item: item[1]):
        parts += [html[last:start], markup[written]]
        last = end
    return "".join(parts) + html[last:]


class _RunningText:
    """Where in a page's HTML the running text is: outside tags, headings, links, code and captions."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.skipped: list[tuple[int, int]] | None = None

    def word(self, start: int, end: int) -> bool:
        """Whether html[start:end] is a whole word."""
        return (not (start and _compiled(_WORD_BEFORE).match(self.html, start - 1))
                and not _compiled(_WORD).match(self.html, end))

    def running(self, position: int) -> bool:
        if self.html.rfind("<", 0, position) > self.html.rfind(">", 0, position):
            return False  # inside a tag
        if self.skipped is None:
            self.skipped = [(found.start(), found.end()) for found in _compiled(_NOT_RUNNING_TEXT).finditer(self.html)]
        index = bisect_right(self.skipped, (position, len(self.html))) - 1
        return index < 0 or position >= self.skipped[index][1]


_HEADING = r"<h[1-6] id="
_AFTER_BLOCK = (r"(?:</(?:p|ul|ol|table|div|blockquote|pre|dl|dd|dt|li|section|aside|h[1-6])>|<hr />"
                r"|<(?:li|blockquote|dd|ul|ol)>)\n$|^$")


def _insert_notes(html: str, found: tuple[Heading, ...], notes: dict[int, list[str]], label: str) -> str:
    """Each note closes its heading's section: before the next heading of the same or a higher level, or at the end;
    where sections end together, the notes of the inner section come first."""
    starts = [match.start() for match in _compiled(_HEADING).finditer(html)]
    levels = [heading.level for heading in found]
    at: dict[int, list[str]] = {}
    for index in sorted(notes, reverse=True):
        end = next((i for i in range(index + 1, len(levels)) if levels[i] <= levels[index]), None)
        at.setdefault(len(html) if end is None else starts[end], []).extend(editor_note(text, label) for text in notes[index])
    parts, last = [], 0
    for position in sorted(at):
        if position < len(html) and not _compiled(_AFTER_BLOCK).search(html, max(position - 16, 0), position):
            raise _Elsewhere  # a heading after the text of a tight list item: markdown-it-py writes no line break
        parts += [html[last:position], *at[position]]
        last = position
    return "".join(parts) + html[last:]


def render_markdown(body: str) -> RenderedMarkdown:
    """A text without editor's notes: the interface's own prose (about, accessibility)."""
    return render(parse(body), {}, "")
