"""One fingerprint function for every input of every output, and the fingerprint of the generator itself."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path

import zonesite

# The libraries whose version changes what a page, PDF or index looks like.
RENDERING_LIBRARIES = ("jinja2", "markdown-it-pyrs", "markdown-it-py", "mdit-py-plugins", "python-slugify", "babel",
                       "pyyaml", "weasyprint", "pydyf", "pagefind", "pagefind-bin", "brotli", "isal", "pillow")
METADATA_FOLDERS = (".dist-info", ".egg-info")  # what an installed library leaves beside its code, named NAME-VERSION


def fingerprint(*parts: object) -> str:
    """Equal parts give equal fingerprints; `repr` of the frozen model classes is stable between runs."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


class Fingerprints:
    """Fingerprints by name, each taken from the last build again when its parts are equal: the preview keeps one
    between saves, where most parts are the very objects of the save before, compared at once instead of hashed.
    Parts whose order matters are tuples or lists (equal dicts may list their items in another order)."""

    def __init__(self):
        self.last: dict = {}
        self.now: dict = {}

    def start(self) -> None:
        """A new build: the fingerprints of the last one are those to compare with."""
        if self.now:
            self.last, self.now = self.now, {}

    def __call__(self, name: object, *parts: object) -> str:
        known = self.last.get(name)
        value = known[1] if known is not None and known[0] == parts else fingerprint(*parts)
        self.now[name] = (parts, value)
        return value


def files_fingerprint(*paths: Path, pattern: str = "*") -> str:
    """Names and bytes of files, folders taken whole; a missing path counts as empty. Listed by plain strings, as
    Path.rglob would list them and in the order of their sorted Paths: a build takes three of these (the code, the
    templates, the assets), and the Paths cost more than reading the files."""
    digest = hashlib.sha256()
    for path in paths:
        top = str(path)
        names: list[str] = []
        if os.path.isdir(top):
            _files(top, os.path.basename(top), pattern, names)
        elif os.path.isfile(top):
            names.append(os.path.basename(top))
        parent = os.path.dirname(top)
        for name in sorted(names, key=lambda name: name.split("/")):
            with open(os.path.join(parent, name), "rb") as file:
                digest.update(name.encode() + b"\0" + file.read())
    return digest.hexdigest()


def _files(folder: str, shown: str, pattern: str, names: list[str]) -> None:
    """The files under `folder` whose names match `pattern`, each as `shown`/…; links to folders are not followed."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                _files(entry.path, f"{shown}/{entry.name}", pattern, names)
            elif fnmatchcase(entry.name, pattern) and entry.is_file():
                names.append(f"{shown}/{entry.name}")


def tree_signature(folder: Path) -> tuple:
    """Names, sizes, modification times and modes of everything in a folder: cheap, and changed by any save or rename.
    One os.scandir per folder; links are listed, never followed. A missing folder is empty. The reader takes the
    zones' files from it (see reader._scan_listed) instead of listing them again."""
    entries: list[tuple[str, int, int, int]] = []
    _scan(str(folder), "", entries)
    return tuple(entries)


def _scan(directory: str, prefix: str, entries: list[tuple[str, int, int, int]]) -> None:
    try:
        with os.scandir(directory) as found:
            children = sorted(found, key=lambda entry: entry.name)
    except OSError:
        return
    for entry in children:
        try:
            stat = entry.stat(follow_symlinks=False)
        except OSError:  # gone since the folder was listed (an editor's temporary file): as if never there
            continue
        entries.append((prefix + entry.name, stat.st_size, stat.st_mtime_ns, stat.st_mode))
        if entry.is_dir(follow_symlinks=False):
            _scan(entry.path, f"{prefix}{entry.name}/", entries)


@cache
def code_fingerprint() -> str:
    """Every module of the package and the versions of the libraries that render: any change rebuilds everything."""
    package = Path(zonesite.__file__).parent
    return fingerprint(zonesite.__version__, files_fingerprint(package, pattern="*.py"), library_versions(RENDERING_LIBRARIES))


def library_versions(names: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """(name, version) of each library, None when it is not installed: read from the names of the metadata folders
    on the import path (`jinja2-3.1.6.dist-info`), the first one found as for an import. importlib.metadata says the
    same, but importing it costs more than a whole build with nothing changed."""
    wanted = {_normal(name): name for name in names}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            listed = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in listed:
            if entry.endswith(METADATA_FOLDERS):
                name, _, version = entry.rsplit(".", 1)[0].partition("-")
                library = wanted.get(_normal(name))
                if library and library not in found:
                    found[library] = version.split("-")[0]  # an .egg-info may add "-py3.11"
    return [(name, found.get(name)) for name in names]


def _normal(name: str) -> str:
    """A distribution's name as PEP 503 compares them: "PyYAML", "pyyaml" and "markdown_it_py" like "markdown-it-py"."""
    return re.sub(r"[-_.]+", "-", name).lower()
