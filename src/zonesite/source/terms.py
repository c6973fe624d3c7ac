"""The term base: how each term of the integrated police is rendered per language, and translations checked against it.

terms.yaml lists Dutch terms with their rendering in every other language (see the comment at its top).
`term_findings` compares one source body with one translation body:
(a) a term the source uses whose rendering the translation never uses, reported near the passage;
(b) a rendering the term base says to avoid, reported at each line of the translation that uses it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterator, NamedTuple

from ..messages import KeyPath, Message
from ..problems import ContentError, Problem, Problems, problem
from .schema import Checker
from .text import SourceError, parse_yaml, read_text

RENDERING_KEYS = ("term", "variants", "abbr", "expansion", "avoid")


class TermFinding(NamedTuple):
    line: int  # line in the translation file (body lines counted from first_line)
    message: Message


class Rendering(NamedTuple):
    """A term in one language."""

    term: str
    variants: tuple[str, ...] = ()
    abbr: str | None = None
    expansion: str | None = None  # what abbr stands for, when that is not term
    avoid: tuple[str, ...] = ()  # translations only: wrong renderings

    @property
    def forms(self) -> tuple[str, ...]:
        """Every form that counts as this term: term, variants, abbreviation."""
        return (self.term, *self.variants) + ((self.abbr,) if self.abbr else ())

    @property
    def shown(self) -> str:
        return f"{self.term} ({self.abbr})" if self.abbr else self.term


class Term(NamedTuple):
    line: int  # line of the entry in the term file
    renderings: dict[str, Rendering]  # language -> rendering; every language of the base


@dataclass(frozen=True)
class TermBase:
    """The term base: each term's rendering in every language of the site, the source language first."""

    path: Path
    languages: tuple[str, ...]  # the first is the source language
    terms: tuple[Term, ...]

    @property
    def source_language(self) -> str:
        return self.languages[0]

    @cached_property
    def source_forms(self) -> tuple[tuple[int, _Form], ...]:
        """Every form of every term in the source language, with the index of its term: listed once, not per text."""
        return tuple((index, form) for index, term in enumerate(self.terms)
                     for form in _forms(term.renderings[self.source_language]))

    @cached_property
    def source_words(self) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """The words of every form of source_forms, with the index of its term."""
        return tuple((index, form.words) for index, form in self.source_forms)

    def abbreviations(self, lang: str) -> list[tuple[str, str]]:
        """(abbreviation, what it stands for) in one language, sorted: the data of a glossary page."""
        return list(self._abbreviations[lang])

    @cached_property
    def _abbreviations(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """Per language, made once: every text of the site marks them up."""
        return {lang: tuple(sorted({(r.abbr, r.expansion or r.term) for t in self.terms if (r := t.renderings[lang]).abbr},
                                   key=lambda pair: (pair[0].casefold(), pair[0]))) for lang in self.languages}

    def glossary(self, lang: str) -> list[tuple[str, str, dict[str, str]]]:
        """(abbreviation, what it stands for, {other language: its rendering there}) in one language, sorted."""
        if lang not in self.languages:
            return []
        entries = {}
        for term in self.terms:
            rendering = term.renderings[lang]
            if rendering.abbr:
                others = {other: r.shown for other, r in term.renderings.items() if other != lang}
                entries[rendering.abbr] = (rendering.abbr, rendering.expansion or rendering.term, others)
        return [entries[abbr] for abbr, _ in self.abbreviations(lang)]


# Reading and validating terms.yaml

def load_terms(path: Path, languages: tuple[str, ...], seen: dict[Path, bytes] | None = None) -> TermBase:
    """Read and validate the term base. languages: the site's, the source language first (Config.languages); `seen`:
    see text.read_text.

    Every problem (file and line of the bad entry) is raised at once as a ContentError."""
    problems = Problems()
    try:
        data = parse_yaml(read_text(path, seen))
    except FileNotFoundError:
        raise ContentError([problem(path, 0, "terms.not_found")]) from None
    except SourceError as error:
        raise ContentError([Problem(path, error.line, error.message)]) from None
    check = Checker(path, data, problems)
    entries = data.value if data.value is not None else []
    if not isinstance(entries, list):
        check.fail((), "terms.not_list")
        raise ContentError(problems.errors)
    # A language no entry renders (one just added to the site) is not covered yet; the others must be complete.
    used = {key for entry in entries if isinstance(entry, dict) for key in entry}
    covered = tuple(lang for lang in languages if lang == languages[0] or lang in used)
    terms: list[Term] = []
    for index, entry in enumerate(entries):
        term = _entry(check, index, entry, covered, languages)
        if term is not None:
            terms.append(term)
    _no_duplicates(check, terms, languages[0])
    if problems.errors:
        raise ContentError(sorted(problems.errors, key=lambda problem: problem.line))
    return TermBase(path, covered, tuple(terms))


def _entry(check: Checker, index: int, entry: object, languages: tuple[str, ...], known: tuple[str, ...]) -> Term | None:
    where = Message.of("terms.entry", number=index + 1)
    if not isinstance(entry, dict):
        check.fail((index,), "terms.entry_shape", entry=where)
        return None
    source = entry.get(languages[0])
    if isinstance(source, dict) and isinstance(source.get("term"), str):
        where = Message.of("terms.entry_named", term=source["term"])
    ok = True
    for key in entry:
        if key not in known:
            check.fail((index, key), "terms.unknown_language", entry=where, lang=key, languages=known)
            ok = False
    renderings: dict[str, Rendering] = {}
    for lang in languages:
        if lang not in entry:
            check.fail((index,), "terms.no_rendering", entry=where, lang=lang)
            ok = False
            continue
        rendering = _rendering(check, (index, lang), Message.of("terms.entry_lang", entry=where, lang=lang), lang != languages[0])
        if rendering is None:
            ok = False
        else:
            renderings[lang] = rendering
    return Term(check.data.line(index), renderings) if ok else None


def _rendering(check: Checker, key_path: tuple, where: Message, translation: bool) -> Rendering | None:
    value = check.get(key_path)
    if not isinstance(value, dict):
        check.fail(key_path, "terms.rendering_shape", entry=where)
        return None
    ok = True
    for key in value:
        if key not in RENDERING_KEYS:
            check.fail(key_path + (key,), "terms.unknown_key", entry=where, key=key, known=RENDERING_KEYS)
            ok = False
    term = _text(check, key_path + ("term",), where, required=True)
    abbr = _text(check, key_path + ("abbr",), where)
    expansion = _text(check, key_path + ("expansion",), where)
    variants = _texts(check, key_path + ("variants",), where)
    avoid = _texts(check, key_path + ("avoid",), where)
    if "avoid" in value and not translation:
        check.fail(key_path + ("avoid",), "terms.avoid_in_source", entry=where)
        ok = False
    if expansion and not abbr:
        check.fail(key_path + ("expansion",), "terms.expansion_without_abbr", entry=where)
        ok = False
    if term is None or variants is None or avoid is None or ("abbr" in value and abbr is None) \
            or ("expansion" in value and expansion is None):
        return None
    rendering = Rendering(term, variants, abbr, expansion, avoid)
    good = {_key(form) for form in rendering.forms}
    for form in avoid:
        if _key(form) in good:
            check.fail(key_path + ("avoid",), "terms.avoid_and_rendering", entry=where, form=form)
            ok = False
    return rendering if ok else None


def _text(check: Checker, key_path: tuple, where: Message, required: bool = False) -> str | None:
    key = KeyPath(key_path[2:])  # within the rendering: 'term', or the second of its 'variants'
    value = check.get(key_path)
    if value is None:
        if required:
            check.fail(key_path, "terms.required", entry=where, key=key)
        return None
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    check.fail(key_path, "terms.not_text", entry=where, key=key, value=repr(value))
    return None


def _texts(check: Checker, key_path: tuple, where: Message) -> tuple[str, ...] | None:
    value = check.get(key_path)
    if value is None:
        return ()
    if not isinstance(value, list):
        check.fail(key_path, "terms.not_list_like", entry=where, key=key_path[-1])
        return None
    texts = [_text(check, key_path + (i,), where, required=True) for i in range(len(value))]
    return None if any(t is None for t in texts) else tuple(texts)


def _no_duplicates(check: Checker, terms: list[Term], source: str) -> None:
    """A source form listed in two entries would make the base say two things about one term."""
    seen: dict[str, Term] = {}
    for term in terms:
        for form in dict.fromkeys(_key(f) for f in term.renderings[source].forms):
            other = seen.setdefault(form, term)
            if other is not term:
                check.problems.error(check.path, term.line, "terms.listed_twice", form=form, line=other.line)


def _key(form: str) -> str:
    return " ".join(form.replace("’", "'").split()).casefold()


# Matching

_WORD = re.compile(r"\w+")


def _words(text: str, lowered: str) -> set[str] | None:
    """The words of a lowered text: a form with a word the text does not have is skipped without a search, where
    looking for each form in the whole text took most of the time. None when lowering changed the text's length."""
    if len(lowered) != len(text):
        return None
    return set(_WORD.findall(" ".join(set(lowered.split()))))  # a text repeats its words: each is looked at once


@dataclass(frozen=True)
class _Form:
    """One form, its pattern compiled when a text may contain it: a build that reads one document used to spend
    most of its term check compiling the patterns of forms that text does not have. Patterns have no word boundary
    before them (a leading look-behind makes searching slow); a form in any case is searched in the lowered text
    (a literal prefix makes searching fast)."""

    source: str  # the pattern
    any_case: bool
    needle: str  # a lowercased piece of every match: a text without it is skipped
    words: tuple[str, ...]  # lowercased: every match is made of these whole words (and spaces and punctuation)

    def may_be_in(self, lowered: str, words: set[str] | None) -> bool:
        """False when the text cannot contain the form; `lowered` is _lowered(text), `words` _words(text, lowered)."""
        return self.needle in lowered if words is None else words.issuperset(self.words)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.source)

    def spans(self, text: str, lowered: str, words: set[str] | None = None) -> Iterator[tuple[int, int]]:
        """(start, end) of every whole-word match."""
        if not self.may_be_in(lowered, words):
            return
        pattern, searched = self.pattern, text
        if self.any_case:
            if len(lowered) == len(text):
                searched = lowered
            else:  # lowering changed the length (a rare letter like İ): offsets would shift
                pattern = re.compile(pattern.pattern, re.IGNORECASE)
        position = 0
        while match := pattern.search(searched, position):
            start = match.start()
            if start and (searched[start - 1].isalnum() or searched[start - 1] == "_"):
                position = start + 1  # inside a word: look again just after
                continue
            yield start, match.end()
            position = max(match.end(), start + 1)


@lru_cache(maxsize=None)
def _form(form: str, exact_case: bool) -> _Form:
    """exact_case, or a form in capitals (an abbreviation), matches only with its case."""
    any_case = not exact_case and any(c.islower() for c in form)
    words = _lowered(form).split() if any_case else form.replace("’", "'").split()
    pattern = r"\s+".join(re.escape(word).replace("'", "['’]") for word in words)
    return _Form(pattern + r"(?!\w)", any_case, max(words, key=len).lower(),
                 tuple(_WORD.findall(" ".join(words).lower())))


@lru_cache(maxsize=None)
def _forms(rendering: Rendering) -> tuple[_Form, ...]:
    forms = [_form(form, False) for form in (rendering.term, *rendering.variants)]
    if rendering.abbr:
        forms.append(_form(rendering.abbr, True))
    return tuple(forms)


def _lowered(text: str) -> str:
    """The text with ' for ’, lowered. A text of Latin-1 letters (Dutch and French) is lowered by a table of bytes:
    str.lower looks up each letter in Unicode's tables, which took a quarter of the term check."""
    text = text.replace("’", "'")
    try:
        return text.encode("latin-1").translate(_LATIN_1_LOWER).decode("latin-1")
    except UnicodeEncodeError:
        return text.lower()


_LATIN_1_LOWER = bytes(ord(chr(code).lower()) for code in range(256))  # each lowers to one letter of Latin-1


class _Match(NamedTuple):
    start: int
    end: int
    term: int  # index in TermBase.terms


def _source_matches(terms: TermBase, text: str) -> list[_Match]:
    """Every use of a listed term in the source; a match inside a longer match does not count."""
    lowered = _lowered(text)
    words = _words(text, lowered)
    if words is None:
        forms = [(index, form) for index, form in terms.source_forms if form.may_be_in(lowered, None)]
    else:  # may_be_in, inlined: a text is looked at for every form
        forms = [entry for entry, (_, needed) in zip(terms.source_forms, terms.source_words) if words.issuperset(needed)]
    found = sorted((start, -end, index) for index, form in forms
                   for start, end in form.spans(text, lowered, words))  # by start, the longer first
    kept: list[_Match] = []
    reach, reach_span = -1, (-1, -1)  # the furthest end of a kept match so far, and that match's span
    for start, end, index in found:
        end = -end
        if end <= reach and (start, end) != reach_span:
            continue  # inside a longer match, which started no later
        kept.append(_Match(start, end, index))
        if end > reach:
            reach, reach_span = end, (start, end)
    return kept


def _paragraph_starts(lines: list[str]) -> Iterator[int]:
    """The index of each line that starts a blank-line-separated block, in order."""
    blank = True
    for number, line in enumerate(lines):
        if not line.strip():
            blank = True
        elif blank:
            blank = False
            yield number


class _Starts:
    """The lines that start a text's paragraphs, found only as far as they are asked for: a term is mostly first used
    near the top of a text."""

    def __init__(self, lines: list[str]) -> None:
        self.found: list[int] = []
        self.more = _paragraph_starts(lines)

    def _next(self) -> bool:
        start = next(self.more, None)
        if start is not None:
            self.found.append(start)
        return start is not None

    def paragraph(self, line: int) -> int:
        """The index of the paragraph a line that is not blank belongs to."""
        while (not self.found or self.found[-1] <= line) and self._next():
            pass
        return bisect_right(self.found, line) - 1

    def first_line(self, paragraph: int) -> int | None:
        while len(self.found) <= paragraph and self._next():
            pass
        return self.found[paragraph] if paragraph < len(self.found) else None


class _Near:
    """The translation line most likely to hold a source passage: the first of the paragraph with the same index.
    The paragraphs are looked for at a finding (most translations have none), in the lines of the two texts."""

    def __init__(self, source_body: str, translation_body: str, first_line: int, lines: tuple[list[str], list[str]] | None):
        self.source_body, self.translation_body, self.first_line, self.lines = source_body, translation_body, first_line, lines
        self.starts: tuple[list[str], _Starts, _Starts] | None = None

    def __call__(self, offset: int) -> int:
        if self.starts is None:
            source, translation = self.lines or (self.source_body.split("\n"), self.translation_body.split("\n"))
            self.starts = source, _Starts(source), _Starts(translation)
        source, in_source, in_translation = self.starts
        line = self.source_body.count("\n", 0, offset)
        if not source[line].strip():
            return self.first_line  # a blank line is in no paragraph
        return self.first_line + (in_translation.first_line(in_source.paragraph(line)) or 0)


def term_findings(terms: TermBase, source_body: str, translation_body: str, lang: str,
                  first_line: int = 1, lines: tuple[list[str], list[str]] | None = None) -> list[TermFinding]:
    """Where a translation departs from the term base; see the module docstring. `lines`: the two bodies cut into
    lines (`body.split("\\n")`), when the caller has them already."""
    if lang not in terms.languages or lang == terms.source_language:
        raise ValueError(f"'{lang}' is not a translation language of the term base ({', '.join(terms.languages[1:])})")
    near = _Near(source_body, translation_body, first_line, lines)
    first_use: dict[int, int] = {}
    for match in _source_matches(terms, source_body):
        first_use.setdefault(match.term, match.start)
    # The translation is searched for the few forms of the terms its source uses (six in a generated text, seventy in a
    # real one): a search for each form's needle costs less than listing the words of the text first.
    lowered = _lowered(translation_body)
    findings: list[TermFinding] = []
    for index, offset in first_use.items():
        term = terms.terms[index]
        source, target = term.renderings[terms.source_language], term.renderings[lang]
        if not any(next(form.spans(translation_body, lowered), None) for form in _forms(target)):
            findings.append(TermFinding(near(offset), Message.of("terms.not_used", source=source.shown, target=target.shown)))
        avoided: dict[int, list[str]] = {}  # line number in the body -> avoided renderings used there
        for wrong in target.avoid:
            for start, end in _form(wrong, False).spans(translation_body, lowered):
                used = avoided.setdefault(translation_body.count("\n", 0, start), [])
                text = " ".join(translation_body[start:end].split())
                if text not in used:
                    used.append(text)
        for number, used in sorted(avoided.items()):
            shown = "', '".join(used)
            findings.append(TermFinding(first_line + number, Message.of("terms.avoided", source=source.shown,
                                                                            target=target.shown, used=shown)))
    # By line, then by message and its values: not by the text in a language, which would load that catalogue.
    return sorted(findings, key=lambda f: (f.line, f.message.id, f.message.params))
