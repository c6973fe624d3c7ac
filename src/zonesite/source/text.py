"""Read UTF-8 text files and YAML with the line of every value kept, so errors can point at it."""

from __future__ import annotations

import codecs
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..messages import Message

if TYPE_CHECKING:
    import yaml

MAX_BYTES = 5_000_000


class SourceError(Exception):
    """A file that cannot be read as text or YAML; carries the line and the message (an id with its values)."""

    def __init__(self, line: int, ident: str | Message, /, **params: Any):
        self.line = line
        self.message = ident if isinstance(ident, Message) else Message.of(ident, **params)
        super().__init__(str(self.message))


def read_text(path: Path, seen: dict[Path, bytes] | None = None) -> str:
    """Strict UTF-8; a BOM and CRLF line endings are accepted and normalised away. `seen`: where to keep the bytes
    read, for a caller that must know exactly what it was made from (the configuration kept in the cache)."""
    return read_source(path, seen)[0]


def read_source(path: Path, seen: dict[Path, bytes] | None = None) -> tuple[str, bytes]:
    """read_text's text and that text in UTF-8: the file's own bytes when it has no BOM and no carriage return, for a
    caller that hashes the text (encoding a text again cost a fiftieth of reading a document)."""
    data = path.read_bytes()
    if seen is not None:
        seen[path] = data
    if len(data) > MAX_BYTES:
        raise SourceError(0, "file.too_large", size=f"{len(data):,}", limit=f"{MAX_BYTES:,}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(line, "file.not_utf8", byte=f"0x{data[error.start]:02x}") from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text, text.encode("utf-8")
    return text, data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data


_STR = "tag:yaml.org,2002:str"


@cache
def _loader() -> type:
    """PyYAML's loader of this module, made on the first YAML parsed: a build with nothing to do parses none, and
    importing PyYAML was a sixth of its time."""
    import yaml

    class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        """LibYAML's parser when present (several times faster, and it keeps the line of every node too) with PyYAML's
        safe types. PyYAML resolves the type of every value in Python; a plain value whose first character starts no
        implicit type (a number, a date, true, null…), and a quoted one, is text without that (the safe loader has no
        path resolvers)."""

        def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
            """PyYAML's BaseResolver.resolve for a scalar, without its steps that do nothing here (it is called for
            every value of every front matter)."""
            if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
                return super().resolve(kind, value, implicit)
            if implicit[0]:
                for tag, pattern in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if pattern.match(value):
                        return tag
                for tag, pattern in self.yaml_implicit_resolvers.get(None, ()):
                    if pattern.match(value):
                        return tag
            return _STR

    return _Loader


class YamlData(NamedTuple):
    """A parsed YAML value plus the 1-based line of each key path, e.g. ("period", "start")."""

    value: Any
    lines: dict[tuple, int]
    line_offset: int = 0

    def line(self, *path: Any) -> int:
        """Line of the deepest known part of the path, so a missing key points at its parent."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]] + self.line_offset
        return 1 + self.line_offset


def parse_yaml(text: str, line_offset: int = 0) -> YamlData:
    import yaml

    loader = _loader()(text)
    try:
        node = loader.get_single_node()
        lines: dict[tuple, int] = {}
        value = _construct(loader, node, (), lines, set()) if node is not None else None
    except SourceError as error:
        raise SourceError(error.line + line_offset, error.message) from None
    except yaml.MarkedYAMLError as error:
        line, message = explain(text, error)
        raise SourceError(line + line_offset, message) from None
    except yaml.YAMLError as error:
        raise SourceError(1 + line_offset, "yaml.other", detail=str(error)) from None
    finally:
        loader.dispose()
    return YamlData(value, lines, line_offset)


def _construct(loader: yaml.SafeLoader, node: yaml.Node, path: tuple, lines: dict[tuple, int], seen: set[int]) -> Any:
    import yaml

    # An alias makes the composer hand out the same node twice: refusing that refuses "billion laughs" too.
    if id(node) in seen:
        raise SourceError(node.start_mark.line + 1, "yaml.alias")
    seen.add(id(node))
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):  # most nodes: tested first
        return node.value if node.tag == _STR else _scalar(loader, node)
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            key = key_node.value if key_node.tag == _STR and isinstance(key_node, yaml.ScalarNode) else _scalar(loader, key_node)
            if not isinstance(key, (str, int)):
                raise SourceError(key_node.start_mark.line + 1, "yaml.key_not_name", key=repr(key))
            if key in result:
                raise SourceError(key_node.start_mark.line + 1, "yaml.key_twice", key=key)
            at = path + (key,)
            if value_node.tag == _STR and type(value_node) is yaml.ScalarNode and id(value_node) not in seen:
                seen.add(id(value_node))  # most values are texts: taken here, without a call
                result[key] = value_node.value
            else:
                result[key] = _construct(loader, value_node, at, lines, seen)
            lines[at] = key_node.start_mark.line + 1  # a key's line, not its value's
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            if item.tag == _STR and type(item) is yaml.ScalarNode and id(item) not in seen:
                seen.add(id(item))
                lines[path + (index,)] = item.start_mark.line + 1
                items.append(item.value)
            else:
                items.append(_construct(loader, item, path + (index,), lines, seen))
        return items
    return _scalar(loader, node)


def _scalar(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    import yaml

    if not isinstance(node, yaml.ScalarNode):
        raise SourceError(node.start_mark.line + 1, "yaml.key_plain")
    if node.tag == _STR:  # most values: what the constructor would give, without its bookkeeping
        return node.value
    try:
        return loader.construct_object(node, deep=True)
    except ValueError:  # e.g. 2021-02-30
        ident = "yaml.invalid_date" if re.match(r"^\d{4}-\d\d?-\d\d?", str(node.value)) else "yaml.invalid_value"
        raise SourceError(node.start_mark.line + 1, ident, value=node.value) from None
    except yaml.constructor.ConstructorError:
        raise SourceError(node.start_mark.line + 1, "yaml.unsupported", value=node.value) from None


def explain(text: str, error: yaml.MarkedYAMLError) -> tuple[int, Message]:
    """What is probably wrong, and the line where the mistake is: PyYAML reports where it noticed, often lines later."""
    lines = text.split("\n")
    noticed = (error.problem_mark or error.context_mark).line + 1 if (error.problem_mark or error.context_mark) else 1
    problem = str(error.problem or "")
    for number, line in enumerate(lines[:noticed], 1):
        if "\t" in line[: len(line) - len(line.lstrip())] or "\t" in problem and "\t" in line:
            return number, Message.of("yaml.tab")
    opened = _unclosed_quote(lines[:noticed])
    if opened:
        return opened, Message.of("yaml.unclosed_quote", quote=lines[opened - 1].strip())
    bracket = _unclosed_bracket(lines[:noticed])
    if bracket:
        return bracket, Message.of("yaml.unclosed_bracket", text=lines[bracket - 1].strip())
    if re.search(r"expected ',' or '[]}]'", problem):
        return noticed, Message.of("yaml.flow", text=lines[noticed - 1].strip() if noticed <= len(lines) else "")
    if "could not find expected ':'" in problem and error.context_mark:
        number = error.context_mark.line + 1
        return number, Message.of("yaml.missing_colon", text=lines[number - 1].strip())
    if "mapping values are not allowed" in problem:
        return noticed, Message.of("yaml.colon_in_value", text=lines[noticed - 1].strip())
    if "expected <block end>" in problem or "did not find expected" in problem or "expected ',' or" in problem:
        return noticed, Message.of("yaml.indentation", text=lines[noticed - 1].strip() if noticed <= len(lines) else "")
    return noticed, Message.of("yaml.syntax", detail=problem or str(error.context or ""))


_QUOTED_START = re.compile(r"""^\s*(?:-\s+)?(?:[^\s"'#][^:#]*:\s+)?(["'])""")


def _unclosed_quote(lines: list[str]) -> int:
    """The line of a value opened with a quote that no later quote closes before the line where PyYAML stopped."""
    for number, line in enumerate(lines, 1):
        match = _QUOTED_START.match(line)
        if not match:
            continue
        quote, rest = match.group(1), line[match.end():]
        closing = rest.replace('\\"', "").replace("''", "") if quote in "\"'" else rest
        if quote not in closing:
            return number
    return 0


def _unclosed_bracket(lines: list[str]) -> int:
    """The line of a '[' or '{' that the line does not close, when the lines after it do not continue the list."""
    for number, line in enumerate(lines, 1):
        plain = re.sub(r'"[^"]*"|\'[^\']*\'', "", line.split(" #")[0])
        if plain.count("[") > plain.count("]") or plain.count("{") > plain.count("}"):
            following = lines[number] if number < len(lines) else ""
            if not following.startswith((" ", "\t")):  # a flow list may go on, indented, on the next lines
                return number
    return 0


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Return (front matter, body, line number where the body starts); raises if there is none.

    The front matter is between a first line `---` and the next line `---` (spaces around them allowed); the text is
    searched for that line rather than cut into lines, as the front matter is a small part of it."""
    first = text.find("\n")
    if (text if first < 0 else text[:first]).strip() != "---":
        raise SourceError(1, "front_matter.missing")
    found = text.find("---", first + 1) if first >= 0 else -1
    while found >= 0:
        start = text.rfind("\n", 0, found) + 1
        end = text.find("\n", found)
        end = len(text) if end < 0 else end
        if text[start:end].strip() == "---":
            return text[first + 1:max(start - 1, first + 1)], text[end + 1:], text.count("\n", 0, start) + 2
        found = text.find("---", end)
    raise SourceError(1, "front_matter.not_closed")
