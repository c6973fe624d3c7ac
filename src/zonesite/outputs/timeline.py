"""Geometry of the home page's timeline of mandate periods, drawn as inline SVG by the template."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import Site

WIDTH = 800
LABEL_WIDTH = 130
ROW_HEIGHT = 34
AXIS_HEIGHT = 28


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y: float
    zone: str
    label: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Timeline:
    rows: tuple[tuple[str, float], ...]  # zone name, y of its row
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[int, float], ...]  # year, x
    height: float
    width: int = WIDTH


def build_timeline(site: Site, lang: str) -> Timeline | None:
    periods = [(zone, doc) for zone in site.zones for doc in zone.documents if doc.period]
    if not periods:
        return None
    first = min(doc.period.start.year for _, doc in periods)
    last = max(doc.period.end.year for _, doc in periods) + 1
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
                version = doc.versions.get(lang) or next(iter(doc.versions.values()))
                bars.append(Bar(start, round(end - start, 1), AXIS_HEIGHT + index * ROW_HEIGHT + 6,
                                zone.names[lang], version.title, doc.period.start, doc.period.end))
    ticks = tuple((year, x_of(dt.date(year, 1, 1))) for year in range(first, last + 1))
    return Timeline(rows, tuple(bars), ticks, AXIS_HEIGHT + len(zones) * ROW_HEIGHT + 8)
