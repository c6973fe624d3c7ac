"""Small checks of YAML values against the shapes the site expects, reporting file and line."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ..messages import KeyPath, Message
from ..problems import Problems
from .text import YamlData

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Checker:
    """Wraps one YAML file: each method checks one value, records a problem and returns a usable default."""

    def __init__(self, path: Path, data: YamlData, problems: Problems):
        self.path, self.data, self.problems = path, data, problems
        self.missing: set[tuple] = set()  # reported once, by `mapping`

    def fail(self, key_path: tuple, ident: str, /, **params: Any) -> None:
        """An error at the line of key_path; the message may name the place as {field}."""
        self.problems.error(self.path, self.data.line(*key_path), ident, field=KeyPath(tuple(key_path)), **params)

    def _absent(self, key_path: tuple, required: bool) -> None:
        if required and key_path not in self.missing:
            self.fail(key_path, "value.required")

    def get(self, key_path: tuple) -> Any:
        value = self.data.value
        for part in key_path:
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return None
        return value

    def mapping(self, key_path: tuple, allowed: set[str], required: set[str]) -> dict:
        value = self.get(key_path) if key_path else self.data.value
        if not isinstance(value, dict):
            self.fail(key_path, "value.not_mapping")
            return {}
        for key in value:
            if key not in allowed:
                self.fail(key_path + (key,), "value.unknown_key", key=key, known=sorted(allowed))
        for key in sorted(required - set(value)):
            self.fail(key_path, "value.missing_key", key=key)
            self.missing.add(key_path + (key,))
        return value

    def text(self, key_path: tuple, required: bool = True) -> str | None:
        value = self.get(key_path)
        if value is None:
            self._absent(key_path, required)
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.fail(key_path, "value.not_text", value=_describe(value))
            return None
        return value.strip()

    def date(self, key_path: tuple, required: bool = True) -> dt.date | None:
        value = self.get(key_path)
        if value is None:
            self._absent(key_path, required)
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if not isinstance(value, dt.date):
            self.fail(key_path, "value.not_date", value=_describe(value))
            return None
        return value

    def choice(self, key_path: tuple, choices: dict | set, required: bool = True) -> str | None:
        value = self.text(key_path, required)
        if value is not None and value not in choices:
            self.fail(key_path, "value.unknown_choice", value=value, choices=sorted(choices))
            return None
        return value

    def choices(self, key_path: tuple, choices: dict | set, required: bool = True) -> tuple[str, ...]:
        value = self.get(key_path)
        if value is None:
            self._absent(key_path, required)
            return ()
        if not isinstance(value, list):
            self.fail(key_path, "value.not_list_like")
            return ()
        return tuple(v for i, v in enumerate(value) if self.choice(key_path + (i,), choices) is not None)

    def items(self, key_path: tuple) -> list:
        value = self.get(key_path)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key_path, "value.not_list")
            return []
        return value

    def labels(self, key_path: tuple, languages: tuple[str, ...], required: tuple[str, ...] | None = None) -> dict[str, str]:
        """A value with one text per language, like {nl: ..., fr: ...}; a language not required falls back to the first."""
        required = languages if required is None else required
        given = self.mapping(key_path, set(languages), set(required))
        texts = {lang: self.text(key_path + (lang,)) or "" for lang in languages if lang in given}
        return {lang: texts.get(lang) or texts.get(languages[0], "") for lang in languages}


def _describe(value: Any) -> Message | str:
    if isinstance(value, bool):
        return Message.of("describe.boolean", value=str(value).lower())
    if isinstance(value, (list, dict)):
        return Message.of("describe.list" if isinstance(value, list) else "describe.mapping")
    if isinstance(value, dt.date):
        return Message.of("describe.date", value=value.isoformat())
    return f"{value!r}"
