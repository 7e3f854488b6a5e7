"""`batchsheet addin install | uninstall | status` in a temporary home, for both OS layouts."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import zipfile
from pathlib import Path

import pytest
import xlwings
from pyopenvba import ExcelFile

from addin.installer import build_xlam, run
from addin.installer.layout import layout_for
from addin.specs import SPECS

MAC_STARTUP = Path(
    "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
)
WINDOWS_STARTUP = Path("AppData/Roaming/Microsoft/Excel/XLSTART")
APPLESCRIPT = Path(xlwings.__file__).parent / f"xlwings-{xlwings.__version__}.applescript"


def expected_files(platform: str) -> dict[str, Path]:
    """Where each file belongs, relative to the home folder: the layout stated independently."""
    templates = {
        f"template {name}": Path("Documents/Batchsheet Templates") / f"{name}.xltx"
        for name in SPECS
    }
    if platform == "windows":
        return {
            "add-in": WINDOWS_STARTUP / "Batchsheet.xlam",
            "config": Path(".batchsheet/batchsheet.conf"),
            **templates,
        }
    return {
        "add-in": MAC_STARTUP / "Batchsheet.xlam",
        "config": Path("Library/Containers/com.microsoft.Excel/Data/batchsheet.conf"),
        "AppleScript": Path("Library/Application Scripts/com.microsoft.Excel") / APPLESCRIPT.name,
        **templates,
    }


def snapshot(root: Path) -> dict[str, str]:
    """Every folder and file under `root`, files with a digest of their content."""
    tree = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        tree[key] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return tree


class Console:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        self.lines.append(line)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


platforms = pytest.mark.parametrize("platform", ["windows", "macos"])


def config_settings(path: Path, platform: str) -> dict[str, str]:
    raw = path.read_bytes()
    newline = b"\r\n" if platform == "windows" else b"\n"
    assert raw.endswith(newline)
    lines = raw[: -len(newline)].split(newline)
    settings = {}
    for line in lines:
        key, value = line.decode("utf-8").split('","')
        settings[key.strip('"')] = value.strip('"')
    return settings


@platforms
def test_install_puts_every_file_in_place(home: Path, platform: str, tmp_path: Path) -> None:
    console = Console()
    assert run("install", platform=platform, home=home, out=console) == 0

    files = {role: home / rel for role, rel in expected_files(platform).items()}
    for role, path in files.items():
        assert path.is_file(), f"{role} missing at {path}"
        assert str(path) in console.text

    # The add-in is the one the build makes.
    with ExcelFile(files["add-in"]) as installed:
        installed_modules = installed.vba_modules()
    with ExcelFile(build_xlam(tmp_path / "fresh.xlam")) as fresh:
        assert installed_modules == fresh.vba_modules()

    # The config file names this Python, under the setting xlwings' VBA reads on this OS.
    key = "INTERPRETER_WIN" if platform == "windows" else "INTERPRETER_MAC"
    assert config_settings(files["config"], platform) == {
        key: sys.executable,
        "ADD_WORKBOOK_TO_PYTHONPATH": "false",
    }

    if platform == "macos":
        assert files["AppleScript"].read_bytes() == APPLESCRIPT.read_bytes()

    for name in SPECS:
        with zipfile.ZipFile(files[f"template {name}"]) as template:
            assert "xl/workbook.xml" in template.namelist()

    manifest = json.loads((home / ".batchsheet" / "install-manifest.json").read_text())
    assert set(manifest["files"]) == {str(p) for p in files.values()}
    assert manifest["platform"] == platform


@platforms
def test_status_reports_each_file(home: Path, platform: str) -> None:
    before = Console()
    assert run("status", platform=platform, home=home, out=before) == 0
    assert "Not installed" in before.text
    for rel in expected_files(platform).values():
        assert f"{home / rel}: missing" in before.text

    run("install", platform=platform, home=home, out=Console())
    after = Console()
    assert run("status", platform=platform, home=home, out=after) == 0
    for rel in expected_files(platform).values():
        assert f"{home / rel}: present, current" in after.text
    assert f"Python used by the add-in: {sys.executable}" in after.text
    assert "Installed" in after.text


@platforms
def test_status_notices_an_out_of_date_file(home: Path, platform: str) -> None:
    run("install", platform=platform, home=home, out=Console())
    layout = layout_for(platform, home)
    _rewrite_config_as_install_did(layout.config_file, layout.manifest, b'"OLD","x"\r\n')
    console = Console()
    run("status", platform=platform, home=home, out=console)
    assert f"{layout.config_file}: present, out of date" in console.text
    # An out-of-date file install wrote is updated by installing again.
    assert run("install", platform=platform, home=home, out=Console()) == 0
    assert b"ADD_WORKBOOK_TO_PYTHONPATH" in layout.config_file.read_bytes()


def _rewrite_config_as_install_did(config: Path, manifest: Path, data: bytes) -> None:
    """Simulate a file an older version installed: new bytes, recorded as installed."""
    config.write_bytes(data)
    record = json.loads(manifest.read_text())
    record["files"][str(config)] = hashlib.sha256(data).hexdigest()
    manifest.write_text(json.dumps(record))


@platforms
def test_uninstall_removes_exactly_what_install_added(home: Path, platform: str) -> None:
    startup = home / (WINDOWS_STARTUP if platform == "windows" else MAC_STARTUP)
    startup.mkdir(parents=True)
    (startup / "Someone else's add-in.xlam").write_bytes(b"not ours")
    (home / "Documents").mkdir()
    (home / "Documents" / "accounts.xlsx").write_bytes(b"the user's own work")
    before = snapshot(home)

    assert run("install", platform=platform, home=home, out=Console()) == 0
    assert snapshot(home) != before
    console = Console()
    assert run("uninstall", platform=platform, home=home, out=console) == 0
    assert snapshot(home) == before
    for rel in expected_files(platform).values():
        assert f"removed       {home / rel}" in console.text


@platforms
def test_a_second_install_is_harmless(home: Path, platform: str) -> None:
    assert run("install", platform=platform, home=home, out=Console()) == 0
    first = snapshot(home)
    console = Console()
    assert run("install", platform=platform, home=home, out=console) == 0
    assert snapshot(home) == first
    assert console.text.count("(already in place)") == len(expected_files(platform))
    # ... and uninstall after two installs still leaves nothing behind.
    assert run("uninstall", platform=platform, home=home, out=Console()) == 0
    assert snapshot(home) == {}


@platforms
def test_a_file_in_the_way_stops_the_install_before_anything_is_written(
    home: Path, platform: str
) -> None:
    addin = home / expected_files(platform)["add-in"]
    addin.parent.mkdir(parents=True)
    addin.write_bytes(b"an add-in by the same name, not ours")
    before = snapshot(home)
    console = Console()
    assert run("install", platform=platform, home=home, out=console) == 2
    assert snapshot(home) == before
    assert str(addin) in console.text
    assert "Nothing was installed" in console.text


@platforms
def test_uninstall_keeps_a_file_the_user_changed(home: Path, platform: str) -> None:
    run("install", platform=platform, home=home, out=Console())
    template = home / expected_files(platform)[f"template {next(iter(SPECS))}"]
    template.write_bytes(b"the user's edited template")
    console = Console()
    assert run("uninstall", platform=platform, home=home, out=console) == 0
    assert template.read_bytes() == b"the user's edited template"
    assert f"kept          {template} (changed since it was installed)" in console.text
    assert not (home / expected_files(platform)["add-in"]).exists()


def test_an_applescript_already_there_is_left_for_its_owner(home: Path) -> None:
    script = home / expected_files("macos")["AppleScript"]
    script.parent.mkdir(parents=True)
    script.write_bytes(APPLESCRIPT.read_bytes())  # as `xlwings runpython install` leaves it
    run("install", platform="macos", home=home, out=Console())
    run("uninstall", platform="macos", home=home, out=Console())
    assert script.read_bytes() == APPLESCRIPT.read_bytes()


def test_an_existing_unlocalized_startup_folder_is_used(home: Path) -> None:
    plain = home / "Library/Group Containers/UBF8T346G9.Office/User Content/Startup/Excel"
    plain.mkdir(parents=True)
    assert run("install", platform="macos", home=home, out=Console()) == 0
    assert (plain / "Batchsheet.xlam").is_file()


def test_the_windows_layout_follows_the_home_override(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APPDATA", str(home.parent / "elsewhere"))
    layout = layout_for("windows", home)
    assert layout.startup_dir == home / WINDOWS_STARTUP


def test_linux_without_a_platform_says_where_add_ins_install(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    console = Console()
    assert run("install", home=home, out=console) == 2
    assert "Windows or macOS" in console.text
    assert snapshot(home) == {}


def test_an_unknown_action_or_platform_fails_plainly(home: Path) -> None:
    console = Console()
    assert run("reinstall", platform="windows", home=home, out=console) == 2
    assert run("install", platform="linux", home=home, out=console) == 2
    assert "Unknown action" in console.text and "unknown platform" in console.text
    assert snapshot(home) == {}


def test_a_mac_python_path_the_shell_would_split_is_refused(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", "/Users/Jane Doe/.batchsheet/venv/bin/python")
    console = Console()
    assert run("install", platform="macos", home=home, out=console) == 2
    assert "spaces" in console.text and "Traceback" not in console.text
    assert snapshot(home) == {}


def test_a_failure_to_write_is_a_message_not_a_traceback(home: Path) -> None:
    # A folder where the add-in should go: reading or replacing it fails, even for root.
    blocker = home / expected_files("windows")["add-in"]
    blocker.mkdir(parents=True)
    console = Console()
    assert run("install", platform="windows", home=home, out=console) == 2
    assert f"batchsheet: cannot use {blocker}" in console.text
    assert "Error:" not in console.text


# -- a Python from the Microsoft Store -------------------------------------------------------

STORE_PREFIX = (
    r"C:\Program Files\WindowsApps"
    r"\PythonSoftwareFoundation.Python.3.12_3.12.2800.0_x64__qbz5n2kfra8p0"
)
STORE_ALIAS = (
    r"C:\Users\jane\AppData\Local\Microsoft\WindowsApps"
    r"\PythonSoftwareFoundation.Python.3.12_qbz5n2kfra8p0\python.exe"
)
PYTHON_ORG = r"C:\Users\jane\AppData\Local\Programs\Python\Python312\python.exe"


def as_store_python(monkeypatch: pytest.MonkeyPatch, fact: str) -> None:
    """This Python as a Store one looks from the side `fact` names; a venv made from it is
    an ordinary folder, so sys.executable alone says nothing in that case."""
    monkeypatch.setattr(sys, "executable", r"C:\Users\jane\.batchsheet\venv\Scripts\python.exe")
    monkeypatch.setattr(sys, "_base_executable", PYTHON_ORG, raising=False)
    monkeypatch.setattr(sys, "base_prefix", str(Path(PYTHON_ORG).parent))
    value = STORE_PREFIX if fact == "base_prefix" else STORE_ALIAS
    monkeypatch.setattr(sys, fact, value, raising=False)


@pytest.mark.parametrize("fact", ["_base_executable", "executable", "base_prefix"])
def test_a_microsoft_store_python_is_refused_with_the_python_org_steps(
    home: Path, monkeypatch: pytest.MonkeyPatch, fact: str
) -> None:
    as_store_python(monkeypatch, fact)
    console = Console()
    assert run("install", platform="windows", home=home, out=console) == 2
    assert snapshot(home) == {}
    text = console.text
    assert text.startswith("batchsheet: this Python comes from the Microsoft Store")
    assert "Excel never looks in" in text and "Nothing was installed" in text
    assert "https://www.python.org/downloads/windows/" in text
    assert 'tick "Add python.exe to PATH"' in text and "windows.cmd" in text
    assert "Traceback" not in text


def test_a_python_org_python_in_a_venv_installs(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "_base_executable", PYTHON_ORG, raising=False)
    monkeypatch.setattr(sys, "base_prefix", str(Path(PYTHON_ORG).parent))
    assert run("install", platform="windows", home=home, out=Console()) == 0


def test_status_under_a_store_python_says_present_may_not_be_true(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("install", platform="windows", home=home, out=Console())
    as_store_python(monkeypatch, "_base_executable")
    console = Console()
    assert run("status", platform="windows", home=home, out=console) == 0
    assert "This Python comes from the Microsoft Store" in console.text
    assert "https://www.python.org/downloads/windows/" in console.text


def test_a_store_python_matters_only_for_windows(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "_base_executable", STORE_ALIAS, raising=False)
    assert run("install", platform="macos", home=home, out=Console()) == 0


@pytest.mark.parametrize(
    ("path", "store"),
    [
        (STORE_ALIAS, True),
        (STORE_PREFIX, True),
        (STORE_ALIAS.lower(), True),
        ("C:/Program Files/WindowsApps/PythonSoftwareFoundation.Python.3.13_x/python.exe", True),
        (r"D:\Apps\PythonSoftwareFoundation.Python.3.11_qbz5n2kfra8p0\python.exe", True),
        (r"C:\Users\jane\AppData\Local\Microsoft\WindowsApps\python.exe", True),
        (PYTHON_ORG, False),
        (r"C:\Users\jane\MyWindowsAppsNotes\python.exe", False),
        ("/opt/homebrew/bin/python3", False),
    ],
)
def test_store_pythons_are_told_by_their_folder_or_package(path: str, store: bool) -> None:
    from addin.installer.config import store_python

    assert (store_python([PYTHON_ORG, path]) == path) is store


# -- the Documents folder File Explorer shows ------------------------------------------------


def test_templates_go_to_the_documents_folder_windows_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OneDrive's folder backup moves Documents; the templates follow it, and uninstall finds
    them there."""
    import addin.documents

    user = tmp_path / "jane"
    onedrive_documents = user / "OneDrive - Contoso" / "Documents"
    onedrive_documents.mkdir(parents=True)
    monkeypatch.setattr(Path, "home", lambda: user)
    monkeypatch.setenv("APPDATA", str(user / "AppData" / "Roaming"))
    monkeypatch.setattr(addin.documents, "known_folder_documents", lambda: str(onedrive_documents))

    assert run("install", platform="windows", out=Console()) == 0
    for name in SPECS:
        assert (onedrive_documents / "Batchsheet Templates" / f"{name}.xltx").is_file()
    assert not (user / "Documents").exists()
    assert run("uninstall", platform="windows", out=Console()) == 0
    assert list(onedrive_documents.iterdir()) == []


def test_a_home_handed_in_keeps_its_own_documents(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import addin.documents

    monkeypatch.setattr(addin.documents, "known_folder_documents", lambda: r"C:\Elsewhere")
    assert layout_for("windows", home).templates_dir == home / "Documents" / "Batchsheet Templates"


# -- where an install is recorded: full paths, whatever --home and the working folder ---------


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A folder to install from, another to uninstall from, and a home folder `~` of its own."""
    made = {name: tmp_path / name for name in ("work", "elsewhere", "user")}
    for folder in made.values():
        folder.mkdir()
    monkeypatch.setenv("HOME", str(made["user"]))
    monkeypatch.setenv("USERPROFILE", str(made["user"]))
    monkeypatch.chdir(made["work"])
    return made


# How --home is given, from the folder the install runs in (`work`), and where it really is.
HOME_FORMS = {
    ".": lambda tmp: tmp / "work",
    "../x": lambda tmp: tmp / "x",
    "nested/home": lambda tmp: tmp / "work" / "nested" / "home",
    "~/x": lambda tmp: tmp / "user" / "x",
    "../link": lambda tmp: tmp / "real",
}


def _make_home_form(form: str, tmp_path: Path) -> Path:
    """Prepare what `form` needs; the home folder it stands for, symbolic links resolved."""
    if form == "../link":
        (tmp_path / "real").mkdir()
        (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    return HOME_FORMS[form](tmp_path)


def _manifest_of(home: Path) -> dict[str, object]:
    record: dict[str, object] = json.loads(
        (home / ".batchsheet" / "install-manifest.json").read_text()
    )
    return record


@platforms
@pytest.mark.parametrize("form", list(HOME_FORMS))
def test_a_relative_home_is_recorded_as_full_paths(
    folders: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    platform: str,
    form: str,
) -> None:
    real_home = _make_home_form(form, tmp_path)
    before = snapshot(tmp_path)

    assert run("install", platform=platform, home=Path(form), out=Console()) == 0
    record = _manifest_of(real_home)
    files = record["files"]
    assert isinstance(files, dict) and isinstance(record["folders"], list)
    assert set(files) == {str(real_home / rel) for rel in expected_files(platform).values()}
    assert all(Path(name).is_absolute() for name in [*files, *record["folders"]])

    # From another folder, with the home named as it is seen from there.
    monkeypatch.chdir(folders["elsewhere"])
    again = Path(os.path.relpath(tmp_path / "link" if form == "../link" else real_home))
    status = Console()
    assert run("status", platform=platform, home=again, out=status) == 0
    for rel in expected_files(platform).values():
        assert f"{real_home / rel}: present, current" in status.text
    assert "Installed" in status.text

    console = Console()
    assert run("uninstall", platform=platform, home=again, out=console) == 0
    assert "already gone" not in console.text
    assert snapshot(tmp_path) == before
    assert not list(tmp_path.rglob("Batchsheet.xlam"))


def test_a_home_reached_through_a_link_is_one_install(
    folders: dict[str, Path], tmp_path: Path
) -> None:
    """Installed through a link, found again by the folder's own name, and the other way."""
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)

    assert run("install", platform="windows", home=link, out=Console()) == 0
    console = Console()
    assert run("install", platform="windows", home=real, out=console) == 0
    assert console.text.count("(already in place)") == len(expected_files("windows"))
    assert run("uninstall", platform="windows", home=real, out=Console()) == 0
    assert snapshot(real) == {}


def test_the_command_line_install_with_a_relative_home_uninstalls_from_anywhere(
    folders: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from addin.cli import main

    addin = folders["work"] / "rel" / WINDOWS_STARTUP / "Batchsheet.xlam"
    assert main(["addin", "install", "--platform", "windows", "--home", "rel"]) == 0
    assert addin.is_file()

    monkeypatch.chdir(folders["elsewhere"])
    assert main(["addin", "uninstall", "--platform", "windows", "--home", "../work/rel"]) == 0
    assert f"removed       {addin}" in capsys.readouterr().out
    assert not addin.exists()
    assert snapshot(folders["work"]) == {}


def test_a_home_that_cannot_be_resolved_is_a_message(
    folders: dict[str, Path], tmp_path: Path
) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    before = snapshot(tmp_path)
    console = Console()
    assert run("install", platform="windows", home=loop, out=console) == 2
    assert console.text.startswith(f"batchsheet: cannot use the home folder {loop}")
    assert snapshot(tmp_path) == before


def _as_an_older_version_recorded_it(home: Path, relative_to: Path) -> None:
    """Rewrite the install record as the versions that kept --home relative wrote it."""
    manifest = home / ".batchsheet" / "install-manifest.json"
    record = json.loads(manifest.read_text())
    record["files"] = {
        os.path.relpath(name, relative_to): digest for name, digest in record["files"].items()
    }
    record["folders"] = [os.path.relpath(name, relative_to) for name in record["folders"]]
    manifest.write_text(json.dumps(record))


@platforms
def test_an_old_relative_record_is_not_uninstalled_from_another_folder(
    folders: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str
) -> None:
    home = folders["work"] / "rel"
    assert run("install", platform=platform, home=home, out=Console()) == 0
    _as_an_older_version_recorded_it(home, folders["work"])
    installed = snapshot(tmp_path)

    monkeypatch.chdir(folders["elsewhere"])
    console = Console()
    assert run("uninstall", platform=platform, home=home, out=console) == 2
    assert snapshot(tmp_path) == installed  # nothing removed, the record kept
    text = console.text
    assert "Done" not in text and "already gone" not in text
    assert "relative paths written by an older version" in text
    assert "run uninstall from the folder you installed from" in text
    for rel in expected_files(platform).values():
        assert f"  {home / rel}" in text
    assert str(home / ".batchsheet" / "install-manifest.json") in text

    # status says the same; install neither writes nor claims files are "in the way".
    status = Console()
    assert run("status", platform=platform, home=home, out=status) == 0
    assert "relative paths written by an older version" in status.text
    reinstall = Console()
    assert run("install", platform=platform, home=home, out=reinstall) == 2
    assert "relative paths written by an older version" in reinstall.text
    assert "in the way" not in reinstall.text
    assert snapshot(tmp_path) == installed


@platforms
def test_an_old_relative_record_uninstalls_from_the_folder_it_was_made_in(
    folders: dict[str, Path], monkeypatch: pytest.MonkeyPatch, platform: str
) -> None:
    home = folders["work"] / "rel"
    assert run("install", platform=platform, home=home, out=Console()) == 0
    _as_an_older_version_recorded_it(home, folders["work"])

    console = Console()
    assert run("uninstall", platform=platform, home=Path("rel"), out=console) == 0
    assert "Done" in console.text
    assert snapshot(folders["work"]) == {}


@platforms
def test_an_old_relative_record_is_made_whole_by_installing_from_its_folder(
    folders: dict[str, Path], monkeypatch: pytest.MonkeyPatch, platform: str
) -> None:
    home = folders["work"] / "rel"
    assert run("install", platform=platform, home=home, out=Console()) == 0
    _as_an_older_version_recorded_it(home, folders["work"])

    assert run("install", platform=platform, home=Path("rel"), out=Console()) == 0
    record = _manifest_of(home)
    assert isinstance(record["files"], dict) and isinstance(record["folders"], list)
    assert all(Path(name).is_absolute() for name in [*record["files"], *record["folders"]])
    monkeypatch.chdir(folders["elsewhere"])
    assert run("uninstall", platform=platform, home=home, out=Console()) == 0
    assert snapshot(folders["work"]) == {}


# -- a file changed since it was installed ---------------------------------------------------


def _rezipped(data: bytes) -> bytes:
    """The same package part by part, in a zip of other bytes (as a re-save that changes
    nothing but the zip's own dates writes it)."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            moved = zipfile.ZipInfo(info.filename, date_time=(2001, 2, 3, 4, 5, 6))
            target.writestr(moved, source.read(info.filename), zipfile.ZIP_DEFLATED)
    assert out.getvalue() != data
    return out.getvalue()


def _line_about(text: str, path: Path) -> str:
    (line,) = [line for line in text.splitlines() if f" {path}" in line]
    return line


@platforms
def test_status_and_uninstall_agree_on_which_files_were_changed(home: Path, platform: str) -> None:
    assert run("install", platform=platform, home=home, out=Console()) == 0
    layout = layout_for(platform, home)
    edited, resaved, untouched, *_ = (layout.templates_dir / f"{name}.xltx" for name in SPECS)
    edited.write_bytes(b"the user's own template")
    resaved.write_bytes(_rezipped(resaved.read_bytes()))
    _rewrite_config_as_install_did(layout.config_file, layout.manifest, b'"OLD","x"\r\n')

    status = Console()
    assert run("status", platform=platform, home=home, out=status) == 0
    uninstall = Console()
    assert run("uninstall", platform=platform, home=home, out=uninstall) == 0

    changed = "changed since it was installed"
    for path in [layout.addin, layout.config_file, edited, resaved, untouched]:
        said = _line_about(status.text, path)
        done = _line_about(uninstall.text, path)
        assert (changed in said) == (changed in done) == ("kept" in done), (said, done)
        assert (changed in said) == (path in (edited, resaved)), said
        assert ("not written by Batchsheet" in said) is False
        assert path.exists() == (path in (edited, resaved))


# -- an install over one whose files the user changed ----------------------------------------


@platforms
def test_a_changed_template_is_kept_and_the_rest_is_installed(home: Path, platform: str) -> None:
    assert run("install", platform=platform, home=home, out=Console()) == 0
    layout = layout_for(platform, home)
    edited, removed, *_ = (layout.templates_dir / f"{name}.xltx" for name in SPECS)
    edited.write_bytes(b"the user's own template")
    removed.unlink()
    _rewrite_config_as_install_did(layout.config_file, layout.manifest, b'"OLD","x"\r\n')

    console = Console()
    assert run("install", platform=platform, home=home, out=console) == 0
    assert edited.read_bytes() == b"the user's own template"
    assert removed.is_file()
    assert b"ADD_WORKBOOK_TO_PYTHONPATH" in layout.config_file.read_bytes()
    line = _line_about(console.text, edited)
    assert "kept" in line and "changed since it was installed" in line
    assert "Nothing was installed" not in console.text
    assert "Done." in console.text

    # The record still says what install wrote there: status and uninstall keep it too.
    status = Console()
    run("status", platform=platform, home=home, out=status)
    assert "changed since it was installed" in _line_about(status.text, edited)
    uninstall = Console()
    assert run("uninstall", platform=platform, home=home, out=uninstall) == 0
    assert edited.read_bytes() == b"the user's own template"
    assert {p.relative_to(home) for p in home.rglob("*") if p.is_file()} == {
        edited.relative_to(home)
    }
