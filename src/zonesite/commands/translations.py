"""Translation status: which translations are up to date, outdated or missing, and stamping a finished one."""

from __future__ import annotations

import difflib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from ..engine.cache import write_atomically
from ..model import Document, Site, text_hash
from ..source.text import SourceError, read_text, split_front_matter

UP_TO_DATE, OUTDATED, MISSING = "up to date", "outdated", "missing"


@dataclass(frozen=True)
class Status:
    document: Document
    lang: str
    state: str
    changes: str = ""  # for an outdated translation: what changed in the source since, as a diff when known


def statuses(config: Config, site: Site, with_changes: bool = False) -> list[Status]:
    result = []
    for doc in site.documents:
        source = doc.versions[config.default_language]
        for lang in config.translations:
            version = doc.versions.get(lang)
            if version is None:
                result.append(Status(doc, lang, MISSING))
            elif version.translated_from == source.source_text_hash:
                result.append(Status(doc, lang, UP_TO_DATE))
            else:
                changes = source_changes(source.path, version.translated_from or "") if with_changes else ""
                result.append(Status(doc, lang, OUTDATED, changes))
    return result


def source_changes(source: Path, old_hash: str) -> str:
    """Find the source's earlier version with that hash in git history and diff it; a note when there is none."""
    current = read_text(source)
    try:
        commits = subprocess.run(["git", "log", "--format=%H", "--", source.name], cwd=source.parent,
                                 capture_output=True, text=True, timeout=10, check=True).stdout.split()
    except (OSError, subprocess.SubprocessError):
        commits = []
    for commit in commits:
        shown = subprocess.run(["git", "show", f"{commit}:./{source.name}"], cwd=source.parent,
                               capture_output=True, timeout=10)
        if shown.returncode:
            continue
        old = shown.stdout.decode("utf-8", "replace").lstrip("\ufeff").replace("\r\n", "\n")
        if text_hash(old) == old_hash:
            diff = difflib.unified_diff(old.splitlines(), current.splitlines(), f"{source.name} (translated)",
                                        f"{source.name} (now)", n=1, lineterm="")
            return "\n".join(diff)
    return f"the source no longer matches {old_hash!r}; its earlier version is not in git history"


_HASH_LINE = re.compile(r"^source_hash:.*$", re.MULTILINE)


def stamp(config: Config, translation: Path) -> str:
    """Record in a translation the hash of its source as it is now; returns the hash."""
    name = translation.name
    stem, lang = name.rsplit(".", 2)[0], name.rsplit(".", 2)[1]
    if lang == config.default_language or lang not in config.languages:
        raise SourceError(0, f"not a translation: the file name must end in .<language>.md with one of {', '.join(config.translations)}")
    source = translation.with_name(f"{stem}.{config.default_language}.md")
    if not source.exists():
        raise SourceError(0, f"its source {source.name} does not exist")
    new_hash = text_hash(read_text(source))
    front, body, _ = split_front_matter(read_text(translation))
    line = f'source_hash: "{new_hash}"'
    front = _HASH_LINE.sub(line, front, count=1) if _HASH_LINE.search(front) else f"{front}\n{line}"
    write_atomically(translation, f"---\n{front}\n---\n{body}")  # the editor's file: never half-written
    return new_hash
