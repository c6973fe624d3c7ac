"""Relative links between the site's pages: the fast path gives what posixpath.relpath gives, for any two paths."""

from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from zonesite.outputs.urls import _relpath, relative

segment = st.sampled_from(["nl", "fr", "zone-001", "a", "index.html", "site.css", ".", "..", ""])
path = st.lists(segment, min_size=0, max_size=5).map("/".join)


@given(path, path, st.booleans())
def test_relative_path_is_posixpaths(target, start, rooted):
    target = "/" + target if rooted else target
    try:
        expected = posixpath.relpath(target, start or ".")
    except ValueError:  # posixpath refuses an empty target: so do links
        return
    assert _relpath(target, start) == expected


def test_links_between_pages():
    assert relative("nl/zone-001/doc/index.html", "nl/themas/index.html") == "../../themas/"
    assert relative("nl/index.html", "nl/index.html#top") == "./#top"
    assert relative("index.html", "assets/site.css") == "assets/site.css"
