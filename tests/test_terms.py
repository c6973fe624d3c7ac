"""The term base: terms.yaml is valid, translations that render a term otherwise are reported at the right line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from zonesite.problems import ContentError
from zonesite.source.terms import load_terms, term_findings
from zonesite.source.text import read_text, split_front_matter

PROJECT = Path(__file__).resolve().parent.parent
LANGUAGES = ("nl", "fr")
DOCUMENTS = sorted(path.relative_to(PROJECT / "content").as_posix() for path in (PROJECT / "content").glob("*/*.fr.md"))

SMALL_BASE = """\
# a small term base for the tests
- nl: {term: informatiegestuurde politiezorg, abbr: IGPZ}
  fr: {term: fonction de police guidée par l'information, abbr: FPGI, avoid: [gestion de l'information policière, GIP]}
- nl: {term: handhaving, variants: [handhaven]}
  fr: {term: contrôle du respect des règles, variants: [faire respecter], avoid: [maintien de l'ordre]}
- nl: {term: bestuurlijke handhaving}
  fr: {term: approche administrative}
- nl: {term: gemeentelijke administratieve sanctie, abbr: GAS}
  fr: {term: sanction administrative communale, abbr: SAC}
"""


def write(tmp_path: Path, text: str, name: str = "terms.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path):
    return load_terms(write(tmp_path, SMALL_BASE), LANGUAGES)


@pytest.fixture(scope="module")
def real_base():
    return load_terms(PROJECT / "terms.yaml", LANGUAGES)


def findings_of(base, document: str, french: str | None = None) -> list:
    """term_findings for a real document against its Dutch source; its French text may be given instead of read."""
    _, source_body, _ = split_front_matter(read_text(PROJECT / "content" / document.replace(".fr.md", ".nl.md")))
    _, body, first = split_front_matter(french if french is not None else read_text(PROJECT / "content" / document))
    return term_findings(base, source_body, body, "fr", first)


# A term rendered otherwise

def test_a_term_rendered_otherwise_is_reported_at_the_first_line_of_the_matching_paragraph(small):
    source = "## Hoofdstuk\n\nEerste alinea.\n\nWe werken volgens de principes van de\ninformatiegestuurde politiezorg.\n"
    translation = "## Chapitre\n\nPremier alinéa.\n\nNous travaillons selon les principes de la\npolice fondée sur le renseignement.\n"
    findings = term_findings(small, source, translation, "fr", first_line=20)
    assert [f.line for f in findings] == [24]  # third paragraph: body line 4, counted from 20
    assert str(findings[0].message) == ("'informatiegestuurde politiezorg (IGPZ)' is translated "
                                   "'fonction de police guidée par l'information (FPGI)' in the term base; "
                                   "this translation does not use it")


def test_the_rendering_counts_in_any_form_case_spacing_and_apostrophe(small):
    source = "Informatiegestuurde  politiezorg (IGPZ) en handhaven.\n"
    for translation in ("La FONCTION DE POLICE guidée\npar l’information et faire respecter.",
                        "La FPGI, et faire respecter."):
        assert term_findings(small, source, translation, "fr") == []


def test_a_paragraph_the_translation_lacks_falls_back_to_first_line(small):
    source = "Een.\n\nTwee.\n\nDrie: handhaving.\n"
    findings = term_findings(small, source, "Un.\n", "fr", first_line=7)
    assert [f.line for f in findings] == [7]


def test_in_a_real_document_the_finding_names_the_file_line(real_base):
    document = "lier/beleid-2018.fr.md"
    french = read_text(PROJECT / "content" / document)
    gloss = "partenariats locaux de prévention (PLP, en néerlandais « buurtinformatienetwerken », BIN)"
    assert french.count(gloss) == 1
    french = french.replace(gloss, "réseaux de voisinage")
    lines = french.split("\n")
    assert lines[100 - 1].endswith("réseaux de voisinage") and lines[97 - 1].startswith("    - la réalisation")
    findings = findings_of(real_base, document, french)
    assert [(f.line, str(f.message).split(" is ")[0]) for f in findings] == [(97, "'buurtinformatienetwerk (BIN)'")]


# Renderings to avoid

def test_each_line_using_a_rendering_to_avoid_is_reported_at_that_line(small):
    source = "Handhaving.\n\nHandhaven en controle.\n"
    translation = ("Le maintien de l'ordre.\n\nFaire respecter, et le maintien\nde l'ordre.\n\n"
                   "Maintien de l'ordre, puis MAINTIEN DE L'ORDRE.\n")
    findings = term_findings(small, source, translation, "fr", first_line=3)
    assert [f.line for f in findings] == [3, 5, 8]  # a use across two lines is reported where it starts
    assert str(findings[0].message) == ("'handhaving' is translated 'contrôle du respect des règles' in the term base, "
                                   "not 'maintien de l'ordre'")
    assert str(findings[2].message).endswith("not 'Maintien de l'ordre', 'MAINTIEN DE L'ORDRE'")  # one finding a line


def test_an_avoided_rendering_in_a_real_document_is_reported_at_its_line(real_base):
    document = "lier/beleid-2018.fr.md"
    french = read_text(PROJECT / "content" / document)
    lines = french.split("\n")
    assert lines[184 - 1] == "### Développement organisationnel : fonction de police guidée par l'information (FPGI)"
    lines[184 - 1] = "### Développement organisationnel : gestion de l'information policière (GIP)"
    findings = findings_of(real_base, document, "\n".join(lines))
    assert [f.line for f in findings] == [184]
    assert str(findings[0].message).endswith("not 'gestion de l'information policière', 'GIP'")


def test_avoided_renderings_count_only_when_the_source_uses_the_term(small):
    assert term_findings(small, "Ordehandhaving op straat.\n", "Le maintien de l'ordre en rue.\n", "fr") == []


# Matching: whole words, case of abbreviations, the longer of two overlapping terms

def test_terms_match_whole_words_and_abbreviations_their_case(small):
    assert term_findings(small, "Veiligheidshandhaving en gas geven.\n", "Rien.\n", "fr") == []
    assert [str(f.message).split(" is ")[0] for f in term_findings(small, "De GAS-boete.\n", "Rien.\n", "fr")] \
        == ["'gemeentelijke administratieve sanctie (GAS)'"]


def test_a_term_inside_a_longer_listed_term_does_not_count(small):
    source = "De cel Bestuurlijke Handhaving.\n"
    assert term_findings(small, source, "La cellule Approche administrative.\n", "fr") == []
    assert len(term_findings(small, source, "La cellule.\n", "fr")) == 1


# The real content

@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_real_translations_give_no_finding(real_base, document):
    findings = findings_of(real_base, document)
    assert findings == [], "\n".join(f"{document}:{f.line}: {str(f.message)}" for f in findings)


def test_every_document_is_checked():
    assert len(DOCUMENTS) == 5


def test_the_real_base_covers_the_terms_of_the_issue_and_feeds_a_glossary(real_base):
    by_dutch = {term.renderings["nl"].term: term.renderings for term in real_base.terms}
    assert by_dutch["informatiegestuurde politiezorg"]["fr"].abbr == "FPGI"
    assert by_dutch["buurtinformatienetwerk"]["fr"].shown == "partenariat local de prévention (PLP)"
    assert by_dutch["zonaal veiligheidsplan"]["fr"].abbr == "PZS"
    for term in ("administratief en logistiek kader", "korpschef", "handhaving", "community policing", "nabije politie",
                 "interventiepolitiek", "ééngemeentezone", "hoofdcommissaris", "voltijds equivalent",
                 "automatische nummerplaatherkenning", "politiecollege", "politieraad"):
        assert term in by_dutch, term
    glossary = dict(real_base.abbreviations("fr"))
    assert glossary["PLP"] == "partenariat local de prévention" and glossary["ETP"] == "équivalent temps plein"


# A bad term base

def problems_of(tmp_path: Path, text: str) -> list:
    path = write(tmp_path, text)
    with pytest.raises(ContentError) as raised:
        load_terms(path, LANGUAGES)
    assert all(problem.path == path for problem in raised.value.problems)
    return [(problem.line, str(problem.message)) for problem in raised.value.problems]


def test_an_entry_without_the_source_language_is_an_error_at_its_line(tmp_path):
    assert problems_of(tmp_path, """\
        - nl: {term: korpschef}
          fr: {term: chef de corps}
        - fr: {term: bourgmestre}
        """) == [(3, "entry 2 has no 'nl' rendering")]


def test_a_missing_language_is_an_error_at_the_line_of_its_entry(tmp_path):
    assert problems_of(tmp_path, """\
        - nl: {term: korpschef}
          fr: {term: chef de corps}

        - nl: {term: politieraad}
        """) == [(4, "entry 'politieraad' has no 'fr' rendering")]


def test_every_problem_is_reported_at_once_with_its_line(tmp_path):
    problems = problems_of(tmp_path, """\
        - nl: {term: korpschef, avoid: [korpsoverste]}
          fr: {term: chef de corps, abbr: [CDC]}
        - nl: {term: politieraad}
          fr: {term: conseil de police, avoid: [conseil de police]}
          de: {term: Polizeirat}
        - nl: {trem: politiezone}
          fr: {term: zone de police, expansion: zone}
        - nl: {term: burgemeester}
          fr: {term: bourgmestre}
        - nl: {term: Burgemeester}
          fr: {term: bourgmestre}
        - just text
        """)
    lines = [line for line, _ in problems]
    assert lines == sorted(lines) and set(lines) == {1, 2, 4, 5, 6, 7, 10, 12}, problems
    text = "\n".join(message for _, message in problems)
    for expected in ("'avoid' lists wrong renderings of a translation", "'abbr' must be text",
                     "'conseil de police' is both a rendering and one to avoid", "unknown language 'de'",
                     "unknown key 'trem'", "'term' is required", "there is no 'abbr'",
                     "'burgemeester' is listed twice: here and in the entry at line 8", "entry 6 must map each language"):
        assert expected in text, text


def test_yaml_that_does_not_parse_names_the_file_and_line(tmp_path):
    assert problems_of(tmp_path, "- nl: {term: korpschef\n  fr: {term: chef de corps}\n- nl: [\n")[0][0] >= 2


def test_a_term_base_that_is_not_a_list_or_is_missing(tmp_path):
    assert problems_of(tmp_path, "nl: korpschef\n") == [
        (1, "the term base must be a list of entries, one per term, each '- nl: {term: ...}' and a line per language")]
    with pytest.raises(ContentError) as raised:
        load_terms(tmp_path / "absent.yaml", LANGUAGES)
    assert str(raised.value.problems[0].message) == "term base not found"


def test_check_and_translations_report_a_term_rendered_otherwise_with_file_and_line(make_site):
    from tests.conftest import DOCUMENT, ZONE_YAML, translation_of
    from tests.test_pipeline import run

    dutch = DOCUMENT + "\nDe korpschef leidt het korps.\n"
    french = translation_of(dutch).replace("De korpschef leidt het korps.", "Le commandant dirige le corps.")
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, "content/testzone/test.nl.md": dutch,
                      "content/testzone/test.fr.md": french})
    line = french.split("\n").index("Le commandant dirige le corps.") + 1
    check = run(root, "check")
    assert check.returncode == 1, check.stderr
    assert f"content/testzone/test.fr.md:{line}: warning: 'korpschef' is translated 'chef de corps'" in check.stderr
    listing = run(root, "translations")
    assert listing.returncode == 1 and f"test.fr.md:{line}:" in listing.stdout
