"""The Markdown rules: safe HTML, anchors, footnotes, tables without inline styles."""

from __future__ import annotations

import os
from pathlib import Path

from zonesite.source.markdown import render_markdown


def test_raw_html_is_escaped_not_passed_through():
    html = render_markdown('Tekst <script>alert(1)</script> <img src=x onerror="alert(1)">').html
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_dangerous_link_schemes_are_not_links():
    for href in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:x", "data:text/html,<script>x</script>"):
        html = render_markdown(f"[klik]({href})").html
        assert "<a " not in html, href


def test_headings_get_unique_readable_anchors():
    rendered = render_markdown("## 1 Voorwoord\n\n## Doelen\n\n### Doelen\n")
    assert [h.anchor for h in rendered.headings] == ["1-voorwoord", "doelen", "doelen-2"]
    assert '<h3 id="doelen-2">' in rendered.html


def test_footnotes_tables_and_definition_lists():
    html = render_markdown("Zin[^1].\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\nTerm\n: Uitleg\n\n[^1]: Noot.\n").html
    assert 'class="footnote-ref"' in html and "Noot." in html
    assert '<td class="align-right">2</td>' in html and "style=" not in html
    assert "<dt>Term</dt>" in html and "<dd>Uitleg</dd>" in html


def test_links_to_document_files_become_links_to_their_pages():
    html = render_markdown("[a](../gent/opdrachtbrief-2021-2025.nl.md#doel) [b](beleid-2018.nl.md) [c](https://x.be/y.md)").html
    assert 'href="../../gent/opdrachtbrief-2021-2025/#doel"' in html
    assert 'href="../beleid-2018/"' in html
    assert 'href="https://x.be/y.md"' in html


def test_a_stored_text_is_loaded_whole_from_one_read_of_its_file(tmp_path, monkeypatch):
    """A page shows a document's headings and HTML: `loaded` gives both, as they were before they were stored, from
    one read of the file."""
    from zonesite import model
    from zonesite.model import RenderedMarkdown

    rendered = render_markdown("## Eerste hoofdstuk\n\nTekst.\n\n### Een deel\n\nMeer tekst.\n")
    stored = tmp_path / "text.html"
    stored.write_text(rendered.stored_text(), encoding="utf-8")
    reads = []
    counted = lambda *args, **kwargs: reads.append(args) or open(*args, **kwargs)  # noqa: E731
    monkeypatch.setattr(model, "open", counted, raising=False)
    loaded = RenderedMarkdown("", (), stored=str(stored)).loaded()
    assert (loaded.html, loaded.headings) == (rendered.html, rendered.headings)
    assert [heading.anchor for heading in loaded.headings] == ["eerste-hoofdstuk", "een-deel"]
    assert len(reads) == 1
    assert rendered.loaded() is rendered  # a text kept in memory is not read again


def test_the_texts_a_process_reads_are_stored_whole_in_one_file_in_a_folder_made_when_missing(tmp_path):
    """The read adds each text to one file of its process, in a folder it makes only when it is missing: each text
    is loaded whole, as it was before it was stored. A file pruned meanwhile is not written to again, and a process
    forked from this one writes a file of its own."""
    from zonesite.source.reader import _stored

    folder = tmp_path / "missing" / "html"
    texts = ["## Eerste hoofdstuk\n\nTekst.\n", "## Ander hoofdstuk\n\nÉén tekst met é.\n", "Tekst zonder titel.\n"]
    stored = [_stored(render_markdown(text), folder) for text in texts]
    assert len({rendered.stored for rendered in stored}) == 1
    assert [path.name for path in folder.iterdir()] == [stored[0].stored.rsplit("/", 1)[1]]
    for text, rendered in zip(texts, stored):
        loaded, fresh = rendered.loaded(), render_markdown(text)
        assert (loaded.html, loaded.headings) == (fresh.html, fresh.headings)
    Path(stored[0].stored).unlink()  # pruned by another build
    after = _stored(render_markdown(texts[0]), folder)
    assert after.stored != stored[0].stored and after.loaded().html == render_markdown(texts[0]).html
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # a worker: its own file
        os.write(writing, _stored(render_markdown(texts[1]), folder).stored.encode())
        os._exit(0)
    os.waitpid(child, 0)
    assert os.read(reading, 4096).decode() not in (after.stored, "")
    assert len(list(folder.iterdir())) == 2
