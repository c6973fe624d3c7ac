"""The site configuration: read site_config.yaml and the interface strings, and validate them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .outputs.signing import Signing, SigningError, signing_facts
from .problems import ContentError, Problem, Problems
from .source.schema import SLUG, Checker
from .source.terms import TermBase, load_terms
from .source.text import SourceError, parse_yaml, read_text

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3a")
PAGE_KEYS = ("themes", "about", "accessibility", "search", "verify", "glossary", "data")
TOP_KEYS = {
    "title", "description", "base_url", "languages", "default_language", "output_dir",
    "document_types", "statuses", "draft_statuses", "themes", "term_base", "pages", "pdf", "serve", "server", "locales_dir",
    "media", "publisher", "history",
}
MEDIA_KEYS = {"image_widths", "image_sizes", "annex_types"}
PUBLISHER_KEYS = {"name", "email", "phone", "website", "address"}
EMAIL = re.compile(r"^[^@\s:/]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
PHONE = re.compile(r"^\+?[0-9][0-9 ./()-]{5,}$")
WEB_ADDRESS = re.compile(r"^https?://[^\s\"'<>]+$")
SERVER_KEYS = {"hsts_max_age", "hsts_include_subdomains", "referrer_policy", "brotli", "redirects"}
TRAILER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
REFERRER_POLICIES = ("no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin", "same-origin",
                     "strict-origin", "strict-origin-when-cross-origin", "unsafe-url")
# A path of a redirect: written into nginx's configuration, so no space, quote, ";", braces or "$" (a variable there).
SAFE_PATH = re.compile(r"^/[A-Za-z0-9._~!&()*+,=:@%/-]*$")
SAFE_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~!&()*+,=:@%/-]*)?$")


@dataclass(frozen=True)
class Redirect:
    old: str  # a path from the server's root, like /nl/oudezone/
    new: str  # a path of the site, or an https:// address
    line: int  # where it is in site_config.yaml


@dataclass(frozen=True)
class ServerConfig:
    """What the generated web-server configuration needs beyond the site itself (`server:` in site_config.yaml)."""

    hsts_max_age: int = 31536000
    hsts_include_subdomains: bool = False
    referrer_policy: str = "strict-origin-when-cross-origin"
    brotli: bool = True  # the server has the brotli_static module (Debian: libnginx-mod-http-brotli-static)
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True)
class MediaConfig:
    """A document's own files (`media:` in site_config.yaml): the web copies of its images, the annexes it may link to."""

    image_widths: tuple[int, ...] = (480, 960, 1440)  # an image wider than one of these gets a copy that wide
    image_sizes: str = "100vw"  # how wide an image shows on the page, for the browser to pick a copy (`sizes`)
    annex_types: dict[str, dict[str, str]] = field(default_factory=dict)  # file extension -> language -> type in words


@dataclass(frozen=True)
class Publisher:
    """Who publishes the site and answers readers: footer, about page, accessibility statement, structured data."""

    name: dict[str, str]  # language -> name
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    address: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    path: Path
    root: Path  # folder of the config file; relative paths start here
    languages: tuple[str, ...]
    default_language: str
    title: dict[str, str]
    description: dict[str, str]
    base_url: str
    output_dir: Path
    document_types: dict[str, dict[str, str]]
    statuses: dict[str, dict[str, str]]
    draft_statuses: tuple[str, ...]  # documents with these statuses are never published, only previewed
    themes: dict[str, dict[str, str]]
    page_slugs: dict[str, dict[str, str]]  # page key -> language -> slug
    pdf_variant: str
    pdf_signing: Signing | None  # None: the PDFs are published unsigned
    serve_port: int
    strings: dict[str, dict[str, str]]  # language -> key -> interface text
    terms: TermBase | None  # how translations render the terms of the integrated police
    locales_dir: Path
    publisher: Publisher
    server: ServerConfig = field(default_factory=ServerConfig)
    media: MediaConfig = field(default_factory=MediaConfig)
    history_trailers: dict[str, str] = field(default_factory=dict)  # language -> trailer describing a change for readers

    @property
    def translations(self) -> tuple[str, ...]:
        return tuple(lang for lang in self.languages if lang != self.default_language)

    def text(self, lang: str, key: str) -> str:
        return self.strings[lang][key]


def load_config(path: Path) -> Config:
    problems = Problems()
    try:
        data = parse_yaml(read_text(path))
    except FileNotFoundError:
        raise ContentError([Problem(path, 0, "configuration file not found")]) from None
    except SourceError as error:
        raise ContentError([Problem(path, error.line, error.message)]) from None
    check = Checker(path, data, problems)
    check.mapping((), TOP_KEYS, {"pages", "title", "languages", "default_language", "themes", "document_types", "statuses", "base_url", "publisher"})
    languages = tuple(check.get(("languages",)) or ())
    if not languages or not all(isinstance(lang, str) and SLUG.match(lang) for lang in languages):
        check.fail(("languages",), "'languages' must be a list of language codes, like [nl, fr]")
        raise ContentError(problems.items)
    default = check.choice(("default_language",), set(languages)) or languages[0]
    languages = (default,) + tuple(lang for lang in languages if lang != default)

    def labelled(key: str) -> dict[str, dict[str, str]]:
        entries = check.get((key,))
        if not isinstance(entries, dict) or not entries:
            check.fail((key,), f"'{key}' must map keys to labels per language")
            return {}
        for slug in entries:
            if not SLUG.match(str(slug)):
                check.fail((key, slug), f"'{slug}' is not a valid key: use lowercase letters, digits and hyphens")
        return {str(slug): check.labels((key, slug), languages) for slug in entries}

    pages = check.mapping(("pages",), set(PAGE_KEYS), set(PAGE_KEYS))
    page_slugs = {key: check.labels(("pages", key), languages) for key in PAGE_KEYS if key in pages}
    pdf = check.get(("pdf",)) or {}
    if pdf:
        check.mapping(("pdf",), {"variant", "signing"}, set())
    variant = check.choice(("pdf", "variant"), set(PDF_VARIANTS), required=False) or PDF_VARIANTS[0]
    root = path.resolve().parent
    signing = _signing(check, root) if isinstance(pdf, dict) and pdf.get("signing") is not None else None
    port = check.get(("serve", "port")) or 8000
    if not isinstance(port, int) or not 0 < port < 65536:
        check.fail(("serve", "port"), "'serve.port' must be a port number")
    locales_dir = root / (check.text(("locales_dir",), required=False) or "locales")
    strings = _load_strings(locales_dir, languages, problems)
    statuses = labelled("statuses")
    terms = None
    if check.get(("term_base",)) is not None:
        try:
            terms = load_terms(root / (check.text(("term_base",)) or ""), languages)
        except ContentError as error:
            problems.extend(error.problems)
    config = Config(
        path=path,
        root=root,
        languages=languages,
        default_language=default,
        title=check.labels(("title",), languages),
        description=check.labels(("description",), languages) if "description" in data.value else dict.fromkeys(languages, ""),
        base_url=(check.text(("base_url",)) or "/").rstrip("/") + "/",
        output_dir=root / (check.text(("output_dir",), required=False) or "_site"),
        document_types=labelled("document_types"),
        statuses=statuses,
        draft_statuses=check.choices(("draft_statuses",), statuses, required=False),
        themes=labelled("themes"),
        page_slugs=page_slugs,
        pdf_variant=variant,
        pdf_signing=signing,
        serve_port=port if isinstance(port, int) else 8000,
        strings=strings,
        terms=terms,
        locales_dir=locales_dir,
        publisher=_publisher(check, languages),
        server=_server(check),
        media=_media(check, languages),
        history_trailers=_history_trailers(check, languages),
    )
    if problems.errors:
        raise ContentError(problems.errors)
    return config


def _history_trailers(check: Checker, languages: tuple[str, ...]) -> dict[str, str]:
    """`history.trailers`: per language, the git trailer in which editors describe a change for readers."""
    if check.get(("history",)) is None:
        return {}
    check.mapping(("history",), {"trailers"}, {"trailers"})
    where = ("history", "trailers")
    names = check.labels(where, languages) if check.get(where) is not None else {}
    for lang, name in names.items():
        if name and not TRAILER_NAME.match(name):
            check.fail(where + (lang,), f"'history.trailers.{lang}' must be one word of letters, digits and hyphens, like Wijziging, not '{name}'")
    if len({name.casefold() for name in names.values()}) < len(names):
        check.fail(where, "'history.trailers' needs a different name per language: git does not tell them apart otherwise")
    return names


def _signing(check: Checker, root: Path) -> Signing | None:
    """`pdf.signing`: a PKCS#12 file and the environment variable with its password, opened here so a bad key stops the build."""
    where = ("pdf", "signing")
    check.mapping(where, {"pkcs12", "password_env", "timestamp_url"}, {"pkcs12", "password_env"})
    pkcs12, password_env = check.text(where + ("pkcs12",)), check.text(where + ("password_env",))
    timestamp_url = check.text(where + ("timestamp_url",), required=False)
    if password_env is not None and not ENV_NAME.match(password_env):
        check.fail(where + ("password_env",), f"'pdf.signing.password_env' must name an environment variable, like ZONESITE_PDF_PASSWORD, not '{password_env}'")
        return None
    if timestamp_url is not None and not timestamp_url.startswith(("http://", "https://")):
        check.fail(where + ("timestamp_url",), f"'pdf.signing.timestamp_url' must be an http or https address, not '{timestamp_url}'")
        return None
    if pkcs12 is None or password_env is None:
        return None
    file = root / pkcs12
    if not file.is_file():
        check.fail(where + ("pkcs12",), f"'pdf.signing.pkcs12': no such file '{pkcs12}'")
        return None
    try:
        return signing_facts(file, password_env, timestamp_url)
    except SigningError as error:
        check.fail(where + ("password_env",) if "environment variable" in str(error) else where + ("pkcs12",), f"'pdf.signing': {error}")
        return None


def _media(check: Checker, languages: tuple[str, ...]) -> MediaConfig:
    """The `media:` section: the widths of the web copies of images and the types of annexes, with their names."""
    if check.get(("media",)) is None:
        return MediaConfig()
    check.mapping(("media",), MEDIA_KEYS, set())
    default = MediaConfig()
    widths = check.get(("media", "image_widths"))
    if widths is None:
        widths = default.image_widths
    elif not (isinstance(widths, list) and widths and all(isinstance(w, int) and not isinstance(w, bool) and w > 0 for w in widths)):
        check.fail(("media", "image_widths"), "'media.image_widths' must be a list of widths in pixels, like [480, 960, 1440]")
        widths = default.image_widths
    sizes = check.text(("media", "image_sizes"), required=False) or default.image_sizes
    annex_types = {}
    for extension in check.get(("media", "annex_types")) or {}:
        if not re.fullmatch(r"[a-z0-9]+", str(extension)):
            check.fail(("media", "annex_types", extension), f"'{extension}' must be a file extension without its dot, like pdf")
            continue
        annex_types[str(extension)] = check.labels(("media", "annex_types", extension), languages)
    return MediaConfig(tuple(sorted(set(widths))), sizes, annex_types)


def _publisher(check: Checker, languages: tuple[str, ...]) -> Publisher:
    """`publisher:`: a name per language and at least one way to reach it; every value is published, so checked here."""
    where = ("publisher",)
    if not isinstance(check.get(where), dict):
        check.fail(where, "'publisher' must map name, email, phone, website and address, like {name: {nl: ..., fr: ...}, email: ...}")
        return Publisher(dict.fromkeys(languages, ""))
    given = check.mapping(where, PUBLISHER_KEYS, {"name"})
    name = check.labels(where + ("name",), languages) if "name" in given else dict.fromkeys(languages, "")
    email, phone, website = (check.text(where + (key,), required=False) for key in ("email", "phone", "website"))
    if email is not None and not EMAIL.match(email):
        check.fail(where + ("email",), f"'publisher.email' must be an e-mail address like redactie@example.be, not '{email}'")
        email = None
    if phone is not None and not PHONE.match(phone):
        check.fail(where + ("phone",), f"'publisher.phone' must be a phone number of digits and spaces, like +32 9 123 45 67, not '{phone}'")
        phone = None
    if website is not None and not WEB_ADDRESS.match(website):
        check.fail(where + ("website",), f"'publisher.website' must be an address starting with https:// or http://, not '{website}'")
        website = None
    if not any(key in given for key in ("email", "phone", "website")):
        check.fail(where, "'publisher' needs at least one of email, phone or website: readers must be able to reach it")
    address = tuple(line for index in range(len(check.items(where + ("address",))))
                    if (line := check.text(where + ("address", index))))
    return Publisher(name, email, phone, website, address)


def _server(check: Checker) -> ServerConfig:
    """The `server:` section; every value ends up in nginx's configuration, so each is checked here, at the edge."""
    if check.get(("server",)) is None:
        return ServerConfig()
    check.mapping(("server",), SERVER_KEYS, set())
    default = ServerConfig()
    max_age = check.get(("server", "hsts_max_age"))
    if max_age is None:
        max_age = default.hsts_max_age
    elif isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 0:
        check.fail(("server", "hsts_max_age"), "'server.hsts_max_age' must be a number of seconds (0 turns HSTS off)")
        max_age = default.hsts_max_age
    flags = {}
    for key in ("hsts_include_subdomains", "brotli"):
        value = check.get(("server", key))
        if value is not None and not isinstance(value, bool):
            check.fail(("server", key), f"'server.{key}' must be true or false")
        flags[key] = value if isinstance(value, bool) else getattr(default, key)
    policy = check.choice(("server", "referrer_policy"), set(REFERRER_POLICIES), required=False) or default.referrer_policy
    redirects: list[Redirect] = []
    seen: set[str] = set()
    for index, entry in enumerate(check.items(("server", "redirects"))):
        where = ("server", "redirects", index)
        if not isinstance(entry, dict):
            check.fail(where, "a redirect must be a mapping like {from: /old/path/, to: /new/path/}")
            continue
        check.mapping(where, {"from", "to"}, {"from", "to"})
        old, new = check.text(where + ("from",)), check.text(where + ("to",))
        if old is not None and not SAFE_PATH.match(old):
            check.fail(where + ("from",), f"redirect from '{old}': a path starting with '/', without spaces, quotes, ';' or braces")
            old = None
        if new is not None and not (SAFE_PATH.match(new) or SAFE_URL.match(new)):
            check.fail(where + ("to",), f"redirect to '{new}': a path starting with '/' or an https:// address, without spaces, quotes, ';' or braces")
            new = None
        if old is not None and old in seen:
            check.fail(where + ("from",), f"'{old}' is redirected twice")
            continue
        if old is not None and new is not None:
            seen.add(old)
            redirects.append(Redirect(old, new, check.data.line(*where)))
    return ServerConfig(max_age, flags["hsts_include_subdomains"], policy, flags["brotli"], tuple(redirects))


def _load_strings(folder: Path, languages: tuple[str, ...], problems: Problems) -> dict[str, dict[str, str]]:
    """One YAML catalogue of interface strings per language; every key must exist in every language."""
    catalogues: dict[str, dict[str, str]] = {}
    lines: dict[str, dict[str, int]] = {}
    for lang in languages:
        path = folder / f"{lang}.yaml"
        try:
            data = parse_yaml(read_text(path))
        except FileNotFoundError:
            problems.error(path, 0, f"no interface strings for language '{lang}'")
            catalogues[lang] = {}
            continue
        except SourceError as error:
            problems.error(path, error.line, error.message)
            catalogues[lang] = {}
            continue
        if not isinstance(data.value, dict):
            problems.error(path, 1, "the catalogue must map keys to texts")
            data = parse_yaml("{}")
        catalogues[lang] = {}
        for key, text in data.value.items():
            if not isinstance(text, str):
                problems.error(path, data.line(key), f"string '{key}' must be text")
                continue
            catalogues[lang][str(key)] = text
        lines[lang] = {str(key): data.line(key) for key in data.value}
    every_key = set().union(*(set(c) for c in catalogues.values())) if catalogues else set()
    for lang in languages:
        for key in sorted(every_key - set(catalogues[lang])):
            problems.error(folder / f"{lang}.yaml", 0, f"interface string '{key}' is missing in '{lang}'")
    return catalogues

