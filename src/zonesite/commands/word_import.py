"""`import`: a Word document becomes a draft Markdown document with front matter to fill in, and a fidelity report."""

from __future__ import annotations

import argparse
import zipfile
from collections import Counter
from pathlib import Path
from xml.parsers.expat import ExpatError

from slugify import slugify

from ..config import Config
from ..messages import say
from ..problems import ToolError
from ..source.validate import PLACEHOLDERS
from .new import DocumentFields, front_matter

EXIT_OK, EXIT_MISSING = 0, 1  # nothing written: a ToolError, exit 2 from the command line
BROWSER_IMAGES = (".png", ".jpg", ".gif", ".svg", ".webp")


def run(args: argparse.Namespace, config: Config, content_dir: Path, lang: str) -> int:
    """The command: exit 0 when every sentence was found, 1 when some were not; a ToolError when nothing was written."""
    from .fidelity import fidelity
    from .word import convert

    if not args.docx.is_file():
        raise ToolError("import.not_found", path=str(args.docx))
    zone_dir = _zone_dir(content_dir, args.zone)
    if args.doc_type and args.doc_type not in config.document_types:
        raise ToolError("import.no_type", type=args.doc_type, types=list(config.document_types))
    try:  # the placeholder is text of the document, so in the document's language
        converted = convert(args.docx, PLACEHOLDERS["image"])
    except (zipfile.BadZipFile, KeyError, ValueError, ExpatError):  # not a zip, a part missing, XML that is not
        raise ToolError("import.not_docx", path=str(args.docx)) from None
    title = converted.title or args.docx.stem
    if args.slug and args.slug != slugify(args.slug):
        raise ToolError("import.bad_slug", slug=args.slug, example=slugify(args.slug) or "verslag-2025")
    slug = args.slug or slugify(title, max_length=60) or slugify(args.docx.stem)
    path = zone_dir / f"{slug}.{config.default_language}.md"
    folder = zone_dir / slug
    for taken in [path] + ([folder] if converted.pictures else []):
        if taken.exists():
            raise ToolError("import.exists", path=str(taken))
    body = converted.markdown(slug)
    fields = DocumentFields(args.zone, args.doc_type or _guess_type(config, f"{title} {args.docx.stem}"), title)
    _write(path, folder, front_matter(config, fields, slug, lang, title_note="front.title_word") + body, converted.pictures)
    result = fidelity(converted.paragraphs, body, title)
    _report(lang, path, folder, config, converted, result, args.quiet)
    return EXIT_MISSING if result.missing else EXIT_OK


def _zone_dir(content_dir: Path, zone: str) -> Path:
    zone_file = content_dir / zone / "zone.yaml"
    if zone != slugify(zone) or not zone_file.is_file():
        zones = sorted(p.parent.name for p in content_dir.glob("*/zone.yaml"))
        raise ToolError("import.no_zone", zone=zone, path=str(zone_file), zones=zones)
    return zone_file.parent


def _guess_type(config: Config, text: str) -> str:
    """The document type whose name the title or file name contains (the longest first), else the first type."""
    words = text.lower()
    for key in sorted(config.document_types, key=len, reverse=True):
        if key in words:
            return key
    return next(iter(config.document_types))


def _write(path: Path, folder: Path, text: str, pictures) -> None:
    """Pictures first, the document last and never over an existing file."""
    if pictures:
        folder.mkdir()
        for picture in pictures:
            (folder / picture.name).write_bytes(picture.data)
    with path.open("x", encoding="utf-8") as stream:
        stream.write(text)


def _report(lang: str, path: Path, folder: Path, config: Config, converted, result, quiet: bool) -> None:
    """What was written and left out, then the fidelity; with -q only what needs the editor's attention."""
    if not quiet:
        _say(lang, "import.written", path=str(path), status=config.draft_statuses[0] if config.draft_statuses else "")
        if converted.pictures:
            _say(lang, "import.pictures", count=len(converted.pictures), folder=str(folder))
    placeholder = PLACEHOLDERS["image"]
    for picture in converted.pictures:
        if not picture.alt:
            _say(lang, "import.no_alt", name=picture.name, placeholder=placeholder)
        if Path(picture.name).suffix not in BROWSER_IMAGES:
            _say(lang, "import.browser_format", name=picture.name)
    for message in converted.warnings:
        _say(lang, "import.read_warning", message=message)
    if converted.left_out and not quiet:
        _say(lang, "import.left_out")
        for kind, count in Counter(kind for kind, _ in converted.left_out).items():
            example = " ".join(next(text for k, text in converted.left_out if k == kind).split())[:60]
            _say(lang, "import.left_out_line", kind=say(lang, f"import.furniture.{kind}"), count=count, example=example)
    if result.missing or not quiet:
        whole, tenth = divmod(1000 * result.found // result.total if result.total else 1000, 10)  # 100,0 only when all
        percent = say(lang, "import.percent", whole=whole, tenth=tenth)
        _say(lang, "import.fidelity", found=result.found, total=result.total, percent=percent)
    if result.missing:
        _say(lang, "import.missing")
        for sentence in result.missing:
            _say(lang, "import.missing_line", sentence=sentence)
    if not quiet:
        _say(lang, "import.next")


def _say(lang: str, ident: str, /, **params: object) -> None:
    print(say(lang, ident, **params))
