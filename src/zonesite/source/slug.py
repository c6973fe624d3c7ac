"""Heading ids: exactly python-slugify's `slugify(text, max_length=60, word_boundary=True)`, many times faster for
the Latin-1 text of the documents (Dutch and French); anything else goes to python-slugify itself.

python-slugify runs every text through two Unicode normalisations, a pattern of all 252 HTML entity names and several
clean-up patterns; for Latin-1 without '&' that comes down to one table of what each character becomes (the same
NFKD and transliteration, lowered, applied once per character at import; a separator a space), the commas between
digits dropped, and the words joined by dashes.
"""

from __future__ import annotations

import re
import unicodedata

from slugify import slugify
from text_unidecode import unidecode

MAX_LENGTH = 60


def _ascii(char: str) -> str:
    """What python-slugify makes of one Latin-1 character, lowered: every character it disallows (quotes too)
    separates words, a space here; a comma stays, for the numbers it joins ("1,5" gives "15")."""
    text = unidecode(unicodedata.normalize("NFKD", char)).lower()
    return "".join(c if c.isascii() and c.isalnum() or c == "," else " " for c in text)


_TABLE = str.maketrans({chr(code): _ascii(chr(code)) for code in range(256)})
_FAST = re.compile(r"[^\x00-\xff]|&")  # what the table does not cover: entities, characters beyond Latin-1
_NUMBER_COMMA = re.compile(r"(?<=\d),(?=\d)")


def heading_slug(text: str) -> str:
    """The id of a heading as python-slugify makes it, or "sectie" when nothing is left."""
    return _slug(text) or "sectie"


def _slug(text: str) -> str:
    if _FAST.search(text):  # an entity python-slugify would decode, or beyond the table
        return slugify(text, max_length=MAX_LENGTH, word_boundary=True)
    words = text.translate(_TABLE)
    if "," in words:
        words = _NUMBER_COMMA.sub("", words).replace(",", " ")
    words = words.split()
    text = "-".join(words)
    return text if len(text) < MAX_LENGTH else _cut(words, text)


def _cut(words: list[str], text: str) -> str:
    """python-slugify's smart_truncate(text, MAX_LENGTH, word_boundary=True, separator="-") of the words joined by
    dashes (none has one): one word is cut; else each word that still fits after those taken, in their order (a
    longer one is left out, a shorter one after it still taken), up to MAX_LENGTH with the dashes."""
    if len(words) == 1:
        return text[:MAX_LENGTH]
    taken, length = [], 0  # the words kept, and the length of those words each followed by a dash
    for word in words:
        if length + len(word) < MAX_LENGTH:
            taken.append(word)
            length += len(word) + 1
        elif length + len(word) == MAX_LENGTH:
            taken.append(word)
            break
    return "-".join(taken) if taken else text[:MAX_LENGTH].strip("-")
