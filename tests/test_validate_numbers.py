"""Figures of table totals read without Babel's slow lookups: the same number, or none, as Babel's strict parser."""

from __future__ import annotations

from decimal import Decimal

from babel import Locale
from babel.numbers import NumberFormatError, parse_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from zonesite.config import number_symbols
from zonesite.source.validate import _FIGURE, _number

LOCALES = ("nl_BE", "fr_BE", "en_US", "de_CH")


def babel(text: str, locale: str):
    """What the check read before: Babel's strict parse_decimal of the cell, None when it is not a figure."""
    text = text.replace(" ", "").replace("\u00a0", "").replace("€", "")
    if not _FIGURE.fullmatch(text):
        return None
    try:
        return parse_decimal(text, locale=Locale.parse(locale), strict=True)
    except NumberFormatError:
        return None


def same(text: str, locale: str) -> None:
    expected, found = babel(text, locale), _number(text, number_symbols(locale))
    assert (found, str(found)) == (expected, str(expected)), (text, locale)  # the same exponent too: 1,50 stays 1.50


# Groups of one to four digits joined by separators: well grouped figures, and every way of getting them wrong.
GROUP = st.text("0123456789", min_size=1, max_size=4)
FIGURE = st.builds(lambda sign, groups, seps, tail: sign + "".join(g + s for g, s in zip(groups, seps)) + tail,
                   st.sampled_from(["", "-"]), st.lists(GROUP, min_size=1, max_size=5),
                   st.lists(st.sampled_from([".", ",", "", "'", "\u202f", " "]), min_size=5, max_size=5),
                   st.sampled_from(["", " €", ",", ".", "a", "\u00a0"]))


@settings(max_examples=3000, deadline=None)
@given(FIGURE, st.sampled_from(LOCALES))
def test_the_same_figure_as_babel_for_any_grouping(text, locale):
    same(text, locale)


@settings(max_examples=1000, deadline=None)
@given(st.text("0123456789.,-'\u202f €", max_size=14), st.sampled_from(LOCALES))
def test_the_same_figure_as_babel_for_any_text(text, locale):
    same(text, locale)


def test_figures_of_the_documents():
    for text in ("176.067.629,19", "1.500,50", "1.000", "0.123", "1.23", "12.3456", "1.234,", "-1.234,00", "2,109,998",
                 "30.00", "1,5", "12", "€ 1.234", "1 234,5", "TOTAAL", "", "-", "1..000", "01.000"):
        for locale in LOCALES:
            same(text, locale)
    nl = number_symbols("nl_BE")
    assert _number("176.067.629,19", nl) == Decimal("176067629.19")
    assert str(_number("1.500,50", nl)) == "1500.50" and _number("0.123", nl) is None
