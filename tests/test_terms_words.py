"""Term matching skips, by the words of a text, the forms it cannot contain: the same matches and findings as
searching every form in the whole text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zonesite.source import terms
from zonesite.source.terms import load_terms, term_findings
from zonesite.source.text import read_text, split_front_matter

PROJECT = Path(__file__).resolve().parent.parent
BASE = load_terms(PROJECT / "terms.yaml", ("nl", "fr"))

# The words of every form of the real base, in both languages, in pieces too, and what may stand around them.
FORMS = sorted({form for term in BASE.terms for rendering in term.renderings.values()
                for form in (*rendering.forms, *rendering.avoid)})
PIECES = sorted({word for form in FORMS for word in re.split(r"(\W)", form) if word})
AROUND = [" ", " ", "  ", "\n", "\n\n", ",", ".", "'", "’", "-", "_", "(", ")", "/", "1", "s", "e", "Σ", "ß", "É", "İ"]
CASE = st.sampled_from([str, str.upper, str.capitalize, str.lower])
TEXT = st.lists(st.one_of(st.builds(lambda form, case: case(form), st.sampled_from(FORMS), CASE),
                          st.sampled_from(PIECES), st.sampled_from(AROUND)), max_size=60).map("".join)


def searching_every_form(monkeypatch):
    """What the matching did before it had the words of a text: every form searched for."""
    monkeypatch.setattr(terms, "_words", lambda text, lowered: None)


def matches(text: str) -> list[tuple[int, int, int]]:
    return [(m.start, m.end, m.term) for m in terms._source_matches(BASE, text)]


def findings(source: str, translation: str) -> list[tuple[int, str]]:
    return [(f.line, str(f.message)) for f in term_findings(BASE, source, translation, "fr", 5)]


@settings(max_examples=600, deadline=None)
@given(TEXT, TEXT)
def test_the_same_matches_and_findings_as_searching_every_form(source, translation):
    found = matches(source), findings(source, translation)
    with pytest.MonkeyPatch.context() as monkeypatch:
        searching_every_form(monkeypatch)
        assert (matches(source), findings(source, translation)) == found


DOCUMENTS = sorted(p.relative_to(PROJECT / "content").as_posix() for p in (PROJECT / "content").glob("*/*.fr.md"))


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_same_findings_for_the_real_documents_and_with_their_terms_removed(document, monkeypatch):
    french = PROJECT / "content" / document
    source = split_front_matter(read_text(french.with_name(french.name.replace(".fr.md", ".nl.md"))))[1]
    translation = split_front_matter(read_text(french))[1]
    used = {m[2] for m in matches(source)}
    removed = translation
    for form in sorted((f for i in used for f in BASE.terms[i].renderings["fr"].forms), key=len, reverse=True):
        removed = re.sub(re.escape(form).replace("'", "['’]"), "…", removed, flags=re.IGNORECASE)
    found = [matches(source), findings(source, translation), findings(source, removed)]
    assert found[0] and len(found[2]) > len(found[1])  # the documents use terms, and their absence is noticed
    searching_every_form(monkeypatch)
    assert [matches(source), findings(source, translation), findings(source, removed)] == found


def test_a_form_is_skipped_only_when_one_of_its_words_is_missing():
    text = "De lokale politiezone en het ANPR-netwerk."
    lowered = terms._lowered(text)
    words = terms._words(text, lowered)
    assert {"lokale", "politiezone", "anpr", "netwerk"} <= words
    assert list(terms._form("lokale politiezone", False).spans(text, lowered, words)) == [(3, 21)]
    assert list(terms._form("ANPR", True).spans(text, lowered, words)) == [(29, 33)]
    assert list(terms._form("lokale politie", False).spans(text, lowered, words)) == []
    assert terms._words("İ", terms._lowered("İ")) is None  # lowering changed the length: every form is searched


def test_a_form_is_compiled_only_when_a_text_may_contain_it():
    """A build that reads one document compiles the patterns of the forms its texts may hold, not of every form."""
    terms._form.cache_clear()
    terms._forms.cache_clear()
    source = "De korpschef leidt de lokale politie."
    findings(source, "Le chef de corps dirige la police locale.")
    forms = [form for term in BASE.terms for rendering in term.renderings.values() for form in terms._forms(rendering)]
    compiled = [form for form in forms if "pattern" in vars(form)]
    assert compiled and len(compiled) <= 10 < len(forms)


def test_paragraphs_are_found_only_for_a_finding_and_in_the_lines_the_caller_cut(monkeypatch):
    """Most translations use the term base's renderings: their paragraphs are never looked for. When a finding
    needs them, the lines the reader already cut each text into are used, not cut again, as far as the finding's."""
    cut, looked_at = [], []
    starts = terms._paragraph_starts
    monkeypatch.setattr(terms, "_paragraph_starts", lambda lines: cut.append(lines) or starts(looked_at.append(lines)
                                                                                           or lines))
    source = "Inleiding.\n\nDe korpschef beslist.\n"
    assert term_findings(BASE, source, "Introduction.\n\nLe chef de corps décide.\n", "fr", 5) == []
    assert cut == []
    translation = "Introduction.\n\nLe commissaire décide.\n"
    lines = (source.split("\n"), translation.split("\n"))
    found = term_findings(BASE, source, translation, "fr", 5, lines)
    assert [finding.line for finding in found] == [7]
    assert len(cut) == 2 and cut[0] is lines[0] and cut[1] is lines[1]
    assert term_findings(BASE, source, translation, "fr", 5) == found


def paragraphs_of_every_line(lines: list[str]) -> list[int | None]:
    """Per line: the index of its blank-line-separated block, None for a blank line (as the check first found them)."""
    result: list[int | None] = []
    index, blank = -1, True
    for line in lines:
        if not line.strip():
            result.append(None)
            blank = True
            continue
        if blank:
            index += 1
            blank = False
        result.append(index)
    return result


LINES = st.lists(st.sampled_from(["", " ", "\t", "\x0c", "tekst", " tekst", "korpschef"]), max_size=30)


@settings(max_examples=400, deadline=None)
@given(LINES, LINES, st.data())
def test_the_line_near_a_passage_is_the_first_of_the_paragraph_with_the_same_index(source, translation, data):
    source_body, translation_body = "\n".join(source), "\n".join(translation)
    offsets = sorted(data.draw(st.lists(st.integers(0, len(source_body)), max_size=4)))
    near = terms._Near(source_body, translation_body, 3, None)
    of_source = paragraphs_of_every_line(source_body.split("\n"))
    of_translation = paragraphs_of_every_line(translation_body.split("\n"))
    first = {}
    for number, paragraph in enumerate(of_translation):
        if paragraph is not None:
            first.setdefault(paragraph, number)
    for offset in offsets:
        assert near(offset) == 3 + first.get(of_source[source_body.count("\n", 0, offset)], 0)


LATIN_1 = "".join(map(chr, range(256)))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(LATIN_1 + "’İΣςẞſ"), max_size=40))
def test_a_text_is_lowered_as_str_lower_does(text):
    assert terms._lowered(text) == text.replace("’", "'").lower()


def test_every_letter_of_latin_1_is_lowered_by_the_table():
    """The table lowers a Dutch or French text; a letter outside Latin-1 makes str.lower do it."""
    assert terms._lowered(LATIN_1) == LATIN_1.lower() != LATIN_1
    assert terms._lowered("ÉÉN POLITIEZONE’S") == "één politiezone's"
    assert terms._lowered("İ ŒUVRE") == "i̇ œuvre"
