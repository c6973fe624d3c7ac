"""Problems found in content or configuration, each pointing at a file and line."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

ERROR, WARNING, NOTE = "error", "warning", "note"


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int  # 1-based; 0 when the problem concerns the whole file
    message: str
    severity: str = ERROR  # an error stops the build; a warning is published as it is; a note is an acknowledged warning
    code: str = ""  # for warnings an editor can acknowledge: the kind of finding, e.g. "table-total"

    def __str__(self) -> str:
        where = f"{_shown(self.path)}:{self.line}" if self.line else f"{_shown(self.path)}"
        prefix = "" if self.severity == ERROR else f"{self.severity}: "
        return f"{where}: {prefix}{self.message}"

    def acknowledged(self, note_line: int) -> Problem:
        return replace(self, severity=NOTE, message=f"{self.message}; acknowledged by the editor's note on line {note_line}")


def _shown(path: Path) -> Path:
    """Paths relative to the working folder when inside it: shorter, and what an editor types."""
    try:
        return path.absolute().relative_to(Path.cwd())
    except ValueError:
        return path


@dataclass
class Problems:
    """Collects every problem before stopping, so an editor sees all of them at once."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: Path, line: int, message: str) -> None:
        self.items.append(Problem(path, line, message, ERROR))

    def warning(self, path: Path, line: int, message: str, code: str = "") -> None:
        self.items.append(Problem(path, line, message, WARNING, code))

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


class ContentError(Exception):
    """Raised when problems stop a command; carries all of them."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
