"""Markdown to safe HTML, with heading anchors and the table of contents they form."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from slugify import slugify


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str
    line: int  # 0-based line in the Markdown body


@dataclass(frozen=True)
class RenderedMarkdown:
    html: str
    headings: tuple[Heading, ...]


def _parser() -> MarkdownIt:
    # "html": False means raw HTML in the source is escaped, never passed through.
    parser = MarkdownIt("commonmark", {"html": False, "typographer": False})
    parser.enable("table").enable("strikethrough")
    return parser.use(footnote_plugin).use(deflist_plugin)


_PARSER = _parser()


def heading_anchors(tokens: list[Token]) -> list[Heading]:
    """Give every heading a unique, readable id; the ids double as the table of contents."""
    headings: list[Heading] = []
    seen: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        text = _plain_text(tokens[index + 1])
        base = slugify(text, max_length=60, word_boundary=True) or "sectie"
        anchor, counter = base, 2
        while anchor in seen:
            anchor, counter = f"{base}-{counter}", counter + 1
        seen.add(anchor)
        token.attrSet("id", anchor)
        headings.append(Heading(int(token.tag[1]), text, anchor, token.map[0] if token.map else 0))
    return headings


def _alignment_as_class(tokens: list[Token]) -> None:
    """Table alignment becomes a class: the Content-Security-Policy forbids inline styles."""
    for token in tokens:
        style = token.attrGet("style") if token.type in ("th_open", "td_open") else None
        if style and style.startswith("text-align:"):
            del token.attrs["style"]
            token.attrSet("class", "align-" + style.split(":", 1)[1])


_DOCUMENT_LINK = re.compile(r"^(?:\.\./([a-z0-9-]+)/)?([a-z0-9-]+)\.[a-z]{2,3}\.md(#.*)?$")


def _document_links_to_pages(tokens: list[Token]) -> None:
    """A link to another document's file ('doc.nl.md', '../zone/doc.nl.md') becomes a link to its page.

    Document pages live at <lang>/<zone>/<doc>/, so the target is the same-language page: ../doc/ or ../../zone/doc/.
    """
    for block in tokens:
        for token in block.children or ():
            href = token.attrGet("href") if token.type == "link_open" else None
            match = _DOCUMENT_LINK.match(str(href)) if href else None
            if match:
                zone, document, anchor = match.groups()
                token.attrSet("href", f"../../{zone}/{document}/{anchor or ''}" if zone else f"../{document}/{anchor or ''}")


def _plain_text(inline: Token) -> str:
    return "".join(child.content for child in inline.children or () if child.type in ("text", "code_inline")) or inline.content


def parse_markdown(body: str) -> tuple[list[Token], dict]:
    """Tokens (with their source lines, for `check`) and the parser's environment (footnotes)."""
    env: dict = {}
    tokens = _PARSER.parse(body, env)
    _alignment_as_class(tokens)
    return tokens, env


def render_markdown(body: str) -> RenderedMarkdown:
    tokens, env = parse_markdown(body)
    _document_links_to_pages(tokens)
    _label_tables(tokens)
    headings = heading_anchors(tokens)
    html = _PARSER.renderer.render(tokens, _PARSER.options, env)
    return RenderedMarkdown(html, tuple(headings))


def _table_open(self, tokens: list[Token], index: int, options, env) -> str:
    """Wide tables scroll inside a region that keyboard users can reach and screen readers can name."""
    label = tokens[index].meta.get("label", "")
    return f'<div class="table-scroll" tabindex="0" role="region" aria-label="{escapeHtml(label)}">\n<table>\n'


def _table_close(self, tokens: list[Token], index: int, options, env) -> str:
    return "</table>\n</div>\n"


def _label_tables(tokens: list[Token]) -> None:
    """Each table is named after the heading it stands under, for the scroll region's label."""
    heading = ""
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading = _plain_text(tokens[index + 1])
        elif token.type == "table_open":
            token.meta["label"] = heading or "Tabel"


_PARSER.add_render_rule("table_open", _table_open)
_PARSER.add_render_rule("table_close", _table_close)
