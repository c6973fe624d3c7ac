"""Issue 11, "is it current": publication date, last change and the history of each text, from the content's git
history — a throwaway repository in tmp_path; without git the pages say nothing about dates."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.test_citizens import NEW, OLD, build, cls, page, site


def git(root: Path, *args: str, day: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Redactie", "GIT_AUTHOR_EMAIL": "redactie@test.example.be",
           "GIT_COMMITTER_NAME": "Redactie", "GIT_COMMITTER_EMAIL": "redactie@test.example.be"}
    if day:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T12:00:00+01:00"
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def meta(tree, label: str) -> str | None:
    found = tree.xpath(f"//dl[{cls('doc-meta')}]//dt[.='{label}']/following-sibling::dd[1]")
    return " ".join(found[0].text_content().split()) if found else None


def history(tree) -> list[str]:
    return [" ".join(li.text_content().split()) for li in tree.xpath(f"//*[{cls('doc-history')}]//li")]


def test_without_git_the_pages_say_nothing_about_dates(make_site, monkeypatch):
    out = build(site(make_site, oud_nl=OLD, nieuw_nl=NEW), "2023-06-01", monkeypatch)
    tree = page(out, "nl/testzone/nieuw")
    assert meta(tree, "Gepubliceerd op") is None and meta(tree, "Laatst gewijzigd op") is None and history(tree) == []
    assert "datePublished" not in json.loads(tree.xpath("//script[@type='application/ld+json']")[0].text)


def test_dates_and_history_follow_the_file_through_renames_and_uncommitted_changes(make_site, monkeypatch, tmp_path):
    if not shutil.which("git"):
        raise AssertionError("git is needed: the content's history comes from it")
    root = site(make_site, oud_nl=OLD, voorlopig_nl=NEW)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Eerste versie van de opdrachtbrief", day="2024-01-10")
    document = root / "content/testzone/voorlopig.nl.md"
    document.write_text(NEW.replace("De drugsaanpak.", "De aanpak van drugs."), encoding="utf-8")
    git(root, "commit", "-qam", "Zin over drugs verbeterd", day="2024-03-05")
    git(root, "mv", "content/testzone/voorlopig.nl.md", "content/testzone/nieuw.nl.md")
    git(root, "commit", "-qm", "Document hernoemd", day="2024-04-01")
    # Every call of git during the builds is logged by a stand-in that runs the real one.
    calls, shim = tmp_path / "git-calls", tmp_path / "bin"
    shim.mkdir()
    (shim / "git").write_text(f'#!/bin/sh\necho "$*" >> {calls}\nexec {shutil.which("git")} "$@"\n', encoding="utf-8")
    (shim / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim}{os.pathsep}{os.environ['PATH']}")

    out = build(root, "2024-06-01", monkeypatch)
    tree = page(out, "nl/testzone/nieuw")
    assert meta(tree, "Gepubliceerd op") == "10 januari 2024"
    assert meta(tree, "Laatst gewijzigd op") == "1 april 2024"
    assert history(tree) == ["1 april 2024: Document hernoemd", "5 maart 2024: Zin over drugs verbeterd",
                             "10 januari 2024: Eerste versie van de opdrachtbrief"]
    data = json.loads(tree.xpath("//script[@type='application/ld+json']")[0].text)
    assert (data["datePublished"], data["dateModified"]) == ("2024-01-10", "2024-04-01")
    assert meta(page(out, "fr/testzone/nieuw"), "Publié le") == "10 janvier 2024"  # untranslated: the Dutch file's dates
    logs = [line for line in calls.read_text().splitlines() if " log " in f" {line} "]
    assert len(logs) == 1, f"one git log per build, not one per file: {logs}"

    # A change not committed yet has no date: the history stays, "last changed" is not claimed.
    document = root / "content/testzone/nieuw.nl.md"
    document.write_text(NEW.replace("De drugsaanpak.", "De aanpak van drugs, herzien."), encoding="utf-8")
    tree = page(build(root, "2024-06-01", monkeypatch), "nl/testzone/nieuw")
    assert meta(tree, "Gepubliceerd op") == "10 januari 2024" and meta(tree, "Laatst gewijzigd op") is None
    assert len(history(tree)) == 3

    # Committing changes no file, only the history: the page follows.
    git(root, "commit", "-qam", "Herziene zin", day="2024-06-02")
    tree = page(build(root, "2024-06-01", monkeypatch), "nl/testzone/nieuw")  # the same day: only the history changed
    assert meta(tree, "Laatst gewijzigd op") == "2 juni 2024" and history(tree)[0] == "2 juni 2024: Herziene zin"
    # A file never committed has no dates at all.
    (root / "content/testzone/nieuwer.nl.md").write_text(NEW.replace("replaces: testzone/oud\n", ""), encoding="utf-8")
    tree = page(build(root, "2024-06-03", monkeypatch), "nl/testzone/nieuwer")
    assert meta(tree, "Gepubliceerd op") is None and history(tree) == []
