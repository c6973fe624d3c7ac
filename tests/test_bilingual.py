"""Languages: equivalent pages, reciprocal hreflang, no untranslated interface, stale translations, a third language."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import lxml.html
import yaml

from tests.test_cli_errors import run
from tests.test_site import html_pages

PROJECT = Path(__file__).resolve().parent.parent


def alternates(path: Path) -> dict[str, str]:
    tree = lxml.html.fromstring(path.read_bytes())
    return {link.get("hreflang"): link.get("href") for link in tree.xpath("//head/link[@rel='alternate'][@hreflang]")}


def page_text(path: Path) -> str:
    return lxml.html.fromstring(path.read_bytes()).text_content()


def local_path(site: Path, base_url: str, url: str) -> Path:
    assert url.startswith(base_url), url
    path = site / url[len(base_url):]
    return path / "index.html" if url.endswith("/") else path


def test_every_page_has_its_equivalent_and_hreflang_is_reciprocal(real_site, real_config):
    checked = 0
    for path in html_pages(real_site):
        relative = path.relative_to(real_site)
        if relative.parts[0] not in real_config.languages or path.name == "404.html":
            continue
        links = alternates(path)
        assert set(real_config.languages) <= set(links), relative
        tree = lxml.html.fromstring(path.read_bytes())
        assert tree.get("lang") == relative.parts[0], f"<html lang> of {relative}"
        for lang in real_config.languages:
            other = local_path(real_site, real_config.base_url, links[lang])
            assert other.is_file(), f"{relative} -> {links[lang]}"
            assert alternates(other)[relative.parts[0]] == links[relative.parts[0]], f"{other} does not link back"
        checked += 1
    assert checked >= 20


def test_language_switch_goes_to_the_same_page(real_site):
    tree = lxml.html.fromstring((real_site / "nl/gent/opdrachtbrief-2021-2025/index.html").read_bytes())
    switch = tree.xpath("//nav[contains(@class, 'languages')]//a[@hreflang='fr']")[0]
    assert switch.get("href") == "../../../fr/gent/opdrachtbrief-2021-2025/"


def test_french_pages_show_no_dutch_interface_string(real_site, real_config):
    dutch = real_config.strings["nl"]
    french = real_config.strings["fr"]
    # Interface strings that differ between the languages and are long enough to be unambiguous.
    telltales = {text for key, text in dutch.items() if text != french[key] and len(text) > 5 and "\n" not in text and "{" not in text}
    for path in (real_site / "fr").rglob("index.html"):
        tree = lxml.html.fromstring(path.read_bytes())
        for document_text in tree.xpath("//*[@lang='nl']"):
            document_text.drop_tree()  # the Dutch text of an untranslated document, shown on purpose
        text = tree.text_content()
        found = [s for s in telltales if s in text]
        assert not found, f"{path.relative_to(real_site)}: {found}"


def test_french_document_is_marked_as_translation(real_site):
    tree = lxml.html.fromstring((real_site / "fr/gent/opdrachtbrief-2021-2025/index.html").read_bytes())
    notice = tree.find_class("notice")[0].text_content()
    assert "Seul le texte néerlandais fait foi" in notice


def test_missing_translation_falls_back_to_dutch_with_a_notice(make_site):
    root = make_site()
    (root / "content/testzone/test.fr.md").unlink()
    assert run(root, "build", "--no-pdf").returncode == 0
    tree = lxml.html.fromstring((root / "_site/fr/testzone/test/index.html").read_bytes())
    assert tree.get("lang") == "fr"
    assert "pas encore été traduit" in tree.find_class("notice")[0].text_content()
    article = tree.xpath("//article")[0]
    assert article.get("lang") == "nl" and "Een zin in het eerste hoofdstuk." in article.text_content()


def test_outdated_translation_is_detected_and_stamp_clears_it(make_site):
    root = make_site()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qam", "x", "--allow-empty"], cwd=root)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "content"], cwd=root, check=True)
    result = run(root, "translations")
    assert result.returncode == 0 and re.search(r"testzone/test\s+fr\s+up to date", result.stdout)

    source = root / "content/testzone/test.nl.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Een zin", "Een gewijzigde zin"), encoding="utf-8")
    result = run(root, "translations")
    assert result.returncode == 1 and re.search(r"testzone/test\s+fr\s+outdated", result.stdout)
    assert "+Een gewijzigde zin in het eerste hoofdstuk." in result.stdout  # what changed, from git history
    assert "outdated" in run(root, "check").stderr
    run(root, "build", "--no-pdf")
    assert "n'est peut-être plus à jour" in page_text(root / "_site/fr/testzone/test/index.html")

    stamped = run(root, "translations", "--stamp", str(root / "content/testzone/test.fr.md"))
    assert stamped.returncode == 0, stamped.stderr
    assert re.search(r"testzone/test\s+fr\s+up to date", run(root, "translations").stdout)
    run(root, "build", "--no-pdf")
    assert "n'est peut-être plus à jour" not in page_text(root / "_site/fr/testzone/test/index.html")


def test_a_third_language_needs_only_configuration(make_site):
    root = make_site()
    config = yaml.safe_load((root / "site_config.yaml").read_text(encoding="utf-8"))
    config["languages"].append("en")

    def add_english(labels):
        if isinstance(labels, dict) and "nl" in labels:
            labels["en"] = f"{labels['nl']} (en)"
        elif isinstance(labels, dict):
            for value in labels.values():
                add_english(value)

    add_english(config)
    config["history"]["trailers"]["en"] = "Change"  # a git trailer's name is one word
    (root / "site_config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    english = yaml.safe_load((root / "locales/nl.yaml").read_text(encoding="utf-8"))
    english.update(language_name="English", locale="en_GB")
    (root / "locales/en.yaml").write_text(yaml.safe_dump(english, allow_unicode=True), encoding="utf-8")
    result = run(root, "build", "--no-pdf")
    assert result.returncode == 0, result.stderr
    page = root / "_site/en/testzone/test/index.html"
    assert page.is_file()
    assert set(alternates(page)) >= {"nl", "fr", "en"}
    assert lxml.html.fromstring(page.read_bytes()).get("lang") == "en"
    assert "/en/" in (root / "_site/sitemap.xml").read_text(encoding="utf-8")


def test_missing_interface_string_is_a_check_error(make_site):
    root = make_site()
    catalogue = root / "locales/fr.yaml"
    catalogue.write_text(re.sub(r"(?m)^nav_themes:.*\n", "", catalogue.read_text(encoding="utf-8")), encoding="utf-8")
    result = run(root, "check")
    assert result.returncode == 2
    assert "fr.yaml: interface string 'nav_themes' is missing in 'fr'" in result.stderr
