"""The one cache: files named by the fingerprint of their inputs, in one folder per kind, pruned after each build."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path
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
        self.used.setdefault(kind, set()).add(key + suffix)
        return self.folder / kind / f"{key}{suffix}"

    def get_object(self, kind: str, key: str) -> Any | None:
        path = self.path(kind, key, ".pickle")
        if (kind, key) in self.memory:
            return self.memory[(kind, key)]
        try:
            with path.open("rb") as stream:
                value = pickle.load(stream)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        self.memory[(kind, key)] = value
        return value

    def put_object(self, kind: str, key: str, value: Any) -> None:
        self.memory[(kind, key)] = value
        write_atomically(self.path(kind, key, ".pickle"), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def read_json(self, kind: str, key: str) -> Any | None:
        path = self.path(kind, key, ".json")
        if (kind, key) in self.memory:
            return self.memory[(kind, key)]
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        self.memory[(kind, key)] = value
        return value

    def write_json(self, kind: str, key: str, value: Any) -> None:
        self.memory[(kind, key)] = value
        write_atomically(self.path(kind, key, ".json"), json.dumps(value, sort_keys=True, indent=0).encode("utf-8"))

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


def write_atomically(path: Path, data: bytes | str) -> None:
    """Readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    os.replace(temporary, path)
