"""Publish a complete build to the folder a web server serves, so that no visitor sees a mix of two versions.

Order: first every new or changed file that pages refer to (hashed assets, PDFs, the search index's
fragments), then the pages and the other files that refer to them, then the removal of what the new site
no longer has, the manifest last. Each file is written beside its place and renamed over it: a request gets
the old file or the new one, never half of one. Before anything changes, the published version is kept
beside the folder (hard links, no copy) for `publish --rollback`, which publishes it back the same way.
"""

from __future__ import annotations

import filecmp
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..engine.manifest import MANIFEST, read_manifest
from ..problems import ToolError

COMPRESSED = (".gz", ".br")
ENTRY_FILES = ("sitemap.xml", "robots.txt", "feed.xml", "pagefind-entry.json")


class PublishError(ToolError):
    """A publish or rollback refused; the destination was not changed."""


@dataclass
class Published:
    dest: Path
    files: int = 0
    copied: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: Path | None = None  # the previous version, for --rollback


def previous_of(dest: Path) -> Path:
    return dest.parent / f".{dest.name}.previous"


def check_build(source: Path, inputs: str | None) -> None:
    """A complete build of the current content, as `build` made it; `inputs` None only checks it is a whole build."""
    manifest = read_manifest(source)
    if not manifest:
        raise PublishError("publish.not_a_build", source=str(source), manifest=MANIFEST)
    missing = [path for path in manifest["files"] if not (source / path).exists()]
    if missing:
        raise PublishError("publish.incomplete", source=str(source), count=len(missing), example=missing[0])
    if (source / "_preview").exists():
        raise PublishError("publish.preview", source=str(source))
    if inputs is not None and manifest.get("inputs") != inputs:
        raise PublishError("publish.not_current", source=str(source))


def publish(source: Path, dest: Path, inputs: str | None) -> Published:
    source, dest = source.resolve(), dest.resolve()
    if dest == source or source in dest.parents or dest in source.parents:
        raise PublishError("publish.inside", dest=str(dest), source=str(source))
    check_build(source, inputs)
    return _copy(source, dest)


def rollback(dest: Path) -> Published:
    dest = dest.resolve()
    previous = previous_of(dest)
    if not previous.is_dir():
        raise PublishError("publish.no_previous", dest=str(dest), previous=str(previous))
    check_build(previous, None)
    return _copy(previous, dest)


def _copy(source: Path, dest: Path) -> Published:
    if dest.exists() and any(dest.iterdir()) and not read_manifest(dest):
        raise PublishError("publish.foreign", dest=str(dest))
    result = Published(dest)
    previous = previous_of(dest)
    keeping = dest.parent / f".{dest.name}.previous-new"
    shutil.rmtree(keeping, ignore_errors=True)
    if dest.exists():
        shutil.copytree(dest, keeping, copy_function=_link_or_copy, symlinks=True)
    dest.mkdir(parents=True, exist_ok=True)
    files = sorted(_files(source))
    result.files = len(files)
    entries = [path for path in files if _is_entry(path)]
    for path in [p for p in files if not _is_entry(p)] + entries:
        if _differs(source / path, dest / path):
            _place(source / path, dest / path)
            result.copied.append(path)
    wanted = set(files) | {MANIFEST}
    for path in sorted(_files(dest)):
        if path not in wanted:
            (dest / path).unlink()
            result.removed.append(path)
    for folder in sorted((p for p in dest.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    if _differs(source / MANIFEST, dest / MANIFEST):
        _place(source / MANIFEST, dest / MANIFEST)
    if keeping.exists():  # rolling back publishes from `previous`: replaced only now that it has been read
        shutil.rmtree(previous, ignore_errors=True)
        os.rename(keeping, previous)
        result.kept = previous
    return result


def _files(folder: Path) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if (p.is_file() or p.is_symlink()) and p.name != MANIFEST and ".publishing-" not in p.name]


def _is_entry(path: str) -> bool:
    """A file that names others (a page, the feeds, Pagefind's entry, the server's configuration): published after them."""
    for extension in COMPRESSED:
        path = path.removesuffix(extension)
    name = path.rsplit("/", 1)[-1]
    return name.endswith(".html") or name in ENTRY_FILES or path.startswith(".nginx/")


def _differs(new: Path, old: Path) -> bool:
    return not (old.is_file() and new.stat().st_size == old.stat().st_size and filecmp.cmp(new, old, shallow=False))


def _place(source: Path, target: Path) -> None:
    """Write beside, then rename over: a reader opens the old file or the new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.publishing-{os.getpid()}")
    shutil.copy2(source, temporary)
    os.replace(temporary, target)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
