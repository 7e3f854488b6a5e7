"""Where the add-in's files go for one user, on Windows and on macOS.

Excel opens every workbook and add-in in its user start-up folder when it starts; `xlwings addin
install` asks a running Excel for that folder (`Application.StartupPath`). Here it is derived
from the home folder instead, so that installing needs no Excel and can be tested anywhere:

- Windows: `%APPDATA%\\Microsoft\\Excel\\XLSTART`, a trusted location out of the box.
- macOS (Excel 2016 and later, sandboxed): the Excel start-up folder in the Office group
  container. Office names its folders with a `.localized` suffix that Finder hides; a machine
  whose folders were created without it keeps them that way, so an existing folder is used as
  it is.

The templates go to the user's Documents folder as File Explorer or Finder shows it
(`addin.documents`: on Windows OneDrive may have moved it), unless a home folder is handed in,
which then stands for the whole user folder. A home handed in is taken as a full path, `~`
expanded and links resolved, whatever folder the command runs in: the install record names every
file by it, for uninstall and status to find from any folder.

The config file is where the add-in's xlwings VBA (PROJECT_NAME "batchsheet") reads it:
`%USERPROFILE%\\.batchsheet\\batchsheet.conf` on Windows, and on macOS `batchsheet.conf` in the
home folder Excel sees from inside its sandbox. macOS also needs xlwings' AppleScript in Excel's
Application Scripts folder: it is how RunPython starts Python from a sandboxed Excel.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import xlwings

from ..documents import documents_folder
from .xlam import ADDIN_FILE_NAME, PROJECT_NAME

PLATFORMS = ("windows", "macos")
TEMPLATES_FOLDER = "Batchsheet Templates"
MANIFEST_NAME = "install-manifest.json"
APPLESCRIPT_NAME = f"xlwings-{xlwings.__version__}.applescript"
# The home folder Excel sees from inside its sandbox.
MAC_SANDBOX_HOME = ("Library", "Containers", "com.microsoft.Excel", "Data")
MAC_APPLICATION_SCRIPTS = ("Library", "Application Scripts", "com.microsoft.Excel")
OFFICE_GROUP_CONTAINER = ("Library", "Group Containers", "UBF8T346G9.Office")
MAC_LOCALIZED_FOLDERS = ("User Content", "Startup")


class UnsupportedPlatform(Exception):
    """Excel add-ins install on Windows or macOS only."""


class HomeError(Exception):
    """The home folder handed in cannot be made a full path."""


@dataclass(frozen=True)
class Layout:
    platform: str
    home: Path
    startup_dir: Path
    config_file: Path
    templates_dir: Path
    state_dir: Path
    applescript: Path | None

    @property
    def addin(self) -> Path:
        return self.startup_dir / ADDIN_FILE_NAME

    @property
    def manifest(self) -> Path:
        return self.state_dir / MANIFEST_NAME

    @property
    def interpreter_setting(self) -> str:
        return "INTERPRETER_WIN" if self.platform == "windows" else "INTERPRETER_MAC"


def running_platform() -> str | None:
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return None


def layout_for(platform: str | None = None, home: Path | None = None) -> Layout:
    """The layout for `platform` (default: this OS) under `home` (default: the user's home)."""
    platform = platform or running_platform()
    if platform is None:
        raise UnsupportedPlatform(
            "Excel add-ins install on Windows or macOS; this computer runs neither. "
            "Pass --platform windows or --platform macos to install into a folder for one "
            "(with --home)."
        )
    if platform not in PLATFORMS:
        raise UnsupportedPlatform(f"unknown platform {platform!r}; use windows or macos")
    explicit_home = home is not None
    # A full path either way: the install record names files by these paths.
    home = full_home(home) if home is not None else Path.home().absolute()
    state_dir = home / f".{PROJECT_NAME}"
    # The Documents folder the user sees (OneDrive may have moved it on Windows); a home
    # handed in stands for a whole user folder, Documents included.
    documents = home / "Documents" if explicit_home else documents_folder(platform, home)
    templates_dir = documents / TEMPLATES_FOLDER
    if platform == "windows":
        appdata = _windows_appdata(home, explicit_home)
        return Layout(
            platform=platform,
            home=home,
            startup_dir=appdata / "Microsoft" / "Excel" / "XLSTART",
            config_file=state_dir / f"{PROJECT_NAME}.conf",
            templates_dir=templates_dir,
            state_dir=state_dir,
            applescript=None,
        )
    return Layout(
        platform=platform,
        home=home,
        startup_dir=_mac_startup_dir(home),
        config_file=home.joinpath(*MAC_SANDBOX_HOME, f"{PROJECT_NAME}.conf"),
        templates_dir=templates_dir,
        state_dir=state_dir,
        applescript=home.joinpath(*MAC_APPLICATION_SCRIPTS, APPLESCRIPT_NAME),
    )


def full_home(home: Path | str) -> Path:
    """`home` as a full path: `~` expanded, relative to this folder, links resolved."""
    try:
        return Path(home).expanduser().resolve()
    except (OSError, RuntimeError) as e:
        # RuntimeError: `~` with no home folder known, or a loop of links (Python < 3.13).
        reason = e.strerror if isinstance(e, OSError) and e.strerror else e
        raise HomeError(f"cannot use the home folder {home}: {reason}") from None


def _windows_appdata(home: Path, explicit_home: bool) -> Path:
    # %APPDATA% can be redirected (roaming profiles), so trust it unless the home is overridden.
    if not explicit_home and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]).absolute()
    return home / "AppData" / "Roaming"


def _mac_startup_dir(home: Path) -> Path:
    folder = home.joinpath(*OFFICE_GROUP_CONTAINER)
    for name in MAC_LOCALIZED_FOLDERS:
        folder = _localized(folder, name)
    return folder / "Excel"


def _localized(parent: Path, name: str) -> Path:
    plain = parent / name
    if plain.is_dir() and not (parent / f"{name}.localized").is_dir():
        return plain
    return parent / f"{name}.localized"
