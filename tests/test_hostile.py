"""Hostile and broken content: no script ever runs, errors are clear, the site is never lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import lxml.html
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.browser import browser, serve
from tests.conftest import DOCUMENT, ZONE_YAML, translation_of
from tests.test_cli_errors import run
from zonesite.config import load_config
from zonesite.engine.cache import Cache
from zonesite.source.reader import read_site
from zonesite.source.markdown import render_markdown
from zonesite.engine.stage import Stage

PROJECT = Path(__file__).resolve().parent.parent

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](&#106;avascript:alert(1))",
    "[klik](javascript&colon;alert(1))",
    "[klik]( javascript:alert(1) )",
    "[klik](vbscript:msgbox(1))",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![beeld](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<a href=\"javascript:alert(1)\">klik</a>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "{{ 7 * 191 }} {% raw %}",
    "</script><script>alert(1)</script>",
    "<!-- --><script>alert(1)</script>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]

ALLOWED_SCRIPTS = ("assets/", "pagefind/")
LINKS = [payload for payload in PAYLOADS if "](" in payload or "]: " in payload or payload.startswith("<javascript")]


def hostile_site(make_site, payload: str) -> Path:
    quoted = yaml.safe_dump(payload, allow_unicode=True, width=10_000).strip().removesuffix("...").strip()
    document = (DOCUMENT.replace("title: Testdocument", f"title: {quoted}")
                .replace("summary: Een document om te testen.", f"summary: {quoted}")
                .replace("author: Test Auteur", f"author: {quoted}")
                .replace("title: Drugs aanpakken", f"title: {quoted}")
                + f"\n{payload}\n\n- {payload}\n\n| a | b |\n|---|---|\n| {payload.replace('|', '/').replace(chr(10), ' ')} | x |\n")
    website = yaml.safe_dump("https://example.be/?" + payload, allow_unicode=True, width=10_000).strip().removesuffix("...").strip()
    zone = f"name: {{nl: {quoted}, fr: {quoted}}}\naddress: [{quoted}]\nwebsite: {website}\n"
    return make_site({"content/testzone/zone.yaml": zone, "content/testzone/test.nl.md": document,
                      "content/testzone/test.fr.md": translation_of(document)})


TEMPLATE_DETAILS = {"legend", "search-filters"}  # the folding parts the templates themselves make


def _templates_own(element) -> bool:
    """A <details> of the templates (the themes legend, the search filters): never one from content, which has no class."""
    return element.tag == "details" and element.get("class") in TEMPLATE_DETAILS


def executable_parts(tree: lxml.html.HtmlElement) -> list[str]:
    found = []
    for script in tree.iter("script"):
        src = script.get("src") or ""
        if script.get("type") == "application/ld+json" or any(part in src for part in ALLOWED_SCRIPTS):
            continue
        found.append(lxml.html.tostring(script, encoding="unicode")[:80])
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("iframe", "object", "embed", "style", "details", "math", "img") and not _templates_own(element):
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.startswith("on"):
                found.append(f"{element.tag} {name}")
            if name in ("href", "src", "action", "data", "formaction") and value.strip().lower().startswith(("javascript:", "vbscript:", "data:")):
                found.append(f"{element.tag} {name}={value[:30]}")
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_never_reaches_the_output_as_something_that_runs(make_site, payload):
    root = hostile_site(make_site, payload)
    result = run(root, "build", "--no-pdf")
    if result.returncode:  # refused with a clear message is fine too: a link with a scheme that could run code,
        # or text that breaks the YAML flow mapping this test writes it into (the message says to quote it)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert ("is not allowed" in result.stderr and payload in LINKS) or "double quotes" in result.stderr, result.stderr
        return
    for path in (root / "_site").rglob("*.html"):
        if "pagefind" in path.parts:
            continue
        tree = lxml.html.fromstring(path.read_bytes())
        assert not executable_parts(tree), (path.name, executable_parts(tree))
        assert "1337" not in tree.text_content(), "a template expression in content was evaluated"
        policy = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
        assert policy and "script-src 'self'" in policy[0] and "unsafe-inline" not in policy[0]


def test_links_with_a_scheme_that_runs_code_are_refused(make_site):
    for payload in LINKS:
        result = run(hostile_site(make_site, payload), "check")
        assert result.returncode == 2 and "is not allowed" in result.stderr and "test.nl.md:" in result.stderr, payload


def test_no_dialog_opens_in_a_real_browser(make_site):
    payloads = "\n\n".join(payload for payload in PAYLOADS if payload not in LINKS)
    root = hostile_site(make_site, payloads)
    assert run(root, "build", "--no-pdf").returncode == 0
    dialogs = []
    with serve(root / "_site") as base, browser() as chromium:
        page = chromium.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in ("nl/testzone/test/", "fr/testzone/test/", "nl/testzone/", "nl/", "nl/themas/"):
            page.goto(base + path)
            for link in page.locator("main a").all()[:40]:
                href = link.get_attribute("href") or ""
                assert not href.lower().startswith(("javascript", "vbscript", "data"))
            page.wait_for_timeout(200)
    assert not dialogs


def test_a_huge_document_is_refused_with_a_message(make_site):
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML,
                      "content/testzone/test.nl.md": DOCUMENT + ("Een lange zin over veiligheid. " * 700_000)})
    result = run(root, "check")
    assert result.returncode == 2
    assert "test.nl.md: file is" in result.stderr and "limit" in result.stderr


def test_yaml_alias_bomb_is_refused(make_site):
    bomb = "lol0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 12))
    root = make_site({"content/testzone/zone.yaml": ZONE_YAML, "content/testzone/test.nl.md": f"---\n{bomb}---\nTekst\n"})
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "--config", str(root / "site_config.yaml"), "--lang", "en"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "aliases" in result.stderr


def test_symlinked_zone_folder_out_of_content_is_refused(make_site, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "zone.yaml").write_text(ZONE_YAML, encoding="utf-8")
    root = make_site()
    os.symlink(outside, root / "content/evil")
    result = run(root, "check")
    assert result.returncode == 2 and "evil" in result.stderr and "outside the content folder" in result.stderr


def test_nothing_is_written_outside_the_output_folder(tmp_path):
    stage = Stage(tmp_path / "out", tmp_path / "previous")
    (tmp_path / "out").mkdir()
    for escape in ("../escape.html", "nl/../../escape.html", "/etc/escape.html"):
        with pytest.raises(ValueError):
            stage.write(escape, "x")
    assert not (tmp_path / "escape.html").exists()


# --- property-based: random and mutated input never causes a traceback or a hang -----------------

CONFIG = load_config(PROJECT / "site_config.yaml")
yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30) | st.dates(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)
FIELDS = ["title", "type", "period", "date", "author", "status", "summary", "themes", "objectives", "source_hash", "x"]


def load(folder: Path, files: dict[str, str | bytes]) -> None:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    site, problems = read_site(CONFIG, folder, Cache(folder.parent / f"{folder.name}-cache"))
    for problem in problems.items:
        assert str(problem.path).startswith(str(folder)) and problem.message
    for doc in site.documents:
        for version in doc.versions.values():
            assert isinstance(version.rendered.html, str)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(front=st.dictionaries(st.sampled_from(FIELDS), yaml_values, max_size=8), body=st.text(max_size=400))
def test_random_front_matter_gives_a_page_or_a_clear_error(tmp_path_factory, front, body):
    folder = tmp_path_factory.mktemp("random")
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    load(folder, {"z/zone.yaml": ZONE_YAML, "z/d.nl.md": text})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.tuples(st.integers(0, len(DOCUMENT)), st.integers(0, 20), st.binary(max_size=6)), min_size=1, max_size=6))
def test_mutated_documents_give_a_page_or_a_clear_error(tmp_path_factory, cuts):
    data = bytearray(DOCUMENT.encode("utf-8"))
    for start, length, insert in cuts:
        data[start:start + length] = insert
    load(tmp_path_factory.mktemp("mutated"), {"z/zone.yaml": ZONE_YAML, "z/d.nl.md": bytes(data)})


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("#*_-[]()<>!|:`~\\ \n1a.^&;=\"'")), max_size=300))
def test_any_markdown_renders_without_running_anything(text):
    html = render_markdown(text).html
    tree = lxml.html.fromstring(f"<div>{html}</div>")
    assert not executable_parts(tree)


# --- a build killed at any moment leaves the previous site whole --------------------------------

def tree_fingerprint(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def test_a_killed_build_leaves_the_previous_site_and_a_usable_cache(tmp_path):
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(PROJECT / "bench/generate.py"), str(corpus), "--zones", "12"], check=True)
    root = corpus / "zonesite"
    command = [sys.executable, str(PROJECT / "build.py"), "--no-pdf", "-q", "--config", str(root / "site_config.yaml")]
    assert subprocess.run(command, cwd=root).returncode == 0
    before = tree_fingerprint(root / "_site")
    edit = root / "content/zone-003/beleidsplan-2020-2025.nl.md"
    survived = 0
    for delay in (0.05, 0.2, 0.4, 0.6, 0.8, 1.0, 1.3, 1.6):
        edit.write_text(edit.read_text(encoding="utf-8") + f"\nWijziging {delay}.\n", encoding="utf-8")
        # An empty cache: every zone is read again, in worker processes, so the build runs long enough to be killed.
        process = subprocess.Popen(command + ["--cache", str(tmp_path / f"cache-{delay}")], cwd=root)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        site = root / "_site"
        if not site.exists():
            pytest.fail(f"killed after {delay} s: the site folder is gone")
        after = tree_fingerprint(site)
        if after != before:  # the build finished before the kill: the new site is whole
            assert subprocess.run(command, cwd=root).returncode == 0
            before = tree_fingerprint(site)
        survived += 1
    assert survived == 8
    time.sleep(0.5)
    assert not [pid for pid in os.listdir("/proc") if pid.isdigit() and _cmdline(pid).count(str(root / "site_config.yaml"))], \
        "worker processes outlived the killed build"
    assert subprocess.run(command, cwd=root).returncode == 0
    assert "Wijziging 1.6." in (root / "_site/nl/zone-003/beleidsplan-2020-2025/index.html").read_text(encoding="utf-8")
    # Nothing half-made is left beside the site; the site it replaced is kept whole, with its manifest, for the next build.
    assert [path.name for path in root.glob("._site.*")] == ["._site.previous"]
    assert (root / "._site.previous/.zonesite-manifest.json").is_file()
