"""Read the content folder (zone files and Markdown documents) into the site model, validating at the edge."""

from __future__ import annotations

from pathlib import Path

from .config import Config
from .model import Document, Objective, Period, Site, Version, Zone, text_hash
from .problems import ContentError, Problem, Problems
from .schema import SLUG, Checker
from .yamlsource import SourceError, parse_yaml, read_text, split_front_matter

DOCUMENT_KEYS = {"title", "type", "period", "date", "author", "status", "summary", "themes", "objectives", "source_hash"}
REQUIRED_KEYS = {"title", "type", "author", "status", "summary", "themes"}
OBJECTIVE_KEYS = {"id", "title", "themes", "level", "parent", "priority"}
ZONE_KEYS = {"name", "address", "phone", "email", "website", "chief"}
LEVELS = {"strategisch", "tactisch"}
PRIORITIES = {"P", "A"}


def load_site(config: Config, content_dir: Path, known: dict[Path, tuple] | None = None) -> tuple[Site, Problems]:
    """Every problem in every file is collected; errors raise ContentError, warnings are returned.

    `known` lets a long-running preview keep zones between calls: {zone folder: (signature, zone, problems)};
    a zone whose files did not change (same names, sizes and modification times) is not read again.
    """
    problems = Problems()
    if not content_dir.is_dir():
        raise ContentError([Problem(content_dir, 0, "content folder not found")])
    root = content_dir.resolve()
    cache = {} if known is None else known
    zones = []
    folders = sorted(p for p in content_dir.iterdir() if not p.name.startswith("."))
    for zone_dir in folders:
        if not _inside(zone_dir, root, problems) or not zone_dir.is_dir():
            continue
        signature = _signature(zone_dir)
        if zone_dir not in cache or cache[zone_dir][0] != signature:
            zone_problems = Problems()
            cache[zone_dir] = (signature, _load_zone(zone_dir, root, config, zone_problems), zone_problems)
        _, zone, zone_problems = cache[zone_dir]
        problems.extend(zone_problems)
        if zone:
            zones.append(zone)
    for gone in set(cache) - set(folders):
        del cache[gone]
    if problems.errors:
        raise ContentError(problems.errors)
    return Site(tuple(zones)), problems


def _signature(folder: Path) -> tuple:
    entries = []
    for path in sorted(folder.iterdir()):
        stat = path.lstat()
        entries.append((path.name, stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


def _inside(path: Path, root: Path, problems: Problems) -> bool:
    """Symlinks may not lead out of the content folder: a build must only publish what is in it."""
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        problems.error(path, 0, f"symbolic link points outside the content folder (to {path.resolve()}); refusing it")
        return False
    return True


def _load_zone(folder: Path, root: Path, config: Config, problems: Problems) -> Zone | None:
    slug = folder.name
    reserved = {slugs[lang] for slugs in config.page_slugs.values() for lang in config.languages}
    if not SLUG.match(slug) or slug in reserved:
        problems.error(folder, 0, f"zone folder name '{slug}' must be lowercase letters, digits and hyphens, and not a page name ({', '.join(sorted(reserved))})")
        return None
    zone_file = folder / "zone.yaml"
    zone_fields = _read_zone_file(zone_file, config, problems) if _inside(zone_file, root, problems) else None
    files: dict[str, dict[str, Path]] = {}
    for path in sorted(folder.iterdir()):
        if path.name == "zone.yaml" or path.name.startswith(".") or not _inside(path, root, problems):
            continue
        if path.suffix != ".md":
            continue
        stem, _, lang = path.stem.rpartition(".")
        if not stem or lang not in config.languages:
            problems.error(path, 0, f"a document file is named <document>.<language>.md with a language of {', '.join(config.languages)}")
        elif not SLUG.match(stem):
            problems.error(path, 0, f"document name '{stem}' must be lowercase letters, digits and hyphens")
        else:
            files.setdefault(stem, {})[lang] = path
    documents = []
    for stem, by_lang in files.items():
        document = _load_document(slug, stem, by_lang, config, problems)
        if document:
            documents.append(document)
    if zone_fields is None:
        return None
    documents.sort(key=lambda doc: (doc.sort_date, doc.slug), reverse=True)
    return Zone(slug=slug, path=zone_file, documents=tuple(documents), **zone_fields)


def _read_zone_file(path: Path, config: Config, problems: Problems) -> dict | None:
    try:
        data = parse_yaml(read_text(path))
    except FileNotFoundError:
        problems.error(path, 0, "every zone folder needs a zone.yaml with at least the zone's name per language")
        return None
    except SourceError as error:
        problems.error(path, error.line, error.message)
        return None
    check = Checker(path, data, problems)
    check.mapping((), ZONE_KEYS, {"name"})
    address = [check.text(("address", index)) or "" for index in range(len(check.items(("address",))))]
    return {
        "names": check.labels(("name",), config.languages, required=(config.default_language,)),
        "address": tuple(address),
        "phone": check.text(("phone",), required=False),
        "email": check.text(("email",), required=False),
        "website": check.text(("website",), required=False),
        "chief": check.text(("chief",), required=False),
    }


def _load_document(zone: str, slug: str, files: dict[str, Path], config: Config, problems: Problems) -> Document | None:
    default = config.default_language
    if default not in files:
        for path in files.values():
            problems.error(path, 1, f"translation without its source: {zone}/{slug}.{default}.md does not exist")
        return None
    source = _read_version(files[default], default, config, problems, translation=False)
    if source is None:
        return None
    shared, version = source
    versions = {default: version}
    for lang in config.translations:
        if lang in files:
            translated = _read_version(files[lang], lang, config, problems, translation=True)
            if translated:
                _compare_shared(files[lang], shared, translated[0], problems)
                versions[lang] = translated[1]
    return Document(zone=zone, slug=slug, versions=versions, **{k: v for k, v in shared.items() if k != "lines"})


def _read_version(path: Path, lang: str, config: Config, problems: Problems, translation: bool):
    try:
        text = read_text(path)
        front, body, body_line = split_front_matter(text)
        data = parse_yaml(front, line_offset=1)
    except SourceError as error:
        problems.error(path, error.line, error.message)
        return None
    check = Checker(path, data, problems)
    required = REQUIRED_KEYS | ({"source_hash"} if translation else set())
    allowed = DOCUMENT_KEYS if translation else DOCUMENT_KEYS - {"source_hash"}
    before = len(problems.errors)
    check.mapping((), allowed, required)
    if not isinstance(data.value, dict):
        return None
    period = None
    if check.get(("period",)) is not None:
        check.mapping(("period",), {"start", "end"}, {"start", "end"})
        start, end = check.date(("period", "start")), check.date(("period", "end"))
        if start and end and end < start:
            check.fail(("period", "end"), "'period.end' is before 'period.start'")
        period = Period(start, end) if start and end else None
    shared = {
        "type": check.choice(("type",), config.document_types),
        "status": check.choice(("status",), config.statuses),
        "themes": check.choices(("themes",), config.themes),
        "period": period,
        "date": check.date(("date",), required=False),
        "lines": data,
    }
    objectives = _read_objectives(check, config)
    version = Version(
        lang=lang,
        path=path,
        title=check.text(("title",)) or "",
        summary=check.text(("summary",)) or "",
        author=check.text(("author",)) or "",
        objectives=objectives,
        body=body,
        body_line=body_line,
        source_text_hash=text_hash(text),
        translated_from=check.text(("source_hash",)) if translation else None,
    )
    if len(problems.errors) > before:
        return None
    return shared, version


def _read_objectives(check: Checker, config: Config) -> tuple[Objective, ...]:
    objectives = []
    seen: set[str] = set()
    for index, _ in enumerate(check.items(("objectives",))):
        at = ("objectives", index)
        check.mapping(at, OBJECTIVE_KEYS, {"id", "title", "themes"})
        ident = check.text(at + ("id",))
        if ident and not SLUG.match(ident):
            check.fail(at + ("id",), f"objective id '{ident}' must be lowercase letters, digits and hyphens")
        elif ident in seen:
            check.fail(at + ("id",), f"objective id '{ident}' is used twice")
        seen.add(ident or "")
        objectives.append(Objective(
            id=ident or "",
            title=check.text(at + ("title",)) or "",
            themes=check.choices(at + ("themes",), config.themes),
            level=check.choice(at + ("level",), LEVELS, required=False),
            parent=check.text(at + ("parent",), required=False),
            priority=check.choice(at + ("priority",), PRIORITIES, required=False),
        ))
    for index, objective in enumerate(objectives):
        if objective.parent and objective.parent not in seen:
            check.fail(("objectives", index, "parent"), f"parent '{objective.parent}' is not an objective id in this file")
    return tuple(objectives)


def _compare_shared(path: Path, source: dict, translated: dict, problems: Problems) -> None:
    """A translation repeats the facts of its source; they must agree, or the two pages would contradict."""
    for key in ("type", "status", "themes", "period", "date"):
        if translated[key] != source[key]:
            line = translated["lines"].line(key)
            problems.error(path, line, f"'{key}' differs from the Dutch source ({translated[key]!r} here, {source[key]!r} there)")
