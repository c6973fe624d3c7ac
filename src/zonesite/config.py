"""The site configuration: read site_config.yaml and the interface strings, and validate them."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .engine import fingerprint as fingerprints
from .engine.cache import Cache
from .messages import LANGUAGES as MESSAGE_LANGUAGES
from .problems import ContentError, Problem, Problems, problem
from .source.schema import SLUG, Checker
from .source.terms import TermBase, load_terms
from .source.text import SourceError, parse_yaml, read_text

if TYPE_CHECKING:
    from .outputs.signing import Signing

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3a")
PAGE_KEYS = ("themes", "about", "accessibility", "search", "verify", "glossary", "data")
TOP_KEYS = {
    "title", "description", "base_url", "languages", "default_language", "output_dir",
    "document_types", "statuses", "draft_statuses", "themes", "term_base", "pages", "pdf", "serve", "server", "locales_dir",
    "media", "publisher", "messages_language", "history",
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


class Redirect(NamedTuple):
    old: str  # a path from the server's root, like /nl/oudezone/
    new: str  # a path of the site, or an https:// address
    line: int  # where it is in site_config.yaml


class ServerConfig(NamedTuple):
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


class Publisher(NamedTuple):
    """Who publishes the site and answers readers: footer, about page, accessibility statement, structured data."""

    name: dict[str, str]  # language -> name
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    address: tuple[str, ...] = ()


class NumberSymbols(NamedTuple):
    """How a locale writes a figure (1.234.567,89), from Babel: kept with the configuration, so that checking the
    totals of a table needs neither Babel's import nor its locale data, but for a figure written otherwise."""

    locale: str
    group: str
    decimal: str
    grouping: tuple[int, int]  # digits in the first group and in each other


def number_symbols(locale: str) -> NumberSymbols:
    """The symbols of `locale` (nl_BE); Babel's UnknownLocaleError or ValueError when Babel does not know it."""
    from babel import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol

    parsed = Locale.parse(locale)
    return NumberSymbols(locale, get_group_symbol(parsed), get_decimal_symbol(parsed), parsed.decimal_formats[None].grouping)


@dataclass(frozen=True)
class Config:
    """site_config.yaml and the interface strings, validated."""

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
    # Every file the configuration was read from: the preview reads it again only when one of them changed.
    sources: tuple[Path, ...] = field(default=(), repr=False, compare=False)
    # The language of the tool's own messages; not in repr, so not in any fingerprint: it changes no output.
    messages_language: str = field(default="nl", repr=False)
    # Language -> how its locale writes figures; made from the locale in `strings` and Babel's version, both fingerprinted.
    numbers: dict[str, NumberSymbols] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def fingerprint(self) -> str:
        """Every output's key holds the configuration: hashed once, its text (the catalogues, the term base) being
        long enough that a build asking for it at each step spent a fortieth of a build with one edit on it."""
        return fingerprints.fingerprint(self)

    @property
    def translations(self) -> tuple[str, ...]:
        return tuple(lang for lang in self.languages if lang != self.default_language)

    def text(self, lang: str, key: str) -> str:
        return self.strings[lang][key]


KIND = "config"  # the cache's folder of the last configuration read, validated


def load_config(path: Path, *, open_signing_key: bool = True, cache_dir: Path | None = None) -> Config:
    """The validated configuration; `open_signing_key` false leaves `pdf.signing` unopened (and `pdf_signing` None),
    for `verify`, which checks against the published certificate and needs no password.

    `cache_dir`: the last configuration read is kept there, validated, with the bytes of every file it was read from,
    and taken from there while none of them changed: parsing and checking them took a twentieth of a build with one
    document edited. Not one with a signing key, which is opened (its password read, its certificate checked) each time."""
    cache = Cache(cache_dir) if cache_dir is not None else None
    key = _config_key(path, open_signing_key) if cache is not None else None
    if key is not None:
        known = cache.get_object(KIND, key)
        if known is not None and known[0] == _sources_digest(known[1].sources):
            return known[1]
    seen: dict[Path, bytes] = {}  # the bytes the configuration is made from, not read again: a file saved meanwhile
    config = _read_config(path, open_signing_key, seen)  # must not be kept as the configuration its old bytes gave
    if key is not None and config.pdf_signing is None and (digest := _sources_digest(config.sources, seen)) is not None:
        cache.put_object(KIND, key, (digest, config))
        cache.prune(KIND)  # only the latest: an older one is found again by reading its files
    return config


def _config_key(path: Path, open_signing_key: bool) -> str | None:
    """The generator, where the configuration file is and what it says: what decides which other files it names."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return fingerprints.fingerprint(fingerprints.code_fingerprint(), str(path), str(path.resolve()), open_signing_key,
                                    hashlib.sha256(data).hexdigest())


def _sources_digest(paths: tuple[Path, ...], seen: dict[Path, bytes] | None = None) -> str | None:
    """The bytes of every file a configuration was read from (as `seen` holds them, else as they are now); None when
    one cannot be read."""
    digest = hashlib.sha256()
    try:
        for path in paths:
            data = seen[path] if seen is not None else path.read_bytes()
            digest.update(str(path).encode() + b"\0" + data + b"\0")
    except (OSError, KeyError):
        return None
    return digest.hexdigest()


def _read_config(path: Path, open_signing_key: bool, seen: dict[Path, bytes]) -> Config:
    problems = Problems()
    try:
        data = parse_yaml(read_text(path, seen))
    except FileNotFoundError:
        raise ContentError([problem(path, 0, "config.not_found")]) from None
    except SourceError as error:
        raise ContentError([Problem(path, error.line, error.message)]) from None
    check = Checker(path, data, problems)
    check.mapping((), TOP_KEYS, {"pages", "title", "languages", "default_language", "themes", "document_types", "statuses", "base_url", "publisher"})
    languages = tuple(check.get(("languages",)) or ())
    if not languages or not all(isinstance(lang, str) and SLUG.match(lang) for lang in languages):
        check.fail(("languages",), "config.languages")
        raise ContentError(problems.items)
    default = check.choice(("default_language",), set(languages)) or languages[0]
    languages = (default,) + tuple(lang for lang in languages if lang != default)

    def labelled(key: str) -> dict[str, dict[str, str]]:
        entries = check.get((key,))
        if not isinstance(entries, dict) or not entries:
            check.fail((key,), "config.labelled")
            return {}
        for slug in entries:
            if not SLUG.match(str(slug)):
                check.fail((key, slug), "config.bad_key", key=slug)
        return {str(slug): check.labels((key, slug), languages) for slug in entries}

    pages = check.mapping(("pages",), set(PAGE_KEYS), set(PAGE_KEYS))
    page_slugs = {key: check.labels(("pages", key), languages) for key in PAGE_KEYS if key in pages}
    pdf = check.get(("pdf",)) or {}
    if pdf:
        check.mapping(("pdf",), {"variant", "signing"}, set())
    variant = check.choice(("pdf", "variant"), set(PDF_VARIANTS), required=False) or PDF_VARIANTS[0]
    root = path.resolve().parent
    signing = (_signing(check, root) if open_signing_key and isinstance(pdf, dict) and pdf.get("signing") is not None
               else None)
    port = check.get(("serve", "port")) or 8000
    if not isinstance(port, int) or not 0 < port < 65536:
        check.fail(("serve", "port"), "config.port")
    locales_dir = root / (check.text(("locales_dir",), required=False) or "locales")
    strings, lines = _load_strings(locales_dir, languages, problems, seen)
    statuses = labelled("statuses")
    terms = None
    if check.get(("term_base",)) is not None:
        try:
            terms = load_terms(root / (check.text(("term_base",)) or ""), languages, seen)
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
        numbers=_numbers(locales_dir, strings, lines, problems),
        terms=terms,
        locales_dir=locales_dir,
        publisher=_publisher(check, languages),
        server=_server(check),
        media=_media(check, languages),
        messages_language=check.choice(("messages_language",), set(MESSAGE_LANGUAGES), required=False) or "nl",
        history_trailers=_history_trailers(check, languages),
        sources=(path, *(locales_dir / f"{lang}.yaml" for lang in languages),
                 *((root / check.text(("term_base",)),) if check.get(("term_base",)) is not None else ()),
                 *((root / pdf["signing"]["pkcs12"],) if signing and isinstance(pdf["signing"], dict) and "pkcs12" in pdf["signing"] else ())),
    )
    if problems.errors:
        raise ContentError(problems.errors)
    return config


def configured_language(path: Path, cache_dir: Path | None = None) -> str | None:
    """`messages_language` of a configuration, read before anything else so that even its errors are in that language;
    from the configuration kept in `cache_dir` (see load_config) when it was read from these very bytes."""
    key = _config_key(path, True) if cache_dir is not None else None
    known = Cache(cache_dir).get_object(KIND, key) if key is not None else None
    if known is not None:
        return known[1].messages_language
    try:
        data = parse_yaml(read_text(path)).value
    except (OSError, SourceError):
        return None
    language = data.get("messages_language") if isinstance(data, dict) else None
    return language if language in MESSAGE_LANGUAGES else None


def _history_trailers(check: Checker, languages: tuple[str, ...]) -> dict[str, str]:
    """`history.trailers`: per language, the git trailer in which editors describe a change for readers."""
    if check.get(("history",)) is None:
        return {}
    check.mapping(("history",), {"trailers"}, {"trailers"})
    where = ("history", "trailers")
    names = check.labels(where, languages) if check.get(where) is not None else {}
    for lang, name in names.items():
        if name and not TRAILER_NAME.match(name):
            check.fail(where + (lang,), "config.trailer_name", lang=lang, value=name)
    if len({name.casefold() for name in names.values()}) < len(names):
        check.fail(where, "config.trailer_names")
    return names


def _signing(check: Checker, root: Path) -> Signing | None:
    """`pdf.signing`: a PKCS#12 file and the environment variable with its password, or a key on a PKCS#11 token
    and the variable with its PIN; opened here so a bad key stops the build."""
    where = ("pdf", "signing")
    if isinstance(check.get(where), dict) and "pkcs11" in check.get(where):
        return _token_signing(check, root)
    check.mapping(where, {"pkcs12", "password_env", "timestamp_url"}, {"pkcs12", "password_env"})
    pkcs12, password_env = check.text(where + ("pkcs12",)), check.text(where + ("password_env",))
    timestamp_url = _timestamp_url(check)
    if timestamp_url is False:
        return None
    if password_env is not None and not ENV_NAME.match(password_env):
        check.fail(where + ("password_env",), "config.password_env", value=password_env)
        return None
    if pkcs12 is None or password_env is None:
        return None
    file = root / pkcs12
    if not file.is_file():
        check.fail(where + ("pkcs12",), "config.pkcs12_missing", file=pkcs12)
        return None
    from .outputs.signing import SigningError, signing_facts  # only for a site that signs its PDFs

    try:
        return signing_facts(file, password_env, timestamp_url)
    except SigningError as error:
        check.fail(where + ("password_env",) if error.about_password else where + ("pkcs12",), error.message.id, **dict(error.message.params))
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
        check.fail(("media", "image_widths"), "config.image_widths")
        widths = default.image_widths
    sizes = check.text(("media", "image_sizes"), required=False) or default.image_sizes
    annex_types = {}
    for extension in check.get(("media", "annex_types")) or {}:
        if not re.fullmatch(r"[a-z0-9]+", str(extension)):
            check.fail(("media", "annex_types", extension), "config.annex_extension", extension=extension)
            continue
        annex_types[str(extension)] = check.labels(("media", "annex_types", extension), languages)
    return MediaConfig(tuple(sorted(set(widths))), sizes, annex_types)


def _publisher(check: Checker, languages: tuple[str, ...]) -> Publisher:
    """`publisher:`: a name per language and at least one way to reach it; every value is published, so checked here."""
    where = ("publisher",)
    if not isinstance(check.get(where), dict):
        check.fail(where, "config.publisher")
        return Publisher(dict.fromkeys(languages, ""))
    given = check.mapping(where, PUBLISHER_KEYS, {"name"})
    name = check.labels(where + ("name",), languages) if "name" in given else dict.fromkeys(languages, "")
    email, phone, website = (check.text(where + (key,), required=False) for key in ("email", "phone", "website"))
    if email is not None and not EMAIL.match(email):
        check.fail(where + ("email",), "config.publisher_email", value=email)
        email = None
    if phone is not None and not PHONE.match(phone):
        check.fail(where + ("phone",), "config.publisher_phone", value=phone)
        phone = None
    if website is not None and not WEB_ADDRESS.match(website):
        check.fail(where + ("website",), "config.publisher_website", value=website)
        website = None
    if not any(key in given for key in ("email", "phone", "website")):
        check.fail(where, "config.publisher_contact")
    address = tuple(line for index in range(len(check.items(where + ("address",))))
                    if (line := check.text(where + ("address", index))))
    return Publisher(name, email, phone, website, address)


def _timestamp_url(check: Checker) -> str | None | bool:
    """`pdf.signing.timestamp_url`, None when absent, False when it is not an http(s) address (reported)."""
    where = ("pdf", "signing", "timestamp_url")
    timestamp_url = check.text(where, required=False)
    if timestamp_url is not None and not timestamp_url.startswith(("http://", "https://")):
        check.fail(where, "config.timestamp_url", value=timestamp_url)
        return False
    return timestamp_url


def _token_signing(check: Checker, root: Path) -> Signing | None:
    """`pdf.signing` with `pkcs11: {module, token, key}` and `pin_env`: a key on a smart card or HSM."""
    where = ("pdf", "signing")
    check.mapping(where, {"pkcs11", "pin_env", "timestamp_url"}, {"pkcs11", "pin_env"})
    check.mapping(where + ("pkcs11",), {"module", "token", "key"}, {"module", "token", "key"})
    module, token, key = (check.text(where + ("pkcs11", name)) for name in ("module", "token", "key"))
    pin_env = check.text(where + ("pin_env",))
    timestamp_url = _timestamp_url(check)
    if pin_env is not None and not ENV_NAME.match(pin_env):
        check.fail(where + ("pin_env",), "config.pin_env", value=pin_env)
        return None
    if None in (module, token, key, pin_env) or timestamp_url is False:
        return None
    from .outputs.signing import SigningError, Token, token_facts  # only for a site that signs its PDFs

    try:
        return token_facts(Token(root / module, token, key), pin_env, timestamp_url)
    except SigningError as error:
        check.fail(where + ("pin_env" if error.about_password else "pkcs11",), error.message.id, **dict(error.message.params))
        return None


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
        check.fail(("server", "hsts_max_age"), "config.hsts_max_age")
        max_age = default.hsts_max_age
    flags = {}
    for key in ("hsts_include_subdomains", "brotli"):
        value = check.get(("server", key))
        if value is not None and not isinstance(value, bool):
            check.fail(("server", key), "value.not_boolean")
        flags[key] = value if isinstance(value, bool) else getattr(default, key)
    policy = check.choice(("server", "referrer_policy"), set(REFERRER_POLICIES), required=False) or default.referrer_policy
    redirects: list[Redirect] = []
    seen: set[str] = set()
    for index, entry in enumerate(check.items(("server", "redirects"))):
        where = ("server", "redirects", index)
        if not isinstance(entry, dict):
            check.fail(where, "config.redirect_shape")
            continue
        check.mapping(where, {"from", "to"}, {"from", "to"})
        old, new = check.text(where + ("from",)), check.text(where + ("to",))
        if old is not None and not SAFE_PATH.match(old):
            check.fail(where + ("from",), "config.redirect_from", path=old)
            old = None
        if new is not None and not (SAFE_PATH.match(new) or SAFE_URL.match(new)):
            check.fail(where + ("to",), "config.redirect_to", path=new)
            new = None
        if old is not None and old in seen:
            check.fail(where + ("from",), "config.redirect_twice", path=old)
            continue
        if old is not None and new is not None:
            seen.add(old)
            redirects.append(Redirect(old, new, check.data.line(*where)))
    return ServerConfig(max_age, flags["hsts_include_subdomains"], policy, flags["brotli"], tuple(redirects))


def _load_strings(folder: Path, languages: tuple[str, ...], problems: Problems,
                  seen: dict[Path, bytes]) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, int]]]:
    """One YAML catalogue of interface strings per language, and the line of each; every key must exist in every
    language. A catalogue that cannot be read is one error: not also an error for each of its strings."""
    catalogues: dict[str, dict[str, str]] = {}
    lines: dict[str, dict[str, int]] = {}
    unreadable: set[str] = set()
    for lang in languages:
        path = folder / f"{lang}.yaml"
        try:
            data = parse_yaml(read_text(path, seen))
        except FileNotFoundError:
            problems.error(path, 0, "config.no_strings", lang=lang)
            catalogues[lang] = {}
            unreadable.add(lang)
            continue
        except SourceError as error:
            problems.error(path, error.line, error.message)
            catalogues[lang] = {}
            unreadable.add(lang)
            continue
        if not isinstance(data.value, dict):
            problems.error(path, 1, "config.strings_shape")
            unreadable.add(lang)
            data = parse_yaml("{}")
        catalogues[lang] = {}
        for key, text in data.value.items():
            if not isinstance(text, str):
                problems.error(path, data.line(key), "config.string_not_text", key=key)
                continue
            catalogues[lang][str(key)] = text
        lines[lang] = {str(key): data.line(key) for key in data.value}
    every_key = set().union(*(set(c) for c in catalogues.values())) if catalogues else set()
    for lang in [code for code in languages if code not in unreadable]:
        for key in sorted(every_key - set(catalogues[lang])):
            problems.error(folder / f"{lang}.yaml", 0, "config.string_missing", key=key, lang=lang)
    return catalogues, lines


def _numbers(folder: Path, strings: dict[str, dict[str, str]], lines: dict[str, dict[str, int]],
             problems: Problems) -> dict[str, NumberSymbols]:
    """Each language's number symbols, from the locale its strings name; a locale Babel does not know is an error
    here, where the editor wrote it, not a failure while the pages are made."""
    from babel import UnknownLocaleError

    numbers: dict[str, NumberSymbols] = {}
    for lang, texts in strings.items():
        if "locale" not in texts:
            continue  # reported as a missing string
        try:
            numbers[lang] = number_symbols(texts["locale"])
        except (UnknownLocaleError, ValueError):
            problems.error(folder / f"{lang}.yaml", lines.get(lang, {}).get("locale", 0), "config.locale_unknown",
                           locale=texts["locale"])
    return numbers

