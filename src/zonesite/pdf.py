"""Official PDF copies: one per document and language, rendered by WeasyPrint, cached on their inputs, in parallel."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import os
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path

from . import __version__, urls
from .config import Config
from .model import Document
from .progress import Progress
from .render import Renderer
from .workers import worker_pool

PDF_CODE = ("pdf.py", "markdown.py")


@dataclass(frozen=True)
class PdfFile:
    """A rendered PDF as the site shows it: where it goes, its size, pages and checksum."""

    path: str  # inside the site
    cached: Path
    pages: int
    size: int
    sha256: str

    @property
    def filename(self) -> str:
        return self.path.rsplit("/", 1)[1]

    @property
    def size_label(self) -> str:
        return f"{self.size / 1024:.0f} kB" if self.size < 1024 * 1024 else f"{self.size / 1024 / 1024:.1f} MB"


@dataclass(frozen=True)
class PdfJob:
    doc: Document
    lang: str
    key: str


class PdfBuilder:
    def __init__(self, config: Config, renderer: Renderer, cache: Path):
        self.config, self.renderer, self.cache = config, renderer, cache / "pdf"
        self.templates = config.root / "templates" / "pdf"
        self.assets = config.root / "assets"

    def _shared_fingerprint(self, lang: str) -> str:
        """Everything every PDF of a language depends on: template, stylesheet, fonts, config, code."""
        digest = hashlib.sha256(__version__.encode())
        code = [Path(__file__).parent / name for name in PDF_CODE]
        for path in code + sorted(self.templates.iterdir()) + sorted((self.assets / "fonts").iterdir()):
            digest.update(path.name.encode() + path.read_bytes())
        digest.update(self.config.path.read_bytes())
        digest.update((self.config.locales_dir / f"{lang}.yaml").read_bytes())
        return digest.hexdigest()

    def jobs(self) -> list[PdfJob]:
        shared = {lang: self._shared_fingerprint(lang) for lang in self.config.languages}
        jobs = []
        for zone in self.renderer.site.zones:
            zone_bytes = zone.path.read_bytes()
            for doc in zone.documents:
                for lang in self.config.languages:
                    view = self.renderer.view(doc, lang)
                    digest = hashlib.sha256(shared[lang].encode() + zone_bytes)
                    digest.update(repr((doc.zone, doc.slug, lang, view.version.source_text_hash, view.source.source_text_hash)).encode())
                    jobs.append(PdfJob(doc, lang, digest.hexdigest()[:32]))
        return jobs

    def build(self, progress: bool = False, workers: int | None = None) -> tuple[dict[tuple[str, str, str], PdfFile], int]:
        """Render the PDFs whose inputs changed; returns every PDF by (zone, doc, lang) and how many were rendered."""
        self.cache.mkdir(parents=True, exist_ok=True)
        jobs = self.jobs()
        todo = [job for job in jobs if not self._info_path(job).exists() or not self._pdf_path(job).exists()]
        if todo:
            self.renderer.prerender([self.renderer.view(job.doc, job.lang).version for job in todo])
            css = (self.templates / "document.css").read_text(encoding="utf-8")
            tasks = [(self.html(job), css, str(self.assets) + "/", self.config.pdf_variant, str(self._pdf_path(job)))
                     for job in todo]
            count = workers or min(len(tasks), os.cpu_count() or 1)
            bar = Progress(len(tasks), "PDF", enabled=progress)
            if count == 1:
                for task in tasks:
                    write_pdf(*task)
                    bar.step()
            else:
                with worker_pool(count) as pool:
                    for future in as_completed([pool.submit(write_pdf, *task) for task in tasks]):
                        future.result()
                        bar.step()
            bar.done()
        return {(job.doc.zone, job.doc.slug, job.lang): self._file(job) for job in jobs}, len(todo)

    def html(self, job: PdfJob) -> str:
        view = self.renderer.view(job.doc, job.lang)
        zone = self.renderer.site.zone(job.doc.zone)
        keywords = [self.config.themes[theme][job.lang] for theme in job.doc.themes]
        return self.renderer.env.get_template("pdf/document.html").render(
            lang=job.lang, view=view, version=view.version, doc=job.doc, zone=zone,
            headings=view.rendered.headings, body_html=view.rendered.html, keywords=keywords,
            t=lambda key, **values: self.config.text(job.lang, key).format(**values),
            page_counter_css=_counter_css(self.config.text(job.lang, "pdf_page")),
            built=dt.date.today(), package_version=__version__,
            document_url=urls.public(self.config, urls.document(job.lang, job.doc)),
        )

    def _pdf_path(self, job: PdfJob) -> Path:
        return self.cache / f"{job.key}.pdf"

    def _info_path(self, job: PdfJob) -> Path:
        return self.cache / f"{job.key}.json"

    def _file(self, job: PdfJob) -> PdfFile:
        info = json.loads(self._info_path(job).read_text())
        return PdfFile(urls.pdf(job.lang, job.doc), self._pdf_path(job), info["pages"], info["size"], info["sha256"])


def write_pdf(html: str, css: str, base_url: str, variant: str, target: str) -> str:
    """Runs in a worker process: render one PDF and write it (and its facts) atomically into the cache."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()  # needed for the stylesheet's @font-face to be used
    stylesheet = CSS(string=css, base_url=base_url, font_config=fonts)
    document = HTML(string=html, base_url=base_url).render(stylesheets=[stylesheet], font_config=fonts,
                                                          pdf_variant=variant, pdf_tags=True)
    data = document.write_pdf(pdf_variant=variant, pdf_tags=True)
    path = Path(target)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(data)
    info = {"pages": len(document.pages), "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    path.with_suffix(".json.tmp").write_text(json.dumps(info))
    os.replace(temporary, path)
    os.replace(path.with_suffix(".json.tmp"), path.with_suffix(".json"))
    del document, stylesheet, fonts
    gc.collect()  # the font configuration removes its temporary folder when collected
    return target


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
