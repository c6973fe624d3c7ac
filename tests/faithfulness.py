"""Compare a seed text with its published form: every non-furniture phrase of the seed must appear.

Usable from the command line while converting a seed
(``python tests/faithfulness.py tests/seeds/X.txt content/zone/doc.nl.md``)
and from the tests, which run it against the built pages.
"""

from __future__ import annotations

import html
import re
import sys
import unicodedata
from pathlib import Path

FURNITURE_DIR = Path(__file__).parent / "furniture"

_TAG = re.compile(r"<[^>]+>")
_ABBR = re.compile(r"</?abbr\b[^>]*>")  # inline marks added around an abbreviation's letters: no word boundary
_BULLETS = re.compile(r"[▪•●◦■□▫▶➢➤►✓✔]")
_MARKUP = re.compile(r"[*_`#>|\[\]]")
_SPACE = re.compile(r"\s+")
_LIST_MARKER = re.compile(r"^\s*(?:[-*o]|->|\d{1,2}[.)]|<sup>\d+</sup>)\s+")  # the last: a footnote's number


def normalise(text: str) -> str:
    """Reduce text to words and punctuation, so markup and spacing differences do not count."""
    text = html.unescape(_TAG.sub(" ", _ABBR.sub("", text)))
    text = re.sub(r"\\([\\`*_{}\[\]()#+.!|-])", r"\1", text)  # Markdown escapes
    text = unicodedata.normalize("NFC", text)
    text = _BULLETS.sub(" ", text)
    text = _MARKUP.sub(" ", text).replace("^", "")  # "1^e" (superscript) is published as "1e"
    text = text.replace("\u00a0", " ").replace("\u00ad", "")
    text = _SPACE.sub(" ", text)
    # Spaces before punctuation vary between extraction and Markdown.
    text = re.sub(r" ([,.;:!?)])", r"\1", text)
    text = re.sub(r"([(]) ", r"\1", text)
    return text.strip()


def seed_phrases(seed_text: str) -> list[tuple[int, str]]:
    """Split the seed into the phrases that must survive: lines, table cells, list items."""
    phrases = []
    for number, line in enumerate(seed_text.splitlines(), start=1):
        pieces = re.split(r"\t|<li[^>]*>|</?p>|</?ul[^>]*>|[▪•]", line)
        for piece in pieces:
            # List markers of the extraction ("- ", "1. ", Word's "o ", arrows) become real list items.
            while _LIST_MARKER.match(piece):
                piece = _LIST_MARKER.sub("", piece, count=1)
            phrase = normalise(piece)
            # Dot leaders of a table of contents: "Title ..... 4"
            if re.search(r"\.{4,}", phrase):
                continue
            if re.fullmatch(r"[\W\d]*", phrase):
                continue
            phrases.append((number, phrase))
    return phrases


def furniture_patterns(seed_path: Path) -> list[re.Pattern[str]]:
    """Per-seed regular expressions for lines that are page furniture, one per line."""
    listing = FURNITURE_DIR / (seed_path.stem + ".txt")
    if not listing.exists():
        return []
    lines = listing.read_text(encoding="utf-8").splitlines()
    return [re.compile(line) for line in lines if line.strip() and not line.startswith("#")]


def missing_phrases(seed_path: Path, published_text: str) -> list[tuple[int, str]]:
    """Seed phrases (line number, text) absent from the published text, furniture excepted."""
    haystack = normalise(published_text)
    patterns = furniture_patterns(seed_path)
    missing = []
    for number, phrase in seed_phrases(seed_path.read_text(encoding="utf-8")):
        if any(pattern.search(phrase) for pattern in patterns):
            continue
        if phrase not in haystack:
            missing.append((number, phrase))
    return missing


def _markdown_to_text(markdown_path: Path) -> str:
    from zonesite.source.markdown import render_markdown

    source = markdown_path.read_text(encoding="utf-8")
    front, _, body = source.partition("\n---\n")
    return front + "\n" + render_markdown(body).html


if __name__ == "__main__":
    seed, published = Path(sys.argv[1]), Path(sys.argv[2])
    problems = missing_phrases(seed, _markdown_to_text(published))
    for number, phrase in problems:
        print(f"{seed}:{number}: missing: {phrase}")
    print(f"{len(problems)} phrase(s) missing")
    sys.exit(1 if problems else 0)
