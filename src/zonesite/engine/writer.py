"""Write a site's outputs into a staging folder, taking unchanged files from the previous site, then swap it in."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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
    trees_made: list[str] = field(default_factory=list)
    unchanged: bool = False


def write_site(out_dir: Path, outputs: list[Output], trees: list[TreeOutput], previous: dict[str, str],
               progress: bool = False) -> tuple[Written, dict[str, str]]:
    """Returns what was made or reused, and the manifest of the new site (path -> key)."""
    manifest = {output.path: output.key for output in outputs}
    for tree in trees:
        manifest[tree.path] = tree.key if tree.make or tree.path not in previous else previous[tree.path]
    written = Written()
    if manifest == previous and all(os.path.exists(out_dir / path) for path in manifest):
        written.unchanged = True  # the site on disk is already this build's output: nothing is written at all
        written.reused = [output.path for output in outputs]
        return written, manifest
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
                written.trees_made.append(tree.path)
            else:
                manifest.pop(tree.path, None)  # skipped and never built: the site has none
    return written, manifest
