"""A progress bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys


class Progress:
    """A progress bar on a terminal, plain lines otherwise (logs stay readable)."""

    def __init__(self, total: int, label: str, enabled: bool, every: int = 1):
        self.total, self.label, self.enabled, self.count = total, label, enabled, 0
        self.tty = sys.stderr.isatty()
        self.every = every  # without a terminal, print one line per this many steps

    def step(self) -> None:
        self.count += 1
        if not self.enabled:
            return
        if self.tty:
            filled = int(30 * self.count / self.total)
            sys.stderr.write(f"\r{self.label} [{'#' * filled}{' ' * (30 - filled)}] {self.count}/{self.total}")
            sys.stderr.flush()
        elif self.count % self.every == 0 or self.count == self.total:
            print(f"{self.label} {self.count}/{self.total}", file=sys.stderr)

    def done(self) -> None:
        if self.enabled and self.tty:
            sys.stderr.write("\n")
