"""Assets with their content hash in the file name, so a server can let browsers keep them for a year.

`assets/site.css` is published as `assets/site.<hash>.css`; templates name it through one helper,
`asset('site.css')`, and a stylesheet's `url(...)` of another asset is rewritten to the hashed name before
the stylesheet itself is hashed, so a changed font changes the stylesheet's name too.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path
from typing import NamedTuple

HASH_LENGTH = 10
CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")


class Asset(NamedTuple):
    name: str  # as the templates name it, relative to assets/: "site.css", "fonts/Atkinson.ttf"
    path: str  # where it is published: "assets/site.0123456789.css"
    source: Path
    data: bytes  # the published bytes (a stylesheet's with its references rewritten)


class UnknownAsset(KeyError):
    pass


class Assets:
    """Every file of the assets folder, by the name the templates use."""

    def __init__(self, folder: Path):
        files = sorted(p for p in folder.rglob("*") if p.is_file() and not any(
            part.startswith(".") for part in p.relative_to(folder).parts)) if folder.is_dir() else []
        names = {p.relative_to(folder).as_posix(): p for p in files}
        self.by_name: dict[str, Asset] = {}
        # Everything but stylesheets first: a stylesheet's bytes depend on the names of what it refers to.
        for name, source in sorted(names.items(), key=lambda item: (item[0].endswith(".css"), item[0])):
            data = source.read_bytes()
            if name.endswith(".css"):
                data = self._rewrite(name, data)
            self.by_name[name] = Asset(name, "assets/" + hashed_name(name, data), source, data)

    def _rewrite(self, name: str, data: bytes) -> bytes:
        folder = posixpath.dirname(name)

        def replace(match: re.Match) -> str:
            target = match.group(2).strip()
            if ":" in target or target.startswith(("/", "#")):
                return match.group(0)
            wanted = posixpath.normpath(posixpath.join(folder, target))
            asset = self.by_name.get(wanted)
            if asset is None:
                return match.group(0)
            return f'url("{posixpath.relpath(asset.path, posixpath.join("assets", folder) if folder else "assets")}")'

        return CSS_URL.sub(replace, data.decode("utf-8")).encode("utf-8")

    def path(self, name: str) -> str:
        """The published path of an asset, like assets/site.0123456789.css; an unknown name is an error."""
        try:
            return self.by_name[name].path
        except KeyError:
            raise UnknownAsset(f"no asset '{name}' in the assets folder") from None

    def __iter__(self):
        return iter(self.by_name.values())


def hashed_name(name: str, data: bytes) -> str:
    """site.css -> site.<first 10 hex digits of the SHA-256 of its bytes>.css"""
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    stem, dot, extension = name.rpartition(".")
    return f"{stem}.{digest}.{extension}" if dot and stem and "/" not in extension else f"{name}.{digest}"
