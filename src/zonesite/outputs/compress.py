"""Pre-compressed copies of every text file (file.html.gz, file.html.br) for a server to send as they are.

nginx's `gzip_static` and `brotli_static` send `page.html.gz` or `.br` to a browser that accepts it, and the
file itself to one that does not. Both are byte-for-byte reproducible (gzip without a time stamp), so an
unchanged page keeps unchanged compressed copies. Brotli is written only when the `brotli` module is there
(fonttools installs it for WeasyPrint).
"""

from __future__ import annotations

from pathlib import Path

from isal import igzip

try:
    import brotli
except ImportError:  # pragma: no cover - WeasyPrint's fonttools[woff] brings it
    brotli = None

TEXT_EXTENSIONS = (".html", ".css", ".js", ".mjs", ".xml", ".json", ".jsonld", ".svg", ".txt", ".csv", ".webmanifest")


def encodings() -> dict[str, callable]:
    """Extension of the compressed copy -> how to make it from the bytes of the file."""
    # Measured on 200 document pages of the benchmark corpus (48 kB each), CPU per page and size sent:
    #   brotli quality 2: 0.50 ms, 10.2 kB; 4: 0.97 ms, 9.9 kB; 5: 1.62 ms, 9.3 kB; 6: 1.91 ms, 9.2 kB; 11: ~90 ms.
    #   gzip (ISA-L) level 1: 0.14 ms, 11.0 kB; 2: 0.14 ms, 10.9 kB; 3: 0.39 ms, 10.8 kB (zlib 6: 1.3 ms, 11.0 kB).
    # Over 400 pages of every kind, against gzip level 2: brotli 2 is 7 % smaller (and larger than gzip on some small
    # pages), 4 is 9 % smaller in 0.70 ms a page, 5 is 15 % smaller in 1.56 ms. Over the 1,477 text files of a cold
    # build of 1,080 documents (67 MB): brotli 4 sends 14.00 MB in 1.7 s of CPU, 3 sends 14.34 MB (2.5 % more, still
    # 7 % less than gzip's 15.43 MB) in 0.7 s. Brotli at 3: the cold build's largest single step after Markdown and
    # the templates, halved.
    # gzip, for the few browsers without brotli, at level 2: 1.6 % more bytes than level 3 for a third of its time.
    found = {".gz": lambda data: igzip.compress(data, compresslevel=2, mtime=0)}
    if brotli is not None:
        found[".br"] = lambda data: brotli.compress(data, quality=3)
    return found


def is_text(path: str) -> bool:
    return path.lower().endswith(TEXT_EXTENSIONS)


def compress_tree(folder: Path) -> None:
    """Write the compressed copies of the text files of a folder made in one go (the search bundle)."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and is_text(path.name):
            data = path.read_bytes()
            for extension, encode in encodings().items():
                path.with_name(path.name + extension).write_bytes(encode(data))
