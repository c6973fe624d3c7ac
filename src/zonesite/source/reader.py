"""Read the content folder into the site model: zone files and documents, each validated as it is read.

A zone whose files did not change is taken from the cache whole, with the problems found in it.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..config import Config
from ..engine.cache import Cache
from ..engine.fingerprint import code_fingerprint, fingerprint
from ..engine.workers import can_fork, worker_pool
from ..model import Document, DocumentRef, EditorNote, Objective, Period, RenderedMarkdown, Site, Version, Zone
from ..problems import Problems
from . import markdown, validate
from .terms import term_findings
from .schema import SLUG, Checker
from .text import SourceError, parse_yaml, read_source, read_text, split_front_matter

DOCUMENT_KEYS = {"title", "type", "period", "date", "author", "status", "summary", "themes", "objectives", "editor_notes",
                 "replaces", "replaced_by"}
IN_PROGRESS = "in_progress"  # `in_progress: true` marks a translation begun and not stamped yet
TRANSLATION_KEYS = DOCUMENT_KEYS - {"editor_notes", "replaces", "replaced_by"} | {"source_hash", IN_PROGRESS}
REQUIRED_KEYS = {"title", "type", "author", "status", "summary", "themes"}
OBJECTIVE_KEYS = {"id", "title", "themes", "level", "parent", "priority", "section", "scope"}
DOCUMENT_KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$")
NOTE_KEYS = {"section", "acknowledges", "text"}
ZONE_KEYS = {"name", "address", "phone", "email", "website", "chief"}
LEVELS = {"strategisch", "tactisch"}
PRIORITIES = {"P", "A"}
SCOPES = {"general"}
PARALLEL_FROM = 40  # documents to read before worker processes pay for their start


@dataclass
class Kept:
    """What one read keeps for the next, in the preview's process: each zone folder's scan with the part of the content's
    tree_signature it was made from, and each zone by the keys of its files."""

    scans: dict[str, tuple[tuple, ZoneScan]] = field(default_factory=dict)
    zones: dict[tuple, Zone] = field(default_factory=dict)
    # Each zone folder's last result, kept with its scan and its files' keys: a scan kept as it was, with the same keys,
    # gives the same zone and the same problems, not gathered again.
    results: dict[str, tuple[ZoneScan, tuple, list]] = field(default_factory=dict)


def read_site(config: Config, content_dir: Path, cache: Cache, *, read: list[Path] | None = None,
              persist: bool = True, kept_from: Kept | None = None, tree: tuple | None = None,
              meanwhile: Callable[[], None] | None = None) -> tuple[Site, Problems]:
    """Every zone, valid or not: the caller decides what errors stop; problems of every file are collected.

    The unit of work is the document: one whose files (and the zone's other files, which it may show) did not change
    comes from the cache, so an edit re-reads that document only (its files are added to `read`). What was read is
    kept in one cache entry for the code and configuration (one file to load, not one per document), written to disk
    when it changed and `persist`. The HTML of a cached document stays in the cache until a page shows it (see
    `RenderedMarkdown`).

    `kept_from`: what the last read kept, replaced by this read's. The preview passes the same one on every save with
    the content's `tree` (unchanged.look's): a zone folder whose names, sizes and times are the same is not scanned
    again, and a zone none of whose files changed is the same object, with the fingerprints it keeps.

    `meanwhile`: what the caller will need next and does not depend on what is read (the templates), done by this
    process while worker processes read, if any do."""
    problems = Problems()
    if not content_dir.is_dir():
        problems.error(content_dir, 0, "content.not_found")
        return Site(()), problems
    root = content_dir.resolve()
    _REAL_FOLDERS.clear()  # a folder may have become a link since the last read (the preview reads on every save)
    memory = kept_from or Kept()
    trees = _by_zone(tree) if tree is not None else {}
    scans, scanned = [], {}
    for entry in sorted(os.scandir(content_dir), key=lambda entry: entry.name):
        path = Path(entry.path)
        if entry.name.startswith("."):
            continue
        if entry.is_symlink() and not path.resolve().is_relative_to(root):
            problems.error(path, 0, "content.symlink_outside", target=str(path.resolve()))
        elif entry.is_dir():
            part = None if entry.is_symlink() else trees.get(entry.name)  # the signature does not follow a link
            last = memory.scans.get(entry.name)
            scan = last[1] if part and last and last[0] == part and not last[1].linked else _scan_zone(path, root, config, part)
            scans.append(scan)
            if part:
                scanned[entry.name] = (part, scan)
        else:
            problems.warning(path, 0, "content.not_zone_folder")
    base = fingerprint(code_fingerprint(), config.fingerprint)
    known = _load_read(cache, base)
    kept: dict[str, tuple] = {}  # what this build read or took from `known`, by key: the next build's `known`
    found: dict[tuple[str, str], tuple[Document | None, Problems]] = {}
    keys: dict[str, list[str]] = {}  # each zone's documents' keys
    todo = []
    for scan in scans:
        for stem, key in scan.keys(base).items():
            by_lang = scan.documents[stem]
            keys.setdefault(scan.slug, []).append(key)
            if key in known:
                found[(scan.slug, stem)] = kept[key] = known[key]
            else:
                todo.append((key, scan.slug, stem, {lang: Path(path) for lang, path in by_lang.items()}))
    for (key, slug, stem, by_lang), result in zip(todo, _read_documents(todo, config, cache.folder / HTML, meanwhile)):
        found[(slug, stem)] = kept[key] = result
        if read is not None:
            read.extend(by_lang.values())
    if persist:  # only a build prunes the HTML; the preview keeps it all (its PDFs, made in the background, may read it)
        _keep_html([doc for doc, _ in found.values() if doc], cache)
    before, made, results = memory.zones, {}, {}
    for scan in scans:
        last = memory.results.get(scan.slug)
        made_of = (scan.zone_key(base), tuple(keys.get(scan.slug, [])))
        if last is not None and last[0] is scan and last[1] == made_of:
            zone_problems = last[2]
            if made_of[0] in known:
                kept[made_of[0]] = known[made_of[0]]
            zone = before.get(made_of)
            if zone is not None:
                made[made_of] = zone
        else:
            zone_problems = Problems()
            _zone(scan, {stem: found[(scan.slug, stem)] for stem in scan.documents}, config, known, kept, zone_problems,
                  made_of, before, made)
            zone_problems = zone_problems.items
        results[scan.slug] = (scan, made_of, zone_problems)
        problems.items.extend(zone_problems)
    _save_read(cache, base, known, kept, persist)
    memory.zones, memory.results = made, results
    if tree is not None:
        memory.scans = scanned
    site = Site(tuple(made.values()))
    problems.extend(validate.check_site(site, config))
    return site, problems


def _by_zone(tree: tuple) -> dict[str, list]:
    """The entries of a tree_signature by their first folder: each zone's part, its folder's own entry first."""
    parts: dict[str, list] = {}
    for entry in tree:
        parts.setdefault(entry[0].split("/", 1)[0], []).append(entry)
    return parts


READ, HTML = "read", "html"  # the reader's kinds in the cache: what it read, the HTML of the documents
# What was read is kept in 64 files by its key: an edit rewrites the two that held its old entry and hold its new one,
# each a sixty-fourth of the model (with 16, pickling an eighth of the model took a twentieth of the build).
SHARDS = tuple(f"{number:02d}" for number in range(64))


def _shard(key: str) -> str:
    return SHARDS[int(key[:2], 16) % len(SHARDS)]


def _load_read(cache: Cache, base: str) -> dict[str, tuple]:
    known: dict[str, tuple] = {}
    for shard in SHARDS:
        known.update(cache.get_object(READ, f"{base}-{shard}") or {})
    return known


def _save_read(cache: Cache, base: str, known: dict[str, tuple], kept: dict[str, tuple], persist: bool) -> None:
    """The shards whose entries changed; the others stay as they are. An entry's key is the hash of what it was read
    from, so a shard changed when its keys did: only those shards are gathered (all of them cost a save 4 ms)."""
    changed = {_shard(key) for key in known.keys() ^ kept.keys()}
    if not changed:
        return
    after: dict[str, dict[str, tuple]] = {shard: {} for shard in changed}
    for key, value in kept.items():
        shard = _shard(key)
        if shard in after:
            after[shard][key] = value
    for shard, entries in after.items():
        if entries:
            cache.put_object(READ, f"{base}-{shard}", entries, on_disk=persist)
        else:
            cache.drop_object(READ, f"{base}-{shard}")


@dataclass
class ZoneScan:
    """A zone folder's files, sorted by what they are, with their sizes and times: what its documents' keys are made of.
    Files by their path as a string: a build scans every file and reads a few, for which it makes a Path."""

    folder: Path
    slug: str
    problems: Problems = field(default_factory=Problems)
    zone_file: str | None = None
    documents: dict[str, dict[str, str]] = field(default_factory=dict)
    others: list[str] = field(default_factory=list)
    named_badly: bool = False  # nothing in a folder with a name no zone may have is read
    zone_file_refused: bool = False  # a zone.yaml that links out of the content folder is not read
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)
    linked: bool = False  # a symbolic link inside: what it leads to is not in the tree_signature, so scanned each time
    _keys: tuple[str, dict[str, str], str] | None = None  # see keys

    def signature(self, by_lang: dict[str, str], others: str) -> str:
        """A document depends on its own files and on the zone's other files (images and annexes it may show, `others`:
        see _keyed). Texts joined by NUL, which no name holds, each list after its length: a build keys every document,
        and the text of nested tuples cost twice as much as hashing it."""
        own = (f"{lang}\0{os.path.basename(path)}\0{self.stats[path][0]}\0{self.stats[path][1]}"
               for lang, path in sorted(by_lang.items()))
        return "\0".join((str(len(by_lang)), *own, others))

    def keys(self, base: str) -> dict[str, str]:
        """Each document's key, by its stem: made once per scan (the preview keeps a scan while its folder is the same)."""
        return self._keyed(base)[1]

    def zone_key(self, base: str) -> str:
        """The key of the zone file, by its path, size and time."""
        return self._keyed(base)[2]

    def _keyed(self, base: str) -> tuple[str, dict[str, str], str]:
        if self._keys is None or self._keys[0] != base:
            zone_file = self.zone_file or str(self.folder / "zone.yaml")
            others = "\0".join((str(len(self.others)), *(f"{path}\0{self.stats[path][0]}\0{self.stats[path][1]}"
                                                          for path in self.others)))
            start = f"{base}\0{self.slug}\0"
            self._keys = (base, {stem: _hashed(f"{start}{stem}\0{self.signature(by_lang, others)}")
                                 for stem, by_lang in self.documents.items()},
                          fingerprint(base, zone_file, self.stats.get(zone_file)))
        return self._keys


def _hashed(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _scan_zone(folder: Path, root: Path, config: Config, part: list | None = None) -> ZoneScan:
    """`part`: the zone's entries of the content's tree_signature, when the caller has them (see _scan_listed)."""
    scan = ZoneScan(folder, folder.name)
    reserved = {slugs[lang] for slugs in config.page_slugs.values() for lang in config.languages}
    if not SLUG.match(scan.slug) or scan.slug in reserved:
        scan.problems.error(folder, 0, "zone.bad_folder_name", name=scan.slug, reserved=sorted(reserved))
        scan.named_badly = True
        return scan
    listed = _listed(part) if part else None
    if listed is None:
        _scan_folder(scan, folder, root, config, top=True)
    else:
        _scan_listed(scan, str(folder), "", listed, config)
    return scan


def _listed(part: list) -> dict[str, list[tuple]] | None:
    """A zone's entries of the tree_signature by their folder inside the zone ("" for its own), each with its name, size
    and time; None where they cannot stand for a listing: a link (the signature does not follow it) or a folder with
    nothing listed (empty, or one it could not read), which a scan looks at itself."""
    folders: dict[str, list[tuple]] = {"": []}
    cut = len(part[0][0]) + 1  # the zone folder's own entry comes first
    for name, size, mtime, mode in part[1:]:
        if stat.S_ISLNK(mode):
            return None
        inside, _, base = name[cut:].rpartition("/")
        folders[inside].append((base, size, mtime, stat.S_ISDIR(mode)))
        if stat.S_ISDIR(mode):
            folders[name[cut:]] = []
    return None if not all(folders.values()) else folders


def _scan_listed(scan: ZoneScan, folder: str, inside: str, listed: dict[str, list[tuple]], config: Config) -> None:
    """_scan_folder from the tree_signature's entries, in the same order: a build lists the content folder once."""
    subfolders = []
    for name, size, mtime, is_folder in listed[inside]:
        if name.startswith("."):
            continue
        if is_folder:
            subfolders.append(f"{inside}/{name}" if inside else name)
        else:
            _scanned_file(scan, f"{folder}/{inside}/{name}" if inside else f"{folder}/{name}", name, (size, mtime),
                          config, top=not inside)
    for subfolder in subfolders:
        _scan_listed(scan, folder, subfolder, listed, config)


def _scan_folder(scan: ZoneScan, folder: Path, root: Path, config: Config, top: bool) -> None:
    """One listing per folder; the stat of each file comes with it (a zone is scanned on every build)."""
    entries = sorted((entry for entry in os.scandir(folder) if not entry.name.startswith(".")), key=lambda entry: entry.name)
    subfolders = []
    for entry in entries:
        path = entry.path
        scan.linked |= entry.is_symlink()
        if entry.is_symlink() and not _inside(Path(path), root, scan.problems):
            scan.zone_file_refused |= top and entry.name == "zone.yaml"
            continue
        if entry.is_dir():
            subfolders.append(Path(path))
            continue
        found = entry.stat(follow_symlinks=False)
        _scanned_file(scan, path, entry.name, (found.st_size, found.st_mtime_ns), config, top)
    for subfolder in subfolders:
        _scan_folder(scan, subfolder, root, config, top=False)


def _scanned_file(scan: ZoneScan, path: str, name: str, stats: tuple[int, int], config: Config, top: bool) -> None:
    scan.stats[path] = stats
    if top and name == "zone.yaml":
        scan.zone_file = path
    elif not name.endswith(".md"):
        scan.others.append(path)
    elif not top:
        scan.problems.error(Path(path), 0, "document.in_subfolder", target=f"{scan.slug}/{name}")
    else:
        _sort_document_file(path, name, config, scan.documents, scan.problems)


def _read_documents(todo: list[tuple], config: Config, html_folder: Path,
                    meanwhile: Callable[[], None] | None = None) -> list[tuple[Document | None, Problems]]:
    """Read on every core when there are many: a cold build of a thousand documents is mostly Markdown. This process
    waits for the workers' results: `meanwhile` is done then, once they are forked (it then costs no time of its own)."""
    global _READING
    if len(todo) < PARALLEL_FROM or (os.cpu_count() or 1) < 2 or not can_fork():
        return [read_document(slug, stem, by_lang, config, html_folder) for _, slug, stem, by_lang in todo]
    _READING = config, html_folder
    try:
        with worker_pool(os.cpu_count() or 1, fork=True) as pool:
            results = pool.map(_read_inherited, *zip(*((slug, stem, by_lang) for _, slug, stem, by_lang in todo)),
                               chunksize=8)
            if meanwhile is not None:
                meanwhile()
            return list(results)
    finally:
        _READING = None


_READING: tuple[Config, Path] | None = None  # inherited by the forked workers, never pickled


def _read_inherited(zone: str, stem: str, by_lang: dict[str, Path]) -> tuple[Document | None, Problems]:
    """read_document in a forked worker, with the configuration it was forked with: sent with the tasks, the
    configuration (46 kB pickled) was pickled and unpickled once per eight documents (about 1 ms each time, 68 times in
    a cold build of 1,080 documents), and each copy made its term patterns and cached values again."""
    return read_document(zone, stem, by_lang, *_READING)


def read_document(zone: str, stem: str, by_lang: dict[str, Path], config: Config,
                  html_folder: Path) -> tuple[Document | None, Problems]:
    """One document, validated; its HTML written to `html_folder` (by whichever process reads it), so the model
    that travels and is cached holds where the HTML is, not the HTML."""
    problems = Problems()
    doc = _load_document(zone, stem, by_lang, config, problems)
    if doc is None:
        return None, problems
    versions = {lang: replace(version, rendered=_stored(version.rendered, html_folder), real_path=_resolved(version.path))
                for lang, version in doc.versions.items()}
    doc = replace(doc, versions=versions)
    doc.fingerprint  # hashed here, in the worker, and cached with the document: a build that loads it does not hash it again
    return doc, problems


def _resolved(path: Path) -> Path:
    """The path itself when it is already resolved: the cache then keeps one Path, not two equal ones to unpickle.
    Each folder is resolved once per read (see read_site), and a file by one look at whether it is a link: resolving
    each part of every file's path took a fiftieth of a cold build's read."""
    folder = _REAL_FOLDERS.get(path.parent)
    if folder is None:
        folder = _REAL_FOLDERS[path.parent] = path.parent.resolve()
    resolved = path.resolve() if os.path.islink(path) else folder / path.name
    return path if resolved == path else resolved


_REAL_FOLDERS: dict[Path, Path] = {}  # each folder's resolved path, in this process's read


def _stored(rendered: RenderedMarkdown, folder: Path) -> RenderedMarkdown:
    """The headings and HTML added to this process's file of texts in `folder`, and the rendering pointing at them."""
    data = rendered.stored_text().encode("utf-8")
    path, at = _TEXTS.add(str(folder), data)
    return RenderedMarkdown("", (), stored=path, at=at, size=len(data))


class _TextFiles:
    """Per folder, the file this process adds the texts it reads to, one after another: making a file cost the kernel
    more than writing a text into it (a cold build made a thousand). A text is referred to once it is written whole,
    so what a file holds is whole; a file no model refers to any more is pruned with the cache. A process forked from
    this one, or one whose file was pruned meanwhile, starts a file of its own."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[int, int, str, int]] = {}  # folder -> (process, descriptor, path, its length)

    def add(self, folder: str, data: bytes) -> tuple[str, int]:
        """The file `data` was written to, and where in it."""
        current = self.files.get(folder)
        if current is None or current[0] != os.getpid() or os.fstat(current[1]).st_nlink == 0:
            current = self._new(folder)
        process, descriptor, path, at = current
        try:
            written = 0
            while written < len(data):
                written += os.write(descriptor, data[written:])
        except BaseException:
            del self.files[folder]  # a text written in part: the next goes to a new file
            os.close(descriptor)
            raise
        self.files[folder] = (process, descriptor, path, at + len(data))
        return path, at

    def _new(self, folder: str) -> tuple[int, int, str, int]:
        last = self.files.get(folder)
        if last is not None and last[0] == os.getpid():
            os.close(last[1])
        path = os.path.join(folder, f"{os.urandom(8).hex()}.texts")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
        try:
            descriptor = os.open(path, flags, 0o644)
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
            descriptor = os.open(path, flags, 0o644)
        self.files[folder] = (os.getpid(), descriptor, path, 0)
        return self.files[folder]


_TEXTS = _TextFiles()


def _keep_html(documents: list[Document], cache: Cache) -> None:
    """The HTML files the model points at are used by this build: the cache keeps them. Each file once: it holds the
    texts of all the documents one process read."""
    files = {version.rendered.stored for doc in documents for version in doc.versions.values()}
    for path in files - {None, ""}:
        cache.use(HTML, os.path.basename(path))


def _zone(scan: ZoneScan, documents: dict[str, tuple[Document | None, Problems]], config: Config,
          known: dict[str, tuple], kept: dict[str, tuple], problems: Problems, made_of: tuple[str, tuple[str, ...]],
          before: dict[tuple, Zone], made: dict[tuple, Zone]) -> None:
    """The zone of a folder into `made`, by the keys of its files (`made_of`): the one in `before` when they are the same."""
    problems.extend(scan.problems)
    for _, found in documents.values():
        problems.extend(found)
    if scan.named_badly:
        return
    zone_file = Path(scan.zone_file) if scan.zone_file else scan.folder / "zone.yaml"
    key = made_of[0]
    if scan.zone_file_refused:
        zone_fields, zone_problems = None, Problems()
    else:
        if key in known:
            kept[key] = known[key]
        else:
            zone_problems = Problems()
            kept[key] = (_read_zone_file(zone_file, config, zone_problems), zone_problems)
        zone_fields, zone_problems = kept[key]
    problems.extend(zone_problems)
    used = {media.source for doc, _ in documents.values() if doc
            for version in doc.versions.values() for media in version.media}
    for path in map(Path, scan.others):
        if path.resolve() not in used:
            problems.warning(path, 0, "content.unused_file")
    if zone_fields is None:
        return
    zone = before.get(made_of)
    if zone is None:
        docs = sorted((doc for doc, _ in documents.values() if doc), key=lambda doc: (doc.sort_date, doc.slug), reverse=True)
        zone = Zone(slug=scan.slug, path=zone_file, documents=tuple(docs), **zone_fields)
    made[made_of] = zone


def _inside(path: Path, root: Path, problems: Problems) -> bool:
    """Symlinks may not lead out of the content folder: a build must only publish what is in it."""
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        problems.error(path, 0, "content.symlink_outside", target=str(path.resolve()))
        return False
    return True


def _sort_document_file(path: str, name: str, config: Config, files: dict[str, dict[str, str]], problems: Problems) -> None:
    stem, _, lang = name.removesuffix(".md").rpartition(".")
    if not stem or lang not in config.languages:
        problems.error(Path(path), 0, "document.bad_file_name", languages=config.languages)
    elif not SLUG.match(stem):
        problems.error(Path(path), 0, "document.bad_name", name=stem)
    else:
        files.setdefault(stem, {})[lang] = path


def _read_zone_file(path: Path, config: Config, problems: Problems) -> dict | None:
    try:
        data = parse_yaml(read_text(path))
    except FileNotFoundError:
        problems.error(path, 0, "zone.no_zone_file")
        return None
    except SourceError as error:
        problems.error(path, error.line, error.message)
        return None
    check = Checker(path, data, problems)
    check.mapping((), ZONE_KEYS, {"name"})
    address = [check.text(("address", index)) or "" for index in range(len(check.items(("address",))))]
    website = check.text(("website",), required=False)
    if website and markdown.scheme(website) not in ("http", "https"):
        check.fail(("website",), "zone.website", value=website)
        website = None
    email = check.text(("email",), required=False)
    if email and (markdown.scheme(email) or "@" not in email):
        check.fail(("email",), "zone.email", value=email)
        email = None
    return {
        "names": check.labels(("name",), config.languages, required=(config.default_language,)),
        "address": tuple(address),
        "phone": check.text(("phone",), required=False),
        "email": email,
        "website": website,
        "chief": check.text(("chief",), required=False),
    }


def _load_document(zone: str, slug: str, files: dict[str, Path], config: Config, problems: Problems) -> Document | None:
    default = config.default_language
    if default not in files:
        for path in files.values():
            problems.error(path, 1, "document.no_source", source=f"{zone}/{slug}.{default}.md")
        return None
    source = _read_front_matter(files[default], config, problems, translation=False)
    if source is None:
        return None
    shared, notes, relations = source["shared"], source["notes"], source["relations"]
    source_problems = Problems()
    parsed = markdown.parse(source["body"])
    headings = parsed.headings
    validate.check_objective_sections(files[default], source["fields"]["objectives"], headings, source_problems)
    sections = {o.id: o.section for o in source["fields"]["objectives"] if o.section}
    versions = {default: _version(source, default, parsed, (), notes, sections, config, source_problems)}
    texts: dict[Path, tuple[str, bytes]] = {}  # each translation read once: to see whether it is in progress, then to check it
    in_progress = tuple(lang for lang in config.translations if lang in files and _in_progress(files[lang], texts))
    for lang in config.translations:
        if lang in in_progress:
            continue  # not published and not checked until it is stamped
        translated = _read_front_matter(files[lang], config, problems, translation=True,
                                        source=texts.get(files[lang])) if lang in files else None
        if translated:
            _compare_shared(files[lang], shared, translated, problems)
            translated_parsed = markdown.parse(translated["body"])
            versions[lang] = _version(translated, lang, translated_parsed, headings, notes, sections, config, problems)
            if config.terms:
                for finding in term_findings(config.terms, source["body"], translated["body"], lang, translated["body_line"],
                                             (parsed.lines, translated_parsed.lines)):
                    problems.warning(files[lang], finding.line, finding.message, code="term")
    document = Document(zone=zone, slug=slug, versions=versions, editor_notes=notes, in_progress=in_progress,
                        **relations, **shared)
    validate.check_notes(document, headings, source_problems)
    validate.check_placeholders(document, source["body"], config, source_problems, source["lines"].line)
    problems.extend(source_problems)
    return document


def _in_progress(path: Path, texts: dict[Path, tuple[str, bytes]] | None = None) -> bool:
    """A translation `translate` began: its front matter says `in_progress: true` (stamping removes it). The text read
    is kept in `texts` (with its UTF-8: see read_source), by its path."""
    try:
        text, utf8 = read_source(path)
        if texts is not None:
            texts[path] = text, utf8
        front = split_front_matter(text)[0]
        if IN_PROGRESS not in front and "\\" not in front:  # the key is not there, not even escaped: no YAML to parse
            return False
        data = parse_yaml(front).value
    except (OSError, SourceError):
        return False
    return isinstance(data, dict) and data.get(IN_PROGRESS) is True


def _version(read: dict, lang: str, parsed: markdown.Parsed, source_headings, notes: tuple[EditorNote, ...],
             sections: dict[str, str], config: Config, problems: Problems) -> Version:
    """Validate and render one text; notes are placed in the section with the same position as in the Dutch,
    and objectives link to the heading with the same position as the Dutch heading their `section` names."""
    headings = parsed.headings
    path, body_line = read["path"], read["body_line"]
    found = validate.check_text(path, body_line, parsed, config, lang)
    problems.extend(found.problems)
    positions = {h.anchor: index for index, h in enumerate(source_headings or headings)}
    by_heading: dict[int, list[str]] = {}
    for note in notes:
        if note.section in positions and positions[note.section] < len(headings):
            by_heading.setdefault(positions[note.section], []).append(note.text[lang])
    media = tuple(found.media)
    abbreviations = tuple(config.terms.abbreviations(lang)) if config.terms and lang in config.terms.languages else ()
    rendered = markdown.render(parsed, by_heading, config.text(lang, "editor_note_label"), media,
                               config.media.image_sizes, abbreviations)
    anchors = frozenset(h.anchor for h in headings) | parsed.footnote_anchors()
    fields = dict(read["fields"])
    fields["objectives"] = tuple(_placed(objective, sections, positions, headings) for objective in fields["objectives"])
    annexes = {m.target: m for m in reversed(media) if m.kind in config.media.annex_types}  # the first link names it
    return Version(lang=lang, path=path, body_line=body_line, rendered=rendered, media=media,
                   annexes=tuple(sorted(annexes.values(), key=media.index)), anchor_lines="\n".join(sorted(anchors)),
                   links=tuple(found.links),
                   **fields)


def _placed(objective: Objective, sections: dict[str, str], positions: dict[str, int], headings) -> Objective:
    """The objective with the section of the Dutch objective of the same id, and that section's id in this text."""
    section = sections.get(objective.id)
    index = positions.get(section or "")
    anchor = headings[index].anchor if index is not None and index < len(headings) else None
    return objective._replace(section=section, anchor=anchor)


def _read_front_matter(path: Path, config: Config, problems: Problems, translation: bool,
                       source: tuple[str, bytes] | None = None) -> dict | None:
    """`source`: the file's text and its UTF-8 (read_source), when it was read already."""
    try:
        text, utf8 = read_source(path) if source is None else source
        front, body, body_line = split_front_matter(text)
        data = parse_yaml(front, line_offset=1)
    except SourceError as error:
        problems.error(path, error.line, error.message)
        return None
    check = Checker(path, data, problems)
    before = len(problems.errors)
    check.mapping((), TRANSLATION_KEYS if translation else DOCUMENT_KEYS, REQUIRED_KEYS | ({"source_hash"} if translation else set()))
    if not isinstance(data.value, dict):
        return None
    period = None
    if check.get(("period",)) is not None:
        check.mapping(("period",), {"start", "end"}, {"start", "end"})
        start, end = check.date(("period", "start")), check.date(("period", "end"))
        if start and end and end < start:
            check.fail(("period", "end"), "document.period_reversed")
        period = Period(start, end) if start and end else None
    shared = {
        "type": check.choice(("type",), config.document_types),
        "status": check.choice(("status",), config.statuses),
        "themes": check.choices(("themes",), config.themes),
        "period": period,
        "date": check.date(("date",), required=False),
    }
    digest = hashlib.sha256(utf8).hexdigest()
    fields = {
        "title": check.text(("title",)) or "",
        "summary": check.text(("summary",)) or "",
        "author": check.text(("author",)) or "",
        "objectives": _read_objectives(check, config),
        "source_text_hash": digest[:12],  # text_hash(text), from the one digest of the text
        "source_sha256": digest,
        "translated_from": check.text(("source_hash",)) if translation else None,
    }
    notes = () if translation else _read_notes(check, config)
    relations = {} if translation else {key: _read_reference(check, key) for key in ("replaces", "replaced_by")}
    if len(problems.errors) > before:
        return None
    return {"path": path, "body": body, "body_line": body_line, "shared": shared, "fields": fields, "notes": notes,
            "relations": relations, "lines": data}


def _read_reference(check: Checker, key: str) -> DocumentRef | None:
    value = check.text((key,), required=False)
    if value is None:
        return None
    if not DOCUMENT_KEY.match(value):
        check.fail((key,), "document.bad_reference", value=value)
        return None
    return DocumentRef(value, check.data.line(key))


def _read_notes(check: Checker, config: Config) -> tuple[EditorNote, ...]:
    notes = []
    for index, _ in enumerate(check.items(("editor_notes",))):
        at = ("editor_notes", index)
        check.mapping(at, NOTE_KEYS, {"section", "text"})
        notes.append(EditorNote(
            section=check.text(at + ("section",)) or "",
            text=check.labels(at + ("text",), config.languages),
            acknowledges=check.choices(at + ("acknowledges",), set(validate.ACKNOWLEDGEABLE), required=False),
            line=check.data.line(*at),
        ))
    return tuple(notes)


def _read_objectives(check: Checker, config: Config) -> tuple[Objective, ...]:
    objectives = []
    seen: set[str] = set()
    for index, _ in enumerate(check.items(("objectives",))):
        at = ("objectives", index)
        check.mapping(at, OBJECTIVE_KEYS, {"id", "title", "themes"})
        ident = check.text(at + ("id",))
        if ident and not SLUG.match(ident):
            check.fail(at + ("id",), "objective.bad_id", id=ident)
        elif ident in seen:
            check.fail(at + ("id",), "objective.id_twice", id=ident)
        seen.add(ident or "")
        objectives.append(Objective(
            id=ident or "",
            title=check.text(at + ("title",)) or "",
            themes=check.choices(at + ("themes",), config.themes),
            level=check.choice(at + ("level",), LEVELS, required=False),
            parent=check.text(at + ("parent",), required=False),
            priority=check.choice(at + ("priority",), PRIORITIES, required=False),
            section=check.text(at + ("section",), required=False),
            scope=check.choice(at + ("scope",), SCOPES, required=False),
            line=check.data.line(*at, "section"),
        ))
    for index, objective in enumerate(objectives):
        if objective.parent and objective.parent not in seen:
            check.fail(("objectives", index, "parent"), "objective.unknown_parent", parent=objective.parent)
    return tuple(objectives)


def _compare_shared(path: Path, source: dict, translated: dict, problems: Problems) -> None:
    """A translation repeats the facts of its source; they must agree, or the two pages would contradict."""
    for key, value in translated["shared"].items():
        if value != source[key]:
            problems.error(path, translated["lines"].line(key), "document.differs_from_source", key=key, here=repr(value), there=repr(source[key]))
