"""`new`: write a valid starting file for a document or a zone, never over an existing one."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from slugify import slugify

from ..config import Config
from ..source.validate import PLACEHOLDERS


class ScaffoldError(Exception):
    pass


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML string


def new_document(config: Config, content_dir: Path, zone: str, doc_type: str, title: str,
                 start: dt.date | None, end: dt.date | None, slug: str | None = None) -> Path:
    if not (content_dir / zone / "zone.yaml").exists():
        raise ScaffoldError(f"zone '{zone}' does not exist (no {content_dir / zone / 'zone.yaml'}); create it with: new zone {zone}")
    if doc_type not in config.document_types:
        raise ScaffoldError(f"unknown document type '{doc_type}' (choose from {', '.join(config.document_types)})")
    if (start is None) != (end is None) or (start and end and end < start):
        raise ScaffoldError("give both the start and the end of the period, the end after the start")
    slug = slug or slugify(f"{doc_type}-{start.year}-{end.year}" if start and end else title, max_length=60)
    path = content_dir / zone / f"{slug}.{config.default_language}.md"
    if path.exists():
        raise ScaffoldError(f"{path} already exists; refusing to overwrite it")
    period = f"period:\n  start: {start.isoformat()}\n  end: {end.isoformat()}\n" if start and end else \
        "# period:                 # the period the document covers\n#   start: 2025-01-01\n#   end: 2030-12-31\n"
    first_theme = next(iter(config.themes))
    draft = config.draft_statuses[0] if config.draft_statuses else next(iter(config.statuses))
    ready = [status for status in config.statuses if status not in config.draft_statuses]
    text = (
        "---\n"
        f"title: {_quoted(title)}\n"
        f"type: {doc_type}              # one of: {', '.join(config.document_types)}\n"
        f"{period}"
        "# date: 2025-03-01          # date of adoption, when known\n"
        f"author: {_quoted(PLACEHOLDERS['author'])}   # who signs the document\n"
        f"status: {draft}            # a draft is never published; when it is ready: {', '.join(ready)}\n"
        f"summary: {_quoted(PLACEHOLDERS['summary'])}\n"
        f"themes: [{first_theme}]          # keys of site_config.yaml themes: {', '.join(config.themes)}\n"
        "objectives:                # the zone's goals as data; level, parent and priority are optional\n"
        f"  - {{id: doel-1, title: {_quoted(PLACEHOLDERS['objective'])}, themes: [{first_theme}]}}\n"
        f"# images and annexes (pdf, xlsx, ...): put them in the folder {slug}/ beside this file and link them in the text:\n"
        f"#   ![what the image shows]({slug}/organigram.png)    [Begroting 2026]({slug}/begroting-2026.xlsx)\n"
        "---\n"
        "## 1 Inleiding\n\n"
        f"{PLACEHOLDERS['body']}\n"
    )
    path.write_text(text, encoding="utf-8")
    return path


def new_zone(config: Config, content_dir: Path, slug: str, names: dict[str, str]) -> Path:
    if slug != slugify(slug):
        raise ScaffoldError(f"zone name '{slug}' must be lowercase letters, digits and hyphens, like '{slugify(slug)}'")
    path = content_dir / slug / "zone.yaml"
    if path.exists():
        raise ScaffoldError(f"{path} already exists; refusing to overwrite it")
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
