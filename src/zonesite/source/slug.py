"""Heading ids: exactly python-slugify's `slugify(text, max_length=60, word_boundary=True)`, many times faster for
the Latin-1 text of the documents (Dutch and French); anything else goes to python-slugify itself.

python-slugify runs every text through two Unicode normalisations, a pattern of all 252 HTML entity names and several
clean-up patterns; for Latin-1 without '&' that comes down to one table of what each character becomes (the same
NFKD and transliteration, lowered, written out per character; a separator a space), the commas between
digits dropped, and the words joined by dashes.
"""

from __future__ import annotations

import re

MAX_LENGTH = 60

# What python-slugify (NFKD, then text_unidecode's transliteration) makes of the Latin-1 characters beyond ASCII,
# lowered, a space where it separates words; the C1 controls and the soft hyphen vanish, any other is a separator.
# Written out, not computed at import: importing both libraries cost a build with one edit more than all its
# heading ids (tests/test_slug.py compares every character with python-slugify).
_LATIN_1 = {"ÀÁÂÃÄÅàáâãäåª": "a", "Çç": "c", "ÈÉÊËèéêë": "e", "ÌÍÎÏìíîï": "i", "Ññ": "n", "ÒÓÔÕÖØòóôõöøº": "o",
            "ÙÚÛÜùúûü": "u", "Ýýÿ": "y", "Ææ": "ae", "Ðð": "d", "Þþ": "th", "ß§": "ss", "×": "x", "µ": "m", "¶": "p",
            "£": "ps", "°": "deg", "¹": "1", "²": "2", "³": "3", "¢": "c ", "¥": "y ", "©": " c ", "®": " r ",
            "¤«±»": "  ", "¼": "1 4", "½": "1 2", "¾": "3 4", "".join(map(chr, range(0x80, 0xA0))) + "\u00ad": ""}


def _ascii(char: str) -> str:
    """What python-slugify makes of one Latin-1 character, lowered: every character it disallows (quotes too)
    separates words, a space here; a comma stays, for the numbers it joins ("1,5" gives "15")."""
    return char.lower() if char.isascii() and char.isalnum() or char == "," else " "


_TABLE = str.maketrans({**{chr(code): _ascii(chr(code)) for code in range(256)},
                        **{char: value for chars, value in _LATIN_1.items() for char in chars}})
_FAST = re.compile(r"[^\x00-\xff]|&")  # what the table does not cover: entities, characters beyond Latin-1
_NUMBER_COMMA = re.compile(r"(?<=\d),(?=\d)")


def heading_slug(text: str) -> str:
    """The id of a heading as python-slugify makes it, or "sectie" when nothing is left."""
    return _slug(text) or "sectie"


def _slug(text: str) -> str:
    if _FAST.search(text):  # an entity python-slugify would decode, or beyond the table
        from slugify import slugify  # loaded only for the few headings that need it

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
