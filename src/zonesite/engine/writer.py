"""Write a site's outputs into a staging folder, taking unchanged files from the previous site, then swap it in.

The site carries its own manifest (what each file was made from), swapped in with it: the manifest and the
files can never disagree, whatever happens to the cache or to a build killed half-way.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .cache import write_atomically
from .progress import Progress
from .stage import staged_output


@dataclass(frozen=True)
class Output:
    """One file of the site: its path, the fingerprint of every input, and how to make it (or the file to copy)."""

    path: str
    key: str
    make: Callable[[], bytes | str] | None = None
    source: Path | None = None


@dataclass(frozen=True)
class TreeOutput:
    """A folder made in one go from the staged site (the search index); `make` None keeps the previous one."""

    path: str
    key: str
    make: Callable[[Path], object] | None


@dataclass
class Written:
    made: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)


MANIFEST = ".zonesite-manifest.json"


def read_manifest(out_dir: Path) -> dict:
    """{"files": {path: key}, ...facts the build keeps}; empty when there is no site or it was not made here."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) and isinstance(data.get("files"), dict) else {}
    except (OSError, ValueError):
        return {}


def forget(out_dir: Path, path: str) -> None:
    """Something other than a build wrote `path` (the preview's error report): the next build must write it."""
    manifest = read_manifest(out_dir)
    if manifest.get("files", {}).pop(path, None) is not None:
        write_atomically(out_dir / MANIFEST, json.dumps(manifest, sort_keys=True, indent=0))


def write_site(out_dir: Path, outputs: list[Output], trees: list[TreeOutput], facts: dict | None = None,
               progress: bool = False) -> Written:
    """Make or reuse every output; `facts` are kept in the manifest beside the keys, for the next build."""
    before = read_manifest(out_dir)
    previous: dict[str, str] = before.get("files", {})
    manifest = {output.path: output.key for output in outputs}
    for tree in trees:
        if tree.make:
            manifest[tree.path] = tree.key
        elif tree.path in previous:  # skipped: the previous one stays, with what it was made from
            manifest[tree.path] = previous[tree.path]
    written = Written()
    facts = facts or {}
    if manifest == previous and all(os.path.exists(out_dir / path) for path in manifest):
        # The site on disk is already this build's output: no file of it is written.
        written.reused = [output.path for output in outputs]
        if any(before.get(key) != value for key, value in facts.items()):  # only what the build knows of it changed
            write_atomically(out_dir / MANIFEST, json.dumps({**facts, "files": manifest}, sort_keys=True, indent=0))
        return written
    with staged_output(out_dir) as stage:
        changed = sum(1 for output in outputs if previous.get(output.path) != output.key)
        bar = Progress(changed, "files", enabled=progress and changed > 100, every=500)
        for output in outputs:
            if previous.get(output.path) == output.key and stage.reuse(output.path):
                written.reused.append(output.path)
                continue
            if output.source is not None:
                stage.link(output.source, output.path)
            else:
                stage.write(output.path, output.make())
            written.made.append(output.path)
            bar.step()
        bar.done()
        for tree in trees:
            if previous.get(tree.path) == tree.key or tree.make is None:
                if stage.reuse_tree(tree.path):
                    continue
            if tree.make is not None:
                tree.make(stage.root)
                written.made.append(tree.path)
        stage.write(MANIFEST, json.dumps({**facts, "files": manifest}, sort_keys=True, indent=0))
    return written
