"""Markdown through markdown-it-py's tokens: the reference the site's HTML is held to, and the way taken by a text
that markdown-it-pyrs cannot render the same way (see markdown.py). Every step works on the token stream."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..model import Heading, Media, RenderedMarkdown
from .markdown import (BOLD_HEADING_MAX, SAFE_SCHEMES, Block, Link, Parsed, abbreviation_pattern, document_link,
                       editor_note, files_by_name, page_of, scheme, slug, table_label)


def _parser() -> MarkdownIt:
    # "html": False means raw HTML in the source is escaped, never passed through.
    parser = MarkdownIt("commonmark", {"html": False, "typographer": False})
    parser.enable("table").enable("strikethrough")
    # Every link is kept as a link so validation can name a refused scheme; rendering drops unsafe ones.
    parser.validateLink = lambda url: True
    return parser.use(footnote_plugin).use(deflist_plugin)


_PARSER = _parser()


def parse(body: str) -> Parsed:
    """The text's tokens, with bold lines made headings and heading ids set, and what validation needs of them."""
    env: dict = {}
    tokens = _PARSER.parse(body, env)
    _bold_lines_as_headings(tokens)
    found = headings(tokens)
    links = tuple(Link(block.map[0] if block.map else 0, str(child.attrGet("src" if child.type == "image" else "href") or ""),
                       link_text(block.children, index), child.type == "image")
                  for block in tokens for index, child in enumerate(block.children or ())
                  if child.type in ("link_open", "image"))
    blocks = tuple(Block("code", token.map[0] if token.map else 0, 0) if token.type == "code_block" else
                   Block("table", *token.map) for token in tokens
                   if token.type == "code_block" or (token.type == "table_open" and token.map))
    footnotes = sum(1 for token in tokens if token.type == "footnote_open")
    return Parsed(body, found, links, blocks, footnotes, tokens=tokens, env=env, rows=_rows(tokens))


def _bold_lines_as_headings(tokens: list[Token]) -> None:
    """A paragraph that is only bold text, short and without a closing full stop (`**Strategische doelstelling 1**`)
    is how the source marks a heading: it becomes one, one level below the heading it stands under (words unchanged)."""
    level = 1
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1])
        elif token.type == "paragraph_open" and token.level == 0 and _is_bold_line(tokens[index + 1]):
            tag = f"h{min(level + 1, 6)}"
            inline = tokens[index + 1]
            inline.children = _words(inline)[1:-1]  # the words without the bold
            inline.content = inline.content.strip().removeprefix("**").removesuffix("**")
            for part, kind in ((token, "heading_open"), (tokens[index + 2], "heading_close")):
                part.type, part.tag, part.markup = kind, tag, ""


def _words(inline: Token) -> list[Token]:
    """The inline's children without the empty text the parser puts around a bold run."""
    return [child for child in inline.children or () if not (child.type == "text" and not child.content)]


def _is_bold_line(inline: Token) -> bool:
    children = _words(inline)
    if len(children) < 3 or children[0].type != "strong_open" or children[-1].type != "strong_close":
        return False
    inner = children[1:-1]
    if any(child.type in ("strong_open", "strong_close", "softbreak", "hardbreak") for child in inner):
        return False  # two bold runs, or several lines
    text = "".join(child.content for child in inner).strip()
    return 0 < len(text) <= BOLD_HEADING_MAX and not text.endswith((".", ",", ";", ":"))


def plain_text(inline: Token) -> str:
    return "".join(child.content for child in inline.children or () if child.type in ("text", "code_inline")) or inline.content


def headings(tokens: list[Token]) -> tuple[Heading, ...]:
    """Give every heading a unique, readable id; the ids double as the table of contents."""
    found: list[Heading] = []
    seen: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        text = plain_text(tokens[index + 1])
        base = slug(text)
        anchor, counter = base, 2
        while anchor in seen:
            anchor, counter = f"{base}-{counter}", counter + 1
        seen.add(anchor)
        token.attrSet("id", anchor)
        found.append(Heading(int(token.tag[1]), text, anchor, token.map[0] if token.map else 0))
    return tuple(found)


def link_text(children: list[Token], index: int) -> str:
    """The text of the link that opens at children[index], or the description of the image there."""
    token = children[index]
    if token.type == "image":
        return "".join(child.content for child in token.children or ())
    words = []
    for child in children[index + 1:]:
        if child.type == "link_close":
            break
        words.append(child.content)
    return "".join(words)


def _rows(tokens: list[Token]) -> tuple:
    """Every table's rows: (line, is a header row, the source of each cell)."""
    tables, index = [], 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "table_open":
            tables.append([])
        if token.type == "tr_open":
            cells, start = [], index
            index += 1
            while tokens[index].type != "tr_close":
                if tokens[index].type == "inline":
                    cells.append(tokens[index].content)
                index += 1
            tables[-1].append((token.map[0] if token.map else 0, tokens[start + 1].type == "th_open", cells))
        index += 1
    return tuple(tuple(rows) for rows in tables)


def render(parsed: Parsed, notes: dict[int, list[str]], note_label: str, media: tuple[Media, ...] = (), sizes: str = "",
           abbreviations: tuple[tuple[str, str], ...] = ()) -> RenderedMarkdown:
    """HTML of the parsed tokens; see markdown.render."""
    tokens, env = parsed.tokens, parsed.env
    files = files_by_name(media)
    for block in tokens:
        for child in block.children or ():
            _rewrite_link(child)
            if child.type in ("image", "link_open") and (file := files.get(str(child.attrGet("src" if child.type == "image" else "href")))):
                _place_file(child, file, sizes)
    if abbreviations:
        _mark_abbreviations(tokens, abbreviations)
    _alignment_as_class(tokens)
    _label_tables(tokens)
    _insert_notes(tokens, notes, note_label)
    return RenderedMarkdown(_PARSER.renderer.render(tokens, _PARSER.options, env), parsed.headings)


def _rewrite_link(token: Token) -> None:
    """Another document's file becomes its page (../doc/, ../../zone/doc/); an unsafe scheme loses its link."""
    attribute = "href" if token.type == "link_open" else "src" if token.type == "image" else None
    target = str(token.attrGet(attribute) or "") if attribute else ""
    if not attribute:
        return
    if scheme(target) and scheme(target) not in SAFE_SCHEMES:
        del token.attrs[attribute]  # validation refuses these; a preview of broken content must not run them either
        return
    match = document_link(target) if token.type == "link_open" else None
    if match:
        token.attrSet("href", page_of(match))


def _place_file(token: Token, file: Media, sizes: str) -> None:
    """A file of the document as published beside its page; an image with its size (no jump while the page loads),
    its narrower copies for the browser to choose from, and loaded only when it is about to be seen."""
    if token.type == "link_open":
        anchor = str(token.attrGet("href")).partition("#")[2]
        token.attrSet("href", file.href + (f"#{anchor}" if anchor else ""))
        return
    token.attrSet("src", file.href)
    if file.copies:
        token.attrSet("srcset", ", ".join(f"{quote(file.copy(width))} {width}w" for width in file.widths))
        token.attrSet("sizes", sizes)
    token.attrSet("width", str(file.width))
    token.attrSet("height", str(file.height))
    token.attrSet("loading", "lazy")
    token.attrSet("decoding", "async")


def _mark_abbreviations(tokens: list[Token], abbreviations: tuple[tuple[str, str], ...]) -> None:
    """The first use of each abbreviation in running text gets `<abbr title>`; headings (their ids and the table of
    contents), links and code are left alone. Only markup is added: the words stay as written."""
    pattern, expansions = _abbreviation_pattern(abbreviations), dict(abbreviations)
    seen: set[str] = set()
    for index, block in enumerate(tokens):
        if block.type != "inline" or (index and tokens[index - 1].type == "heading_open"):
            continue
        children, in_link = [], 0
        for child in block.children or ():
            in_link += 1 if child.type == "link_open" else -1 if child.type == "link_close" else 0
            if child.type == "text" and not in_link:
                children.extend(_split_abbreviations(child, pattern, expansions, seen))
            else:
                children.append(child)
        block.children = children


@lru_cache(maxsize=16)
def _abbreviation_pattern(abbreviations: tuple[tuple[str, str], ...]) -> re.Pattern:
    return abbreviation_pattern(tuple(abbr for abbr, _ in abbreviations), r"(?<!\w)", lambda form: form)


def _split_abbreviations(text: Token, pattern: re.Pattern, expansions: dict[str, str], seen: set[str]) -> list[Token]:
    """A text token cut around the abbreviations it uses first: text, <abbr>, text …"""
    parts, start = [], 0
    for match in pattern.finditer(text.content):
        abbr = match.group(1)
        if abbr in seen:
            continue
        seen.add(abbr)
        if match.start() > start:
            parts.append(_text(text.content[start:match.start()]))
        markup = Token("html_inline", "", 0)
        markup.content = f'<abbr title="{escapeHtml(expansions[abbr])}">{escapeHtml(abbr)}</abbr>'
        parts.append(markup)
        start = match.end()
    if not parts:
        return [text]
    if start < len(text.content):
        parts.append(_text(text.content[start:]))
    return parts


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _alignment_as_class(tokens: list[Token]) -> None:
    """Table alignment becomes a class: the Content-Security-Policy forbids inline styles."""
    for token in tokens:
        style = token.attrGet("style") if token.type in ("th_open", "td_open") else None
        if style and str(style).startswith("text-align:"):
            del token.attrs["style"]
            token.attrSet("class", "align-" + str(style).split(":", 1)[1])


def _label_tables(tokens: list[Token]) -> None:
    """Each table is named after the heading it stands under (see markdown.table_label)."""
    heading, tables = "", []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            _name_tables(tables, heading)
            heading, tables = plain_text(tokens[index + 1]), []
        elif token.type == "table_open":
            first = next(t for t in tokens[index:] if t.type == "inline")
            tables.append((token, plain_text(first)))
    _name_tables(tables, heading)


def _name_tables(tables: list[tuple[Token, str]], heading: str) -> None:
    for token, first_cell in tables:
        token.meta["label"] = table_label(heading, first_cell, len(tables))


def _section_end(tokens: list[Token], heading_index: int) -> int:
    """Index of the token after the section that the given heading (counted from 0) opens."""
    positions = [i for i, token in enumerate(tokens) if token.type == "heading_open"]
    start = positions[heading_index]
    level = int(tokens[start].tag[1])
    return next((i for i in positions if i > start and int(tokens[i].tag[1]) <= level), len(tokens))


def _insert_notes(tokens: list[Token], notes: dict[int, list[str]], label: str) -> None:
    for heading_index in sorted(notes, reverse=True):  # from the end, so earlier positions stay valid
        at = _section_end(tokens, heading_index)
        for text in reversed(notes[heading_index]):
            note = Token("editor_note", "aside", 0)
            note.content, note.meta = text, {"label": label}
            tokens.insert(at, note)


def _editor_note(self, tokens: list[Token], index: int, options, env) -> str:
    return editor_note(tokens[index].content, tokens[index].meta["label"])


def _table_open(self, tokens: list[Token], index: int, options, env) -> str:
    """Wide tables scroll inside a region that keyboard users can reach and screen readers can name."""
    label = escapeHtml(tokens[index].meta.get("label", ""))
    return (f'<div class="table-scroll" tabindex="0" role="region" aria-label="{label}">\n'
            f'<table>\n<caption class="visually-hidden">{label}</caption>\n')


def _table_close(self, tokens: list[Token], index: int, options, env) -> str:
    return "</table>\n</div>\n"


_PARSER.add_render_rule("table_open", _table_open)
_PARSER.add_render_rule("table_close", _table_close)
_PARSER.add_render_rule("editor_note", _editor_note)
