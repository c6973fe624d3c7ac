"""Shared fixtures: the project's real configuration, small sites made from a dict of files, the built real site."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from zonesite.config import load_config
from zonesite.pipeline import Pipeline
from zonesite.model import text_hash

from tests.browser import browser
from tests.webserver import nginx

PROJECT = Path(__file__).resolve().parent.parent

# Hypothesis keeps what it finds (examples, the constants of the code) in a folder of the working directory, the
# repository, unless given another before it starts: tests never write there.
_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="zonesite-hypothesis-")
set_hypothesis_home_dir(_HYPOTHESIS_HOME)
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)


ZONE_YAML = "name: {nl: Testzone, fr: Zone test}\n"
DOCUMENT = """\
---
title: Testdocument
type: opdrachtbrief
period: {start: 2021-01-01, end: 2025-12-31}
author: Test Auteur
status: vastgesteld
summary: Een document om te testen.
themes: [drugs]
objectives:
  - {id: doel-1, title: Drugs aanpakken, themes: [drugs], priority: P}
---
## Eerste hoofdstuk

Een zin in het eerste hoofdstuk.
"""



def translation_of(document: str) -> str:
    """A French translation of the test document, stamped with the hash of the given Dutch text."""
    return (document.replace("---\n", f"---\nsource_hash: {text_hash(document)}\n", 1)
            .replace("title: Testdocument", "title: Document de test")
            .replace("summary: Een document om te testen.", "summary: Un document pour tester.")
            .replace("Drugs aanpakken", "Lutter contre la drogue")
            .replace("## Eerste hoofdstuk\n\nEen zin in het eerste hoofdstuk.", "## Premier chapitre\n\nUne phrase du premier chapitre."))


TRANSLATION = translation_of(DOCUMENT)


@pytest.fixture
def make_site(tmp_path: Path):
    """A copy of the project's config, templates and assets with the given content files ({relative path: text})."""

    def make(files: dict[str, str | bytes] | None = None) -> Path:
        root = tmp_path / "project"
        root.mkdir(exist_ok=True)
        for name in ("site_config.yaml", "terms.yaml"):
            shutil.copy(PROJECT / name, root / name)
        for folder in ("templates", "assets", "locales"):
            if not (root / folder).exists():
                shutil.copytree(PROJECT / folder, root / folder)
        default = {"content/testzone/zone.yaml": ZONE_YAML, "content/testzone/test.nl.md": DOCUMENT,
                   "content/testzone/test.fr.md": TRANSLATION}
        for name, data in (default if files is None else files).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(textwrap.dedent(data) if data.startswith("\n") else data, encoding="utf-8")
        return root

    return make


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real content, built once for the whole test session."""
    folder = tmp_path_factory.mktemp("real")
    config = load_config(PROJECT / "site_config.yaml")
    Pipeline(config, PROJECT / "content", folder / "cache").build(folder / "_site")  # never the repository's cache
    return folder / "_site"


@pytest.fixture(scope="session")
def real_config():
    return load_config(PROJECT / "site_config.yaml")


@pytest.fixture(scope="module")
def site_url(real_site, tmp_path_factory):
    """The real site as it is served in production: Debian's nginx with the configuration the build generated."""
    with nginx(real_site, tmp_path_factory.mktemp("nginx")) as server:
        yield server.base


@pytest.fixture(scope="module")
def chromium():
    with browser() as instance:
        yield instance
