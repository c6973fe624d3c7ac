"""`import`: a Word document becomes a draft Markdown document with front matter to fill in, and a fidelity report."""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from xml.parsers.expat import ExpatError
from collections import Counter
from pathlib import Path

from slugify import slugify

from ..config import Config
from ..source.validate import PLACEHOLDERS

EXIT_OK, EXIT_MISSING, EXIT_ERRORS = 0, 1, 2

# Every message this command prints, in one place.
MESSAGES = {
    "help": "een Word-document (.docx) omzetten naar een nieuw document (ontwerp) om aan te vullen",
    "help_file": "het Word-document",
    "help_zone": "de map van de zone, zoals aalst",
    "help_slug": "bestandsnaam zonder taal en extensie (standaard: uit de titel)",
    "help_type": "documenttype (standaard: geraden uit de titel)",
    "not_found": "{path}: dit bestand bestaat niet",
    "not_docx": "{path}: dit is geen leesbaar Word-document (.docx); sla het in Word op als 'Word-document (.docx)' en probeer opnieuw",
    "no_zone": "zone '{zone}' bestaat niet (geen {path}); bestaande zones: {zones}",
    "no_type": "documenttype '{type}' bestaat niet; kies uit: {types}",
    "bad_slug": "'{slug}' kan geen bestandsnaam zijn: gebruik kleine letters, cijfers en streepjes, zoals '{example}'",
    "exists": "{path} bestaat al en wordt niet overschreven; kies een andere naam met --slug",
    "written": "geschreven: {path} (status {status}: nog niet gepubliceerd)",
    "pictures": "{count} afbeelding(en) bewaard in {folder}",
    "no_alt": "{name}: Word geeft geen beschrijving; schrijf ze in de plaats van '{placeholder}'",
    "browser_format": "{name}: een webbrowser toont dit formaat niet; sla de afbeelding op als PNG of JPEG en vervang het bestand",
    "read_warning": "let op: {message}",
    "left_out": "weggelaten als paginaopmaak:",
    "left_out_line": "  {kind}: {count} regel(s), zoals '{example}'",
    "furniture_toc": "inhoudstafel",
    "furniture_page_number": "paginanummer",
    "furniture_repeated": "herhaalde kop- of voetregel",
    "fidelity": "trouw aan het origineel: {found} van {total} zinnen woordelijk teruggevonden ({percent})",
    "missing": "niet teruggevonden in het nieuwe document (zoek ze op in Word en voeg ze toe):",
    "missing_line": "  - {sentence}",
    "next": "vul nu de velden bovenaan in en voer daarna uit: python build.py check",
    "missing_alt": "Beschrijf deze afbeelding",
    # Comments of the front matter
    "c_title": "uit het Word-document: controleer",
    "c_type": "een van: {types}",
    "c_period": "# period:                   # de periode van het document\n#   start: 2025-01-01\n#   end: 2030-12-31\n",
    "c_date": "# date: 2025-03-01          # datum van vaststelling, als die bekend is\n",
    "c_author": "wie het document ondertekent",
    "c_status": "een ontwerp wordt nooit gepubliceerd; als het klaar is: {ready}",
    "c_themes": "thema's uit site_config.yaml: {themes}",
    "c_objectives": "de doelstellingen van de zone; level, parent en priority mogen ontbreken",
}
BROWSER_IMAGES = (".png", ".jpg", ".gif", ".svg", ".webp")


class ImportProblem(Exception):
    pass


def add_parser(commands, parents: list[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("import", parents=parents, help=MESSAGES["help"])
    parser.add_argument("docx", type=Path, metavar="FILE.docx", help=MESSAGES["help_file"])
    parser.add_argument("--zone", required=True, help=MESSAGES["help_zone"])
    parser.add_argument("--slug", help=MESSAGES["help_slug"])
    parser.add_argument("--type", dest="doc_type", help=MESSAGES["help_type"])


def run(args: argparse.Namespace, config: Config, content_dir: Path) -> int:
    """The command: exit 0 when every sentence was found, 1 when some were not, 2 when nothing could be written."""
    try:
        return _import(args, config, content_dir)
    except ImportProblem as problem:
        print(problem, file=sys.stderr)
        return EXIT_ERRORS


def _import(args: argparse.Namespace, config: Config, content_dir: Path) -> int:
    from .fidelity import fidelity
    from .word import convert

    if not args.docx.is_file():
        raise ImportProblem(MESSAGES["not_found"].format(path=args.docx))
    zone_dir = _zone_dir(content_dir, args.zone)
    if args.doc_type and args.doc_type not in config.document_types:
        raise ImportProblem(MESSAGES["no_type"].format(type=args.doc_type, types=", ".join(config.document_types)))
    try:
        converted = convert(args.docx, MESSAGES["missing_alt"])
    except (zipfile.BadZipFile, KeyError, ValueError, ExpatError):  # not a zip, a part missing, XML that is not
        raise ImportProblem(MESSAGES["not_docx"].format(path=args.docx)) from None
    title = converted.title or args.docx.stem
    if args.slug and args.slug != slugify(args.slug):
        raise ImportProblem(MESSAGES["bad_slug"].format(slug=args.slug, example=slugify(args.slug) or "verslag-2025"))
    slug = args.slug or slugify(title, max_length=60) or slugify(args.docx.stem)
    path = zone_dir / f"{slug}.{config.default_language}.md"
    folder = zone_dir / slug
    for taken in [path] + ([folder] if converted.pictures else []):
        if taken.exists():
            raise ImportProblem(MESSAGES["exists"].format(path=taken))
    body = converted.markdown(slug)
    doc_type = args.doc_type or _guess_type(config, f"{title} {args.docx.stem}")
    _write(path, folder, _front_matter(config, title, doc_type) + body, converted.pictures)
    result = fidelity(converted.paragraphs, body, title)
    _report(path, folder, config, converted, result, args.quiet)
    return EXIT_MISSING if result.missing else EXIT_OK


def _zone_dir(content_dir: Path, zone: str) -> Path:
    zone_file = content_dir / zone / "zone.yaml"
    if zone != slugify(zone) or not zone_file.is_file():
        zones = sorted(p.parent.name for p in content_dir.glob("*/zone.yaml"))
        raise ImportProblem(MESSAGES["no_zone"].format(zone=zone, path=zone_file, zones=", ".join(zones)))
    return zone_file.parent


def _guess_type(config: Config, text: str) -> str:
    """The document type whose name the title or file name contains (the longest first), else the first type."""
    words = text.lower()
    for key in sorted(config.document_types, key=len, reverse=True):
        if key in words:
            return key
    return next(iter(config.document_types))


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML string


def _front_matter(config: Config, title: str, doc_type: str) -> str:
    """The same skeleton as `new`: a draft whose placeholders `check` points at once the status says it is ready."""
    first_theme = next(iter(config.themes))
    draft = config.draft_statuses[0] if config.draft_statuses else next(iter(config.statuses))
    ready = ", ".join(status for status in config.statuses if status not in config.draft_statuses)
    return (
        "---\n"
        f"title: {_quoted(title)}   # {MESSAGES['c_title']}\n"
        f"type: {doc_type}   # {MESSAGES['c_type'].format(types=', '.join(config.document_types))}\n"
        f"{MESSAGES['c_period']}"
        f"{MESSAGES['c_date']}"
        f"author: {_quoted(PLACEHOLDERS['author'])}   # {MESSAGES['c_author']}\n"
        f"status: {draft}   # {MESSAGES['c_status'].format(ready=ready)}\n"
        f"summary: {_quoted(PLACEHOLDERS['summary'])}\n"
        f"themes: [{first_theme}]   # {MESSAGES['c_themes'].format(themes=', '.join(config.themes))}\n"
        f"objectives:   # {MESSAGES['c_objectives']}\n"
        f"  - {{id: doel-1, title: {_quoted(PLACEHOLDERS['objective'])}, themes: [{first_theme}]}}\n"
        "---\n"
    )


def _write(path: Path, folder: Path, text: str, pictures) -> None:
    """Pictures first, the document last and never over an existing file."""
    if pictures:
        folder.mkdir()
        for picture in pictures:
            (folder / picture.name).write_bytes(picture.data)
    with path.open("x", encoding="utf-8") as stream:
        stream.write(text)


def _report(path: Path, folder: Path, config: Config, converted, result, quiet: bool) -> None:
    """What was written and left out, then the fidelity; with -q only what needs the editor's attention."""
    if not quiet:
        print(MESSAGES["written"].format(path=path, status=config.draft_statuses[0] if config.draft_statuses else ""))
        if converted.pictures:
            print(MESSAGES["pictures"].format(count=len(converted.pictures), folder=folder))
    for picture in converted.pictures:
        if not picture.alt:
            print(MESSAGES["no_alt"].format(name=picture.name, placeholder=MESSAGES["missing_alt"]))
        if Path(picture.name).suffix not in BROWSER_IMAGES:
            print(MESSAGES["browser_format"].format(name=picture.name))
    for message in converted.warnings:
        print(MESSAGES["read_warning"].format(message=message))
    if converted.left_out and not quiet:
        print(MESSAGES["left_out"])
        for kind, count in Counter(kind for kind, _ in converted.left_out).items():
            example = " ".join(next(text for k, text in converted.left_out if k == kind).split())[:60]
            print(MESSAGES["left_out_line"].format(kind=MESSAGES[f"furniture_{kind}"], count=count, example=example))
    if result.missing or not quiet:
        percent = (f"{100 * result.found / result.total:.1f} %" if result.total else "100 %").replace(".", ",")
        print(MESSAGES["fidelity"].format(found=result.found, total=result.total, percent=percent))
    if result.missing:
        print(MESSAGES["missing"])
        for sentence in result.missing:
            print(MESSAGES["missing_line"].format(sentence=sentence))
    if not quiet:
        print(MESSAGES["next"])
