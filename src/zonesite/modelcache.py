"""The validated model of each zone, kept between builds so unchanged files are not parsed again."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from . import __version__
from .config import Config


class ModelCache:
    """Zones keyed by folder, each with the signature (names, sizes, modification times) of its files.

    The cache is thrown away whenever the configuration or the generator's code changes, since both
    decide what a valid zone is.
    """

    def __init__(self, folder: Path, config: Config):
        digest = hashlib.sha256(__version__.encode() + config.path.read_bytes())
        for code in sorted(Path(__file__).parent.glob("*.py")):
            digest.update(code.read_bytes())
        self.path = folder / f"model-{digest.hexdigest()[:16]}.pickle"
        self.folder = folder
        self.zones: dict = self._load()
        self._loaded = self._signatures()

    def _signatures(self) -> dict:
        return {folder: entry[0] for folder, entry in self.zones.items()}

    def _load(self) -> dict:
        try:
            with self.path.open("rb") as stream:
                zones = pickle.load(stream)
            return zones if isinstance(zones, dict) else {}
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return {}

    def save(self) -> None:
        """Written only when a zone was read again: an unchanged site costs no write."""
        if self._signatures() == self._loaded and self.path.exists():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob("model-*.pickle"):
            if stale != self.path:
                stale.unlink(missing_ok=True)
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as stream:
            pickle.dump(self.zones, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)
