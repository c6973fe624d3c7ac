"""Geometry of the home page's timeline of mandate periods, drawn as inline SVG by the template."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..config import Config
from ..model import Document, Site

WIDTH = 800
LABEL_WIDTH = 130
ROW_HEIGHT = 34
AXIS_HEIGHT = 28
CHAR_WIDTH = 7.2  # average width of a 13 px label character: decides whether a title fits in its bar


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y: float
    zone: str
    title: str  # the document's title, the link's accessible name
    label: str  # what fits in the bar: the title, or the document type and its years
    outside: bool  # the label does not fit in the bar and is written after it
    document: Document
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Timeline:
    rows: tuple[tuple[str, float], ...]  # zone name, y of its row
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[int, float], ...]  # year, x
    today: tuple[dt.date, float] | None  # the day of the build and its x, when it falls on the axis
    height: float
    width: int = WIDTH


def build_timeline(config: Config, site: Site, lang: str, today: dt.date) -> Timeline | None:
    periods = [(zone, doc) for zone in site.zones for doc in zone.documents if doc.period]
    if not periods:
        return None
    first = min(doc.period.start.year for _, doc in periods)
    last = max([doc.period.end.year for _, doc in periods] + [today.year]) + 1
    span = (dt.date(last, 1, 1) - dt.date(first, 1, 1)).days

    def x_of(day: dt.date) -> float:
        return round(LABEL_WIDTH + (WIDTH - LABEL_WIDTH - 10) * (day - dt.date(first, 1, 1)).days / span, 1)

    zones = [zone for zone in site.zones if any(doc.period for doc in zone.documents)]
    rows = tuple((zone.names[lang], AXIS_HEIGHT + index * ROW_HEIGHT) for index, zone in enumerate(zones))
    bars = []
    for index, zone in enumerate(zones):
        for doc in zone.documents:
            if doc.period:
                start, end = x_of(doc.period.start), x_of(doc.period.end + dt.timedelta(days=1))
                title = (doc.versions.get(lang) or doc.versions[config.default_language]).title
                bars.append(Bar(start, round(end - start, 1), AXIS_HEIGHT + index * ROW_HEIGHT + 6, zone.names[lang],
                                title, *bar_label(config, doc, title, end - start, lang), doc,
                                doc.period.start, doc.period.end))
    ticks = tuple((year, x_of(dt.date(year, 1, 1))) for year in range(first, last + 1))
    marker = (today, x_of(today)) if first <= today.year < last else None
    return Timeline(rows, tuple(bars), ticks, marker, AXIS_HEIGHT + len(zones) * ROW_HEIGHT + 8)


def bar_label(config: Config, doc: Document, title: str, width: float, lang: str) -> tuple[str, bool]:
    """The title when it fits in the bar, else the document type with its years ("Opdrachtbrief 2021–2025"),
    written after the bar when even that does not fit in it."""
    if len(title) * CHAR_WIDTH + 12 <= width:
        return title, False
    years = f"{doc.period.start.year}–{doc.period.end.year}" if doc.period.end.year != doc.period.start.year \
        else str(doc.period.start.year)
    short = f"{config.document_types[doc.type][lang]} {years}"
    return short, len(short) * CHAR_WIDTH + 12 > width
