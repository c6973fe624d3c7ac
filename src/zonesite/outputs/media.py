"""A document's own files on the site: published beside its page, images with narrower copies for the web.

The copies are made once with Pillow, kept in the cache under the fingerprint of the image and the width,
and made again only when the image changes. The PDF shows the original: it reads each file from its source.
"""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import unquote, urljoin


from ..config import Config
from ..engine.cache import Cache, write_atomically
from ..engine.fingerprint import fingerprint
from ..engine.writer import Output
from ..model import IMAGE, Document, Media, Site
from . import urls
from .pages import view

KIND = "images"  # the cache's folder of web copies
# How a copy is made; part of its fingerprint, so changing it makes every copy again.
SAVE_OPTIONS = {"JPEG": {"quality": 82, "optimize": True, "progressive": True}, "PNG": {"optimize": True},
                "WEBP": {"quality": 80, "method": 4}}
# Shrink in two steps, a fast one to three times the width, then Lanczos; a JPEG is decoded at a reduced scale
# already. A copy of a 4000×3000 photo takes 0.06-0.16 s of CPU instead of 0.4 s, with no difference to see.
REDUCING_GAP = 3.0


def outputs(config: Config, site: Site, cache: Cache) -> list[Output]:
    """Every file the documents show or link to, in each language's page folder, and the web copies of images."""
    found = []
    for doc in site.documents:
        if not any(version.media for version in doc.versions.values()):
            continue  # most documents show no file: the preview asks on every save, a view per language cost 4 ms
        for lang in config.languages:
            folder = f"{lang}/{doc.zone}/{doc.slug}"
            for media in view(config, doc, lang).version.media:
                found.append(Output(f"{folder}/{media.target}", media.sha256, source=media.source))
                if media.kind == IMAGE:
                    found.extend(Output(f"{folder}/{media.copy(width)}", key, source=path)
                                 for width, key, path in _copies(cache, media))
    return found


def _copies(cache: Cache, media: Media) -> list[tuple[int, str, Path]]:
    """(width, fingerprint, cached file) of each copy, made now when the cache does not have it."""
    from importlib import metadata  # only for an image with copies

    made = []
    for width in media.copies:
        key = fingerprint(media.sha256, width, SAVE_OPTIONS, REDUCING_GAP, metadata.version("pillow"))
        path = cache.path(KIND, key, Path(media.target).suffix.lower())
        if not path.is_file():
            write_atomically(path, narrower(media.source, width))
        made.append((width, key, path))
    return made


def narrower(source: Path, width: int) -> bytes:
    """The image `width` pixels wide, in its own format, turned upright, without its metadata (camera, place)."""
    from PIL import Image, ImageOps  # only when a copy is made

    with Image.open(source) as original:
        kind = original.format or "PNG"
        original.draft(None, (width, width))  # both sides at least the width: turned upright or not, it is enough
        image = ImageOps.exif_transpose(original)
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA" if kind != "JPEG" else "RGB")
        height = max(1, round(image.height * width / image.width))
        copy = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
        if kind == "JPEG" and copy.mode != "RGB":
            copy = copy.convert("RGB")
        data = io.BytesIO()
        copy.save(data, format=kind, **SAVE_OPTIONS.get(kind, {}))
        return data.getvalue()


def pdf_sources(config: Config, doc: Document, lang: str) -> tuple[str, dict[str, str]]:
    """The page's public address, the PDF's base for its links, and the file each address of a file beside it reads."""
    page = urls.public(config, urls.document(lang, doc))
    return page, {unquote(urljoin(page, media.href)): str(media.source) for media in view(config, doc, lang).version.media}
