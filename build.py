#!/usr/bin/env python3
"""Build, check and preview the site: see `python build.py --help`."""

from zonesite.cli import run

if __name__ == "__main__":
    run()
