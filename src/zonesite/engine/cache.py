"""The one cache: files named by the fingerprint of their inputs, in one folder per kind, pruned after each build."""

from __future__ import annotations

import copyreg
import gc
import io
import json
import os
import pickle
import shutil
from pathlib import Path, PosixPath
from typing import Any


class Cache:
    """`.cache/zonesite/<kind>/<key><suffix>`; whatever a build did not use of a kind it walked whole is removed.

    Objects also stay in memory, so the preview, which keeps one Cache, does not read them back from disk.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.memory: dict[tuple[str, str], Any] = {}
        self.used: dict[str, set[str]] = {}

    def path(self, kind: str, key: str, suffix: str = "") -> Path:
        self.use(kind, key + suffix)
        return self.folder / kind / f"{key}{suffix}"

    def use(self, kind: str, name: str) -> None:
        """This build needs the entry: pruning keeps it."""
        self.used.setdefault(kind, set()).add(name)

    def names(self, kind: str) -> set[str]:
        """The file names the cache holds of a kind."""
        try:
            return set(os.listdir(self.folder / kind))
        except OSError:
            return set()

    def get_object(self, kind: str, key: str) -> Any | None:
        if (kind, key) in self.memory:
            self.use(kind, key + ".pickle")
            return self.memory[(kind, key)]
        path = self.path(kind, key, ".pickle")
        collecting = gc.isenabled()
        # Unpickling makes many objects that all live on: collecting garbage meanwhile only costs (half the time).
        gc.disable()
        try:
            with path.open("rb") as stream:
                value = pickle.load(stream)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        finally:
            if collecting:
                gc.enable()
        # Nor later: they hold no cycles, and walking them again and again took a fifth of a build with one document
        # edited. Only what comes from disk, so the preview, whose later builds take the cache from memory, does it once.
        gc.freeze()
        self.memory[(kind, key)] = value
        return value

    def put_object(self, kind: str, key: str, value: Any, *, on_disk: bool = True) -> None:
        """`on_disk` false: kept for this process only (the preview's: saving it on every change would cost more
        than reading again, at the next build, the few documents the editor changed)."""
        self.memory[(kind, key)] = value
        if on_disk:
            write_atomically(self.path(kind, key, ".pickle"), pickled(value))
        else:
            self.use(kind, key + ".pickle")

    def drop_object(self, kind: str, key: str) -> None:
        """An entry that holds nothing any more: gone from memory and disk."""
        self.memory.pop((kind, key), None)
        self.used.get(kind, set()).discard(key + ".pickle")
        (self.folder / kind / f"{key}.pickle").unlink(missing_ok=True)

    def read_json(self, kind: str, key: str) -> Any | None:
        if (kind, key) in self.memory:
            self.use(kind, key + ".json")
            return self.memory[(kind, key)]
        path = self.path(kind, key, ".json")
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        self.memory[(kind, key)] = value
        return value

    def prune(self, kind: str) -> int:
        """Remove the entries of `kind` this build did not use; returns how many."""
        folder, used = self.folder / kind, self.used.get(kind, set())
        removed = 0
        for path in folder.iterdir() if folder.is_dir() else ():
            if path.name not in used:
                shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
                removed += 1
        self.memory = {k: v for k, v in self.memory.items() if k[0] != kind or f"{k[1]}.pickle" in used or f"{k[1]}.json" in used}
        self.used[kind] = set()
        return removed


# A path pickled as its text: pickle's own way keeps each of its parts and parses each again, which took a quarter of
# loading what was read.
_REDUCED = {**copyreg.dispatch_table, PosixPath: lambda path: (PosixPath, (str(path),))}


def pickled(value: Any) -> bytes:
    stream = io.BytesIO()
    pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _REDUCED
    pickler.dump(value)
    return stream.getvalue()


def write_atomically(path: Path, data: bytes | str) -> None:
    """Readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    os.replace(temporary, path)
