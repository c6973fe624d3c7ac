"""The rendering of pages: parts shared by many pages are rendered once, and each page still gets its own links."""

from __future__ import annotations

import posixpath
from pathlib import Path

from zonesite.config import load_config
from zonesite.outputs import urls
from zonesite.outputs.pages import Page
from zonesite.outputs.templates import Templates

PROJECT = Path(__file__).resolve().parent.parent
TARGETS = ("nl/index.html", "nl/themas/index.html", "nl/gent/doc/index.html#top", "assets/site.css", "nl/feed.xml")
# A shared part linking to pages at several depths, and the same links outside it, worked out for each page.
PAGE = ("{% call shared('nav') %}" + "".join(f"<a href=\"{{{{ link('{target}') }}}}\">{{{{ t('nav_home') }}}}</a>"
                                              for target in TARGETS) + "{{ made() }}{% endcall %}|"
        + "".join(f"{{{{ link('{target}') }}}}," for target in TARGETS))


def test_a_shared_part_has_the_links_of_each_page_whatever_its_folder_shares_with_the_targets(tmp_path):
    """Pages of the same depth get the part rendered once, except where their folder is (or is inside) a folder a
    link goes to: the themes page links to itself as ./, a zone page beside it as ../themas/. Rendered alone (no part
    shared), every page is the same."""
    config = load_config(PROJECT / "site_config.yaml")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    renders: list[str] = []

    def page(path: str) -> Page:
        return Page(path, "page.html", "fr" if path.startswith("fr/") else "nl", lambda: {"made": lambda: renders.append(path) or ""})

    paths = ["nl/themas/index.html", "nl/gent/index.html", "nl/lier/index.html", "nl/themas/index.html",
             "nl/gent/doc/index.html", "nl/lier/doc/index.html", "nl/aalst/doc/index.html", "nl/themas/sub/index.html",
             "nl/gent/other/index.html", "nl/index.html", "nl/feed/index.html", "fr/gent/index.html", "fr/lier/index.html",
             "assets/x/index.html", "index.html", "nl/gent/doc/part/index.html", "nl/lier/doc/part/index.html"]
    # the same links as a page before: the themes page again, a zone beside another (nl/feed/ is not nl/feed.xml)
    reused = {3: "nl/themas/index.html", 6: "nl/lier/doc/index.html", 10: "nl/lier/index.html", 12: "fr/gent/index.html"}
    shared = Templates(config, folder)
    rendered = [shared.render(page(path)) for path in paths]
    assert renders == [path for index, path in enumerate(paths) if index not in reused], \
        "rendered again for a page with the same links, or reused for another"
    for index, kept in reused.items():
        assert rendered[index].partition("|")[0] == rendered[paths.index(kept)].partition("|")[0]
    for path, html in zip(paths, rendered):
        assert html == Templates(config, folder).render(page(path)), f"{path}: the shared part has another page's links"
        assert html.endswith("|" + "".join(_link(path, target) + "," for target in TARGETS))
        assert all(f'href="{_link(path, target)}"' in html for target in TARGETS)


def _link(path: str, target: str) -> str:
    """A link the general way, with the standard library: the reference the rendered links are compared with."""
    address, _, anchor = target.partition("#")
    link = posixpath.relpath(address, posixpath.dirname(path) or ".")
    link = "./" if link == "index.html" else link.removesuffix("index.html")
    return link + (f"#{anchor}" if anchor else "")


def test_a_shared_part_without_links_is_rendered_once_for_every_depth(tmp_path):
    config = load_config(PROJECT / "site_config.yaml")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text("{% call shared('title') %}{{ t('nav_home') }}{{ made() }}{% endcall %}", encoding="utf-8")
    renders: list[str] = []
    templates = Templates(config, folder)
    for path in ("nl/index.html", "nl/gent/index.html", "nl/gent/doc/index.html", "fr/index.html", "fr/gent/index.html"):
        page = Page(path, "page.html", path[:2], lambda path=path: {"made": lambda: renders.append(path) or ""})
        assert templates.render(page) == config.text(path[:2], "nav_home")
    assert renders == ["nl/index.html", "fr/index.html"]


def test_a_shared_part_that_links_only_to_the_root_differs_by_depth(tmp_path):
    """A link to the site's root has no folder in common with any page, yet it climbs as many folders as the page is deep."""
    config = load_config(PROJECT / "site_config.yaml")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text("{% call shared('home') %}<a href=\"{{ link('') }}\">{{ link('#top') }}</a>{% endcall %}",
                                      encoding="utf-8")
    templates = Templates(config, folder)
    for path in ("nl/index.html", "nl/gent/doc/index.html", "nl/gent/index.html", "fr/lier/doc/index.html"):
        page = Page(path, "page.html", path[:2], dict)
        assert templates.render(page) == f'<a href="{urls.Links(path)("")}">{urls.Links(path)("#top")}</a>', path


def test_the_place_of_a_folder_is_its_depth_and_what_it_shares_with_the_targets():
    """What a page's links to some targets depend on; a target outside the site's folders is not placed."""
    known = urls.prefixes(["nl/themas/index.html", "assets/site.css"])
    assert urls.Links("nl/gent/doc/index.html").place(known) == (3, ("nl",))
    assert urls.Links("nl/themas/x/index.html").place(known) == (3, ("nl", "themas"))
    assert urls.Links("fr/gent/doc/index.html").place(known) == (3, ())
    assert urls.Links("index.html").place(known) == (0, ())
    assert urls.prefixes(["../elsewhere/index.html"]) is None and urls.prefixes(["/nl/index.html"]) is None
