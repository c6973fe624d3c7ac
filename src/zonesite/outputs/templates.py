"""The Jinja environment and the rendering of one planned page; templates get data, never call back."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, TemplateError, select_autoescape

from .. import __version__
from ..config import Config
from ..engine.fingerprint import code_fingerprint
from . import urls
from .assets import Assets
from .changes import describe
from .pages import Page
from .policy import content_security_policy

if TYPE_CHECKING:
    from babel import Locale

KIND = "templates"  # the cache's folder of compiled templates
DATES = "dates.jsonl"  # beside them: every date Babel wrote, one [locale, pattern, date, text] a line


class Templates:
    """`compiled`: a folder of the cache where Jinja keeps each template compiled, checked against its source, so that
    a build rendering one page does not compile every template again."""

    def __init__(self, config: Config, folder: Path, *, preview: bool = False, assets: Assets | None = None,
                 compiled: Path | None = None):
        self.config, self.folder, self.preview = config, folder, preview
        self.locales: dict[str, Locale] = {}
        self.dates: dict[tuple[dt.date, str], str] = {}
        current = _compiled(compiled) if compiled is not None else None  # this version's folder of the cache
        self.kept_dates = KeptDates(current)
        self.fragments: dict[tuple, tuple[tuple[str, ...], frozenset | None, dict[tuple, str]]] = {}  # see _shared
        self.assets = assets if assets is not None else Assets(config.root / "assets")
        self.env = Environment(
            loader=FileSystemLoader(folder),
            bytecode_cache=FileSystemBytecodeCache(str(current)) if current is not None else None,
            autoescape=select_autoescape(["html", "xml", "svg"], default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            # A build's templates do not change while it renders: without this, each page asks the disk whether each of
            # its templates (the page's, base.html, macros.html) changed. The preview keeps them from save to save.
            auto_reload=preview,
        )
        # The policy is the same text on every page (two variants): made once, not once per page.
        self.env.globals.update(config=config, version=__version__, urls=urls, preview=preview, csp=cache(content_security_policy))
        self.env.filters.update(date=self.date, filesize=self.filesize, described=lambda change, lang: describe(config, change, lang))

    def load_all(self) -> None:
        """Compile every page's template and read every language's locale now, in a process about to fork its workers:
        each would otherwise do it again (a third of a second). A template that does not compile is left for the page
        that uses it to report. Those in a folder are not pages' (pdf/: the PDFs render with their own)."""
        for name in self.env.list_templates(filter_func=lambda name: "/" not in name and name.endswith(".html")):
            try:
                self.env.get_template(name)
            except TemplateError:
                pass
        for lang in self.config.languages:  # sizes of files are written by Babel on every build, dates on the first
            self.locale(lang)

    def locale(self, lang: str) -> Locale:
        """Babel reads a locale's data on each call given its name: a site's pages format thousands of dates."""
        if lang not in self.locales:
            from babel import Locale

            self.locales[lang] = Locale.parse(self.config.text(lang, "locale"))
        return self.locales[lang]

    def date(self, value: dt.date | None, lang: str) -> str:
        """A date as the language writes it; the catalogue's pattern may treat the first of a month apart
        (French: "1er janvier 2021"). Kept once made: the same few hundred dates are on thousands of pages, and Babel
        takes 40 µs for each."""
        if not value:
            return ""
        written = self.dates.get((value, lang))
        if written is None:
            pattern = self.config.text(lang, "date_pattern_first_day" if value.day == 1 else "date_pattern")
            key = (self.config.text(lang, "locale"), pattern, value.isoformat())
            written = self.kept_dates.known.get(key)
            if written is None:
                from babel.dates import format_date

                written = format_date(value, format=pattern, locale=self.locale(lang))
                self.kept_dates.add(key, written)
            self.dates[value, lang] = written
        return written

    def filesize(self, size: int, lang: str) -> str:
        """A file's size as readers of the language write it: "1,2 MB" and "12 kB" in Dutch, "1,2 Mo" in French."""
        from babel.units import format_unit

        locale = self.locale(lang)
        if size >= 1_000_000:
            return format_unit(size / 1_000_000, "digital-megabyte", length="short", format="#,##0.0", locale=locale)
        return format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short", locale=locale)

    def translate(self, lang: str) -> Callable[..., str]:
        return lambda key, **values: self.config.text(lang, key).format(**values) if values else self.config.text(lang, key)

    def render(self, page: Page) -> str:
        lang = page.lang or self.config.default_language
        links = None if page.absolute_links else urls.Links(page.path)
        link: Callable[[str], str] = links or (lambda target: urls.absolute(self.config, target))
        context: dict[str, Any] = {
            "page": page, "lang": lang, "t": self.translate(lang), "link": link,
            "public": lambda path: urls.public(self.config, path), "pdf": None, "pdfs": [], "page_key": None,
            # An asset by its name in assets/ ('site.css'): the link to its published, content-hashed file.
            "asset": lambda name: link(self.assets.path(name)),
            "shared": lambda name, *values, caller: self._shared(links, (lang, name, *values), caller),
            **page.context(),
        }
        return self.env.get_template(page.template).render(context)

    def forget_shared(self) -> None:
        """A build starts: the templates may have changed since the fragments were rendered (the preview)."""
        self.fragments.clear()

    def _shared(self, links: urls.Links | None, key: tuple, caller: Callable[[], str]) -> str:
        """`{% call shared(name, values…) %}…{% endcall %}`: a part of the page (the header, the footer) that is the same
        on every page of the language that gives the same values and has the same links to what the part links to,
        rendered once for all of them: a tenth of a page's rendering. The name tells the parts apart; the values are
        what the part shows besides the language, the configuration and links; a document's key stands for what it shows of
        the document, the same in the whole build (the fragments are forgotten when a build starts). Pages with the same
        links to the part's targets are found by the place of their folder (urls.Links.place), without working out
        those links on every page."""
        if links is None or links.asked is not None:  # absolute links (404), or inside a shared part already
            return caller()
        known = self.fragments.get(key)
        if known is not None and known[1] is not None:
            html = known[2].get(links.place(known[1]) if known[0] else ())  # a part without links: one for all
            if html is not None:
                return html
        links.asked = asked = []
        try:
            html = caller()
        finally:
            links.asked = None
        if known is None:
            known = self.fragments[key] = (tuple(asked), urls.prefixes(asked), {})
        if known[1] is not None and known[0] == tuple(asked):  # a part that links elsewhere on some page is not kept
            known[2][links.place(known[1]) if known[0] else ()] = html  # a link to the root differs by depth only
        return html


def _compiled(folder: Path) -> Path:
    """Jinja checks a compiled template against its source, not against the options it was compiled with, which are
    in this code: each version of the generator keeps its own, and removes the others'."""
    current = folder / code_fingerprint()[:16]
    current.mkdir(parents=True, exist_ok=True)
    for other in folder.iterdir():
        if other != current:
            shutil.rmtree(other, ignore_errors=True)
    return current


class KeptDates:
    """The dates Babel wrote, kept beside the compiled templates of this version of the generator (and so of Babel):
    a build that writes only dates written before neither imports Babel nor reads its locale data, a tenth of a build
    with one document edited. Each new date is one line appended in one write, so the worker processes that render
    pages add theirs side by side; a line that cannot be read is a date written again."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.known: dict[tuple[str, str, str], str] = {}
        if folder is not None:
            try:
                lines = (folder / DATES).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                lines = []
            for line in lines:
                try:
                    locale, pattern, day, text = json.loads(line)
                except (ValueError, TypeError):
                    continue
                self.known[locale, pattern, day] = text

    def add(self, key: tuple[str, str, str], text: str) -> None:
        self.known[key] = text
        if self.folder is None:
            return
        line = (json.dumps([*key, text], ensure_ascii=False) + "\n").encode("utf-8")
        try:
            descriptor = os.open(self.folder / DATES, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(descriptor, line)
            finally:
                os.close(descriptor)
        except OSError:
            pass  # a date not kept is written again by the next build
