"""Read UTF-8 text files and YAML with the line of every value kept, so errors can point at it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 5_000_000


class SourceError(Exception):
    """A file that cannot be read as text or YAML; carries the line."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def read_text(path: Path) -> str:
    """Strict UTF-8; a BOM and CRLF line endings are accepted and normalised away."""
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise SourceError(0, f"file is {len(data):,} bytes; the limit is {MAX_BYTES:,}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(line, f"not valid UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


# LibYAML's parser when present: several times faster, and it keeps the line of every node too.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlData:
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
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        lines: dict[tuple, int] = {}
        value = _construct(loader, node, (), lines, set()) if node is not None else None
    except SourceError as error:
        raise SourceError(error.line + line_offset, error.message) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        raise SourceError(line, f"YAML syntax error: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise SourceError(1 + line_offset, f"YAML error: {error}") from None
    finally:
        loader.dispose()
    return YamlData(value, lines, line_offset)


def _construct(loader: yaml.SafeLoader, node: yaml.Node, path: tuple, lines: dict[tuple, int], seen: set[int]) -> Any:
    # An alias makes the composer hand out the same node twice: refusing that refuses "billion laughs" too.
    if id(node) in seen:
        raise SourceError(node.start_mark.line + 1, "YAML anchors and aliases (&name, *name) are not allowed")
    seen.add(id(node))
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node)
            if not isinstance(key, (str, int)):
                raise SourceError(key_node.start_mark.line + 1, f"a key must be a name, not {key!r}")
            if key in result:
                raise SourceError(key_node.start_mark.line + 1, f"key {key!r} appears twice")
            result[key] = _construct(loader, value_node, path + (key,), lines, seen)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, path + (index,), lines, seen) for index, item in enumerate(node.value)]
    return _scalar(loader, node)


def _scalar(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise SourceError(node.start_mark.line + 1, "a key must be a plain name")
    try:
        return loader.construct_object(node, deep=True)
    except ValueError as error:  # e.g. 2021-02-30
        raise SourceError(node.start_mark.line + 1, f"invalid value {node.value!r}: {error}") from None
    except yaml.constructor.ConstructorError as error:
        raise SourceError(node.start_mark.line + 1, f"unsupported YAML value: {error.problem}") from None


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Return (front matter, body, line number where the body starts); raises if there is none."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise SourceError(1, "missing front matter: the file must start with a line '---'")
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise SourceError(1, "front matter is not closed: add a line '---' after it")
