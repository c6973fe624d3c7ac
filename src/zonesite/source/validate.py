"""The one validation pass: every rule about what may be published, for build, check and the preview alike.

`check_text` runs on each file as it is read; `check_site` runs once every document is known.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from ..config import Config, NumberSymbols
from ..model import FILE, IMAGE, Document, DocumentLink, EditorNote, Heading, Media, Objective, Site
from ..problems import WARNING, Problem, Problems
from . import markdown

TABLE_TOTAL = "table-total"  # the code of a warning an editor can acknowledge
ACKNOWLEDGEABLE = (TABLE_TOTAL,)
_TOTAL = re.compile(r"^(totaal|total)\b", re.IGNORECASE)
IMAGE_TYPES = ("png", "jpg", "jpeg", "webp")  # what a page and a PDF show, and Pillow makes narrower copies of
_ORIENTATION = 0x0112  # the EXIF tag of a photo taken sideways; 5 to 8 mean its width and height swap

# What `new` writes into a document; a document that is not a draft may not contain any of it.
PLACEHOLDERS = {
    "author": "Voornaam Naam, korpschef",
    "summary": "Wat dit document is, in één of twee zinnen.",
    "objective": "Eerste doelstelling",
    "body": "De tekst van het document, woordelijk zoals hij werd vastgesteld.",
    "image": "Beschrijf deze afbeelding",  # `import`: a picture Word gave no description
}


class TextFindings:
    """What validating one text gives besides problems: its anchors, links to other documents, files it uses."""

    def __init__(self) -> None:
        self.problems = Problems()
        self.links: list[DocumentLink] = []
        self.media: list[Media] = []


def check_text(path: Path, body_line: int, parsed: markdown.Parsed, config: Config, lang: str) -> TextFindings:
    found = TextFindings()
    _check_headings(path, body_line, parsed.headings, found.problems)
    _check_blocks(path, parsed, body_line, found.problems)
    _check_links(path, body_line, parsed, found, config)
    if lang == config.default_language:  # translations repeat the official figures
        _check_totals(path, body_line, parsed.table_rows(), config.numbers[lang], found.problems)
    return found


def _check_headings(path: Path, body_line: int, headings: tuple[Heading, ...], problems: Problems) -> None:
    previous = 1  # the page's own title is the only level-1 heading
    for heading in headings:
        line = body_line + heading.line
        if heading.level == 1:
            problems.error(path, line, "text.heading_level_1", heading=heading.text)
        elif heading.level > previous + 1:
            problems.error(path, line, "text.heading_jump", heading=heading.text, previous=previous, level=heading.level,
                           marks="#" * (previous + 1))
        previous = max(heading.level, 2)


def _check_blocks(path: Path, parsed: markdown.Parsed, body_line: int, problems: Problems) -> None:
    lines = parsed.lines if parsed.blocks else []
    for block in parsed.blocks:
        if block.kind == "code":
            problems.error(path, body_line + block.start, "text.indented")
        else:
            start, end = block.start, block.end
            expected = _cell_count(lines[start])
            for offset in range(start + 2, end):
                count = _cell_count(lines[offset])
                if count != expected:
                    problems.error(path, body_line + offset,
                                   "text.table_too_many" if count > expected else "text.table_too_few",
                                   count=count, expected=expected)


def _cell_count(line: str) -> int:
    """Cells of a table row as the GFM table rule splits them (escaped pipes stay in their cell)."""
    cells = markdown.split_cells(line.strip())
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return len(cells)


def _check_links(path: Path, body_line: int, parsed: markdown.Parsed, found: TextFindings, config: Config) -> None:
    anchors = {heading.anchor for heading in parsed.headings} | parsed.footnote_anchors()
    for link in parsed.links:
        _check_link(path, link, body_line + link.line, anchors, found, config)


def _check_link(path: Path, link: markdown.Link, line: int, anchors: set[str], found: TextFindings,
                config: Config) -> None:
    is_image, target, text = link.image, link.target, link.text
    scheme = markdown.scheme(target)
    if is_image and not text.strip():
        found.problems.error(path, line, "text.image_no_alt", target=target)
    if scheme:
        if scheme not in markdown.SAFE_SCHEMES:
            found.problems.error(path, line, "text.bad_scheme", target=target, scheme=scheme,
                                 allowed=[s + ":" for s in markdown.SAFE_SCHEMES])
        elif is_image:
            found.problems.error(path, line, "text.image_elsewhere", target=target)
    elif target.startswith("#"):
        if target[1:] not in anchors:
            found.problems.error(path, line, "text.no_anchor", target=target)
    elif target:
        _check_file_link(path, target, line, found, config, is_image, text.strip())


def _check_file_link(path: Path, target: str, line: int, found: TextFindings, config: Config, is_image: bool,
                     title: str) -> None:
    name, _, anchor = target.partition("#")
    relative = PurePosixPath(unquote(name))
    resolved = (path.parent / relative).resolve()
    if name.endswith(".md") and not is_image:
        found.links.append(DocumentLink(line, target, resolved, anchor))
    elif ".." in relative.parts or relative.is_absolute():
        found.problems.error(path, line, "text.file_outside", target=target)
    elif not resolved.is_file():
        found.problems.error(path, line, "text.file_missing", target=target, relative=str(relative), document=path.name)
    else:
        media = _media(path, target, relative, resolved, line, config, is_image, title, found.problems)
        clash = next((m for m in found.media if media and m.target == media.target and m.source != media.source), None)
        if clash:
            found.problems.error(path, line, "text.file_clash", target=target, other=clash.written, published=media.target)
        elif media:
            found.media.append(media)


def _media(path: Path, written: str, relative: PurePosixPath, resolved: Path, line: int, config: Config, is_image: bool,
           title: str, problems: Problems) -> Media | None:
    """The file as the site publishes it: an image shown, an annex of an allowed type, or an image linked to."""
    extension = relative.suffix.lower().lstrip(".")
    annex_types = config.media.annex_types
    kind, width, height = (IMAGE if is_image else extension if extension in annex_types else FILE), 0, 0
    if is_image:
        if extension not in IMAGE_TYPES:
            problems.error(path, line, "text.image_type", target=written, types=list(IMAGE_TYPES))
            return None
        dimensions = _image_size(resolved)
        if dimensions is None:
            problems.error(path, line, "text.image_unreadable", target=written, extension=extension)
            return None
        width, height = dimensions
    elif kind == FILE and extension not in IMAGE_TYPES:
        problems.error(path, line, "text.file_type", target=written, extension=extension, images=list(IMAGE_TYPES), annexes=list(annex_types))
        return None
    with resolved.open("rb") as stream:
        sha256 = hashlib.file_digest(stream, "sha256").hexdigest()
    own = path.name.split(".", 1)[0]  # the document's own folder has the document's name
    parts = relative.parts[1:] if len(relative.parts) > 1 and relative.parts[0] == own else relative.parts
    widths = config.media.image_widths
    choices = tuple(w for w in widths if w < width) + ((width,) if is_image and width <= widths[-1] else ())
    return Media(resolved, written, str(PurePosixPath(*parts)), kind, resolved.stat().st_size, sha256, title, width, height,
                 choices if is_image else ())


def _image_size(path: Path) -> tuple[int, int] | None:
    """Width and height as shown: a photo taken sideways is turned by its EXIF orientation (the copies are too)."""
    from PIL import Image, UnidentifiedImageError  # only for a text that shows an image

    try:
        with Image.open(path) as image:
            width, height = image.size
            turned = image.getexif().get(_ORIENTATION, 1) in (5, 6, 7, 8)
            return (height, width) if turned else (width, height)
    except (OSError, UnidentifiedImageError, ValueError):
        return None


_FIGURE = re.compile(r"-?\d[\d.,]*")  # only what looks like a figure is a number


@lru_cache(maxsize=None)
def _grouped(symbols: NumberSymbols) -> re.Pattern[str]:
    """A figure written exactly as Babel writes it in the locale (1.234.567,89)."""
    first, rest = symbols.grouping
    g, d = re.escape(symbols.group), re.escape(symbols.decimal)
    return re.compile(rf"-?[1-9]\d{{0,{first - 1}}}(?:{g}\d{{{first}}})*{g}\d{{{first}}}(?:{d}\d+)?" if first == rest else "(?!)")


@lru_cache(maxsize=65536)
def _number(text: str, symbols: NumberSymbols) -> Decimal | None:
    """The figure in a cell as Babel's strict `parse_decimal` reads it, or None; tables repeat their figures, so
    each cell's text is parsed once per build. Figures without a group separator, and figures grouped the way
    Babel formats them, are read here with the same result; anything else goes to Babel itself."""
    text = text.replace(" ", "").replace("\u00a0", "").replace("€", "")
    if not _FIGURE.fullmatch(text):
        return None
    try:
        if symbols.group not in text:  # Babel's strict check only looks at figures with a group separator
            return Decimal(text.replace(symbols.decimal, "."))
        if _grouped(symbols).fullmatch(text):
            return Decimal(text.replace(symbols.group, "").replace(symbols.decimal, "."))
    except InvalidOperation:
        return None
    return _babel_number(text, symbols.locale)


def _babel_number(text: str, locale: str) -> Decimal | None:
    """Babel's own strict reading, for the rare figure grouped otherwise: only it needs Babel's import and data."""
    from babel.numbers import NumberFormatError, parse_decimal

    try:
        return parse_decimal(text, locale=locale, strict=True)
    except (InvalidOperation, NumberFormatError):
        return None


def _check_totals(path: Path, body_line: int, tables: tuple, locale: NumberSymbols, problems: Problems) -> None:
    """A row labelled TOTAAL must equal the column sums above it; 'TOTAAL X' with one value, the sum of that row."""
    for table in tables:
        rows, last_total = [], None
        for line, is_header, sources in table:
            if not is_header:
                cells = [cell.replace("*", "").replace("_", "").strip() for cell in sources]
                last_total = _check_row(path, body_line + line, cells, locale, rows, last_total, problems)


def _check_row(path: Path, line: int, cells: list[str], locale: NumberSymbols, rows: list, last_total, problems: Problems):
    """One body row: kept for the sums below it, or compared when it is a total; gives the last total's values."""
    values = [_number(cell, locale) for cell in cells]
    if not (cells and _TOTAL.match(cells[0])):
        rows.append(values)
        return last_total
    numbers = [(col, v) for col, v in enumerate(values) if col and v is not None]
    if len(numbers) == 1 and last_total:
        _compare(path, line, cells[0], numbers[0][0], numbers[0][1], sum(v for _, v in last_total), len(last_total),
                 problems, "text.total_of_totals")
        return last_total
    for col, value in numbers:
        column = [row[col] for row in rows if col < len(row) and row[col] is not None]
        if column:
            _compare(path, line, cells[0], col, value, sum(column), len(column), problems, "text.total_of_rows")
    return numbers


def _format(value: Decimal) -> str:
    whole, _, cents = f"{value:.2f}".partition(".")
    return f"{int(whole):,}".replace(",", ".") + "," + cents


def _compare(path: Path, line: int, label: str, column: int, stated: Decimal, computed: Decimal,
             terms: int, problems: Problems, ident: str) -> None:
    if abs(stated - computed) > Decimal("0.01") * terms:  # each term may have been rounded to the cent
        problems.warning(path, line, ident, code=TABLE_TOTAL, label=label, column=column + 1, stated=_format(stated),
                         computed=_format(computed))


def check_placeholders(doc: Document, body: str, config: Config, problems: Problems, line_of) -> None:
    """Text that `new` wrote marks an unfinished document: only a draft may still contain it.

    `line_of(*key_path)` gives the line of a front matter value."""
    if doc.status in config.draft_statuses:
        return
    source = doc.versions[config.default_language]
    fields = [("author", source.author, ("author",)), ("summary", source.summary, ("summary",))]
    fields += [("objective", o.title, ("objectives", i, "title")) for i, o in enumerate(source.objectives)]
    for what, text, key_path in fields:
        if PLACEHOLDERS[what] in text:
            problems.error(source.path, line_of(*key_path), f"placeholder.{what}", placeholder=PLACEHOLDERS[what],
                           statuses=config.draft_statuses)
    if PLACEHOLDERS["body"] not in body and f"![{PLACEHOLDERS['image']}]" not in body:
        return  # most texts: no line to look for
    for number, line in enumerate(body.split("\n")):
        if PLACEHOLDERS["body"] in line:
            problems.error(source.path, source.body_line + number, "placeholder.body", placeholder=PLACEHOLDERS["body"])
        if f"![{PLACEHOLDERS['image']}]" in line:
            problems.error(source.path, source.body_line + number, "placeholder.image", placeholder=PLACEHOLDERS["image"])


def check_notes(doc: Document, headings: tuple[Heading, ...], problems: Problems) -> None:
    """Each editor's note belongs to a section of the Dutch text; it acknowledges the warnings found in that section."""
    source_path = doc.versions[next(iter(doc.versions))].path
    anchors = {heading.anchor: index for index, heading in enumerate(headings)}
    for note in doc.editor_notes:
        if note.section not in anchors:
            problems.error(source_path, note.line, "note.no_anchor", anchor=note.section, known=_some(list(anchors)))
    acknowledged = []
    for problem in problems.items:
        note = _acknowledging(problem, doc.editor_notes, headings, anchors, doc.versions[next(iter(doc.versions))].body_line)
        acknowledged.append(problem.acknowledged(note.line) if note else problem)
    problems.items[:] = acknowledged


def check_objective_sections(path: Path, objectives: tuple[Objective, ...], headings: tuple[Heading, ...],
                             problems: Problems) -> None:
    """An objective's `section` is the anchor of a heading of the Dutch text: its page links the goal there."""
    anchors = [heading.anchor for heading in headings]
    for objective in objectives:
        if objective.section and objective.section not in anchors:
            problems.error(path, objective.line, "objective.no_anchor", id=objective.id, anchor=objective.section,
                           known=_some(anchors))


def _some(names: list[str]) -> str:
    """The first few of a long list, for a message that suggests what was meant."""
    return ", ".join(names[:8]) + (", …" if len(names) > 8 else "")


def _acknowledging(problem: Problem, notes: tuple[EditorNote, ...], headings: tuple[Heading, ...],
                   anchors: dict[str, int], body_line: int) -> EditorNote | None:
    if problem.severity != WARNING or not problem.code:
        return None
    for note in notes:
        if problem.code in note.acknowledges and note.section in anchors:
            index = anchors[note.section]
            start = body_line + headings[index].line
            later = [h for h in headings[index + 1:] if h.level <= headings[index].level]
            end = body_line + later[0].line if later else float("inf")
            if start <= problem.line < end:
                return note
    return None


def check_site(site: Site, config: Config) -> Problems:
    """What needs every document at once: links and anchors across documents, translations' state."""
    problems = Problems()
    versions = None  # by real path, gathered at the first link: hashing every path cost more than the rest of the check
    for doc in site.documents:
        for version in doc.versions.values():
            for link in version.links:
                if versions is None:
                    versions = {other.real_path or other.path.resolve(): other
                                for each in site.documents for other in each.versions.values()}
                target = versions.get(link.target)
                if target is None:
                    problems.error(version.path, link.line, "link.no_document", target=link.href)
                elif link.anchor and link.anchor not in target.anchors:
                    problems.error(version.path, link.line, "link.no_anchor_there", target=link.href)
        source = doc.versions[config.default_language]
        _check_relations(site, doc, source.path, config, problems)
        for lang in config.translations:
            version = doc.versions.get(lang)
            if lang in doc.in_progress:
                problems.warning(source.path, 0, "translation.in_progress", code="translation-in-progress", lang=lang)
            elif version is None:
                problems.warning(source.path, 0, "translation.missing", code="translation-missing", lang=lang)
            elif version.translated_from != source.source_text_hash:
                problems.warning(version.path, 0, "translation.outdated", code="translation-outdated", source=source.path.name)
    return problems


def _check_relations(site: Site, doc: Document, path: Path, config: Config, problems: Problems) -> None:
    """`replaces` and `replaced_by` name another document that exists, and is published when this one is."""
    for key, ref in (("replaces", doc.replaces), ("replaced_by", doc.replaced_by)):
        if ref is None:
            continue
        other = site.document(ref.key)
        if ref.key == doc.key:
            problems.error(path, ref.line, "relation.itself", key=key, ref=ref.key)
        elif other is None:
            known = [d.key for d in site.documents if d.key != doc.key]
            problems.error(path, ref.line, "relation.unknown", key=key, ref=ref.key, known=known)
        elif other.status in config.draft_statuses and doc.status not in config.draft_statuses:
            problems.error(path, ref.line, "relation.draft", key=key, ref=ref.key, status=other.status)
