"""Write the site into a staging folder and swap it in whole, so readers never see half a site."""

from __future__ import annotations

import ctypes
import json
import os
import posixpath
import sys
import shutil
import tempfile
from contextlib import contextmanager, suppress
from pathlib import Path
from collections.abc import Iterator


# Bytes as they are (Windows would turn \n into \r\n), and not inherited by a program the build starts.
_BINARY = getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


class Stage:
    """The folder a build writes into; paths are checked so content can never write outside it.

    The folder is new, or the site before the previous one (`kept`: its files by path, with their keys), brought up
    to date: then only what differs is written, each file replaced rather than changed, since it may be a hard
    link to a file of the published site.

    `twin`: a folder each file placed is linked into as well, by the process that places it (the first site's copy, see
    staged_output).

    Most of what writing a cold site costs is the kernel's, per folder and file made: on ext4 without a journal, each
    new inode is looked for past those freed in the last minutes (a site removed before the build), 0.3-0.8 ms each
    for a thousand documents' 5,900 (pages, compressed copies, folders and the copy's folders). Made in another order
    (every folder first) they cost the same; the twin's links take no inode."""

    def __init__(self, root: Path, previous: Path, kept: dict[str, str] | None = None, twin: Path | None = None):
        self.root, self.previous, self.kept, self.twin = root, previous, kept or {}, twin
        self.name = str(root)
        self.folders: set[str] = {""}  # made already (or there): a big site has a folder per page

    def target(self, relative: str) -> Path:
        return Path(self._place(relative))

    def _place(self, relative: str) -> str:
        """The staging folder holds no links to folders, so a path that stays inside it by name stays inside it.
        Names, not Paths: a cold build places a few thousand files, and a Path costs more than the name."""
        normal = _normal(relative)
        path = os.path.join(self.name, normal)
        folder = posixpath.dirname(normal)
        if folder not in self.folders:
            self._make_folders(folder)
        if relative in self.kept:
            with suppress(FileNotFoundError):
                os.unlink(path)
        return path

    def _make_folders(self, folder: str) -> None:
        """`folder` and those above it this process did not make yet, from the top down, here and in the twin: one mkdir
        each, where os.makedirs first asks whether each one is there (a stat per folder of a cold build, twice)."""
        missing = []
        while folder not in self.folders:
            missing.append(folder)
            folder = posixpath.dirname(folder)
        roots = (self.name,) if self.twin is None else (self.name, str(self.twin))
        for folder in reversed(missing):
            for root in roots:
                with suppress(FileExistsError):  # made by another process of this build, or kept from the site before
                    os.mkdir(os.path.join(root, folder))
            self.folders.add(folder)

    def has(self, relative: str, key: str) -> bool:
        """The folder already holds this file as made from these inputs."""
        return self.kept.get(relative) == key

    def write(self, relative: str, data: str | bytes) -> None:
        path = self._place(relative)
        _write_file(path, data.encode("utf-8") if isinstance(data, str) else data)
        self._twin(path)

    def link(self, source: Path, relative: str) -> None:
        """Place a file that already exists elsewhere (a cached PDF) without copying it when possible."""
        path = self._place(relative)
        _link_or_copy(source, path)
        self._twin(path)

    def _twin(self, path: str) -> None:
        """The file just placed at `path`, linked at the same place in the twin (a file placed again replaces it)."""
        if self.twin is None:
            return
        twin = os.path.join(self.twin, path[len(self.name) + 1:])
        try:
            os.link(path, twin)
        except FileExistsError:
            os.unlink(twin)
            os.link(path, twin)

    def placed_tree(self, relative: str) -> None:
        """A folder made whole in the staging folder by another program (the search index): linked into the twin."""
        made = inside(self.root, relative)
        if self.twin is not None and made.is_dir():
            twin = inside(self.twin, relative)
            shutil.rmtree(twin, ignore_errors=True)
            twin.mkdir(parents=True)
            _link_tree(str(made), str(twin))

    def clear_tree(self, relative: str) -> None:
        """A folder made whole (the search index) is made again from nothing."""
        shutil.rmtree(inside(self.root, relative), ignore_errors=True)

    def reuse_tree(self, relative: str) -> bool:
        """Take a whole folder from the previous site (the search bundle), file by file as hard links."""
        old = self.previous / relative
        if not old.is_dir():
            return False
        self.clear_tree(relative)
        shutil.copytree(old, self.target(relative), dirs_exist_ok=True, copy_function=_link_or_copy)
        self.placed_tree(relative)
        return True

    def reuse(self, relative: str) -> bool:
        """Take a file from the previous site (a hard link: no copy, no render); False if it is not there."""
        old = self.previous / relative
        if not old.is_file():
            return False
        path = self._place(relative)
        _link_or_copy(old, path)
        self._twin(path)
        return True

    def keep_only(self, paths: set[str]) -> None:
        """Remove what the folder kept from an older site and this one no longer has, with the folders it leaves empty."""
        for relative in self.kept.keys() - paths:
            path = inside(self.root, relative)
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
            for folder in path.parents:
                if folder == self.root or not _remove_if_empty(folder):
                    break


def _write_file(path: str, data: bytes) -> None:
    """A new file with these bytes, by the system's calls alone: Python's file object also asks whether it is a
    terminal, where it stands and how big its blocks are, three calls per file of no use to a file written whole."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY, 0o666)
    try:
        written = os.write(descriptor, data)
        while written < len(data):  # a regular file takes it all at once; a full disk raises
            written += os.write(descriptor, memoryview(data)[written:])
    finally:
        os.close(descriptor)


def _remove_if_empty(folder: Path) -> bool:
    try:
        folder.rmdir()
        return True
    except OSError:
        return False


def inside(root: Path, relative: str) -> Path:
    return root / _normal(relative)


def _normal(relative: str) -> str:
    """Content names the files a build writes: a path must stay inside the output folder by name."""
    normal = posixpath.normpath(relative)
    if normal.startswith(("../", "/")) or normal in ("..", "."):
        raise ValueError(f"refusing to write outside the output folder: {relative}")
    return normal


def _link_or_copy(source: Path | str, target: Path | str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


@contextmanager
def staged_output(out_dir: Path, manifest: str) -> Iterator[Stage]:
    """On success the new folder replaces the old; on any failure the old one stays untouched.

    Where folders can be swapped in one step, the site it replaces is kept beside it (`.<name>.previous`, with its
    manifest, the file named `manifest`): the next build brings that one up to date and swaps again, so a build
    writes what changed since the site before, not a link per file of the site, and removes nothing whole."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _recover(out_dir)
    spare = out_dir.with_name(f".{out_dir.name}.previous")
    kept = _manifest_files(spare / manifest) if out_dir.is_dir() else None
    if kept is not None:
        (spare / manifest).unlink()  # from here until the swap, the spare is being changed: no manifest, not trusted
        stage = Stage(spare, out_dir, kept)
    else:
        shutil.rmtree(spare, ignore_errors=True)
        # The first site made is kept too, as the site the next build starts from: each file linked into a second
        # folder by the process that writes it, while the others write theirs (after the swap, alone, the links of a
        # thousand documents' site took a quarter to nearly a second). The first edit then does not pay for them.
        copied = not out_dir.exists() and sys.platform.startswith("linux")
        stage = Stage(_staging(out_dir), out_dir, twin=_staging(out_dir) if copied else None)
    try:
        yield stage
    except BaseException:
        _remove(stage.root, stage.twin)
        raise
    if out_dir.exists() and _exchange(stage.root, out_dir):
        if stage.root != spare:  # it now holds the previous site: the next build starts from it
            _keep_as_spare(stage.root, spare)
        _remove(stage.twin)
        return
    old = out_dir.with_name(f".{out_dir.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    first = not out_dir.exists()
    if not first:
        os.rename(out_dir, old)
    os.rename(stage.root, out_dir)
    shutil.rmtree(old, ignore_errors=True)
    if first and stage.twin is not None:  # renamed whole: the copy is there complete or not at all
        os.rename(stage.twin, spare)
    else:
        _remove(stage.twin)


def _keep_as_spare(previous: Path, spare: Path) -> None:
    """The site just replaced becomes the spare. Something may still be there: a killed build's search indexer, a
    program of its own that outlives it, can write into its folder after the removal above. The site is published
    already; the spare is only a head start, so if the folder cannot be cleared the previous site is not kept."""
    try:
        os.rename(previous, spare)
        return
    except OSError:
        shutil.rmtree(spare, ignore_errors=True)
    try:
        os.rename(previous, spare)
    except OSError:
        shutil.rmtree(previous, ignore_errors=True)


def _staging(out_dir: Path) -> Path:
    """A new folder beside the site, under a name a killed build's leftovers are known by (see _recover)."""
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    os.chmod(staging, 0o777 & ~_umask())  # mkdtemp's 0700 would hide the site from a web server's user
    return staging


def _remove(*folders: Path | None) -> None:
    for folder in folders:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _link_tree(source: str, target: str) -> None:
    """Every file of `source` linked at the same place under `target` (which exists), its folders made anew: unlike
    shutil.copytree, which copies each folder's times and modes too, at twice the cost for a folder per page."""
    folders = [""]
    while folders:
        relative = folders.pop()
        with os.scandir(os.path.join(source, relative)) as entries:
            for entry in entries:
                name = os.path.join(relative, entry.name)
                if entry.is_dir():
                    os.mkdir(os.path.join(target, name))
                    folders.append(name)
                else:
                    _link_or_copy(entry.path, os.path.join(target, name))


def _manifest_files(path: Path) -> dict[str, str] | None:
    """The files of a kept site by path, with their keys; None when it has no readable manifest."""
    try:
        files = json.loads(path.read_text(encoding="utf-8")).get("files")
    except (OSError, ValueError, AttributeError):
        return None
    return files if isinstance(files, dict) else None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0


def _recover(out_dir: Path) -> None:
    """A build killed between the two renames leaves the previous site in '.old': put it back."""
    old = out_dir.with_name(f".{out_dir.name}.old")
    if old.exists() and not out_dir.exists():
        os.rename(old, out_dir)
    for leftover in out_dir.parent.glob(f".{out_dir.name}.building-*"):
        shutil.rmtree(leftover, ignore_errors=True)
