"""Heading ids without python-slugify's slow path: the same id as python-slugify for any text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from slugify import slugify

from zonesite.source.markdown import parse
from zonesite.source.slug import heading_slug
from zonesite.source.text import read_text, split_front_matter

PROJECT = Path(__file__).resolve().parent.parent

# Latin-1 (the table's part), the characters its clean-up treats apart, and some beyond (python-slugify's part).
LATIN_1 = st.characters(min_codepoint=0, max_codepoint=255)
SPECIAL = st.sampled_from(list("'-,&;#x0123456789 ÉéèëçàôœŒ€“”’—–…ﬁ½²\u0301\u00ad\u00b4\u00a8") + ["&amp;", "&#233;", "&eacute;"])


def expected(text: str) -> str:
    return slugify(text, max_length=60, word_boundary=True) or "sectie"


@settings(max_examples=800, deadline=None)
@given(st.lists(st.one_of(LATIN_1, SPECIAL, st.characters()), max_size=90).map("".join))
def test_the_same_id_as_python_slugify_for_any_text(text):
    assert heading_slug(text) == expected(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["1", "2", ",", " ", "-", "'", "Één", "beleid", "ß", "Æ", "½", "x" * 20]), max_size=40)
       .map("".join))
def test_the_same_id_for_long_headings_cut_at_a_word(text):
    assert heading_slug(text) == expected(text)


def test_headings_of_the_documents():
    for text in ("4.2 Leiderschap", "Één & twee", "Financiën 2023, 1,5 % meer", "L'approche « intégrée »", "", "…",
                 "1,,5 ''x'' 2,´3 ½,4 -a- ,", "Æsop's ß" * 9):
        assert heading_slug(text) == expected(text)


def test_the_headings_of_the_real_documents():
    headings = [h.text for path in sorted((PROJECT / "content").glob("*/*.md"))
                for h in parse(split_front_matter(read_text(path))[1]).headings]
    assert len(headings) > 100
    assert [heading_slug(text) for text in headings] == [expected(text) for text in headings]


def test_every_latin_1_character_as_python_slugify_makes_it():
    """The table is written out: each of its characters, alone and between two words, against python-slugify."""
    for code in range(256):
        for text in (chr(code), f"a{chr(code)}b", f"1{chr(code)}2"):
            assert heading_slug(text) == expected(text), (code, text)


def test_python_slugify_is_not_loaded_for_latin_1_headings():
    line = ("import sys; from zonesite.source.slug import heading_slug; heading_slug('Één ½ ß'); "
            "print(sorted({'slugify', 'text_unidecode'} & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", line], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stdout + result.stderr
