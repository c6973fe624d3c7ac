"""Front matter found without cutting the text into lines, and read with the line of every value, gives the text
and values it gave before (PyYAML's own loader); a translation is known to be in progress without parsing front
matter that cannot say so."""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from zonesite.model import text_hash
from zonesite.source.reader import _in_progress
from zonesite.source.text import SourceError, parse_yaml, read_source, read_text, split_front_matter

PROJECT = Path(__file__).resolve().parent.parent

SCALAR = st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none(), st.dates(),
                   st.floats(allow_nan=False), st.sampled_from(["yes", "1e3", "0x10", "~", "2021-02-03", "12:30", "'"]))
VALUE = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=4)),
                     max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=10), VALUE, min_size=1, max_size=5), st.booleans())
def test_the_same_values_as_pyyaml_for_any_document(data, flow):
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow)
    assume(yaml.safe_load(text) == data)  # not two keys PyYAML writes alike (' ' and '\x85'), which we refuse
    assert parse_yaml(text).value == yaml.safe_load(text)


def test_the_same_values_as_pyyaml_for_the_real_front_matter():
    texts = [split_front_matter(read_text(path))[0] for path in sorted((PROJECT / "content").glob("*/*.md"))]
    texts += [read_text(path) for path in sorted((PROJECT / "content").glob("*/*.yaml"))]
    assert len(texts) > 10
    for text in texts:
        assert parse_yaml(text).value == yaml.safe_load(text)
    quoted = parse_yaml('a: "2021-02-03"\nb: !!str 12\nc: 2021-02-03\nd: 12\n').value
    assert quoted == {"a": "2021-02-03", "b": "12", "c": datetime.date(2021, 2, 3), "d": 12}


def composed_lines(text: str) -> dict[tuple, int]:
    """The line of every key path from PyYAML's own composer: a mapping's value at its key's line, a list's item and
    the whole document at their own."""
    loader = yaml.SafeLoader(text)
    lines: dict[tuple, int] = {}

    def walk(node: yaml.Node, path: tuple, line: int) -> None:
        lines[path] = line
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, path + (loader.construct_object(key, deep=True),), key.start_mark.line + 1)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, path + (index,), item.start_mark.line + 1)

    root = loader.get_single_node()
    walk(root, (), root.start_mark.line + 1)
    return lines


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=10), VALUE, min_size=1, max_size=5), st.booleans())
def test_the_line_of_every_value_is_the_line_pyyaml_composes_it_at(data, flow):
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow)
    assume(yaml.safe_load(text) == data)
    assert parse_yaml(text, line_offset=3).lines == composed_lines(text)


def test_a_text_given_twice_by_an_alias_is_refused_at_its_line():
    for text in ("a: &x tekst\nb: *x\n", "a:\n- &x tekst\n- *x\n"):
        try:
            parse_yaml(text, line_offset=1)
        except SourceError as error:
            assert error.message.id == "yaml.alias" and error.line == (2 if text.startswith("a: &") else 3)
        else:
            raise AssertionError(f"an alias was accepted: {text!r}")


def test_a_translation_in_progress_however_its_key_is_written(tmp_path):
    cases = {"in_progress: true": True, '"in_progress": true': True, '"in\\x5fprogress": true': True,
             "in_progress: false": False, "source_hash: abc": False, 'title: "a \\" b"': False, "in_progress: [": False}
    for number, (line, expected) in enumerate(cases.items()):
        path = tmp_path / f"doc{number}.fr.md"
        path.write_text(f"---\ntitle: x\n{line}\n---\nTekst.\n", encoding="utf-8")
        assert _in_progress(path) is expected, line


def split_line_by_line(text: str) -> tuple[str, str, int] | str:
    """What the front matter and body were when the text was cut into lines: the reference of the faster search."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return "front_matter.missing"
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    return "front_matter.not_closed"


def split_now(text: str) -> tuple[str, str, int] | str:
    try:
        return split_front_matter(text)
    except SourceError as error:
        assert error.line == 1
        return error.message.id


LINE = st.sampled_from(["---", " --- ", "\t---\u00a0", "----", "-- -", "---x", "x---", "title: a", "", " ", "a---b---"])


@settings(max_examples=2000, deadline=None)
@given(st.lists(LINE, max_size=8), st.sampled_from(["", "\n", "\n\n"]))
def test_front_matter_and_body_as_when_cut_into_lines(lines, end):
    text = "\n".join(lines) + end
    assert split_now(text) == split_line_by_line(text)


def test_front_matter_of_the_real_documents_as_when_cut_into_lines():
    for path in sorted((PROJECT / "content").glob("*/*.md")):
        text = read_text(path)
        assert split_now(text) == split_line_by_line(text)
    assert split_now("---\n---") == ("", "", 3) and split_now("---\na: 1\n---\nTekst") == ("a: 1", "Tekst", 4)


def test_each_file_of_a_document_is_read_once(make_site, monkeypatch):
    """A translation is read once: to see whether it is in progress, and then to check and render it."""
    from zonesite.config import load_config
    from zonesite.source import reader

    root = make_site()
    reads = []
    monkeypatch.setattr(reader, "read_source", lambda path: reads.append(path.name) or read_source(path))
    doc, problems = reader.read_document("testzone", "test", {lang: root / f"content/testzone/test.{lang}.md"
                                                               for lang in ("nl", "fr")},
                                         load_config(root / "site_config.yaml"), root.parent / "html")
    assert not problems.errors and set(doc.versions) == {"nl", "fr"}
    assert sorted(reads) == ["test.fr.md", "test.nl.md"]
    for lang, version in doc.versions.items():
        assert version.source_text_hash == text_hash(read_text(version.path))


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab é€\r\n\ufeff"), max_size=30), bom=st.booleans())
def test_a_source_comes_with_its_text_in_utf8_whatever_its_bom_and_line_endings(tmp_path_factory, text, bom):
    """The SHA-256 of a document is that of its text as read (without BOM, with LF line endings), taken from the
    file's own bytes when they are that text."""
    path = tmp_path_factory.mktemp("source") / "doc.nl.md"
    path.write_bytes(("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8"))
    read, utf8 = read_source(path)
    assert read == read_text(path) and "\r" not in read
    assert utf8 == read.encode("utf-8")
