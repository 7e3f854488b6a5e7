"""The double-clickable installers in install/.

The macOS script runs here under bash, with a stand-in Python on PATH that records what it is
asked to do, so the test is fast and offline: the steps, their order, the paths and the
messages are the script's own. The Windows script cannot run here; its text is checked.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MACOS = REPO / "install" / "macos.command"
WINDOWS = REPO / "install" / "windows.cmd"
BASH = shutil.which("bash")

needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed")

# A stand-in for python3: answers the version check with $FAKE_VERSION_OK, makes a "venv" whose
# python and batchsheet log their arguments, and exits with $FAKE_BATCHSHEET_EXIT for batchsheet.
FAKE_PYTHON = r"""#!/bin/bash
PATH=/usr/bin:/bin
echo "python3 $*" >> "$FAKE_LOG"
if [ "$1" = "-c" ]; then
    case "$2" in
        *version_info*) exit "${FAKE_VERSION_OK:-0}" ;;
        *) echo "/usr/local/bin/python3 3.12.1"; exit 0 ;;
    esac
fi
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
    mkdir -p "$3/bin"
    printf '#!/bin/bash\necho "venv-python $*" >> "$FAKE_LOG"\n' > "$3/bin/python"
    printf '#!/bin/bash\necho "batchsheet $*" >> "$FAKE_LOG"\nexit "${FAKE_BATCHSHEET_EXIT:-0}"\n' \
        > "$3/bin/batchsheet"
    chmod +x "$3/bin/python" "$3/bin/batchsheet"
    exit 0
fi
exit 99
"""


def run_macos_script(
    tmp_path: Path, *, with_python: bool = True, **env: str
) -> tuple[subprocess.CompletedProcess[str], list[str], Path]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "calls.log"
    if with_python:
        fake = bin_dir / "python3"
        fake.write_text(FAKE_PYTHON)
        fake.chmod(0o755)
    assert BASH is not None
    result = subprocess.run(
        [BASH, str(MACOS), "--platform", "macos"],
        # Only the stand-in is on PATH: the script must need nothing else from the system.
        env={"HOME": str(home), "PATH": str(bin_dir), "FAKE_LOG": str(log), **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    calls = log.read_text().splitlines() if log.exists() else []
    return result, calls, home


def test_macos_script_is_valid_bash() -> None:
    if BASH is None:
        pytest.skip("bash is not installed")
    subprocess.run([BASH, "-n", str(MACOS)], check=True)


def test_macos_script_is_executable_in_git_and_on_disk() -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(
        ["git", "ls-files", "--stage", "install/macos.command"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert listed.startswith("100755 "), listed
    assert os.stat(MACOS).st_mode & stat.S_IXUSR


def test_scripts_keep_their_line_endings() -> None:
    assert b"\r\n" not in MACOS.read_bytes()
    assert MACOS.read_text().startswith("#!/bin/bash\n")
    data = WINDOWS.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") > 0
    attributes = (REPO / "install" / ".gitattributes").read_text()
    assert "*.cmd text eol=crlf" in attributes and "*.command text eol=lf" in attributes


@needs_bash
def test_macos_script_makes_a_venv_installs_this_folder_and_the_addin(tmp_path: Path) -> None:
    result, calls, home = run_macos_script(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    venv = home / ".batchsheet" / "venv"
    assert calls[-3:] == [
        f"python3 -m venv {venv}",
        "venv-python -m pip install --disable-pip-version-check --quiet --upgrade " + str(REPO),
        "batchsheet addin install --platform macos",
    ]
    assert f"Creating a private Python environment in {venv}" in result.stdout
    assert f"Installing Batchsheet from {REPO}" in result.stdout
    assert "addin uninstall" in result.stdout


@needs_bash
def test_macos_script_reuses_an_existing_venv(tmp_path: Path) -> None:
    run_macos_script(tmp_path)
    (tmp_path / "calls.log").unlink()
    result, calls, _ = run_macos_script(tmp_path)
    assert result.returncode == 0
    assert not any(" -m venv " in call for call in calls)
    assert calls[-1] == "batchsheet addin install --platform macos"


@needs_bash
def test_macos_script_without_python_says_where_to_get_it(tmp_path: Path) -> None:
    result, calls, home = run_macos_script(tmp_path, with_python=False)
    assert result.returncode == 2
    assert "https://www.python.org/downloads/macos/" in result.stdout
    assert calls == [] and list(home.iterdir()) == []


@needs_bash
def test_macos_script_refuses_a_python_that_is_too_old(tmp_path: Path) -> None:
    result, calls, _ = run_macos_script(tmp_path, FAKE_VERSION_OK="1")
    assert result.returncode == 2
    assert "Python 3.10 or newer is needed" in result.stdout
    assert not any("venv" in call for call in calls)


@needs_bash
def test_macos_script_passes_on_an_install_failure(tmp_path: Path) -> None:
    result, _, _ = run_macos_script(tmp_path, FAKE_BATCHSHEET_EXIT="2")
    assert result.returncode == 2
    assert "The add-in was not installed" in result.stdout


def test_windows_script_does_the_same_steps() -> None:
    text = WINDOWS.read_text()
    lines = [line.strip() for line in text.splitlines()]
    assert lines[0] == "@echo off"
    assert 'set "BATCHSHEET_VENV=%USERPROFILE%\\.batchsheet\\venv"' in text
    assert 'for %%I in ("%~dp0..") do set "SOURCE=%%~fI"' in text
    steps = [
        '%PYTHON% -m venv "%VENV%"',
        '"%VENV%\\Scripts\\python.exe" -m pip install --disable-pip-version-check --quiet '
        '--upgrade "%SOURCE%"',
        '"%VENV%\\Scripts\\batchsheet.exe" addin install %*',
    ]
    positions = [lines.index(step) for step in steps]
    assert positions == sorted(positions)
    for step in positions:  # every step's failure is caught on the next line
        assert lines[step + 1].startswith("if errorlevel 1 goto :")
    assert "https://www.python.org/downloads/windows/" in text
    assert 'tick "Add python.exe to PATH"' in text
    # Every goto lands on a label, and the window stays open to be read.
    for target in {line.split(":")[-1] for line in lines if "goto :" in line}:
        assert f":{target}" in lines, target
    assert lines.count("pause") >= 5


def test_windows_script_has_no_blocks_a_path_could_break() -> None:
    # "(" ... ")" blocks end early at the ")" of a path like "C:\Program Files (x86)\...".
    for line in WINDOWS.read_text().splitlines():
        if line.startswith(("rem", "echo")):
            continue
        assert not line.rstrip().endswith("("), line
