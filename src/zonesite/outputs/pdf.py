"""Official PDF copies: one per document and language, rendered by WeasyPrint into the cache, in parallel."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .. import __version__
from ..config import Config
from ..engine.cache import Cache, write_atomically
from ..engine.fingerprint import code_fingerprint, files_fingerprint, fingerprint, library_versions
from ..engine.progress import Progress
from ..engine.workers import worker_pool
from ..model import Document, Site, Zone
from ..problems import Problems
from . import urls
from .media import pdf_sources
from .pages import view
from .templates import KIND as TEMPLATES_KIND
from .templates import Templates

if TYPE_CHECKING:
    from .signing import Signing

KIND = "pdf"  # the cache's folder of rendered PDFs


class PdfFile(NamedTuple):
    """A rendered PDF as the site shows it: where it goes, its size, pages and checksum."""

    path: str  # inside the site
    cached: Path
    pages: int
    size: int
    sha256: str
    signer: str | None = None  # who signed it; None for an unsigned copy
    warnings: tuple[str, ...] = ()  # what WeasyPrint logged while rendering it, like "No anchor #x for internal URI reference"

    @property
    def filename(self) -> str:
        return self.path.rsplit("/", 1)[1]


class PdfJob(NamedTuple):
    zone: Zone
    doc: Document
    lang: str
    key: str


def jobs(config: Config, site: Site, known: dict[int, tuple] | None = None) -> list[PdfJob]:
    """Every PDF of the site with the fingerprint of all that goes into it.

    `known`: the jobs of the last call by zone, replaced by this call's. The preview keeps a zone none of whose files
    changed as the same object (see read_site): its jobs are those of the last save, not hashed again."""
    # The signing configuration and the certificate's fingerprint are part of `config`; named again to be plain.
    shared = fingerprint(code_fingerprint(), config.fingerprint, config.pdf_signing, _pdf_libraries(),
                         files_fingerprint(config.root / "templates" / "pdf", config.root / "assets" / "fonts"))
    before = known if known is not None else {}
    made: dict[int, tuple] = {}
    for zone in site.zones:
        kept = before.get(id(zone))
        if kept is None or kept[0] is not zone or kept[1] != shared:  # by identity: the zone is kept with its jobs
            kept = (zone, shared, _zone_jobs(config, zone, shared))
        made[id(zone)] = kept
    if known is not None:
        known.clear()
        known.update(made)
    return [job for _, _, zone_jobs in made.values() for job in zone_jobs]


def _zone_jobs(config: Config, zone: Zone, shared: str) -> list[PdfJob]:
    found = []
    for doc in zone.documents:
        for lang in config.languages:
            shown = view(config, doc, lang)
            key = fingerprint(shared, zone.facts_fingerprint, doc.fingerprint, lang, shown.version.source_text_hash, shown.source.source_text_hash)
            found.append(PdfJob(zone, doc, lang, key[:32]))
    return found


def build_pdfs(config: Config, site: Site, cache: Cache, *, render: bool = True, progress: bool = False,
               workers: int | None = None, known_jobs: dict[int, tuple] | None = None) -> tuple[dict[tuple[str, str, str], PdfFile], int]:
    """The PDFs of the site by (zone, document, language) and how many were rendered now.

    With `render` false, only those already in the cache are returned. `known_jobs`: see `jobs`.
    """
    present = cache.names(KIND)  # one listing of the folder, not two files tried per PDF
    if not render and not present:  # a site built without PDFs: no fingerprint of a document is taken for them
        return {}, 0
    all_jobs = jobs(config, site, known_jobs)
    todo = [job for job in all_jobs if not {f"{job.key}.json", f"{job.key}.pdf"} <= present or cache.read_json(KIND, job.key) is None]
    if todo and render:
        templates = Templates(config, config.root / "templates", compiled=cache.folder / TEMPLATES_KIND)
        css = (config.root / "templates" / "pdf" / "document.css").read_text(encoding="utf-8")
        assets = str(config.root / "assets") + "/"
        signing = config.pdf_signing
        tasks = [(html(config, templates, job), css, assets, config.pdf_variant, str(cache.path(KIND, job.key, ".pdf")),
                  (signing, _reason(config, job)) if signing else None, pdf_sources(config, job.doc, job.lang),
                  _source(config, job))
                 for job in todo]
        count = workers or min(len(tasks), os.cpu_count() or 1)
        bar = Progress(len(tasks), "PDF", enabled=progress)
        if count == 1:
            for task in tasks:
                write_pdf(*task)
                bar.step()
        else:
            from concurrent.futures import as_completed  # with the workers only

            with worker_pool(count) as pool:
                for future in as_completed([pool.submit(write_pdf, *task) for task in tasks]):
                    future.result()
                    bar.step()
        bar.done()
    files = {}
    present = cache.names(KIND)
    for job in all_jobs:
        info = cache.read_json(KIND, job.key) if f"{job.key}.json" in present else None
        if info is not None:
            files[(job.doc.zone, job.doc.slug, job.lang)] = PdfFile(urls.pdf(job.lang, job.doc), cache.path(KIND, job.key, ".pdf"),
                                                                    info["pages"], info["size"], info["sha256"], info.get("signer"),
                                                                    tuple(info.get("warnings", ())))
    return files, len(todo) if render else 0


def html(config: Config, templates: Templates, job: PdfJob) -> str:
    shown = view(config, job.doc, job.lang)
    rendered = shown.rendered.loaded()  # the headings and the HTML from one read of the stored text
    keywords = [config.themes[theme][job.lang] for theme in job.doc.themes]
    return templates.env.get_template("pdf/document.html").render(
        lang=job.lang, view=shown, version=shown.version, doc=job.doc, zone=job.zone,
        running_title=running_title(shown.version.title), headings=rendered.headings,
        body_html=rendered.html, keywords=keywords,
        t=templates.translate(job.lang), page_counter_css=_counter_css(config.text(job.lang, "pdf_page")),
        built=dt.date.today(), package_version=__version__,
        signer=config.pdf_signing.signer if config.pdf_signing else None, signed_on=dt.date.today(),
        document_url=urls.public(config, urls.document(job.lang, job.doc)),
    )


def running_title(title: str, limit: int = 60) -> str:
    """The title as the running header shows it: on one line, cut at a word with an ellipsis when longer."""
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-–") + " …"


def write_pdf(html: str, css: str, base_url: str, variant: str, target: str,
              signing: tuple[Signing, str] | None = None, sources: tuple[str, dict[str, str]] = ("", {}),
              source: str | None = None) -> str:
    """Runs in a worker process: render one PDF, sign it when a key is configured, and write it, then its facts,
    atomically into the cache (so the cache holds signed copies). `sources` are the page's address, against which
    the text's links are resolved, and the source file of each of its images and annexes (`pdf_sources`);
    `source`, the Markdown file of the text, is embedded in the archival variant."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from .fetch import SourceFetcher

    page_url, files = sources
    attachments = [_source_attachment(Path(source))] if source else []
    from .pdfstructure import repair  # pikepdf: only when a PDF is made

    with _renderer_log() as logged:
        fonts = FontConfiguration()  # needed for the stylesheet's @font-face to be used
        stylesheet = CSS(string=css, base_url=base_url, font_config=fonts)
        document = HTML(string=html, base_url=page_url or base_url, url_fetcher=SourceFetcher(files)).render(
            stylesheets=[stylesheet], font_config=fonts, pdf_variant=variant, pdf_tags=True)
        data = repair(document.write_pdf(pdf_variant=variant, pdf_tags=True, attachments=attachments))
    signer = None
    if signing:
        from .signing import sign

        key, reason = signing
        data, signer = sign(data, key, reason), key.signer
    path = Path(target)
    write_atomically(path, data)
    info = {"pages": len(document.pages), "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "signer": signer,
            "warnings": list(dict.fromkeys(logged))}
    write_atomically(path.with_suffix(".json"), json.dumps(info))  # last: its presence says the PDF is complete
    del document, stylesheet, fonts
    gc.collect()  # the font configuration removes its temporary folder when collected
    return target


@contextmanager
def _renderer_log():
    """WeasyPrint's warnings during one render, kept for the document instead of printed without a file name."""
    import logging  # in the process that renders: a build without PDFs does not need it

    logger = logging.getLogger("weasyprint")
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler, propagate = Keep(logging.WARNING), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


_NO_ANCHOR = re.compile(r"^No anchor #(\S+) for internal URI reference")


def renderer_problems(config: Config, site: Site, pdfs: dict[tuple[str, str, str], PdfFile]) -> Problems:
    """WeasyPrint's warnings as warnings of the document they concern, at the line of a link to a missing anchor."""
    problems = Problems()
    for doc in site.documents:
        for lang in config.languages:
            pdf = pdfs.get((doc.zone, doc.slug, lang))
            if pdf is None or not pdf.warnings:
                continue
            path = view(config, doc, lang).version.path
            for warning in pdf.warnings:
                anchor = _NO_ANCHOR.match(warning)
                if anchor:
                    problems.warning(path, _line_of(path, f"#{anchor.group(1)}"), "pdf.no_anchor", lang=lang,
                                     anchor=anchor.group(1))
                else:
                    problems.warning(path, 0, "pdf.renderer", lang=lang, detail=warning)
    return problems


def _line_of(path: Path, text: str) -> int:
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError:
        return 0
    return next((number for number, line in enumerate(lines, 1) if text in line), 0)


def _source(config: Config, job: PdfJob) -> str | None:
    """The Markdown file the PDF shows, for the archival variant (PDF/A-3), which keeps it in the copy."""
    return str(view(config, job.doc, job.lang).version.path) if config.pdf_variant == "pdf/a-3a" else None


def _source_attachment(path: Path):
    """The Markdown source as an associated file of the whole document, relationship /Source (PDF/A-3): an
    archive keeps the authoritative text with its copy."""
    from weasyprint import Attachment

    return Attachment(string=path.read_text(encoding="utf-8"), name=path.name, description="Markdown source",
                      relationship="Source")


def _reason(config: Config, job: PdfJob) -> str:
    """The signature's reason: an official copy, or a translation for information (never called official)."""
    return config.text(job.lang, "verify_translation" if view(config, job.doc, job.lang).is_translation else "pdf_signature_reason")


def _pdf_libraries() -> tuple:
    """The versions of the libraries that repair and sign: a new pikepdf or pyHanko makes the PDFs again."""
    return tuple(library_versions(("pikepdf", "pyhanko", "pyhanko-certvalidator", "python-pkcs11", "cryptography")))


def _counter_css(template: str) -> str:
    """'pagina {page} van {pages}' -> CSS content: "pagina " counter(page) " van " counter(pages)."""
    parts, rest = [], template
    while rest:
        head, brace, tail = rest.partition("{")
        if head:
            parts.append(json.dumps(head))
        if not brace:
            break
        name, _, rest = tail.partition("}")
        parts.append(f"counter({'pages' if name == 'pages' else 'page'})")
    return " ".join(parts)
