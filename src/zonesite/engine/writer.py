"""Write a site's outputs into a staging folder, taking unchanged files from the previous site, then swap it in.

The site carries its own manifest (what each file was made from), swapped in with it: the manifest and the
files can never disagree, whatever happens to the cache or to a build killed half-way.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .cache import write_atomically
from .manifest import MANIFEST, read_manifest
from .progress import Progress
from .stage import Stage, inside, staged_output
from .workers import can_fork, worker_pool

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized


class Output(NamedTuple):
    """One file of the site: its path, the fingerprint of every input, and how to make it (or the file to copy)."""

    path: str
    key: str
    make: Callable[[], bytes | str] | None = None
    source: Path | None = None
    follows: bool = False  # made from the output before it (its compressed copy): made by the same worker


class TreeOutput(NamedTuple):
    """A folder made in one go from the staged site (the search index); `make` None keeps the previous one."""

    path: str
    key: str
    make: Callable[[Path], object] | None


@dataclass
class Written:
    made: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)


PARALLEL_FROM = 200  # files to make before worker processes pay for their start


def forget(out_dir: Path, path: str) -> None:
    """Something other than a build wrote `path` (the preview's error report): the next build must write it."""
    manifest = read_manifest(out_dir)
    if manifest.get("files", {}).pop(path, None) is not None:
        write_atomically(out_dir / MANIFEST, _json(manifest))


def write_site(out_dir: Path, outputs: list[Output], trees: list[TreeOutput], facts: dict | None = None,
               progress: bool = False, in_place: bool = False, prepare: Callable[[], None] | None = None,
               before: dict | None = None) -> Written:
    """Make or reuse every output; `facts` are kept in the manifest beside the keys, for the next build. `prepare`
    does, before worker processes are forked, what each of them would otherwise do again (compiling templates).

    A build writes into a staging folder swapped in whole (see stage.py). The preview writes `in_place`: only the
    changed files, each atomically, over its own folder, which nobody publishes; on a save that is a few files
    instead of a link per file of the site. `before`: the folder's manifest, when the caller read it already."""
    before = read_manifest(out_dir) if before is None else before
    previous: dict[str, str] = before.get("files", {})
    manifest = {output.path: output.key for output in outputs}
    for tree in trees:
        if tree.make:
            manifest[tree.path] = tree.key
        elif tree.path in previous:  # skipped: the previous one stays, with what it was made from
            manifest[tree.path] = previous[tree.path]
    facts = {**(facts or {}), "files": manifest}
    if in_place and previous:
        return _write_in_place(out_dir, outputs, trees, previous, facts)
    written = Written()
    if manifest == previous and all(os.path.exists(out_dir / path) for path in manifest):
        # The site on disk is already this build's output: no file of it is written.
        written.reused = [output.path for output in outputs]
        if any(before.get(key) != value for key, value in facts.items()):  # only what the build knows of it changed
            write_atomically(out_dir / MANIFEST, _json(facts))
        return written
    with staged_output(out_dir, MANIFEST) as stage:
        groups: list[list[Output]] = []
        for output in outputs:
            if stage.has(output.path, output.key) or (previous.get(output.path) == output.key and stage.reuse(output.path)):
                written.reused.append(output.path)
            elif output.source is not None:
                stage.link(output.source, output.path)
                written.made.append(output.path)
            else:
                if output.follows and groups and output.path.startswith(groups[-1][0].path):
                    groups[-1].append(output)
                else:
                    groups.append([output])
                written.made.append(output.path)
        _make_all(stage, groups, progress, prepare)
        stage.keep_only(set(manifest))
        for tree in trees:
            if tree.path in manifest and stage.has(tree.path, manifest[tree.path]):
                continue  # the kept site's folder was made from the same inputs
            if previous.get(tree.path) == tree.key or tree.make is None:
                if stage.reuse_tree(tree.path):
                    continue
            if tree.make is not None:
                stage.clear_tree(tree.path)
                tree.make(stage.root)
                stage.placed_tree(tree.path)
                written.made.append(tree.path)
        stage.write(MANIFEST, _json(facts))
    return written


_WORK: tuple[Stage, list[list[Output]], Synchronized | _Count, int] | None = None  # inherited by the forked workers, never pickled
CHUNK = 32  # groups a process takes at a time, while many are left (see _chunk)


def _make_all(stage: Stage, groups: list[list[Output]], progress: bool, prepare: Callable[[], None] | None) -> None:
    """Render, compress and write every changed file, on every core: the workers are forked from this process, so they
    have the model, the templates and the list of outputs already; the pages they make are written by them, never
    sent back. This process works too, beside one worker fewer than there are cores: a forked worker ends up with a
    private copy of every page of memory it touches (reference counts), so each worker saved is one copy of the model
    saved, at the same speed."""
    global _WORK
    bar = Progress(len(groups), "files", enabled=progress and len(groups) > 100, every=500)
    workers = os.cpu_count() or 1
    # fork copies only the calling thread: with other threads running (the preview's watcher), stay in this process
    parallel = len(groups) >= PARALLEL_FROM and workers > 1 and threading.active_count() == 1 and can_fork()
    _WORK = (stage, groups, _shared_count() if parallel else _Count(), workers if parallel else 1)
    if parallel and prepare:
        prepare()
    # What this process holds (the model, the templates) is set aside: the collector no longer walks it again and again
    # while the pages are made (a fifth of a second of a thousand documents' cold build in one process), and a worker's
    # collector would write into every object, copying its page.
    gc.freeze()
    try:
        with worker_pool(workers - 1, fork=True) if parallel else nullcontext() as pool:
            helpers = [pool.submit(_take_chunks) for _ in range(workers - 1)] if pool else []
            try:
                _take_chunks(bar)
            except BaseException:
                _stop_taking()  # an error or Ctrl-C here: the workers finish their chunk and take no other
                raise
            for helper in helpers:
                helper.result()  # a worker's error is raised here
    finally:
        gc.unfreeze()
        _WORK = None
    while bar.count < len(groups):
        bar.step()
    bar.done()


def _take_chunks(bar: Progress | None = None) -> None:
    """Make the next groups not yet taken by any process (see _chunk), until none is left; a slow chunk holds up only the
    process that took it. `bar`: this process shows how far all of them got."""
    stage, groups, taken, processes = _WORK
    while True:
        with taken.get_lock():
            start = taken.value
            size = _chunk(len(groups) - start, processes)
            taken.value = start + size
        if start >= len(groups):
            return
        if bar:
            while bar.count < start:
                bar.step()
        for group in groups[start:start + size]:
            for output in group:
                stage.write(output.path, output.make())


def _chunk(left: int, processes: int) -> int:
    """How many groups to take of the `left` not taken yet: CHUNK while many are left, fewer and fewer towards the end,
    one by one at the very end. The last files of a build are its largest (the open data, a tenth of a second each): in
    one chunk, one process made them all while the others had nothing left to take (0.1-0.35 s of a cold build of
    1,080 documents on 2 cores)."""
    return max(1, min(CHUNK, left // (2 * processes)))


def _stop_taking() -> None:
    _, groups, taken, _ = _WORK
    with taken.get_lock():
        taken.value = len(groups)


@dataclass
class _Count:
    """The groups taken so far when this process makes them all: no shared memory to set up, no lock to take."""

    value: int = 0

    def get_lock(self) -> nullcontext:
        return nullcontext()


def _shared_count() -> Synchronized:
    """The groups taken so far, in memory the forked workers share; multiprocessing is imported only for them."""
    import multiprocessing

    return multiprocessing.Value("q", 0)


def _json(manifest: dict) -> str:
    """One line: json's fast encoder works only without indentation (with it, writing the manifest of a big site cost
    a tenth of a build with one document edited)."""
    return json.dumps(manifest, sort_keys=True)


def _write_in_place(out_dir: Path, outputs: list[Output], trees: list[TreeOutput], previous: dict[str, str],
                    facts: dict) -> Written:
    """Write what changed over the previous preview, remove what it no longer has, the manifest last."""
    written, out_dir = Written(), out_dir.resolve()
    for output in outputs:
        if previous.get(output.path) == output.key:
            written.reused.append(output.path)
            continue
        target = inside(out_dir, output.path)
        if output.source is not None:
            write_atomically(target, output.source.read_bytes())
        else:
            write_atomically(target, output.make())
        written.made.append(output.path)
    for tree in trees:
        if tree.make is None or previous.get(tree.path) == tree.key:
            continue
        shutil.rmtree(inside(out_dir, tree.path), ignore_errors=True)
        tree.make(out_dir)
        written.made.append(tree.path)
    for path in previous.keys() - facts["files"].keys():
        target = inside(out_dir, path)
        shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(missing_ok=True)
    write_atomically(out_dir / MANIFEST, _json(facts))
    return written

