"""The static search index: Pagefind over the staged pages, one index per page language."""

from __future__ import annotations

import json
import sys
from pathlib import Path

BUNDLE = "pagefind"


class SearchIndexError(Exception):
    pass


def build_index(site_root: Path) -> dict[str, int]:
    """Index the pages that mark their content with data-pagefind-body; returns pages indexed per language.

    Pagefind's own command writes the bundle and exits when every file is written and closed: no waiting on
    files to appear (the service API can answer before its writes are done, and its bundle was seen cut short).
    """
    import subprocess  # a build without search, and one with nothing changed, start no process

    done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site_root), "--output-subdir", BUNDLE, "--silent"],
                          capture_output=True, text=True)
    if done.returncode:
        raise SearchIndexError(f"the search indexer failed: {(done.stderr or done.stdout).strip()}")
    return existing_index(site_root)


def existing_index(site_root: Path) -> dict[str, int]:
    """Pages indexed per language, as recorded in the bundle."""
    entry = json.loads((site_root / BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    return {lang: info["page_count"] for lang, info in entry["languages"].items()}
