"""When each content file was published and changed, and what changed, from the content folder's git history.

One `git log` per build gives the dates and the descriptions editors wrote for readers (a trailer per language, named
in site_config.yaml). Where a language has none, the site says itself what changed: it compares the file before and
after the commit, read by one `git cat-file` for every such change at once; what it finds is cached by commit and
path (a commit never changes), so a later build runs no extra git at all. Commit subjects are notes for developers
and are never read.

No git, a folder outside a repository, or a file never committed: no history, and the pages say nothing about dates.
A file with changes not committed yet keeps its history but has no "last changed" date: that change has none yet.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..engine.cache import Cache
from ..engine.fingerprint import fingerprint
from .text import SourceError, split_front_matter

COMMIT = "\x1e"  # starts each commit in the log's output
FIELD = "\x1f"
TRAILER = "\x1d"  # between the trailers of one commit
KIND = "history"  # the cache's folder of computed edits


class Edit(NamedTuple):
    """What a commit did to a file, found by comparing its two versions."""
    text: bool  # the body changed
    fields: tuple[str, ...] = ()  # the front-matter keys whose value changed, in the file's order
    moved: bool = False  # the file was renamed, and with it the page's address


class Change(NamedTuple):
    date: dt.date
    notes: tuple[tuple[str, str], ...] = ()  # (language, what changed) as the editors wrote it for readers
    first: bool = False  # the file's first commit: its publication
    edit: Edit | None = None  # computed when a language has no note and this is not the first commit

    def note(self, lang: str) -> str | None:
        return dict(self.notes).get(lang)


class History(NamedTuple):
    changes: tuple[Change, ...]  # newest first; never empty
    uncommitted: bool = False  # the file differs from its last commit

    @property
    def published(self) -> dt.date:
        return self.changes[-1].date

    @property
    def modified(self) -> dt.date | None:
        return None if self.uncommitted else self.changes[0].date


@dataclass
class _Entry:
    """One file in one commit while the log is read: its name then and before, to compare the two versions."""
    commit: str
    path: str
    before: str | None  # None: the commit added the file
    change: Change


def read_history(content_dir: Path, trailers: dict[str, str] | None = None, cache: Cache | None = None) -> dict[str, History]:
    """Path relative to the content folder (like "gent/plan.nl.md") -> its history; empty without git.

    `trailers`: language -> the trailer name whose value describes a change in that language."""
    trailers = trailers or {}
    if not _in_repository(content_dir):
        return {}
    log = _git(content_dir, "log", "--no-merges", "-M", "--name-status", "--relative",
               f"--format={COMMIT}%H{FIELD}%cs{FIELD}%(trailers:only,unfold,separator=%x1d)", "--", ".")
    if log is None:
        return {}
    entries = _follow(log, {name.casefold(): lang for lang, name in trailers.items()})
    _describe(content_dir, entries, set(trailers), cache)
    changed = set((_git(content_dir, "diff", "--name-only", "--relative", "HEAD", "--", ".") or "").split("\n"))
    return {path: History(tuple(entry.change for entry in found), path in changed) for path, found in entries.items() if found}


def _in_repository(folder: Path) -> bool:
    """Whether git could find a repository for the folder, looked for as git does (a `.git` in it or a folder above, or
    the folder of a bare repository), without starting git: the preview asks on every save, and most sites it shows
    are in no repository. GIT_DIR names one anywhere: then git is asked."""
    if "GIT_DIR" in os.environ:
        return True
    folder = folder.resolve()
    for here in (folder, *folder.parents):
        if (here / ".git").exists() or ((here / "HEAD").is_file() and (here / "objects").is_dir() and (here / "refs").is_dir()):
            return True
    return False


def _git(folder: Path, *args: str) -> str | None:
    import subprocess  # only for content in a repository: most builds and saves never start git

    try:
        result = subprocess.run(["git", "-c", "core.quotepath=off", "-C", str(folder), *args],
                                capture_output=True, text=True, encoding="utf-8", timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def _follow(log: str, languages: dict[str, str]) -> dict[str, list[_Entry]]:
    """The changes of each file as it is named now, following renames back (what `git log --follow` does per file)."""
    current: dict[str, str] = {}  # a name in the commit being read -> the file's name today
    ended: set[str] = set()  # names whose older commits belong to another, earlier file
    entries: dict[str, list[_Entry]] = {}
    for block in log.split(COMMIT)[1:]:
        header, _, files = block.partition("\n")
        commit, day, trailers = (header.split(FIELD) + ["", ""])[:3]
        change = Change(dt.date.fromisoformat(day), _notes(trailers, languages))
        for line in files.splitlines():
            status, *paths = line.split("\t")
            if not paths:
                continue
            name = paths[-1]
            if name in ended:
                continue
            today = current.setdefault(name, name)
            added = status[:1] == "A"
            entries.setdefault(today, []).append(_Entry(commit, name, None if added else paths[0], change))
            if status.startswith("R") and len(paths) == 2:
                current[paths[0]] = current.pop(name)
                ended.add(name)
            elif status[:1] in ("A", "D"):
                ended.add(name)
    return entries


def _notes(trailers: str, languages: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The trailers that describe the change for readers, by language; git compares trailer names ignoring case."""
    notes = {}
    for trailer in trailers.split(TRAILER):
        name, _, value = trailer.partition(":")
        lang = languages.get(name.strip().casefold())
        if lang and value.strip() and lang not in notes:
            notes[lang] = " ".join(value.split())
    return tuple(sorted(notes.items()))


def _describe(content_dir: Path, entries: dict[str, list[_Entry]], languages: set[str], cache: Cache | None) -> None:
    """Mark each file's first commit, and compute what changed where a language has no note: from the cache, else by
    reading both versions of every such file in one `git cat-file`."""
    wanted: list[_Entry] = []
    for found in entries.values():
        found[-1].change = found[-1].change._replace(first=True)
        for entry in found[:-1]:
            noted = {lang for lang, _ in entry.change.notes}
            if not entry.path.endswith(".md") or (languages and languages <= noted):  # every language has a note
                continue
            edit = cache.get_object(KIND, _key(entry)) if cache else None
            if edit is None:
                wanted.append(entry)
            else:
                entry.change = entry.change._replace(edit=edit)
    versions = _versions(content_dir, [(f"{e.commit}^", e.before) for e in wanted] + [(e.commit, e.path) for e in wanted])
    texts = versions if versions is not None else [None] * 2 * len(wanted)
    for entry, old, new in zip(wanted, texts, texts[len(wanted):]):
        edit = _compare(old, new)._replace(moved=entry.before != entry.path)
        entry.change = entry.change._replace(edit=edit)
        if cache and versions is not None:  # git answered: what it said about a commit holds for good
            cache.put_object(KIND, _key(entry), edit)
    if cache:
        cache.prune(KIND)


def _key(entry: _Entry) -> str:
    return f"{entry.commit}-{fingerprint(entry.before, entry.path)[:16]}"


def _versions(content_dir: Path, wanted: list[tuple[str, str | None]]) -> list[str | None] | None:
    """The text of each (commit, path) in one `git cat-file --batch`; None where git has no such file, and None for
    all when git could not be asked."""
    if not wanted:
        return []
    import subprocess

    request = "".join(f"{commit}:./{path}\n" for commit, path in wanted)
    try:
        result = subprocess.run(["git", "-C", str(content_dir), "cat-file", "--batch"], input=request.encode("utf-8"),
                                capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    output, at, texts = result.stdout, 0, []
    for _ in wanted:
        end = output.find(b"\n", at)
        header = output[at:end].split(b" ") if end >= 0 else []
        if len(header) != 3 or header[1] != b"blob":
            texts.append(None)
            at = end + 1 if end >= 0 else len(output)
            continue
        size = int(header[2])
        texts.append(output[end + 1:end + 1 + size].decode("utf-8", errors="replace"))
        at = end + 1 + size + 1  # the content is followed by a newline
    return texts


def _compare(old: str | None, new: str | None) -> Edit:
    """Whether the body changed and which front-matter values did; a version that cannot be read counts as new text."""
    if old is None or new is None:
        return Edit(text=True)
    try:
        (old_front, old_body, _), (new_front, new_body, _) = split_front_matter(old), split_front_matter(new)
    except SourceError:
        return Edit(text=old != new)
    if old_front == new_front:  # the usual case, and reading YAML is what costs
        return Edit(old_body != new_body)
    before, after = _mapping(old_front), _mapping(new_front)
    if before is None or after is None:
        return Edit(text=old != new)
    keys = list(after) + [key for key in before if key not in after]
    return Edit(old_body != new_body, tuple(str(key) for key in keys if before.get(key) != after.get(key)))


def _mapping(front: str) -> dict | None:
    """The front matter's values, or None for an old version the site can no longer read. PyYAML is imported here,
    where a change is compared, not by every build: one with nothing to do reads no YAML at all."""
    import yaml

    try:
        data = yaml.load(front, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml when present: much faster
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None
