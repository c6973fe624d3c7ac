"""Mammoth's HTML of a Word document (a small, fixed vocabulary) written as the Markdown this site reads."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..source.markdown import SAFE_SCHEMES, scheme


class MarkdownWriter:
    """One document's HTML as Markdown: headings, lists, tables, footnotes, emphasis, links and pictures."""

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
