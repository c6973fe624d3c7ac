#!/usr/bin/env python3
"""Build, check and preview the site: see `python build.py --help`."""

import sys

from zonesite.cli import main

if __name__ == "__main__":
    sys.exit(main())
