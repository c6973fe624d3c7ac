"""Today's date, from one place: whether a document is in force depends on it.

`ZONESITE_TODAY=YYYY-MM-DD` fixes it (tests, or a build that must describe another day)."""

from __future__ import annotations

import datetime as dt
import os

ENVIRONMENT = "ZONESITE_TODAY"


def today() -> dt.date:
    fixed = os.environ.get(ENVIRONMENT, "").strip()
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            raise SystemExit(f"{ENVIRONMENT}={fixed!r} is not a date like 2025-06-30") from None
    return dt.date.today()
