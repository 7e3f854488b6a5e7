"""The record of what an install added, so that uninstall removes exactly that.

Every file is recorded by its full path with the SHA-256 of the bytes install wrote there.
Whether a file was changed since it was installed is decided in one place, `Manifest.unchanged`:
install, status and uninstall all ask it, so they never disagree about a file. (Versions before
this one recorded a relative --home as relative paths; `actions` deals with such a record.)
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_atomically

MANIFEST_VERSION = 1


class ManifestError(ValueError):
    """The manifest exists but cannot be read."""


@dataclass
class Manifest:
    platform: str
    # path -> sha256 of the bytes the install wrote there
    files: dict[str, str] = field(default_factory=dict)
    # folders the install created, removed again when empty
    folders: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(
            {
                "product": "batchsheet",
                "manifest_version": MANIFEST_VERSION,
                "platform": self.platform,
                "files": dict(sorted(self.files.items())),
                "folders": sorted(set(self.folders)),
            },
            indent=2,
        )

    def recorded(self, path: Path | str) -> bool:
        """Whether install recorded writing `path`."""
        return str(path) in self.files

    def unchanged(self, path: Path | str, data: bytes) -> bool:
        """Whether `data`, the bytes now at `path`, are exactly those install recorded writing
        there. A recorded file for which this is false was changed since it was installed: it
        is the user's now, and install, status and uninstall all leave it as it is."""
        digest = self.files.get(str(path))
        return digest is not None and sha256(data) == digest

    def add(self, path: Path, data: bytes) -> None:
        """Record writing `data` to `path`, by its full path."""
        self.files[str(path.absolute())] = sha256(data)


def load(path: Path) -> Manifest | None:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as e:
        raise ManifestError(f"cannot read {path}: {e.strerror or e}") from None
    try:
        data = json.loads(raw)
        files = data["files"]
        folders = data["folders"]
        if not isinstance(files, dict) or not isinstance(folders, list):
            raise TypeError
        return Manifest(
            platform=str(data["platform"]),
            files={str(k): str(v) for k, v in files.items()},
            folders=[str(f) for f in folders],
        )
    except (ValueError, KeyError, TypeError):
        raise ManifestError(f"{path} is not a Batchsheet install record") from None


def save(path: Path, manifest: Manifest) -> None:
    write_atomically(path, (manifest.to_json() + "\n").encode("utf-8"), replace=True)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_MODIFIED_STAMP = re.compile(rb"<dcterms:modified\b[^>]*>[^<]*</dcterms:modified>")


def same_content(a: bytes, b: bytes) -> bool:
    """Whether two files hold the same thing.

    Office packages (zip) are compared part by part, ignoring the zip's own timestamps and the
    "last modified" stamp in docProps/core.xml: they say when a template was generated, not
    what it holds.
    """
    if a == b:
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(a)) as za, zipfile.ZipFile(io.BytesIO(b)) as zb:
            if sorted(za.namelist()) != sorted(zb.namelist()):
                return False
            return all(_part(za, name) == _part(zb, name) for name in za.namelist())
    except zipfile.BadZipFile:
        return False


def _part(package: zipfile.ZipFile, name: str) -> bytes:
    data = package.read(name)
    if name == "docProps/core.xml":
        data = _MODIFIED_STAMP.sub(b"", data)
    return data
