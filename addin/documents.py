"""The user's Documents folder: the one File Explorer (or Finder) shows as Documents.

On Windows it need not be `%USERPROFILE%\\Documents`. OneDrive's folder backup ("known folder
move") moves it to `%USERPROFILE%\\OneDrive\\Documents` (or `OneDrive - Company\\Documents`), and
an administrator can redirect it to a network share; the old folder is then empty or gone, and
a file put there is one the user never finds. Windows says where it is:
SHGetKnownFolderPath(FOLDERID_Documents), and failing that the `Personal` value under
`User Shell Folders` in the registry, whose `%VARIABLES%` are expanded here. When neither
answers (or on another system), it is `~/Documents`; macOS keeps it there even when iCloud
syncs Desktop and Documents.

Every lookup can be handed in, so that the Windows logic is tested on any system.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

# KNOWNFOLDERID FOLDERID_Documents (KnownFolders.h), the folder CSIDL_PERSONAL names.
FOLDERID_DOCUMENTS = "{FDD39AD0-238F-46AF-ADB4-6C85480369C7}"
USER_SHELL_FOLDERS = r"Software\Microsoft\Windows\CurrentVersion\Explorer\User Shell Folders"
DOCUMENTS_VALUE = "Personal"

Lookup = Callable[[], "str | None"]

_VARIABLE = re.compile(r"%([^%]+)%")


def documents_folder(
    platform: str | None = None,
    home: Path | None = None,
    *,
    known_folder: Lookup | None = None,
    registry: Lookup | None = None,
    environ: Mapping[str, str] | None = None,
) -> Path:
    """The Documents folder of `platform` ("windows", "macos"; default: this system)."""
    fallback = (Path.home() if home is None else Path(home)) / "Documents"
    if platform is None:
        platform = "windows" if sys.platform.startswith("win") else sys.platform
    if platform != "windows":
        return fallback
    found = (known_folder or known_folder_documents)()
    if _usable(found):
        return Path(str(found))
    value = (registry or registry_documents)()
    if value:
        expanded = expand_variables(value, os.environ if environ is None else environ)
        if _usable(expanded):
            return Path(expanded)
    return fallback


def expand_variables(text: str, environ: Mapping[str, str]) -> str:
    """`%NAME%` replaced by the variable's value, as Windows expands a REG_EXPAND_SZ value
    (names in any case); an unknown name stays as it is."""
    upper = {key.upper(): value for key, value in environ.items()}
    return _VARIABLE.sub(lambda m: upper.get(m.group(1).upper(), m.group(0)), text)


def _usable(path: str | None) -> bool:
    if not path or "%" in path:
        return False
    return PureWindowsPath(path).is_absolute() or PurePosixPath(path).is_absolute()


def known_folder_documents() -> str | None:
    """SHGetKnownFolderPath(FOLDERID_Documents), or None where there is no shell32."""
    windll: Any = getattr(ctypes, "windll", None)
    if windll is None:
        return None

    class GUID(ctypes.Structure):
        _fields_ = [
            ("Data1", ctypes.c_uint32),
            ("Data2", ctypes.c_uint16),
            ("Data3", ctypes.c_uint16),
            ("Data4", ctypes.c_ubyte * 8),
        ]

    digits = FOLDERID_DOCUMENTS.strip("{}").replace("-", "")
    tail = bytes.fromhex(digits[16:])
    folder_id = GUID(
        int(digits[:8], 16),
        int(digits[8:12], 16),
        int(digits[12:16], 16),
        (ctypes.c_ubyte * 8)(*tail),
    )
    try:
        shell32, ole32 = windll.shell32, windll.ole32
        shell32.SHGetKnownFolderPath.argtypes = [
            ctypes.POINTER(GUID),
            ctypes.c_uint32,
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_wchar_p),
        ]
        shell32.SHGetKnownFolderPath.restype = ctypes.c_long
        ole32.CoTaskMemFree.argtypes = [ctypes.c_void_p]
        ole32.CoTaskMemFree.restype = None
        path = ctypes.c_wchar_p()
        result = shell32.SHGetKnownFolderPath(ctypes.byref(folder_id), 0, None, ctypes.byref(path))
        try:
            return str(path.value) if result == 0 and path.value else None
        finally:
            # The shell allocates the string even when it fails; CoTaskMemFree(NULL) is a no-op.
            ole32.CoTaskMemFree(path)
    except (OSError, AttributeError):
        return None


def registry_documents() -> str | None:
    """The `Personal` value under HKCU's User Shell Folders, unexpanded; None without it."""
    try:
        # Imported by name: the module exists on Windows only.
        winreg: Any = importlib.import_module("winreg")
    except ImportError:
        return None
    with contextlib.suppress(OSError):
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, USER_SHELL_FOLDERS) as key:
            value, _kind = winreg.QueryValueEx(key, DOCUMENTS_VALUE)
        return value if isinstance(value, str) else None
    return None


__all__ = ["documents_folder", "expand_variables"]
