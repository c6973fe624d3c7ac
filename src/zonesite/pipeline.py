"""The pipeline every command runs: read and validate → model → outputs → write only what changed, atomically.

`check` stops after validation, `build` writes the site, `serve` runs the same build into a preview folder
on every change. So the three can never disagree about what is valid or what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from .config import Config
from .engine.cache import Cache
from .engine.fingerprint import Fingerprints, code_fingerprint, files_fingerprint, fingerprint
from .engine.writer import Output, TreeOutput, write_site
from .messages import DEFAULT, say
from .model import Site
from .outputs import feeds, media, nginx, opendata, urls
from .outputs.assets import Assets
from .outputs.compress import compress_tree, encodings, is_text
from .outputs.pages import Page, Planned, Stored, page_key, plan
from .outputs.pdf import KIND as PDF_KIND
from .outputs.pdf import PdfFile, build_pdfs, renderer_problems
from .outputs.pdf import jobs as pdf_jobs
from .outputs.search import BUNDLE, build_index, existing_index
from .outputs.templates import KIND as TEMPLATES_KIND
from .outputs.templates import Templates
from .problems import ContentError, Problem, Problems, compact
from .source.history import History, read_history
from .source import reader
from .source.reader import read_site
from .unchanged import BuildResult, Look, inputs_key, look

PREVIEW_PROBLEMS = "_preview/problems.json"  # what the preview's overlay shows
PLAN = "plan"  # the cache's kind of the plan a build keeps for the next (see pages.Stored)
PLAN_SHARDS = "0123456789abcdef"  # kept in 16 files, by the first digit of a zone's keys
SUMS = "SHA256SUMS"  # the published list of every PDF's checksum, for `sha256sum -c` at the site's root


class Pipeline:
    """One per command; the preview keeps one between changes, and with it the cache's objects in memory."""

    def __init__(self, config: Config, content_dir: Path, cache_dir: Path, *, preview: bool = False, lang: str = DEFAULT):
        self.config, self.content_dir, self.preview = config, content_dir, preview
        self.lang = lang  # the editor's language: only the preview's overlay shows messages
        self.overlay_pdf = ""  # what the preview's overlay says of the PDFs: being rebuilt, or ready (see serve.py)
        self.cache = Cache(cache_dir)
        self._templates: tuple[list[str], Templates] | None = None
        self._ready: tuple[Assets, Templates] | None = None  # this build's assets and templates, once made (see _prepared)
        self._worded: dict[Problem, str] = {}  # the preview's problems in words: most are the same from save to save
        self._report: tuple = ((), "", "")  # the overlay's report of the last build, made of (problems, PDFs' state)
        self._fingerprints = Fingerprints()  # the pages' fingerprints, kept between the preview's builds
        self._planned = Planned() if preview else None  # and the pages of the zones a save did not change
        self._made: dict[int, tuple] = {}  # the outputs of those pages, by the page
        self.read: list[Path] = []  # the source files the last validation read again (the others came from the cache)
        self.kept = reader.Kept()  # what the last validation read, kept when its files did not change (see read_site)
        self.pdf_jobs: dict = {}  # their PDFs' jobs (see outputs.pdf.jobs)
        self._shown_pdfs: dict | None = None  # the PDFs the preview's last build placed, by (zone, document, language)

    def validate(self, tree: tuple | None = None, meanwhile: Callable[[], None] | None = None) -> tuple[Site, Problems]:
        """The one validation pass; errors are in the problems, not raised. `tree`, `meanwhile`: see read_site."""
        self.read = []
        site, problems = read_site(self.config, self.content_dir, self.cache, read=self.read, persist=not self.preview,
                                  kept_from=self.kept, tree=tree, meanwhile=meanwhile)
        for kind in (reader.READ,) if self.preview else (reader.READ, reader.HTML):
            # The preview keeps older HTML: its PDFs, made in the background, may still be reading a text edited since.
            self.cache.prune(kind)
        return site, problems

    def inputs_key(self, *flags: object) -> str:
        """See unchanged.inputs_key: what `publish` compares with the key the site was built from."""
        history = read_history(self.content_dir, self.config.history_trailers, self.cache)
        return inputs_key(self.config, self.content_dir, self.preview, flags, history)

    def look(self, out_dir: Path, *flags: object, tree: tuple | None = None) -> Look:
        return look(self.config, self.content_dir, self.cache, out_dir, preview=self.preview, flags=flags, tree=tree)

    def build(self, out_dir: Path, *, with_pdf: bool = True, with_search: bool = True, progress: bool = False,
              seen: Look | None = None) -> BuildResult:
        """`seen`: what the command line already looked at (unchanged.look) with these flags."""
        seen = seen or self.look(out_dir, with_pdf, with_search)
        if seen.result is not None:  # nothing the site is made from changed: not even the model is loaded
            return seen.result
        started, previous, history, inputs = seen.started, seen.previous, seen.history, seen.inputs
        self._ready = None  # the assets are read again by each build
        site, problems = self.validate(seen.tree, meanwhile=self._prepare_ahead)
        if problems.errors:
            raise ContentError(problems.items)
        if not self.preview:
            site = site.without(self.config.draft_statuses)
        result = BuildResult(out_dir, problems, read=self.read)
        if self.preview and not with_pdf and self._shown_pdfs is not None:
            pdfs = self._still_shown(site)
            problems.extend(renderer_problems(self.config, site, self._current(site, pdfs)))
        else:
            pdfs, result.pdfs_rendered = build_pdfs(self.config, site, self.cache, render=with_pdf, progress=progress,
                                                         known_jobs=self.pdf_jobs)
            problems.extend(renderer_problems(self.config, site, pdfs))
            if with_pdf:
                self.cache.prune(PDF_KIND)
            else:
                pdfs = self._keep_previous_pdfs(site, pdfs, out_dir, previous)
        if self.preview:
            self._shown_pdfs = pdfs
        result.pdfs = len(pdfs)
        self._fingerprints.start()
        shared = self._pages_key()
        stored = None if self.preview else self._stored_plan(shared)
        pages = plan(self.config, site, pdfs, history, self._fingerprints, self._planned, stored)
        if stored is not None:
            self._store_plan(stored)
        outputs = self._outputs(site, pages, pdfs, problems, history, shared)
        search_key = fingerprint(sorted(o.key for o, page in zip(outputs, pages) if page.template == "document.html"))
        brotli_server = self.config.server.brotli
        index = (lambda site_root: _search_index(site_root, brotli_server)) if with_search else None
        trees = [TreeOutput(BUNDLE, fingerprint(search_key, sorted(encodings(brotli_server))), index)]
        pdf_facts = {pdf.path: {"pages": pdf.pages, "size": pdf.size, "sha256": pdf.sha256, "signer": pdf.signer}
                     for pdf in pdfs.values()}
        # The manifest is published with the site: it names no source file, so no draft either.
        facts = {"pdf": pdf_facts, "inputs": inputs, "pages": len(pages)}
        written = write_site(out_dir, outputs, trees, facts, progress, in_place=self.preview, prepare=self._templates[1].load_all,
                             before=None if self.preview else previous)  # the preview's PDFs may have been placed since
        self.cache.prune(media.KIND)
        # Pickled as they are: thousands of warnings converted to JSON and back cost more than all else a build with
        # nothing changed does.
        self.cache.put_object("problems", inputs, compact(problems.items), on_disk=not self.preview)
        self.cache.prune("problems")  # only the latest build's: the next one compares with it
        result.pages, result.rendered, result.reused = len(pages), written.made, written.reused
        if (out_dir / BUNDLE / "pagefind-entry.json").is_file():
            result.indexed = existing_index(out_dir)
        result.seconds = time.perf_counter() - started
        return result

    def _stored_plan(self, shared: str) -> Stored:
        """The plan the last build kept (see pages.Stored), for this code and configuration; `shared`: see _pages_key."""
        base = fingerprint(code_fingerprint(), self.config.fingerprint)
        before: dict[str, tuple] = {}
        for shard in PLAN_SHARDS:
            kept = self.cache.get_object(PLAN, f"{base}-{shard}")
            if isinstance(kept, dict):  # anything else in its place (not written by a build): planned again
                before.update(kept)
        return Stored(before, shared=shared)

    def _store_plan(self, stored: Stored) -> None:
        """The shards whose zones changed (an edit changes its zone's keys, all in its zone's shard); the others stay as
        they are. Writing the whole plan cost more than was saved by not planning."""
        base = fingerprint(code_fingerprint(), self.config.fingerprint)
        changed = {key[0] for key in stored.before.keys() ^ stored.now.keys()}
        for shard in changed:
            entries = {key: pages for key, pages in stored.now.items() if key[0] == shard}
            if entries:
                self.cache.put_object(PLAN, f"{base}-{shard}", entries)
            else:
                self.cache.drop_object(PLAN, f"{base}-{shard}")
        self.cache.prune(PLAN)

    def _still_shown(self, site: Site) -> dict:
        """The preview's fast refresh shows the PDFs it showed, for the documents it still shows: PDFs rendered in the
        background since are placed by the slow refresh, so a save does not render the pages and lists they change."""
        shown = self._shown_pdfs
        return {key: shown[key] for doc in site.documents for lang in self.config.languages
                if (key := (doc.zone, doc.slug, lang)) in shown}

    def _current(self, site: Site, pdfs: dict) -> dict:
        """Of the PDFs shown, those with warnings that were made from the text as it is now: the warnings of a PDF
        made before an edit name lines of a text that is no more."""
        warned = {key: pdf for key, pdf in pdfs.items() if pdf.warnings}
        if not warned:
            return {}
        keys = {(job.doc.zone, job.doc.slug, job.lang): job.key for job in pdf_jobs(self.config, site, self.pdf_jobs)}
        return {key: pdf for key, pdf in warned.items() if key in keys and pdf.cached == self.cache.path(PDF_KIND, keys[key], ".pdf")}

    def _keep_previous_pdfs(self, site: Site, pdfs: dict, out_dir: Path, manifest: dict) -> dict:
        """Skipping PDFs keeps the ones the folder already has, for documents that are still published. A site built
        before holds the files its manifest lists and no other (a build removes them): only those are looked for, not
        a PDF per document and language (a fiftieth of a build with one edit). The preview's folder may hold PDFs
        placed since its last build."""
        kept = dict(pdfs)
        facts = manifest.get("pdf", {})
        listed = manifest.get("files") if not self.preview else None
        folder = os.path.join(out_dir, "")  # by plain strings: a Path per document costs more than its stat
        for zone in site.zones:
            for doc in zone.documents:
                for lang in self.config.languages:
                    path = urls.pdf(lang, doc)
                    if (doc.zone, doc.slug, lang) in kept or listed is not None and path not in listed:
                        continue
                    if not os.path.isfile(folder + path):
                        continue
                    info = facts.get(path) or _facts_of(out_dir / path)
                    kept[(doc.zone, doc.slug, lang)] = PdfFile(path, out_dir / path, info["pages"], info["size"], info["sha256"],
                                                                   info.get("signer"))
        return kept

    def _pages_key(self) -> str:
        """What every page is made from: the code, the templates, the configuration, the names of the assets."""
        self._prepared()
        root = self.config.root
        keyed = self._fingerprints  # the configuration is the same object from save to save: compared at once
        return keyed("pages", code_fingerprint(), files_fingerprint(root / "templates"), self.config.fingerprint,
                     self.preview, self._templates[0])

    def _outputs(self, site: Site, pages: list[Page], pdfs: dict, problems: Problems, history: dict[str, History],
                 shared: str) -> list[Output]:
        """Pages first (in the order of `pages`), then every other file; each with the fingerprint of its inputs.
        `shared`: see _pages_key."""
        config = self.config
        assets, templates = self._prepared()
        templates.forget_shared()
        keyed = self._fingerprints
        outputs = self._page_outputs(pages, shared, templates)
        for asset in assets:
            outputs.append(Output(asset.path, keyed(("asset", asset.path), asset.data), make=lambda asset=asset: asset.data))
        for pdf in pdfs.values():
            outputs.append(Output(pdf.path, pdf.sha256, source=pdf.cached))
            outputs.append(Output(pdf.path + ".sha256", pdf.sha256, make=lambda pdf=pdf: f"{pdf.sha256}  {pdf.filename}\n"))
        outputs.extend(media.outputs(config, site, self.cache))
        outputs.extend(self._feeds(site, pages))
        texts = {"robots.txt": feeds.robots(config), SUMS: checksums(pdfs)}
        if config.pdf_signing:
            from .outputs.signing import CERTIFICATE  # the signing module only for a site that signs its PDFs

            texts[CERTIFICATE] = config.pdf_signing.certificate_pem.decode("ascii")
        if self.preview:
            # First: the overlay must never show a problem of the text before while a page already shows the text after.
            if self._report[0] != (problems.items, self.overlay_pdf):  # most saves find the problems of the save before
                self._worded = {p: self._worded.get(p) or p.render(self.lang) for p in problems.items}
                report = problems_json(problems, self.lang, self._worded, self.overlay_pdf)
                self._report = (list(problems.items), self.overlay_pdf), report, fingerprint(report)
            report = self._report[1]
            outputs.insert(0, Output(PREVIEW_PROBLEMS, self._report[2], make=lambda: report))
        else:  # the web server's configuration, never served (a dotted folder): see outputs/nginx.py
            texts[nginx.HTTP_CONF] = nginx.http_conf(config)
            texts[nginx.SERVER_CONF] = nginx.server_conf(config, brotli_files=".br" in encodings(config.server.brotli))
        outputs.extend(Output(path, fingerprint(text), make=lambda text=text: text) for path, text in texts.items())
        outputs.extend(self._open_data(site, pdfs, history))
        return _unique(outputs) if self.preview else _with_compressed(_unique(outputs), config.server.brotli)

    def _prepared(self) -> tuple[Assets, Templates]:
        """This build's assets, and the templates that name them; the templates are kept between the preview's builds
        while the assets' names stay the same: Jinja compiles a template again only when its file changed."""
        if self._ready is None:
            root = self.config.root
            assets = Assets(root / "assets")
            names = [asset.path for asset in assets]
            if self._templates is None or self._templates[0] != names:
                self._templates = names, Templates(self.config, root / "templates", preview=self.preview, assets=assets,
                                                   compiled=self.cache.folder / TEMPLATES_KIND)
            self._ready = assets, self._templates[1]
        return self._ready

    def _prepare_ahead(self) -> None:
        """While workers read the content, this process would wait: it reads the assets and compiles the templates then,
        instead of after the read (a quarter of a second of a cold build). Whatever fails here is done again where the
        build needs it, and fails there, after the content's errors, as it would have without this."""
        try:
            self._prepared()[1].load_all()
        except Exception:  # noqa: BLE001 - reported by the same call in _outputs
            self._ready = None

    def _page_outputs(self, pages: list[Page], shared: str, templates: Templates) -> list[Output]:
        """A page kept from the preview's last plan (see pages.Planned) keeps its output when the templates did too."""
        before, made = self._made, {}
        outputs = []
        for page in pages:
            last = before.get(id(page))
            if last is not None and last[0] is page and last[1] == shared and last[2] is templates:
                output = last[3]
            else:
                output = Output(page.path, page.key or page_key(shared, page), make=lambda page=page: templates.render(page))
            if self.preview:
                made[id(page)] = (page, shared, templates, output)
            outputs.append(output)
        self._made = made
        return outputs

    def _feeds(self, site: Site, pages: list[Page]) -> list[Output]:
        """The sitemap and the feeds, made only when what they list changed: as text they cost a tenth of a save."""
        config = self.config
        keyed = self._fingerprints
        made = keyed("texts", code_fingerprint(), config.fingerprint)
        listed = [(page.path, page.lang, page.in_sitemap, page.alternates) for page in pages]
        outputs = [Output("sitemap.xml", keyed("sitemap", made, listed), make=lambda: feeds.sitemap(config, pages))]
        model = keyed("feeds", made, [zone.fingerprint for zone in site.zones])
        outputs.extend(Output(f"{lang}/feed.xml", fingerprint(model, lang), make=lambda lang=lang: feeds.atom_feed(config, site, lang))
                       for lang in config.languages)
        return outputs

    def _open_data(self, site: Site, pdfs: dict, history: dict[str, History]) -> list[Output]:
        """The objectives per language as CSV and JSON, and the DCAT-AP catalogue; made only when what they show changed."""
        config = self.config
        model = self._fingerprints("open data", code_fingerprint(), config.fingerprint, [zone.fingerprint for zone in site.zones])
        outputs = [Output(urls.CATALOGUE, fingerprint(model, sorted(pdfs.values(), key=lambda pdf: pdf.path), sorted(history.items())),
                          make=lambda: opendata.catalogue(config, site, pdfs, history))]
        for lang in config.languages:
            outputs.append(Output(urls.dataset(lang, "csv"), fingerprint(model, lang, "csv"),
                                  make=lambda lang=lang: opendata.objectives_csv(config, site, lang)))
            outputs.append(Output(urls.dataset(lang, "json"), fingerprint(model, lang, "json"),
                                  make=lambda lang=lang: opendata.objectives_json(config, site, lang)))
        return outputs


def _search_index(site_root: Path, brotli_server: bool) -> dict[str, int]:
    indexed = build_index(site_root)
    compress_tree(site_root / BUNDLE, brotli_server)
    return indexed


class _Bytes:
    """An output's bytes, made once for the output and its compressed copies, which follow it in the list;
    the last copy lets them go, so a big site is never held in memory whole."""

    def __init__(self, output: Output):
        self.output, self.data = output, None

    def __call__(self, last: bool = False) -> bytes:
        data = self.data
        if data is None:
            output = self.output
            made = output.make() if output.source is None else output.source.read_bytes()
            data = made.encode("utf-8") if isinstance(made, str) else made
        self.data = None if last else data
        return data


def _with_compressed(outputs: list[Output], brotli_server: bool) -> list[Output]:
    """Each text file followed by its .br (or .gz) copy, for a server's brotli_static (gzip_static)."""
    result = []
    kinds = encodings(brotli_server)
    copies = [(extension, encode, compressed_key(extension), extension == list(kinds)[-1]) for extension, encode in kinds.items()]
    for output in outputs:
        if not is_text(output.path) or output.path.startswith(nginx.FOLDER + "/"):
            result.append(output)
            continue
        data = _Bytes(output)
        result.append(Output(output.path, output.key, make=data))
        for extension, encode, suffix, last in copies:
            result.append(Output(output.path + extension, output.key[:KEPT_OF_KEY] + suffix,
                                 make=lambda data=data, encode=encode, last=last: encode(data(last)), follows=True))
    return result


KEPT_OF_KEY = 48  # hex digits of a file's key that its compressed copy's key starts with: 192 bits, no collision


def compressed_key(extension: str) -> str:
    """What a compressed copy's key adds to its file's: the encoding and the code that compresses (the generator and
    the versions of brotli and isal). Joined, not hashed: a site has thousands of copies, and a hash each cost a
    twentieth of a build with one edit."""
    return fingerprint(extension, code_fingerprint())[:16]


def checksums(pdfs: dict) -> str:
    """`sha256sum` format: the checksum, two spaces, the path from the site's root; one line per PDF."""
    return "".join(f"{pdf.sha256}  {pdf.path}\n" for pdf in sorted(pdfs.values(), key=lambda pdf: pdf.path))


def _facts_of(pdf: Path) -> dict:
    """A PDF the folder holds but no manifest describes: its size and checksum; its page count is unknown (0)."""
    data = pdf.read_bytes()
    return {"pages": 0, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _unique(outputs: list[Output]) -> list[Output]:
    """A file a text names twice is published once."""
    seen: dict[str, Output] = {}
    for output in outputs:
        seen.setdefault(output.path, output)
    return list(seen.values())


def problems_json(problems: Problems, lang: str, worded: dict[Problem, str] | None = None, pdf: str = "") -> str:
    """What the preview's overlay shows, in the editor's language; `pdf` says when PDFs are being rebuilt (serve).
    `worded`: the problems already put into words in that language."""
    words = worded.__getitem__ if worded is not None else lambda p: p.render(lang)
    return json.dumps({"errors": [words(p) for p in problems.errors],
                       "warnings": [words(p) for p in problems.warnings],
                       "notes": [words(p) for p in problems.notes],
                       "titles": {"errors": say(lang, "overlay.errors"), "warnings": say(lang, "overlay.warnings")},
                       "pdf": pdf}, ensure_ascii=False)
