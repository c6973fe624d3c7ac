"""When each content file was published and changed, from the content folder's git history (one `git log` per build).

No git, a folder outside a repository, or a file never committed: no history, and the pages say nothing about dates.
A file with changes not committed yet keeps its history but has no "last changed" date: that change has none yet.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

COMMIT = "\x1e"  # starts each commit in the log's output
FIELD = "\x1f"


@dataclass(frozen=True)
class Change:
    date: dt.date
    subject: str  # the commit's subject line: what changed


@dataclass(frozen=True)
class History:
    changes: tuple[Change, ...]  # newest first; never empty
    uncommitted: bool = False  # the file differs from its last commit

    @property
    def published(self) -> dt.date:
        return self.changes[-1].date

    @property
    def modified(self) -> dt.date | None:
        return None if self.uncommitted else self.changes[0].date


def read_history(content_dir: Path) -> dict[str, History]:
    """Path relative to the content folder (like "gent/plan.nl.md") -> its history; empty without git."""
    log = _git(content_dir, "log", "--no-merges", "-M", "--name-status", "--relative",
               f"--format={COMMIT}%cs{FIELD}%s", "--", ".")
    if log is None:
        return {}
    changes = _follow(log)
    changed = set((_git(content_dir, "diff", "--name-only", "--relative", "HEAD", "--", ".") or "").split("\n"))
    return {path: History(tuple(found), path in changed) for path, found in changes.items() if found}


def _git(folder: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-c", "core.quotepath=off", "-C", str(folder), *args],
                                capture_output=True, text=True, encoding="utf-8", timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def _follow(log: str) -> dict[str, list[Change]]:
    """The changes of each file as it is named now, following renames back (what `git log --follow` does per file)."""
    current: dict[str, str] = {}  # a name in the commit being read -> the file's name today
    ended: set[str] = set()  # names whose older commits belong to another, earlier file
    changes: dict[str, list[Change]] = {}
    for entry in log.split(COMMIT)[1:]:
        header, _, files = entry.partition("\n")
        day, _, subject = header.partition(FIELD)
        change = Change(dt.date.fromisoformat(day), subject.strip())
        for line in files.splitlines():
            status, *paths = line.split("\t")
            if not paths:
                continue
            name = paths[-1]
            if name in ended:
                continue
            today = current.setdefault(name, name)
            changes.setdefault(today, []).append(change)
            if status.startswith("R") and len(paths) == 2:
                current[paths[0]] = current.pop(name)
                ended.add(name)
            elif status[:1] in ("A", "D"):
                ended.add(name)
    return changes
