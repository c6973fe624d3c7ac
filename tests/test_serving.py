"""The site as Debian's nginx serves it with the configuration the build generates, and `publish` with rollback.

One small site is built (with its PDFs and search index), published into a folder, and served by nginx
on 127.0.0.1 for the whole module.
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import brotli
import pytest

from tests.conftest import DOCUMENT, PROJECT, TRANSLATION, ZONE_YAML
from tests.webserver import nginx

BUILD_PY = str(PROJECT / "build.py")
REDIRECTS = """  redirects:
    - {from: /nl/oude-zone/, to: /nl/testzone/}
    - {from: /fr/ancienne-zone/, to: /fr/testzone/}"""


def zonesite(root: Path, *args: str) -> subprocess.CompletedProcess:
    """build.py with the project's config and its own cache, never the repository's."""
    line = [sys.executable, BUILD_PY, *args, "--config", str(root / "site_config.yaml"), "--cache", str(root.parent / "cache"),
            "--lang", "en"]
    return subprocess.run(line, capture_output=True, text=True, cwd=root, timeout=300)


def project(folder: Path) -> Path:
    root = folder / "project"
    root.mkdir(parents=True)
    shutil.copy(PROJECT / "terms.yaml", root / "terms.yaml")
    config = (PROJECT / "site_config.yaml").read_text(encoding="utf-8")
    assert "  redirects: []" in config
    (root / "site_config.yaml").write_text(config.replace("  redirects: []", REDIRECTS), encoding="utf-8")
    for name in ("templates", "assets", "locales"):
        shutil.copytree(PROJECT / name, root / name)
    for name, text in {"zone.yaml": ZONE_YAML, "test.nl.md": DOCUMENT, "test.fr.md": TRANSLATION}.items():
        (root / "content/testzone").mkdir(parents=True, exist_ok=True)
        (root / "content/testzone" / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serving")
    root = project(folder)
    built = zonesite(root, "build", "-q", "--out", str(folder / "site"))
    assert built.returncode == 0, built.stderr
    done = zonesite(root, "publish", str(folder / "www"), "--from", str(folder / "site"))
    assert done.returncode == 0, done.stderr
    return root, folder


@pytest.fixture(scope="module")
def server(published):
    root, folder = published
    with nginx(folder / "www", folder / "nginx") as running:
        yield running


def ext(name: str) -> str:
    return name.rsplit(".", 1)[1]


def stem(name: str) -> str:
    return name.rsplit(".", 1)[0]


def hashed(server, name: str) -> str:
    """The published (content-hashed) path of an asset, as the home and search pages link it."""
    pages = server.get("/nl/").body.decode() + server.get("/nl/zoeken/").body.decode()
    found = re.search(rf'"(?:\.\./)+(assets/{re.escape(stem(name))}\.[0-9a-f]{{10}}\.{ext(name)})"', pages)
    assert found, f"no page links a hashed {name}"
    return "/" + found.group(1)


PDF = "/nl/testzone/test/test.nl.pdf"


def test_every_response_carries_the_security_headers(server):
    for path in ("/", "/nl/", "/fr/testzone/test/", hashed(server, "site.css"), PDF, "/nl/nergens/", "/nl/oude-zone/"):
        headers = server.get(path).headers
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "wasm-unsafe-eval" not in policy and "unsafe-inline" not in policy, path
        assert headers["strict-transport-security"] == "max-age=31536000", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin", path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["server"] == "nginx", path  # no version


def test_only_the_search_pages_allow_webassembly(server):
    for path in ("/nl/zoeken/", "/fr/recherche/", "/nl/zoeken/?q=drugs", "/pagefind/pagefind-worker.js"):
        response = server.get(path)
        assert response.status == 200
        assert "script-src 'self' 'wasm-unsafe-eval'" in response.headers["content-security-policy"], path


def test_search_works_in_a_browser_under_the_servers_policy(server):
    """The header's policy, not only the page's <meta>: Pagefind's worker gets its own from its script's header."""
    from tests.browser import browser

    with browser() as chromium:
        page = chromium.new_page()
        errors = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(server.base + "nl/zoeken/?q=hoofdstuk")
        page.locator(".search-results li").first.wait_for(timeout=15000)
        assert page.locator(".search-results li").count() >= 1
        assert not errors, errors


def test_content_types(server):
    entry = server.get("/pagefind/pagefind-entry.json")
    index_file = re.search(rb'"hash":"([^"]+)"', entry.body)
    assert index_file
    expected = {
        "/nl/": "text/html; charset=utf-8",
        PDF: "application/pdf",
        "/sitemap.xml": "application/xml; charset=utf-8",
        "/nl/feed.xml": "application/xml; charset=utf-8",
        "/robots.txt": "text/plain; charset=utf-8",
        hashed(server, "site.css"): "text/css; charset=utf-8",
        hashed(server, "search.js"): "application/javascript; charset=utf-8",
        hashed(server, "favicon.svg"): "image/svg+xml; charset=utf-8",
        hashed(server, "fonts/AtkinsonHyperlegible_400Regular.ttf"): "font/ttf",
        "/pagefind/pagefind-entry.json": "application/json; charset=utf-8",
        "/pagefind/pagefind.js": "application/javascript; charset=utf-8",
        "/pagefind/wasm.unknown.pagefind": "application/octet-stream",
        f"/pagefind/pagefind.{index_file.group(1).decode()}.pf_meta": "application/octet-stream",
    }
    for path, kind in expected.items():
        response = server.get(path)
        assert response.status == 200, path
        assert response.headers["content-type"] == kind, path
        assert "content-encoding" not in response.headers, path  # Pagefind's files are compressed already


def test_text_is_sent_precompressed_with_brotli_or_gzip(server):
    plain = server.get("/nl/")
    assert "content-encoding" not in plain.headers and "Accept-Encoding" in plain.headers["vary"]
    br = server.get("/nl/", accept_encoding="gzip, deflate, br")
    gz = server.get("/nl/", accept_encoding="gzip")
    assert br.headers["content-encoding"] == "br" and brotli.decompress(br.body) == plain.body
    assert gz.headers["content-encoding"] == "gzip" and gzip.decompress(gz.body) == plain.body
    assert len(br.body) < len(gz.body) < len(plain.body) / 2
    css = server.get(hashed(server, "site.css"), accept_encoding="br")
    assert css.headers["content-encoding"] == "br"


def test_each_text_file_has_one_compressed_copy_brotli_and_nginx_gzips_the_rest_on_the_fly(published):
    """A file created costs a build more than compressing it: one copy, the one the server sends most."""
    _, folder = published
    site = folder / "site"
    texts = [path for path in site.rglob("*") if path.suffix in (".html", ".css", ".xml", ".json") and not path.name.startswith(".")]
    assert texts and all(path.with_name(path.name + ".br").is_file() for path in texts)
    assert not list(site.rglob("*.gz"))
    conf = (site / ".nginx/zonesite-server.conf").read_text(encoding="utf-8")
    assert "brotli_static on;" in conf and "gzip on;" in conf and "gzip_static" not in conf


def test_without_brotli_on_the_server_each_text_file_has_a_gzip_copy_sent_as_it_is(tmp_path):
    root = project(tmp_path)
    config = root / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("  brotli: true", "  brotli: false"), encoding="utf-8")
    built = zonesite(root, "build", "-q", "--no-pdf", "--no-search", "--out", str(tmp_path / "site"))
    assert built.returncode == 0, built.stderr
    site = tmp_path / "site"
    assert (site / "nl/index.html.gz").is_file() and not list(site.rglob("*.br"))
    (site / "nl/index.html.gz").write_bytes(gzip.compress(b"sent as it is"))  # nginx sends the file, not its own gzip
    with nginx(site, tmp_path / "nginx") as server:
        answer = server.get("/nl/", accept_encoding="gzip, br")
    assert answer.headers["content-encoding"] == "gzip" and gzip.decompress(answer.body) == b"sent as it is"


def test_assets_are_immutable_and_pages_revalidate(server):
    for name in ("site.css", "search.js", "fonts/AtkinsonHyperlegible_400Regular.ttf"):
        assert server.get(hashed(server, name)).headers["cache-control"] == "public, max-age=31536000, immutable", name
    for path in ("/nl/", "/fr/testzone/test/", "/pagefind/pagefind-entry.json", "/pagefind/pagefind.js", PDF):
        assert server.get(path).headers["cache-control"] == "no-cache", path
    page = server.get("/nl/")
    assert server.get("/nl/", if_none_match=page.headers["etag"]).status == 304


def test_root_answers_in_the_visitors_language_without_a_script(server):
    cases = {None: "/nl/", "fr": "/fr/", "fr-BE,fr;q=0.9,en;q=0.8": "/fr/", "nl-BE,nl;q=0.9,fr;q=0.8": "/nl/",
             "en-US,en;q=0.9,fr;q=0.8,nl;q=0.7": "/fr/", "en-GB,en;q=0.9": "/nl/", "de, nl;q=0.5, fr;q=0.4": "/nl/",
             "fry, fr;q=0.5": "/fr/"}
    for accept, where in cases.items():
        response = server.get("/", **({"accept_language": accept} if accept else {}))
        assert response.status == 302 and response.headers["location"] == where, (accept, response.headers)
        assert "Accept-Language" in response.headers["vary"]
    # The page itself stays for any other server: its links work without a script.
    page = server.get("/index.html").body.decode()
    assert 'href="nl/"' in page and 'href="fr/"' in page


def test_missing_pages_get_the_404_of_their_language(server):
    for path, lang in (("/nl/bestaat-niet/", "nl"), ("/fr/n-existe-pas.html", "fr"), ("/nergens", "nl"),
                       ("/nl/testzone/test/ontbreekt.pdf", "nl")):
        response = server.get(path)
        assert response.status == 404, path
        assert f'<html lang="{lang}">' in response.body.decode(), path
        assert "text/html" in response.headers["content-type"]


def test_configured_redirects_are_permanent(server):
    response = server.get("/nl/oude-zone/")
    assert response.status == 301 and response.headers["location"] == "/nl/testzone/"
    assert server.get("/fr/ancienne-zone/").headers["location"] == "/fr/testzone/"
    assert server.get("/nl/testzone/").status == 200


def test_dotfiles_are_never_served(server):
    for path in ("/.zonesite-manifest.json", "/.nginx/zonesite-server.conf", "/.nginx/", "/assets/.x", "/nl/.manifest"):
        assert server.get(path).status == 404, path
    assert (server.folder / ".zonesite-manifest.json").is_file()


def test_server_section_is_validated_with_lines(make_site):
    root = make_site()
    config = (root / "site_config.yaml").read_text(encoding="utf-8")
    bad = config.replace("  referrer_policy: strict-origin-when-cross-origin", "  referrer_policy: everywhere").replace(
        "  redirects: []", "  redirects:\n    - {from: /a b/, to: /nl/}\n    - {from: /ok/, to: 'javascript:alert(1)'}\n"
                           "    - {from: /x/, to: /y/; return 200}")
    (root / "site_config.yaml").write_text(bad, encoding="utf-8")
    result = zonesite(root, "check")
    assert result.returncode == 2
    lines = {n for n, text in enumerate(bad.splitlines(), 1)
             if "everywhere" in text or "/a b/" in text or "javascript:" in text or "return 200" in text}
    reported = {int(m) for m in re.findall(r"site_config\.yaml:(\d+):", result.stderr)}
    assert lines <= reported, result.stderr
    assert "Traceback" not in result.stderr


def test_publish_while_reading_never_mixes_versions_and_rolls_back(published, server):
    """Publish a new version (new stylesheet, new text) while a loop reads pages and what they link."""
    root, folder = published
    (root / "assets/site.css").write_text((root / "assets/site.css").read_text() + "\n/* v2 */\n", encoding="utf-8")
    document = root / "content/testzone/test.nl.md"
    document.write_text(document.read_text(encoding="utf-8").replace("Een zin in het eerste", "Versie twee: een zin in het eerste"),
                        encoding="utf-8")
    built = zonesite(root, "build", "-q", "--out", str(folder / "site"))
    assert built.returncode == 0, built.stderr
    old_css = hashed(server, "site.css")
    problems, seen = [], set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            for path in ("/nl/", "/nl/testzone/test/"):
                page = server.get(path, accept_encoding="gzip")
                body = gzip.decompress(page.body).decode() if page.headers.get("content-encoding") == "gzip" else page.body.decode()
                css = re.search(r'href="((?:\.\./)+)(assets/site\.[0-9a-f]{10}\.css)"', body)
                if page.status != 200 or not css:
                    problems.append((path, page.status))
                    continue
                seen.add(css.group(2))
                if server.get("/" + css.group(2)).status != 200:
                    problems.append((path, css.group(2)))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        done = zonesite(root, "publish", str(folder / "www"), "--from", str(folder / "site"))
    finally:
        stop.set()
        reader.join(timeout=30)
    assert done.returncode == 0, done.stderr
    assert not problems, problems[:5]
    new_css = hashed(server, "site.css")
    assert new_css != old_css and server.get(old_css).status == 404  # the old one is removed, last
    assert "Versie twee" in server.get("/nl/testzone/test/").body.decode()
    rolled = zonesite(root, "publish", "--rollback", str(folder / "www"))
    assert rolled.returncode == 0, rolled.stderr
    assert hashed(server, "site.css") == old_css and "Versie twee" not in server.get("/nl/testzone/test/").body.decode()
    again = zonesite(root, "publish", "--rollback", str(folder / "www"))  # and forth again
    assert again.returncode == 0 and hashed(server, "site.css") == new_css


def test_publish_refuses_what_is_not_a_current_complete_build(published, tmp_path):
    root, folder = published
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("not ours")
    into_other = zonesite(root, "publish", str(other), "--from", str(folder / "site"))
    assert into_other.returncode == 2 and "not a zonesite site" in into_other.stderr and (other / "keep.txt").is_file()
    document = root / "content/testzone/test.nl.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nNog een zin.\n", encoding="utf-8")
    stale = zonesite(root, "publish", str(tmp_path / "www"), "--from", str(folder / "site"))
    assert stale.returncode == 2 and "not a complete build of the current content" in stale.stderr
    partial = zonesite(root, "build", "-q", "--no-pdf", "--out", str(tmp_path / "partial"))
    assert partial.returncode == 0, partial.stderr
    refused = zonesite(root, "publish", str(tmp_path / "www"), "--from", str(tmp_path / "partial"))
    assert refused.returncode == 2 and not (tmp_path / "www").exists()
    assert zonesite(root, "publish", "--rollback", str(tmp_path / "nothing")).returncode == 2
