"""`check`: exit codes, broken anchors and links, table totals that do not add up."""

from __future__ import annotations

from tests.conftest import DOCUMENT, ZONE_YAML, translation_of
from tests.test_cli_errors import run

TABLE = """
| UITGAVEN | 2020 | 2021 |
|---|--:|--:|
| Personeel | 1.000,00 | 2.000,00 |
| Werking | 500,50 | 250,25 |
| **TOTAAL** | **1.500,50** | **2.350,25** |
| **TOTAAL UITGAVEN** | **3.750,75** | |
"""


def site(make_site, body: str):
    return make_site({"content/testzone/zone.yaml": ZONE_YAML, "content/testzone/test.nl.md": DOCUMENT + body,
                      "content/testzone/test.fr.md": translation_of(DOCUMENT + body)})


def test_clean_content_exits_zero(make_site):
    result = run(make_site(), "check")
    assert result.returncode == 0, result.stderr


def test_wrong_total_is_a_warning_with_file_line_column_and_values(make_site):
    result = run(site(make_site, TABLE), "check")
    assert result.returncode == 1, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning:" in line]
    assert len(warnings) == 2, result.stderr
    column = warnings[0]
    assert "test.nl.md:" in column and "column 3" in column
    assert "2.350,25" in column and "2.250,25" in column
    assert "3.850,75" in warnings[1] and "3.750,75" in warnings[1]


def test_broken_anchor_and_document_link_are_errors(make_site):
    result = run(site(make_site, "\nZie [hier](#nergens) en [dat](../gent/weg.nl.md).\n"), "check")
    assert result.returncode == 2
    assert "link to '#nergens'" in result.stderr
    assert "link to '../gent/weg.nl.md'" in result.stderr
    assert "test.nl.md:16:" in result.stderr  # the body line in the file


def test_good_anchor_passes_and_a_translation_needs_its_own_anchors(make_site):
    result = run(site(make_site, "\nZie [hier](#eerste-hoofdstuk).\n"), "check")
    assert "test.nl.md" not in result.stderr
    # The French headings are translated, so the same anchor is broken there, and check says so.
    assert "test.fr.md:17: link to '#eerste-hoofdstuk'" in result.stderr


def test_placeholder_text_left_in_the_body_is_an_error_at_its_line(make_site):
    body = ("\nEen zin.\n\nDe tekst van het document, woordelijk zoals hij werd vastgesteld.\n\n"
            "![Beschrijf deze afbeelding](ontbreekt.png)\n")
    result = run(site(make_site, body), "check")
    assert result.returncode == 2
    lines = (DOCUMENT + body).split("\n")
    text = next(n for n, line in enumerate(lines, 1) if line.startswith("De tekst van het document"))
    image = next(n for n, line in enumerate(lines, 1) if line.startswith("![Beschrijf"))
    assert f"test.nl.md:{text}: " in result.stderr and f"test.nl.md:{image}: an image still has" in result.stderr
