"""One fingerprint function for every input of every output, and the fingerprint of the generator itself."""

from __future__ import annotations

import hashlib
import os
from functools import cache
from importlib import metadata
from pathlib import Path

import zonesite

# The libraries whose version changes what a page, PDF or index looks like.
RENDERING_LIBRARIES = ("jinja2", "markdown-it-pyrs", "markdown-it-py", "mdit-py-plugins", "python-slugify", "babel",
                       "pyyaml", "weasyprint", "pydyf", "pagefind", "pagefind-bin", "brotli", "pillow")


def fingerprint(*parts: object) -> str:
    """Equal parts give equal fingerprints; `repr` of the frozen model classes is stable between runs."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def files_fingerprint(*paths: Path, pattern: str = "*") -> str:
    """Names and bytes of files, folders taken whole; a missing path counts as empty."""
    digest = hashlib.sha256()
    for path in paths:
        files = sorted(p for p in path.rglob(pattern) if p.is_file()) if path.is_dir() else [path] if path.is_file() else []
        for file in files:
            digest.update(str(file.relative_to(path.parent)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def tree_signature(folder: Path) -> tuple:
    """Names, sizes and modification times of everything in a folder: cheap, and changed by any save or rename."""
    entries = []
    for directory, subfolders, files in os.walk(folder):
        subfolders.sort()
        for name in sorted(files) + subfolders:
            stat = os.lstat(os.path.join(directory, name))
            entries.append((os.path.relpath(os.path.join(directory, name), folder), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


@cache
def code_fingerprint() -> str:
    """Every module of the package and the versions of the libraries that render: any change rebuilds everything."""
    package = Path(zonesite.__file__).parent
    versions = []
    for name in RENDERING_LIBRARIES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, None))
    return fingerprint(zonesite.__version__, files_fingerprint(package, pattern="*.py"), versions)
