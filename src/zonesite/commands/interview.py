"""The questions of `new`: every field in turn, valid choices by number, each answer checked at once and asked again."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from ..config import Config
from ..messages import Message, say
from .new import DocumentFields, ScaffoldError


class Interview:
    """Asks on a terminal in the editor's language; `ask` and `tell` are input and print, replaceable in tests."""

    def __init__(self, lang: str, ask: Callable[[str], str] = input, tell: Callable[[str], None] = print):
        self.lang, self._ask, self.tell = lang, ask, tell

    def _answer(self, question: str) -> str:
        try:
            return self._ask(question).strip()
        except EOFError:
            raise ScaffoldError("new.no_answer") from None

    def text(self, field: str, required: bool = True) -> str:
        while True:
            answer = self._answer(say(self.lang, "ask.text" if required else "ask.text_optional",
                                      field=Message.of(f"field.{field}")))
            if answer or not required:
                return answer
            self.tell(say(self.lang, "ask.required"))

    def choice(self, field: str, options: dict[str, str], default: str | None = None) -> str:
        """One of options ({key: label}), by number or by key; Enter keeps the default when there is one."""
        keys = list(options)
        self._list(options)
        while True:
            question = "ask.choice_default" if default else "ask.choice"
            answer = self._answer(say(self.lang, question, field=Message.of(f"field.{field}"), default=default or ""))
            if not answer and default:
                return default
            picked = _pick(answer, keys)
            if picked:
                return picked
            self.tell(say(self.lang, "ask.bad_choice", answer=answer, count=len(keys)))

    def choices(self, field: str, options: dict[str, str]) -> tuple[str, ...]:
        """One or more of options, numbers or keys separated by spaces or commas."""
        keys = list(options)
        self._list(options)
        while True:
            answer = self._answer(say(self.lang, "ask.choices", field=Message.of(f"field.{field}")))
            picked = [_pick(part, keys) for part in re.split(r"[\s,]+", answer) if part]
            if picked and all(picked):
                return tuple(dict.fromkeys(picked))
            self.tell(say(self.lang, "ask.bad_choices", count=len(keys)))

    def date(self, field: str, after: dt.date | None = None) -> dt.date | None:
        """A date written YYYY-MM-DD, or nothing; not before `after` when given."""
        while True:
            answer = self._answer(say(self.lang, "ask.date", field=Message.of(f"field.{field}")))
            if not answer:
                return None
            try:
                value = dt.date.fromisoformat(answer)
            except ValueError:
                self.tell(say(self.lang, "ask.bad_date", answer=answer))
                continue
            if after and value < after:
                self.tell(say(self.lang, "ask.date_before", answer=answer, after=after.isoformat()))
                continue
            return value

    def _list(self, options: dict[str, str]) -> None:
        for number, (key, label) in enumerate(options.items(), 1):
            self.tell(f"  {number:>2}. {label}" + (f" ({key})" if label != key else ""))


def _pick(answer: str, keys: list[str]) -> str | None:
    if answer.isdigit() and 1 <= int(answer) <= len(keys):
        return keys[int(answer) - 1]
    return answer if answer in keys else None


def document_fields(config: Config, content_dir: Path, given: DocumentFields, interview: Interview | None) -> DocumentFields:
    """What the options gave, the rest asked: every field on a terminal; without one, the options must name
    at least the zone, the type and the title, and the rest becomes placeholders."""
    if interview is None:
        for field in ("zone", "doc_type", "title"):
            if not getattr(given, field):
                raise ScaffoldError("new.missing", field=Message.of(f"field.{field}"))
        return given
    lang = config.default_language
    zones = {p.name: p.name for p in sorted(content_dir.iterdir()) if (p / "zone.yaml").is_file()} if content_dir.is_dir() else {}
    if not zones:
        raise ScaffoldError("new.no_zones", folder=str(content_dir))
    fields = DocumentFields(
        zone=given.zone or interview.choice("zone", zones),
        doc_type=given.doc_type or interview.choice("doc_type", {k: v[lang] for k, v in config.document_types.items()}),
        title=given.title or interview.text("title"),
    )
    fields.start = given.start or interview.date("start")
    fields.end = given.end or (interview.date("end", after=fields.start) if fields.start else None)
    while fields.start and not fields.end:
        interview.tell(say(interview.lang, "ask.end_needed"))
        fields.end = interview.date("end", after=fields.start)
    fields.date = interview.date("date")
    fields.author = interview.text("author")
    draft = config.draft_statuses[0] if config.draft_statuses else None
    fields.status = interview.choice("status", {k: v[lang] for k, v in config.statuses.items()}, default=draft)
    fields.summary = interview.text("summary")
    fields.themes = interview.choices("themes", {k: v[lang] for k, v in config.themes.items()})
    fields.slug = given.slug
    return fields
