"""Issue 11, "is it current": publication date, last change and the history of each text, from the content's git
history — a throwaway repository in tmp_path; without git the pages say nothing about dates. Each change is told in
the page's language, in the editors' words (a trailer) or the site's, never by the commit's subject."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from zonesite.source.history import read_history
from tests.test_citizens import NEW, NEW_FR, OLD, build, cls, page, site
from tests.test_pipeline import run


def git(root: Path, *args: str, day: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Redactie", "GIT_AUTHOR_EMAIL": "redactie@test.example.be",
           "GIT_COMMITTER_NAME": "Redactie", "GIT_COMMITTER_EMAIL": "redactie@test.example.be"}
    if day:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T12:00:00+01:00"
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def logging_git(tmp_path: Path, monkeypatch) -> Path:
    """Every call of git during the builds is logged by a stand-in that runs the real one; returns the log."""
    calls, shim = tmp_path / "git-calls", tmp_path / "bin"
    shim.mkdir()
    (shim / "git").write_text(f'#!/bin/sh\necho "$*" >> {calls}\nexec {shutil.which("git")} "$@"\n', encoding="utf-8")
    (shim / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim}{os.pathsep}{os.environ['PATH']}")
    calls.touch()
    return calls


def published_text(out: Path) -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(out.rglob("*"))
                     if path.suffix in (".html", ".xml", ".json", ".csv", ".txt"))


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
    calls = logging_git(tmp_path, monkeypatch)

    out = build(root, "2024-06-01", monkeypatch)
    tree = page(out, "nl/testzone/nieuw")
    assert meta(tree, "Gepubliceerd op") == "10 januari 2024"
    assert meta(tree, "Laatst gewijzigd op") == "1 april 2024"
    assert history(tree) == ["1 april 2024: Nieuw webadres", "5 maart 2024: Tekst gewijzigd",
                             "10 januari 2024: Eerste publicatie"]
    data = json.loads(tree.xpath("//script[@type='application/ld+json']")[0].text)
    assert (data["datePublished"], data["dateModified"]) == ("2024-01-10", "2024-04-01")
    assert meta(page(out, "fr/testzone/nieuw"), "Publié le") == "10 janvier 2024"  # untranslated: the Dutch file's dates
    logs = [line for line in calls.read_text().split("\n") if " log " in f" {line} "]
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
    assert meta(tree, "Laatst gewijzigd op") == "2 juni 2024" and history(tree)[0] == "2 juni 2024: Tekst gewijzigd"
    # A file never committed has no dates at all.
    (root / "content/testzone/nieuwer.nl.md").write_text(NEW.replace("replaces: testzone/oud\n", ""), encoding="utf-8")
    tree = page(build(root, "2024-06-03", monkeypatch), "nl/testzone/nieuwer")
    assert meta(tree, "Gepubliceerd op") is None and history(tree) == []


def test_each_change_is_told_in_the_pages_language_never_by_its_subject(make_site, monkeypatch, tmp_path):
    if not shutil.which("git"):
        raise AssertionError("git is needed: the content's history comes from it")
    root = site(make_site, nieuw_nl=NEW.replace("replaces: testzone/oud\n", ""), nieuw_fr=NEW_FR)
    nl, fr = root / "content/testzone/nieuw.nl.md", root / "content/testzone/nieuw.fr.md"
    subjects = ["Initial import of test content", "Bump status and summary in front matter", "Fix typo in body",
                "Clarify drugs sentence in both languages", "Retitle French translation"]
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", subjects[0], day="2024-01-10")
    adopted = nl.read_text(encoding="utf-8").replace("status: voorgelegd", "status: vastgesteld").replace(
        "De nieuwe opdrachtbrief.", "De vastgestelde.")
    adopted_fr = NEW_FR.replace("status: voorgelegd", "status: vastgesteld").replace("La nouvelle", "L'adoptée")
    nl.write_text(adopted, encoding="utf-8")
    fr.write_text(adopted_fr, encoding="utf-8")
    git(root, "commit", "-qam", subjects[1], day="2024-02-01")
    nl.write_text(adopted.replace("De drugsaanpak.", "De aanpak van drugs."), encoding="utf-8")
    git(root, "commit", "-qam", subjects[2], day="2024-03-01")
    nl.write_text(adopted.replace("De drugsaanpak.", "De aanpak van drugs, duidelijker."), encoding="utf-8")
    fr.write_text(adopted_fr.replace("La lutte contre la drogue.", "La lutte contre la drogue, plus claire."), encoding="utf-8")
    git(root, "commit", "-qam", subjects[3], "-m", "Wijziging: De zin over drugs is verduidelijkt.\n"
        "Modification: La phrase sur la drogue a été clarifiée.", day="2024-04-01")
    fr.write_text(fr.read_text(encoding="utf-8").replace("Lettre de mission 2021-2025", "Lettre de mission"), encoding="utf-8")
    git(root, "commit", "-qam", subjects[4], "-m", "Wijziging: Alleen voor de Nederlandse lezer.", day="2024-05-01")
    calls = logging_git(tmp_path, monkeypatch)

    out = build(root, "2024-06-01", monkeypatch)
    assert history(page(out, "nl/testzone/nieuw")) == [
        "1 april 2024: De zin over drugs is verduidelijkt.",  # the editors' words, in Dutch
        "1 maart 2024: Tekst gewijzigd",  # only the body changed
        "1 februari 2024: Gegevens gewijzigd: status, samenvatting",  # only the front matter, named as the page does
        "10 januari 2024: Eerste publicatie"]
    assert history(page(out, "fr/testzone/nieuw")) == [
        "1er mai 2024 : Données modifiées : titre",  # a Dutch note only: the French page says what changed itself
        "1er avril 2024 : La phrase sur la drogue a été clarifiée.",
        "1er février 2024 : Données modifiées : statut, résumé",
        "10 janvier 2024 : Première publication"]
    published = published_text(out)
    assert not [subject for subject in subjects if subject in published]
    assert "Alleen voor de Nederlandse lezer" not in published
    reads = [line for line in calls.read_text().split("\n") if "cat-file" in line]
    assert len(reads) == 1, f"both versions of every changed file in one read: {reads}"

    # Commits never change: the second build finds what changed in the cache and asks git nothing more.
    calls.write_text("")
    (out / "nl/testzone/nieuw/index.html").unlink()  # so the build does not stop at "nothing changed"
    out = build(root, "2024-06-01", monkeypatch)
    assert history(page(out, "nl/testzone/nieuw"))[2] == "1 februari 2024: Gegevens gewijzigd: status, samenvatting"
    calls = [line for line in calls.read_text().split("\n") if line]  # not splitlines: the log's format has \x1e in it
    assert len(calls) == 2 and " log " in calls[0] and " diff " in calls[1], f"only the log and the diff: {calls}"


def test_a_trailer_name_that_git_cannot_use_is_an_error_at_its_line(make_site):
    root = site(make_site, nieuw_nl=NEW)
    config = root / "site_config.yaml"
    text = config.read_text(encoding="utf-8").replace("{nl: Wijziging,", "{nl: Mijn wijziging,")
    config.write_text(text, encoding="utf-8")
    line = next(number for number, content in enumerate(text.splitlines(), 1) if "Mijn wijziging" in content)
    result = run(root, "check")
    assert result.returncode == 2, result.stderr
    assert f"site_config.yaml:{line}: 'history.trailers.nl' must be one word" in result.stderr and "Traceback" not in result.stderr


def test_a_content_folder_in_no_repository_starts_no_git(tmp_path, monkeypatch):
    """The preview reads the history on every save: outside a repository it must not pay for starting git."""
    calls = logging_git(tmp_path, monkeypatch)
    content = tmp_path / "site" / "content"
    content.mkdir(parents=True)
    assert read_history(content) == {}
    assert calls.read_text(encoding="utf-8") == ""
    git(tmp_path / "site", "init", "-q")  # in a repository now: git is asked, and an empty history is still empty
    assert read_history(content) == {}
    assert "log" in calls.read_text(encoding="utf-8")
