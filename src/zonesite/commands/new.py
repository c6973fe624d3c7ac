"""`new`: write a valid starting file for a document or a zone, never over an existing one."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from slugify import slugify

from ..config import Config
from ..messages import say
from ..problems import ToolError
from ..source.validate import PLACEHOLDERS


class ScaffoldError(ToolError):
    """A document or zone that cannot be made as asked; nothing was written."""


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML string


@dataclass
class DocumentFields:
    """What `new` writes into the front matter; what is left empty becomes a placeholder the build reports later."""

    zone: str
    doc_type: str
    title: str
    start: dt.date | None = None
    end: dt.date | None = None
    date: dt.date | None = None
    author: str = ""
    status: str = ""
    summary: str = ""
    themes: tuple[str, ...] = ()
    slug: str | None = None


def new_document(config: Config, content_dir: Path, fields: DocumentFields, lang: str) -> Path:
    zone, doc_type, start, end = fields.zone, fields.doc_type, fields.start, fields.end
    if not (content_dir / zone / "zone.yaml").exists():
        raise ScaffoldError("new.no_zone", zone=zone, file=str(content_dir / zone / "zone.yaml"))
    if doc_type not in config.document_types:
        raise ScaffoldError("new.unknown_type", type=doc_type, choices=list(config.document_types))
    if (start is None) != (end is None) or (start and end and end < start):
        raise ScaffoldError("new.period")
    slug = fields.slug or slugify(f"{doc_type}-{start.year}-{end.year}" if start and end else fields.title, max_length=60)
    path = content_dir / zone / f"{slug}.{config.default_language}.md"
    if path.exists():
        raise ScaffoldError("new.exists", file=str(path))
    path.write_text(front_matter(config, fields, slug, lang) + "## 1 Inleiding\n\n" + f"{PLACEHOLDERS['body']}\n", encoding="utf-8")
    return path


def front_matter(config: Config, fields: DocumentFields, slug: str, lang: str, title_note: str = "") -> str:
    """The skeleton `new` and `import` write: a draft whose placeholders `check` points at once the status says it is
    ready, its comments in the editor's language; `title_note` is the id of a comment on the title."""
    start, end = fields.start, fields.end
    period = f"period:\n  start: {start.isoformat()}\n  end: {end.isoformat()}\n" if start and end else \
        f"# period:                   # {say(lang, 'front.period')}\n#   start: 2025-01-01\n#   end: 2030-12-31\n"
    date = f"date: {fields.date.isoformat()}          # {say(lang, 'front.date')}\n" if fields.date else \
        f"# date: 2025-03-01          # {say(lang, 'front.date_unknown')}\n"
    themes = list(fields.themes) or [next(iter(config.themes))]
    draft = config.draft_statuses[0] if config.draft_statuses else next(iter(config.statuses))
    ready = [status for status in config.statuses if status not in config.draft_statuses]
    return (
        "---\n"
        f"title: {_quoted(fields.title)}{f'   # {say(lang, title_note)}' if title_note else ''}\n"
        f"type: {fields.doc_type}   # {say(lang, 'front.type', types=list(config.document_types))}\n"
        f"{period}{date}"
        f"author: {_quoted(fields.author or PLACEHOLDERS['author'])}   # {say(lang, 'front.author')}\n"
        f"status: {fields.status or draft}   # {say(lang, 'front.status', ready=ready)}\n"
        f"summary: {_quoted(fields.summary or PLACEHOLDERS['summary'])}\n"
        f"themes: [{', '.join(themes)}]   # {say(lang, 'front.themes', themes=list(config.themes))}\n"
        f"objectives:   # {say(lang, 'front.objectives')}\n"
        f"  - {{id: doel-1, title: {_quoted(PLACEHOLDERS['objective'])}, themes: [{themes[0]}]}}\n"
        f"# {say(lang, 'front.files', folder=f'{slug}/')}\n"
        f"#   ![{say(lang, 'front.image_alt')}]({slug}/organigram.png)    [Begroting 2026]({slug}/begroting-2026.xlsx)\n"
        "---\n"
    )


def zone_names(text: str, languages: tuple[str, ...]) -> dict[str, str]:
    """'nl=Mechelen-Willebroek (Rupel),fr=Malines' into names per language: a comma starts a new name only
    before a language code and '=', so a name may hold commas and parentheses."""
    pattern = re.compile(r",\s*(?=(?:%s)=)" % "|".join(map(re.escape, languages)))
    names = {}
    for pair in pattern.split(text):
        lang, equals, name = pair.partition("=")
        if not equals or lang.strip() not in languages or not name.strip():
            raise ScaffoldError("new.bad_names", text=pair, languages=languages)
        names[lang.strip()] = name.strip()
    return names


def new_zone(config: Config, content_dir: Path, slug: str, names: dict[str, str]) -> Path:
    if slug != slugify(slug):
        raise ScaffoldError("new.bad_zone_name", name=slug, suggestion=slugify(slug))
    path = content_dir / slug / "zone.yaml"
    if path.exists():
        raise ScaffoldError("new.exists", file=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    labels = ", ".join(f"{lang}: {_quoted(names.get(lang) or names[config.default_language])}" for lang in config.languages)
    path.write_text(
        f"name: {{{labels}}}\n"
        '# address: ["Straat 1", "1000 Gemeente"]\n'
        '# phone: "000 00 00 00"\n'
        '# email: "info@example.be"\n'
        '# website: "https://www.example.be"\n'
        '# chief: "HCP Voornaam Naam"\n',
        encoding="utf-8",
    )
    return path
