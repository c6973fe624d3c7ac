"""Whether a build has anything to do: the key of everything a build reads, compared with the site's own.

The command line asks this before it imports the rest of the generator (the Markdown parser, Jinja, the PDF and
signing libraries), so a build with nothing changed costs a walk of the content, the git history and one look at
the site: neither the model nor a page is loaded.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import clock
from .config import Config
from .engine.cache import Cache
from .engine.fingerprint import code_fingerprint, files_fingerprint, fingerprint, tree_signature
from .engine.manifest import read_manifest
from .messages import Message
from .outputs.search import BUNDLE, existing_index
from .problems import Problems
from .source.history import History, read_history


@dataclass
class BuildResult:
    """What a build made, reused and found: its summary line, and what a build with nothing changed shows again."""

    out_dir: Path
    problems: Problems
    rendered: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    read: list[Path] = field(default_factory=list)  # source files read again; the others' model came from the cache
    pages: int = 0
    pdfs: int = 0
    pdfs_rendered: int = 0
    indexed: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> Message:
        rendered = sum(1 for path in self.rendered if path.endswith(".html"))
        parts = [Message.of("built.pages", pages=self.pages, rendered=rendered, unchanged=self.pages - rendered)]
        if self.pdfs:
            parts.append(Message.of("built.pdfs", pdfs=self.pdfs, rendered=self.pdfs_rendered,
                                    unchanged=self.pdfs - self.pdfs_rendered))
        if self.indexed:
            parts.append(Message.of("built.indexed", pages=sum(self.indexed.values())))
        parts.append(Message.of("built.warnings", count=len(self.problems.warnings)))
        if self.problems.notes:
            parts.append(Message.of("built.acknowledged", count=len(self.problems.notes)))
        return Message.of("built", parts=tuple(parts), out=str(self.out_dir), seconds=f"{self.seconds:.2f}")


@dataclass
class Look:
    """What a build found before doing anything: the key of its inputs, the site's manifest, the content's history,
    and, when the site was built from these very inputs and still has every file, that build's result."""

    inputs: str
    previous: dict
    history: dict[str, History]
    started: float
    result: BuildResult | None = None
    tree: tuple = ()  # the content folder's tree_signature, which the reader may compare zone by zone


def inputs_key(config: Config, content_dir: Path, preview: bool, flags: tuple, history: dict[str, History],
               tree: tuple | None = None) -> str:
    """Everything a build reads, by name, size and time for content, the content's git history (a commit changes
    the dates pages show) and the day (whether a document is in force depends on it): equal keys, equal sites.
    `tree`: the content's tree_signature, when the caller has it."""
    root = config.root
    tree = tree_signature(content_dir) if tree is None else tree
    return fingerprint(code_fingerprint(), config.fingerprint, preview, flags, clock.today(), tree,
                       files_fingerprint(root / "templates", root / "assets"), sorted(history.items()))


def look(config: Config, content_dir: Path, cache: Cache, out_dir: Path, *, preview: bool, flags: tuple,
         tree: tuple | None = None) -> Look:
    """`tree`: the content's tree_signature, when the caller keeps it (the preview, see serve.ContentTree)."""
    started = time.perf_counter()
    previous = read_manifest(out_dir)
    history = read_history(content_dir, config.history_trailers, cache)
    tree = tree_signature(content_dir) if tree is None else tree
    inputs = inputs_key(config, content_dir, preview, flags, history, tree)
    seen = Look(inputs, previous, history, started, tree=tree)
    known = cache.get_object("problems", inputs) if previous.get("inputs") == inputs else None
    if known is not None and _all_present(out_dir, previous["files"]):
        seen.result = BuildResult(out_dir, Problems(list(known)),
                                  reused=list(previous["files"]), pages=previous.get("pages", 0),
                                  pdfs=len(previous.get("pdf", {})))
        if (out_dir / BUNDLE / "pagefind-entry.json").is_file():
            seen.result.indexed = existing_index(out_dir)
        seen.result.seconds = time.perf_counter() - started
    return seen


def _all_present(out_dir: Path, files: dict) -> bool:
    """Every file the manifest names is still there; by plain strings: thousands of Paths cost more than the stats."""
    folder = os.path.join(out_dir, "")
    return all(os.path.exists(folder + path) for path in files)


def default_cache(config: Config) -> Path:
    return default_cache_of(config.root)


def default_cache_of(root: Path) -> Path:
    """The cache of the site whose configuration is in `root`."""
    return root / ".cache" / "zonesite"
