"""A pre-compressed copy of every text file (file.html.br, or file.html.gz) for a server to send as it is.

nginx's `brotli_static` (or `gzip_static`) sends `page.html.br` (`.gz`) to a browser that accepts it, and the file
itself to one that does not. One copy per file: brotli for a server that has `brotli_static` (every browser asks for
it over HTTPS; nginx gzips on the fly for a client that asks only for gzip), gzip for one that has not. A copy is
byte-for-byte reproducible (gzip without a time stamp), so an unchanged page keeps an unchanged copy. Brotli needs
the `brotli` module (fonttools installs it for WeasyPrint).
"""

from __future__ import annotations

from pathlib import Path

try:
    import brotli
except ImportError:  # pragma: no cover - WeasyPrint's fonttools[woff] brings it
    brotli = None

TEXT_EXTENSIONS = (".html", ".css", ".js", ".mjs", ".xml", ".json", ".jsonld", ".svg", ".txt", ".csv", ".webmanifest")


def encodings(brotli_server: bool) -> dict[str, callable]:
    """Extension of the compressed copy -> how to make it from the bytes of the file; `brotli_server`: the server
    sends .br files (`server.brotli` in site_config.yaml)."""
    # Measured on 200 document pages of the benchmark corpus (48 kB each), CPU per page and size sent:
    #   brotli quality 2: 0.50 ms, 10.2 kB; 4: 0.97 ms, 9.9 kB; 5: 1.62 ms, 9.3 kB; 6: 1.91 ms, 9.2 kB; 11: ~90 ms.
    #   gzip (ISA-L) level 1: 0.14 ms, 11.0 kB; 2: 0.14 ms, 10.9 kB; 3: 0.39 ms, 10.8 kB (zlib 6: 1.3 ms, 11.0 kB).
    # Over 400 pages of every kind, against gzip level 2: brotli 2 is 7 % smaller (and larger than gzip on some small
    # pages), 4 is 9 % smaller in 0.70 ms a page, 5 is 15 % smaller in 1.56 ms. Over the 1,477 text files of a cold
    # build of 1,080 documents (67 MB): brotli 4 sends 14.00 MB in 1.7 s of CPU, 3 sends 14.34 MB (2.5 % more, still
    # 7 % less than gzip's 15.43 MB) in 0.7 s. Brotli at 3: the cold build's largest single step after Markdown and
    # the templates, halved. Measured again (best of 5): quality 2 takes 15 % less CPU (0.45 s against 0.53 s for the
    # 1,476 files) but sends 2.2 % more of the real site (its sitemap 15 % more, the catalogue 5 %); 1 takes half the
    # time for 7.4 % more; a smaller window (lgwin 16-18) or the text mode change nothing measurable. 3 stays.
    # gzip, for a server without brotli, at level 2: 1.6 % more bytes than level 3 for a third of its time.
    # Not both: a file created costs more than compressing it (on a virtual machine, 1 ms of the kernel's time for an
    # empty file as for a page): a .gz beside each .br was a third of the files of a cold build, and of its writing.
    if brotli is not None and brotli_server:
        return {".br": lambda data: brotli.compress(data, quality=3)}
    from isal import igzip  # imported here: a site compressed with brotli does not load it

    return {".gz": lambda data: igzip.compress(data, compresslevel=2, mtime=0)}


def is_text(path: str) -> bool:
    return path.lower().endswith(TEXT_EXTENSIONS)


def compress_tree(folder: Path, brotli_server: bool) -> None:
    """Write the compressed copies of the text files of a folder made in one go (the search bundle)."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and is_text(path.name):
            data = path.read_bytes()
            for extension, encode in encodings(brotli_server).items():
                path.with_name(path.name + extension).write_bytes(encode(data))
