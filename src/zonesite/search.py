"""The static search index: Pagefind, driven through its Python API, one index per page language."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

BUNDLE = "pagefind"


async def _index(site_root: Path) -> None:
    config = IndexConfig(output_path=str(site_root / BUNDLE))
    async with PagefindIndex(config=config) as index:
        await index.add_directory(path=str(site_root), glob="**/*.html")
    # The index is written when the context closes.


def build_index(site_root: Path) -> dict[str, int]:
    """Index the pages that mark their content with data-pagefind-body; returns pages indexed per language."""
    asyncio.run(_index(site_root))
    # Under load the service has answered before its last file is complete (seen on a 2-core machine):
    # wait for the entry file to be whole rather than read half of it.
    for _ in range(100):
        try:
            return existing_index(site_root)
        except (OSError, ValueError):
            time.sleep(0.05)
    return existing_index(site_root)


def existing_index(site_root: Path) -> dict[str, int]:
    """Pages indexed per language, as recorded in the bundle."""
    entry = json.loads((site_root / BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    return {lang: info["page_count"] for lang, info in entry["languages"].items()}
