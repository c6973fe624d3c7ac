"""The site as data: zones, their documents, and each document's language versions."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path


def text_hash(text: str) -> str:
    """Short fingerprint of a source text; translations record it to detect a changed source."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Objective:
    id: str
    title: str
    themes: tuple[str, ...]
    level: str | None = None
    parent: str | None = None
    priority: str | None = None


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Version:
    """One language version of a document, as read from its file."""

    lang: str
    path: Path
    title: str
    summary: str
    author: str
    objectives: tuple[Objective, ...]
    body: str
    body_line: int  # line of the file where the Markdown body starts
    source_text_hash: str  # fingerprint of this file's text
    translated_from: str | None = None  # for a translation: fingerprint of the source it was made from


@dataclass(frozen=True)
class Document:
    zone: str
    slug: str
    type: str
    status: str
    themes: tuple[str, ...]
    period: Period | None
    date: dt.date | None
    versions: dict[str, Version]  # language -> version; the default language is always present

    @property
    def sort_date(self) -> dt.date:
        return self.date or (self.period.start if self.period else dt.date.min)

    @property
    def year(self) -> int:
        return self.sort_date.year


@dataclass(frozen=True)
class Zone:
    slug: str
    path: Path
    names: dict[str, str]
    address: tuple[str, ...] = ()
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    chief: str | None = None
    documents: tuple[Document, ...] = field(default=())


@dataclass(frozen=True)
class Site:
    zones: tuple[Zone, ...]

    @property
    def documents(self) -> tuple[Document, ...]:
        return tuple(doc for zone in self.zones for doc in zone.documents)

    def zone(self, slug: str) -> Zone:
        return next(zone for zone in self.zones if zone.slug == slug)
