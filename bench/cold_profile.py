"""The profile of a cold build of the benchmark corpus, in one process so the profiler sees every step.

    python bench/cold_profile.py bench/work/corpus-180/zonesite      # prints the top lines, cumulative time

Worker processes are what make a build fast, but a profiler sees only its own process: here the build runs with
one core, so the same work shows in one profile (its total is the CPU time a build spends, not its wall time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def profile(project: Path, lines: int) -> str:
    sys.path.insert(0, str(PROJECT / "src"))
    os.cpu_count = lambda: 1  # every step in this process, where the profiler sees it
    from zonesite import cli

    with tempfile.TemporaryDirectory() as work:
        arguments = ["build", "--no-pdf", "--no-search", "-q", "--config", str(project / "site_config.yaml"),
                     "--out", f"{work}/site", "--cache", f"{work}/cache"]
        profiler = cProfile.Profile()
        stderr, sys.stderr = sys.stderr, io.StringIO()  # the corpus's warnings
        try:
            profiler.runcall(cli.main, arguments)
        finally:
            sys.stderr = stderr
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).strip_dirs().sort_stats("cumulative").print_stats(lines)
    return text.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", type=Path, help="a project folder: site_config.yaml, content/, templates/")
    parser.add_argument("--lines", type=int, default=30)
    args = parser.parse_args()
    print(profile(args.project.resolve(), args.lines))


if __name__ == "__main__":
    main()
