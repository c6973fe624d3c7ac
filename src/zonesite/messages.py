"""The tool's own messages in the editor's language: catalogues of texts keyed by message id, named placeholders.

Code refers to a message by its id and gives the values; the text is chosen only when it is shown (the command
line, the preview's overlay), so what is cached stays the same whatever language the editor reads.
"""

from __future__ import annotations

import hashlib
import string
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from .engine.cache import Cache

CATALOGUES = Path(__file__).parent / "catalogues"
LANGUAGES = ("nl", "fr", "en")
DEFAULT = "nl"
KIND = "messages"  # the cache's folder of parsed catalogues

_kept: list[Cache] = []  # where catalogues are kept parsed: the cache of the site being built, once it is known


def keep_in(folder: Path | None) -> None:
    """Keep the catalogues parsed in the cache `folder`, each under the digest of its bytes: a build with nothing to
    do spent a sixth of its time importing PyYAML and parsing one, and needs no other YAML. None: kept nowhere."""
    _kept[:] = [Cache(folder)] if folder is not None else []
    catalogue.cache_clear()


@cache
def catalogue(lang: str) -> dict[str, str]:
    """One language's messages; the files are part of the tool, so a broken one is a bug, not an editor's mistake.
    Read with LibYAML when present: every command reads one, and the pure-Python parser takes a noticeable moment."""
    data = (CATALOGUES / f"{lang}.yaml").read_bytes()
    key = f"{lang}-{hashlib.sha256(data).hexdigest()}"
    known = _kept[0].get_object(KIND, key) if _kept else None
    if known is not None:
        return known
    import yaml

    parsed = yaml.load(data.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if _kept:
        try:
            _kept[0].put_object(KIND, key, parsed)
            for name in _kept[0].names(KIND):  # this language's older versions; the other languages' stay
                if name.startswith(f"{lang}-") and name != f"{key}.pickle":
                    _kept[0].drop_object(KIND, name.removesuffix(".pickle"))
        except OSError:
            pass  # a cache that cannot be written: parsed again next time
    return parsed


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def say(lang: str, ident: str, /, **params: Any) -> str:
    """The message `ident` in `lang`, its placeholders filled with the values rendered in that language too."""
    return catalogue(lang)[ident].format_map({key: shown(lang, value) for key, value in params.items()})


def shown(lang: str, value: Any) -> str:
    if isinstance(value, (Message, KeyPath)):
        return value.render(lang)
    if isinstance(value, (list, tuple)):
        return ", ".join(shown(lang, item) for item in value)
    return str(value)


class Message(NamedTuple):
    """A message id with its values, rendered when shown."""

    id: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, ident: str, /, **params: Any) -> Message:
        return cls(ident, tuple(sorted(params.items())))

    def render(self, lang: str) -> str:
        return say(lang, self.id, **dict(self.params))

    def __str__(self) -> str:
        return self.render("en")


class KeyPath(NamedTuple):
    """Where a value is in a YAML file, like ("objectives", 1, "themes", 2), named for a reader and counted from 1:
    "het derde thema van doelstelling 2" rather than 'objectives.1.themes.2'."""

    parts: tuple

    def render(self, lang: str) -> str:
        text = catalogue(lang)
        segments: list[tuple[str, int]] = []  # (list name, number from 1) or (key names, 0)
        keys: list[str] = []
        for part in self.parts:
            if isinstance(part, int):
                name = keys.pop() if keys else "item"
                segments.append((name, part + 1))
                keys = []
            else:
                keys.append(str(part))
        if keys:
            segments.append((".".join(keys), 0))
        phrase = ""
        for name, number in reversed(segments):
            if not phrase:
                phrase = (text["path.key"].format(key=name) if not number else
                          text.get(f"item.{name}", text["item.item"]).format(ordinal=_ordinal(lang, number), number=number))
            else:
                phrase = text["path.of"].format(head=phrase, whole=text.get(f"of.{name}", text["of.item"]).format(number=number))
        return phrase or text["path.whole"]


def _ordinal(lang: str, number: int) -> str:
    words = catalogue(lang)["ordinals"].split()
    return words[number - 1] if number <= len(words) else catalogue(lang)["ordinal.more"].format(number=number)

