"""The site's own record of what each of its files was made from, read apart from the writer that keeps it:
a build with nothing changed and `publish` need only this file, not the machinery that writes a site."""

from __future__ import annotations

import json
from pathlib import Path

MANIFEST = ".zonesite-manifest.json"


def read_manifest(out_dir: Path) -> dict:
    """{"files": {path: key}, ...facts the build keeps}; empty when there is no site or it was not made here."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) and isinstance(data.get("files"), dict) else {}
    except (OSError, ValueError):
        return {}
