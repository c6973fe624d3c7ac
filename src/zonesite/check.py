"""`check`: validate content without writing: schema (via the loader), links and anchors, table totals."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath

from markdown_it.token import Token

from .config import Config
from .content import load_site
from .markdown import heading_anchors, parse_markdown
from .model import Site, Version
from .problems import ContentError, Problems
from .translations import warn_about

_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+(,\d+)?$")
_TOTAL = re.compile(r"^(totaal|total)\b", re.IGNORECASE)


def run_check(config: Config, content_dir: Path) -> Problems:
    problems = Problems()
    try:
        site, warnings = load_site(config, content_dir)
    except ContentError as error:
        problems.items.extend(error.problems)
        return problems
    problems.extend(warnings)
    warn_about(config, site, problems)
    for doc in site.documents:
        for version in doc.versions.values():
            tokens, _ = parse_markdown(version.body)
            heading_anchors(tokens)
            check_links(site, version, tokens, problems)
            if version.lang == config.default_language:  # translations repeat the official figures
                check_totals(version, tokens, problems)
    return problems


def _line(version: Version, token: Token) -> int:
    return version.body_line + (token.map[0] if token.map else 0)


def _anchors(tokens: list[Token]) -> set[str]:
    ids = {token.attrGet("id") for token in tokens if token.attrGet("id")}
    footnotes = sum(1 for token in tokens if token.type == "footnote_open")
    return {str(i) for i in ids} | {f"fn{n}" for n in range(1, footnotes + 1)} | {f"fnref{n}" for n in range(1, footnotes + 1)}


def check_links(site: Site, version: Version, tokens: list[Token], problems: Problems) -> None:
    """Links inside the site: '#anchor' in the same document, or another document's file 'doc.nl.md'."""
    anchors = _anchors(tokens)
    known_files = {v.path.resolve() for d in site.documents for v in d.versions.values()}
    for block in tokens:
        for token in block.children or ():
            if token.type != "link_open":
                continue
            href = str(token.attrGet("href") or "")
            if href.startswith("#"):
                if href[1:] not in anchors:
                    problems.error(version.path, _line(version, block), f"link to '{href}': no heading or footnote has that anchor")
            elif not re.match(r"^[a-z][a-z0-9+.-]*:", href, re.IGNORECASE):
                target = href.split("#", 1)[0]
                resolved = (version.path.parent / PurePosixPath(target)).resolve()
                if target and resolved not in known_files:
                    problems.error(version.path, _line(version, block), f"link to '{href}': no such document in the content folder")


def _cells(tokens: list[Token], start: int) -> tuple[list[str], int]:
    """Texts of the cells of the row starting at tokens[start]; returns them and the index after the row."""
    cells, index = [], start + 1
    while tokens[index].type != "tr_close":
        if tokens[index].type == "inline":
            cells.append(re.sub(r"[*_]", "", tokens[index].content).strip())
        index += 1
    return cells, index + 1


def _number(text: str) -> Decimal | None:
    text = text.replace(" ", "").replace("\u00a0", "").replace("€", "")
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text.replace(".", "").replace(",", "."))
    except InvalidOperation:
        return None


def _format(value: Decimal) -> str:
    whole, _, cents = f"{value:.2f}".partition(".")
    return f"{int(whole):,}".replace(",", ".") + "," + cents


def check_totals(version: Version, tokens: list[Token], problems: Problems) -> None:
    """A row labelled TOTAAL must equal the column sums above it; 'TOTAAL X' with one value, the sum of that row."""
    index, rows, last_total = 0, [], None
    while index < len(tokens):
        token = tokens[index]
        if token.type == "table_open":
            rows, last_total = [], None
        if token.type == "tr_open":
            line = _line(version, token)
            is_header = tokens[index + 1].type == "th_open"
            cells, index = _cells(tokens, index)
            if is_header:
                continue
            values = [_number(cell) for cell in cells]
            if cells and _TOTAL.match(cells[0]):
                label = cells[0]
                numbers = [(col, v) for col, v in enumerate(values) if col and v is not None]
                if len(numbers) == 1 and last_total:
                    expected = sum(v for _, v in last_total)
                    _compare(version, line, label, numbers[0][0], numbers[0][1], expected, len(last_total), problems, "the row total above adds")
                else:
                    for col, value in numbers:
                        column = [row[col] for row in rows if col < len(row) and row[col] is not None]
                        if column:
                            _compare(version, line, label, col, value, sum(column), len(column), problems, "the rows above add")
                    last_total = numbers
                continue
            rows.append(values)
            continue
        index += 1


def _compare(version: Version, line: int, label: str, column: int, stated: Decimal, computed: Decimal,
             terms: int, problems: Problems, what: str) -> None:
    # Each term may have been rounded to the cent: allow that much.
    if abs(stated - computed) > Decimal("0.01") * terms:
        problems.warning(version.path, line, f"table total '{label}', column {column + 1}: states {_format(stated)}, "
                                             f"but {what} up to {_format(computed)} (published as adopted)")
