"""How faithful an import is: every sentence of the Word text, found word for word in the text its Markdown shows."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from ..source.markdown import render_markdown

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|[\t\n]+")
_FOOTNOTE_MARKS = re.compile(r'<sup class="footnote-ref">.*?</sup>|<a [^>]*class="footnote-backref"[^>]*>.*?</a>')
_INLINE_TAG = re.compile(r"</?(?:strong|em|a|sup|sub|span|code|abbr|s)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\ufeff"))


@dataclass
class Fidelity:
    total: int
    missing: list[str]

    @property
    def found(self) -> int:
        return self.total - len(self.missing)


def normalise(text: str) -> str:
    """Words and punctuation only: spacing, soft hyphens and non-breaking spaces do not count."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).replace("\u00a0", " ")
    return " ".join(text.split())


def sentences(paragraphs: list[str]) -> list[str]:
    """The sentences (and tab- or line-separated pieces) of the paragraphs, each with at least a letter or digit."""
    pieces = (normalise(piece) for paragraph in paragraphs for piece in _SENTENCE_END.split(paragraph))
    return [piece for piece in pieces if re.search(r"\w", piece)]


def shown_text(markdown: str) -> str:
    """The text a reader sees of the Markdown: rendered as the site renders it, without markup or footnote numbers."""
    rendered = _FOOTNOTE_MARKS.sub("", render_markdown(markdown).html)
    return normalise(html.unescape(_TAG.sub(" ", _INLINE_TAG.sub("", rendered))))


def fidelity(paragraphs: list[str], markdown: str, title: str = "") -> Fidelity:
    """Each sentence of the paragraphs looked up in the title and the shown text of the Markdown."""
    haystack = normalise(title) + " " + shown_text(markdown)
    found_all = sentences(paragraphs)
    return Fidelity(len(found_all), [sentence for sentence in found_all if sentence not in haystack])
