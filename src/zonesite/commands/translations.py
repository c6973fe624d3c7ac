"""Translation status: which translations are up to date, outdated or missing, and stamping a finished one."""

from __future__ import annotations

import difflib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from ..engine.cache import write_atomically
from ..messages import Message
from ..model import Document, Site, text_hash
from ..source.text import SourceError, read_text, split_front_matter

UP_TO_DATE, OUTDATED, MISSING, IN_PROGRESS = "up-to-date", "outdated", "missing", "in-progress"  # see translations.state.*


@dataclass(frozen=True)
class Status:
    document: Document
    lang: str
    state: str
    changes: str | Message = ""  # for an outdated translation: what changed in the source since, as a diff when known


def statuses(config: Config, site: Site, with_changes: bool = False) -> list[Status]:
    result = []
    for doc in site.documents:
        source = doc.versions[config.default_language]
        for lang in config.translations:
            version = doc.versions.get(lang)
            if lang in doc.in_progress:
                result.append(Status(doc, lang, IN_PROGRESS))
            elif version is None:
                result.append(Status(doc, lang, MISSING))
            elif version.translated_from == source.source_text_hash:
                result.append(Status(doc, lang, UP_TO_DATE))
            else:
                changes = source_changes(source.path, version.translated_from or "") if with_changes else ""
                result.append(Status(doc, lang, OUTDATED, changes))
    return result


def source_changes(source: Path, old_hash: str) -> str | Message:
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
    return Message.of("translations.no_history", hash=old_hash)


_HASH_LINE = re.compile(r"^source_hash:.*$", re.MULTILINE)
_IN_PROGRESS_LINE = re.compile(r"^in_progress:.*\n?", re.MULTILINE)


def start_translation(config: Config, source: Path, lang: str | None) -> Path:
    """The translation file made from the Dutch one, marked `in_progress: true`: not published, not checked,
    listed as in progress, until it is stamped. Never over an existing file."""
    name = source.name
    parts = name.rsplit(".", 2)
    if len(parts) != 3 or parts[1] != config.default_language or parts[2] != "md":
        raise SourceError(0, "translate.not_source", language=config.default_language)
    target_lang = lang or config.translations[0]
    if target_lang not in config.translations:
        raise SourceError(0, "translate.bad_language", lang=target_lang, languages=config.translations)
    target = source.with_name(f"{parts[0]}.{target_lang}.md")
    if target.exists():
        raise SourceError(0, "translate.exists", target=str(target))
    front, body, _ = split_front_matter(read_text(source))
    kept = _drop_blocks(front, ("editor_notes", "replaces", "replaced_by"))
    marker = "in_progress: true   # remove by stamping: python build.py translations --stamp FILE"
    write_atomically(target, f"---\n{marker}\n{kept}\n---\n{body}")
    return target


def _drop_blocks(front: str, keys: tuple[str, ...]) -> str:
    """Front matter without the keys a translation does not have, their indented lines included."""
    lines, skipping = [], False
    for line in front.split("\n"):
        if re.match(r"^[A-Za-z_]+:", line):
            skipping = line.split(":", 1)[0] in keys
        elif skipping and (line.startswith((" ", "\t", "-")) or not line.strip()):
            continue
        if not skipping:
            lines.append(line)
    return "\n".join(lines)


def stamp(config: Config, translation: Path) -> str:
    """Record in a translation the hash of its source as it is now; returns the hash."""
    name = translation.name
    stem, lang = name.rsplit(".", 2)[0], name.rsplit(".", 2)[1]
    if lang == config.default_language or lang not in config.languages:
        raise SourceError(0, "stamp.not_translation", languages=config.translations)
    source = translation.with_name(f"{stem}.{config.default_language}.md")
    if not source.exists():
        raise SourceError(0, "stamp.no_source", source=source.name)
    new_hash = text_hash(read_text(source))
    front, body, _ = split_front_matter(read_text(translation))
    line = f'source_hash: "{new_hash}"'
    front = _IN_PROGRESS_LINE.sub("", front)
    front = _HASH_LINE.sub(line, front, count=1) if _HASH_LINE.search(front) else f"{front}\n{line}"
    write_atomically(translation, f"---\n{front}\n---\n{body}")  # the editor's file: never half-written
    return new_hash
