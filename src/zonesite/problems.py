"""Problems found in content or configuration, each pointing at a file and line, each a message id with its values."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from .messages import Message, say

ERROR, WARNING, NOTE = "error", "warning", "note"


class Problem(NamedTuple):
    path: Path
    line: int  # 1-based; 0 when the problem concerns the whole file
    message: Message  # rendered in the editor's language only when shown
    severity: str = ERROR  # an error stops the build; a warning is published as it is; a note is an acknowledged warning
    code: str = ""  # for warnings an editor can acknowledge: the kind of finding, e.g. "table-total"

    def render(self, lang: str, worded: dict[Message, str] | None = None, folder: str | None = None) -> str:
        """`worded`: the messages already put into words in `lang`, added to; a build's thousands of warnings are a
        few messages (a term not used, in file after file), and wording each of them again cost half of printing.
        `folder`: the working folder, when the caller asked for it once for all the problems it prints."""
        shown = _relative(str(self.path), folder or os.getcwd())
        where = f"{shown}:{self.line}" if self.line else shown
        prefix = "" if self.severity == ERROR else _severity(lang, self.severity)
        return f"{where}: {prefix}{self._words(lang, worded)}"

    def _words(self, lang: str, worded: dict[Message, str] | None) -> str:
        message = self.message
        if worded is None:
            return message.render(lang)
        try:
            text = worded.get(message)
        except TypeError:  # a value of the message is a list, which cannot be a key: worded each time
            return message.render(lang)
        if text is None:
            text = worded[message] = message.render(lang)
        return text

    def __str__(self) -> str:
        return self.render("en")

    def acknowledged(self, note_line: int) -> Problem:
        return self._replace(severity=NOTE, message=Message.of("note.acknowledged", finding=self.message, line=note_line))


def problem(path: Path, line: int, ident: str, /, **params: Any) -> Problem:
    """An error, for code that raises at once rather than collecting."""
    return Problem(path, line, Message.of(ident, **params))


@lru_cache(maxsize=None)
def _severity(lang: str, severity: str) -> str:
    """"warning: " in the editor's language: said once, not for each of thousands of warnings."""
    return say(lang, f"severity.{severity}")


# A build with nothing changed reads back and prints thousands of warnings, many of a few files: pathlib would cost
# more than the rest of that build, so each file's shown name is made once, by plain strings.
@lru_cache(maxsize=4096)
def _relative(path: str, working_folder: str) -> str:
    """Paths relative to the working folder when inside it: shorter, and what an editor types."""
    folder = os.path.join(working_folder, "")
    absolute = path if os.path.isabs(path) else folder + path
    return absolute[len(folder):] if absolute.startswith(folder) else path


@dataclass
class Problems:
    """Collects every problem before stopping, so an editor sees all of them at once."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: Path, line: int, ident: str | Message, /, **params: Any) -> None:
        self.items.append(Problem(path, line, _message(ident, params), ERROR))

    def warning(self, path: Path, line: int, ident: str | Message, /, code: str = "", **params: Any) -> None:
        self.items.append(Problem(path, line, _message(ident, params), WARNING, code))

    def extend(self, other: Problems | list[Problem]) -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    def of(self, severity: str) -> list[Problem]:
        return [p for p in self.items if p.severity == severity]

    @property
    def errors(self) -> list[Problem]:
        return self.of(ERROR)

    @property
    def warnings(self) -> list[Problem]:
        return self.of(WARNING)

    @property
    def notes(self) -> list[Problem]:
        return self.of(NOTE)


def compact(items: list[Problem]) -> list[Problem]:
    """The same problems, equal messages made one object: a build's thousands of warnings are a few messages, and the
    problems a build keeps for the next are pickled and read back with each message once instead of once per problem
    (1,320 warnings of 5 messages: a third of the time to write them, and to read them)."""
    shared: dict[Message, Message] = {}
    result = []
    for item in items:
        try:
            message = shared.setdefault(item.message, item.message)
        except TypeError:  # a value of the message is a list, which cannot be a key: kept as it is
            result.append(item)
            continue
        result.append(item if message is item.message else Problem(item.path, item.line, message, item.severity, item.code))
    return result


def _message(ident: str | Message, params: dict) -> Message:
    return ident if isinstance(ident, Message) else Message.of(ident, **params)


class ContentError(Exception):
    """Raised when problems stop a command; carries all of them."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class ToolError(Exception):
    """A command that cannot do what was asked (a file that exists, a folder that is not a site): one message."""

    def __init__(self, ident: str, /, **params: Any):
        self.message = Message.of(ident, **params)
        super().__init__(str(self.message))
