"""What keeps a cold build's memory small: the build's own process renders beside its forked workers, taking its
share of one list."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zonesite.engine import writer
from zonesite.engine.writer import Output, write_site

FILES = 3 * writer.PARALLEL_FROM  # enough to be made in parallel


def logged_output(path: str, log: Path) -> Output:
    """An output that appends its path to `log` each time it is made, and says which process made it."""

    def make() -> str:
        with open(log, "a", encoding="utf-8") as stream:  # one short append per line: lines never mix
            stream.write(path + "\n")
        return f"{path} {os.getpid()}\n"

    return Output(path, key=path, make=make)


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.setattr(writer.os, "cpu_count", lambda: 2)


def test_every_file_is_made_once_by_the_build_and_its_worker(tmp_path, two_cores):
    log = tmp_path / "made.log"
    paths = [f"pages/{number:04d}.html" for number in range(FILES)]
    written = write_site(tmp_path / "site", [logged_output(path, log) for path in paths], [])
    assert sorted(written.made) == paths
    assert sorted(log.read_text(encoding="utf-8").splitlines()) == paths  # none made twice, none left out
    makers = {(tmp_path / "site" / path).read_text(encoding="utf-8").split()[1] for path in paths}
    assert str(os.getpid()) in makers, "the build's own process made none of the files"
    assert len(makers) == 2, f"made by {len(makers)} processes on two cores"


def test_an_error_in_a_worker_stops_the_build_and_keeps_the_previous_site(tmp_path, two_cores):
    site = tmp_path / "site"
    write_site(site, [Output("index.html", "old", make=lambda: "old site")], [])
    parent = os.getpid()

    def fails_in_a_worker() -> str:
        if os.getpid() != parent:
            raise RuntimeError("broken template")
        return "made here"

    outputs = [Output(f"pages/{number:04d}.html", str(number), make=fails_in_a_worker) for number in range(FILES)]
    with pytest.raises(RuntimeError, match="broken template"):
        write_site(site, outputs, [])
    assert sorted(p.name for p in site.iterdir()) == [".zonesite-manifest.json", "index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "old site"
