"""Problems found in content or configuration, each pointing at a file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int  # 1-based; 0 when the problem concerns the whole file
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"{_shown(self.path)}:{self.line}" if self.line else f"{_shown(self.path)}"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


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
        self.items.append(Problem(path, line, message, "error"))

    def warning(self, path: Path, line: int, message: str) -> None:
        self.items.append(Problem(path, line, message, "warning"))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]


class ContentError(Exception):
    """Raised when problems stop a command; carries all of them."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
