"""How WeasyPrint reads the files of a document's PDF: imported by the PDF workers only, with WeasyPrint."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from weasyprint.urls import URLFetcher


class SourceFetcher(URLFetcher):
    """WeasyPrint reads a document's files from the content folder, at the addresses they have on the site;
    nothing from the network (every file a text shows is beside it)."""

    def __init__(self, files: dict[str, str]):
        super().__init__(allowed_protocols=("file", "data"))
        self.files = files

    def fetch(self, url, headers=None):
        source = self.files.get(unquote(url.split("#", 1)[0]))
        return super().fetch(Path(source).as_uri() if source else url, headers)
