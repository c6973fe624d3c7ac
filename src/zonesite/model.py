"""The site as data: zones, their documents, and each document's language versions, as read and validated."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import NamedTuple
from urllib.parse import quote

from .engine import fingerprint as fingerprints


def text_hash(text: str) -> str:
    """Short fingerprint of a source text; translations record it to detect a changed source."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


class Objective(NamedTuple):
    id: str
    title: str
    themes: tuple[str, ...]
    level: str | None = None
    parent: str | None = None
    priority: str | None = None
    section: str | None = None  # anchor of the Dutch heading whose section describes the objective
    scope: str | None = None  # "general": the goal applies to every theme, shown once on the themes page
    anchor: str | None = None  # the id of that heading in this language version's page
    line: int = 0  # line of `section` in the front matter


class DocumentRef(NamedTuple):
    """A reference from front matter to another document (`replaces`, `replaced_by`), checked once all are known."""

    key: str  # zone/document
    line: int = 0


class Currency(NamedTuple):
    """Whether a document is in force on the day the site is built."""

    state: str  # in_force, upcoming, expired, replaced
    by: str | None = None  # key of the replacing document when replaced


class Period(NamedTuple):
    start: dt.date
    end: dt.date


class EditorNote(NamedTuple):
    """An editor's remark beside the official text, never part of it; it may acknowledge a finding of `check`."""

    section: str  # anchor of the heading of the Dutch text the note belongs to
    text: dict[str, str]  # language -> the note
    acknowledges: tuple[str, ...] = ()  # codes of warnings in that section, like "table-total"
    line: int = 0


class Heading(NamedTuple):
    level: int
    text: str
    anchor: str
    line: int  # 0-based line in the Markdown body


class RenderedMarkdown(NamedTuple):
    """A text's HTML and headings. Those of a document read once are kept in a file of the cache (`stored`) and
    read only when a page or PDF shows them: a build that renders a few pages does not load every document's text,
    nor its headings (half of what the cache of what was read would hold, and of the time to load it)."""

    body: str  # the HTML, when it is not `stored`
    found: tuple[Heading, ...]  # the headings, when it is not `stored`
    stored: str | None = None  # the file, see `stored_text`; a string: a Path costs more to unpickle than to use
    at: int = 0  # where in that file the text starts (a file holds the texts one process read, one after another)
    size: int = -1  # and its length in bytes; -1: the rest of the file

    @property
    def html(self) -> str:
        return self._read()[1] if self.stored else self.body

    @property
    def headings(self) -> tuple[Heading, ...]:
        return self._read()[0] if self.stored else self.found

    def loaded(self) -> RenderedMarkdown:
        """The HTML and the headings in memory, from one read of the file: a page shows both."""
        if not self.stored:
            return self
        headings, html = self._read()
        return RenderedMarkdown(html, headings)

    def stored_text(self) -> str:
        """What `stored` holds: the headings as one line of JSON, then the HTML."""
        return json.dumps([[h.level, h.text, h.anchor, h.line] for h in self.found], ensure_ascii=False) + "\n" + self.body

    def _read(self) -> tuple[tuple[Heading, ...], str]:
        with open(self.stored, "rb") as stream:
            stream.seek(self.at)
            headings, _, html = stream.read(self.size).decode("utf-8").partition("\n")
        return tuple(Heading(*heading) for heading in json.loads(headings)), html


IMAGE = "image"  # the kind of a file a text shows; other kinds are annex types (extensions) or FILE
FILE = "file"  # an image file a text links to without showing it: published as it is


class Media(NamedTuple):
    """A file a document shows or links to (an image, an annex), published beside its page.

    Paths in the text are relative to the document's file; the document's own folder (`<zone>/<document>/`) is
    published as the page's folder, so `opdrachtbrief-2021-2025/organigram.png` becomes `organigram.png` there."""

    source: Path
    written: str  # the link as the parser gives it (percent-encoded)
    target: str  # path relative to the document's page folder
    kind: str  # IMAGE, FILE, or the annex type: a key of media.annex_types (the file's extension)
    size: int  # bytes
    sha256: str  # of its bytes: pages and PDFs that show it change when it does
    title: str = ""  # the link's text or the image's description
    width: int = 0  # pixels, for an image
    height: int = 0
    widths: tuple[int, ...] = ()  # of an image: the widths a browser may choose from (`srcset`): the configured widths
    # narrower than the original, and the original's when it is not wider than the widest configured width

    @property
    def copies(self) -> tuple[int, ...]:
        """The widths of the narrower copies made for the web."""
        return tuple(width for width in self.widths if width < self.width)

    def copy(self, width: int) -> str:
        """Where the web copy `width` pixels wide goes: organigram.png -> organigram.w480.png, beside it."""
        if width == self.width:
            return self.target
        path = PurePosixPath(self.target)
        return str(path.with_name(f"{path.stem}.w{width}{path.suffix}"))

    @property
    def href(self) -> str:
        return quote(self.target)


class DocumentLink(NamedTuple):
    """A link in a text to another document's file, checked once every document is known."""

    line: int
    href: str  # as written
    target: Path  # the linked Markdown file, resolved
    anchor: str  # without '#'; empty for the top of the page


@dataclass(frozen=True)
class Version:
    """One language version of a document, as read from its file, with its Markdown already rendered."""

    lang: str
    path: Path
    title: str
    summary: str
    author: str
    objectives: tuple[Objective, ...]
    body_line: int = field(repr=False)  # line of the file where the Markdown body starts (the text itself is read,
    # validated and rendered once; the model keeps its HTML)
    source_text_hash: str = field(repr=False)  # fingerprint of this file's text; pages that show the text list it
    source_sha256: str = field(default="", repr=False)  # SHA-256 of this file's text, in full: the colophon shows it
    translated_from: str | None = None  # for a translation: fingerprint of the source it was made from
    rendered: RenderedMarkdown = field(default=RenderedMarkdown("", ()), repr=False, compare=False)
    media: tuple[Media, ...] = ()
    annexes: tuple[Media, ...] = ()  # the annexes the text links to, each once, in the order of the text
    # The heading ids and footnotes links may point at, one per line: one string to keep and load (a set of them per text
    # was a quarter of loading what was read), made a set only when a link points into the text.
    anchor_lines: str = field(default="", repr=False)
    links: tuple[DocumentLink, ...] = field(default=(), repr=False)
    real_path: Path | None = field(default=None, repr=False, compare=False)  # `path` resolved, once, where it is read

    @cached_property
    def anchors(self) -> frozenset[str]:
        return frozenset(self.anchor_lines.split("\n")) if self.anchor_lines else frozenset()


@dataclass(frozen=True)
class Document:
    """A document of a zone with its language versions, as read and validated. (A dataclass without a docstring has
    one made from its signature at import, a cost every command pays.)"""

    zone: str
    slug: str
    type: str
    status: str
    themes: tuple[str, ...]
    period: Period | None
    date: dt.date | None
    versions: dict[str, Version]  # language -> version; the default language is always present
    editor_notes: tuple[EditorNote, ...] = ()
    replaces: DocumentRef | None = None
    replaced_by: DocumentRef | None = None
    in_progress: tuple[str, ...] = ()  # languages whose translation is begun (`translate`) and not yet stamped

    @property
    def key(self) -> str:
        return f"{self.zone}/{self.slug}"

    @cached_property
    def fingerprint(self) -> str:
        """Everything the document's pages show of it, hashed once: an unchanged document, kept by the cache
        between two builds of the preview, is not hashed again."""
        return fingerprints.fingerprint(self)

    @property
    def sort_date(self) -> dt.date:
        return self.date or (self.period.start if self.period else dt.date.min)

    @property
    def year(self) -> int:
        return self.sort_date.year


@dataclass(frozen=True)
class Zone:
    """A zone as its zone.yaml describes it, with its documents."""

    slug: str
    path: Path
    names: dict[str, str]
    address: tuple[str, ...] = ()
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    chief: str | None = None
    documents: tuple[Document, ...] = field(default=())

    @cached_property
    def facts_fingerprint(self) -> str:
        """The zone without its documents: its name, address, chief."""
        return fingerprints.fingerprint(replace(self, documents=()))

    @cached_property
    def fingerprint(self) -> str:
        """Hashed once per zone: the preview keeps a zone none of whose files changed from one save to the next."""
        return fingerprints.fingerprint((self.facts_fingerprint, [doc.fingerprint for doc in self.documents]))


class Site(NamedTuple):
    zones: tuple[Zone, ...]

    @property
    def documents(self) -> tuple[Document, ...]:
        return tuple(doc for zone in self.zones for doc in zone.documents)

    def document(self, key: str) -> Document | None:
        return next((doc for doc in self.documents if doc.key == key), None)

    def replacement(self, doc: Document) -> Document | None:
        """The document that replaces `doc`: named by its `replaced_by`, or one whose `replaces` names it."""
        if doc.replaced_by and (named := self.document(doc.replaced_by.key)):
            return named
        return next((other for other in self.documents if other.replaces and other.replaces.key == doc.key), None)

    def currencies(self, today: dt.date) -> dict[str, Currency | None]:
        """Every document's currency by its key: replaced (named by its `replaced_by`, or by another's `replaces`),
        or from its period: in force, upcoming or expired; None for a document without either."""
        documents = {doc.key: doc for doc in self.documents}
        replacing: dict[str, Document] = {}
        for doc in documents.values():
            if doc.replaces:
                replacing.setdefault(doc.replaces.key, doc)
        return {key: _currency(doc, (doc.replaced_by and documents.get(doc.replaced_by.key)) or replacing.get(key), today)
                for key, doc in documents.items()}

    def zone(self, slug: str) -> Zone:
        return next(zone for zone in self.zones if zone.slug == slug)

    def without(self, statuses: tuple[str, ...]) -> Site:
        """The site as published: documents with a draft status are left out of everything. A zone without a draft
        is the same object, with the fingerprints it keeps."""
        return Site(tuple(replace(zone, documents=tuple(d for d in zone.documents if d.status not in statuses))
                          if any(d.status in statuses for d in zone.documents) else zone for zone in self.zones))


def _currency(doc: Document, replacement: Document | None, today: dt.date) -> Currency | None:
    if replacement:
        return Currency("replaced", replacement.key)
    if doc.period is None:
        return None
    if today < doc.period.start:
        return Currency("upcoming")
    return Currency("expired") if today > doc.period.end else Currency("in_force")
