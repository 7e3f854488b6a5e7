"""The double-clickable installers in install/.

The macOS script runs here under bash, with a stand-in Python on PATH that records what it is
asked to do, so the test is fast and offline: the steps, their order, the paths and the
messages are the script's own. The Windows script cannot run here; its text is checked, and
the Python check it hands each candidate Python (version, Microsoft Store) runs here with this
Python made to look like each kind.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MACOS = REPO / "install" / "macos.command"
WINDOWS = REPO / "install" / "windows.cmd"
BASH = shutil.which("bash")

needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed")

# A stand-in for python3: answers the version check with $FAKE_VERSION_OK, and makes a "venv" (a
# pyvenv.cfg naming this stand-in's folder as its home) whose python and batchsheet log their
# arguments. The venv's python fails as a real one does once the Python its pyvenv.cfg names is
# gone, answers its own check with $FAKE_VENV_CHECK, and batchsheet exits with
# $FAKE_BATCHSHEET_EXIT.
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
    dir="${!#}"
    [ "$3" = "--clear" ] && rm -rf "$dir"
    mkdir -p "$dir/bin"
    printf 'home = %s\nversion = 3.12.1\n' "$(cd "$(dirname "$0")" && pwd)" > "$dir/pyvenv.cfg"
    cat > "$dir/bin/python" <<'VENV'
#!/bin/bash
PATH=/usr/bin:/bin
venv="$(cd "$(dirname "$0")/.." && pwd)"
home="$(sed -n 's/^home = //p' "$venv/pyvenv.cfg")"
if [ ! -d "$home" ]; then
    echo "$0: $home/python3: No such file or directory" >&2
    exit 127
fi
echo "venv-python $*" >> "$FAKE_LOG"
[ "$1" = "-c" ] && exit "${FAKE_VENV_CHECK:-0}"
exit 0
VENV
    printf '#!/bin/bash\necho "batchsheet $*" >> "$FAKE_LOG"\nexit "${FAKE_BATCHSHEET_EXIT:-0}"\n' \
        > "$dir/bin/batchsheet"
    chmod +x "$dir/bin/python" "$dir/bin/batchsheet"
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
def test_macos_script_does_not_recommend_the_command_line_tools_python(tmp_path: Path) -> None:
    """Apple's command line developer tools bring Python 3.9, below the project's minimum."""
    minimum = re.search(
        r'requires-python = ">=(\d+)\.(\d+)"', (REPO / "pyproject.toml").read_text()
    )
    assert minimum is not None and (int(minimum[1]), int(minimum[2])) > (3, 9)
    result, _, _ = run_macos_script(tmp_path, with_python=False)
    assert "that works too" not in result.stdout
    assert '"command line developer tools"' in result.stdout and "3.9" in result.stdout
    assert "too old" in result.stdout
    assert "brew install python" in result.stdout


def make_venv_then_run_again(
    tmp_path: Path, **env: str
) -> tuple[subprocess.CompletedProcess[str], list[str], Path]:
    first, _, _ = run_macos_script(tmp_path)
    assert first.returncode == 0, first.stdout
    (tmp_path / "calls.log").unlink()
    return run_macos_script(tmp_path, **env)


def pyvenv_home(venv: Path) -> Path:
    lines = (venv / "pyvenv.cfg").read_text().splitlines()
    return Path(next(line for line in lines if line.startswith("home = ")).removeprefix("home = "))


@needs_bash
def test_macos_script_remakes_a_venv_whose_python_was_removed(tmp_path: Path) -> None:
    """A Python upgrade (Homebrew's, or python.org's uninstaller) takes away the Python the
    environment was made with: the environment is made again, not blamed on the internet."""
    run_macos_script(tmp_path)
    venv = tmp_path / "home" / ".batchsheet" / "venv"
    made_with = pyvenv_home(venv)
    cfg = venv / "pyvenv.cfg"
    cfg.write_text(cfg.read_text().replace(str(made_with), str(tmp_path / "removed" / "bin")))
    (tmp_path / "calls.log").unlink()

    result, calls, _ = run_macos_script(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert calls[-3:] == [
        f"python3 -m venv --clear {venv}",
        "venv-python -m pip install --disable-pip-version-check --quiet --upgrade " + str(REPO),
        "batchsheet addin install --platform macos",
    ]
    assert f"The Python environment in {venv} no longer works" in result.stdout
    assert "internet" not in result.stdout
    assert pyvenv_home(venv) == made_with


@needs_bash
def test_macos_script_remakes_a_venv_whose_python_does_not_run(tmp_path: Path) -> None:
    # Its python no longer answers the check (it runs another version, or lost its pip).
    result, calls, _ = make_venv_then_run_again(tmp_path, FAKE_VENV_CHECK="1")
    venv = tmp_path / "home" / ".batchsheet" / "venv"
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"python3 -m venv --clear {venv}" in calls
    assert calls[-1] == "batchsheet addin install --platform macos"


@needs_bash
def test_macos_script_reuses_a_working_venv_without_asking_for_python(tmp_path: Path) -> None:
    run_macos_script(tmp_path)
    (tmp_path / "bin" / "python3").unlink()  # the venv works on its own
    (tmp_path / "calls.log").unlink()
    result, calls, _ = run_macos_script(tmp_path, with_python=False)
    assert result.returncode == 0, result.stdout
    assert not any(call.startswith("python3 ") for call in calls)
    assert "Using the private Python environment in" in result.stdout


@needs_bash
def test_macos_script_leaves_a_folder_that_is_not_a_venv(tmp_path: Path) -> None:
    venv = tmp_path / "home" / ".batchsheet" / "venv"
    venv.mkdir(parents=True)
    (venv / "notes.txt").write_text("not an environment")
    result, calls, _ = run_macos_script(tmp_path)
    assert result.returncode == 2
    assert "is in the way" in result.stdout
    assert (venv / "notes.txt").read_text() == "not an environment"
    assert not any(" -m venv" in call for call in calls)


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


def windows_lines() -> list[str]:
    return [line.strip() for line in WINDOWS.read_text().splitlines()]


def windows_check() -> str:
    """The Python code windows.cmd asks each Python to run."""
    found = [line for line in windows_lines() if line.startswith('set "CHECK=')]
    assert len(found) == 1
    return found[0].removeprefix('set "CHECK=').removesuffix('"')


def answer(check: str, setup: str = "") -> int:
    """What this Python answers to `check` once `setup` has changed what it says of itself."""
    done = subprocess.run([sys.executable, "-c", f"{setup}\n{check}"], timeout=60)
    return done.returncode


STORE = (
    r"C:\Program Files\WindowsApps"
    r"\PythonSoftwareFoundation.Python.3.12_3.12.2800.0_x64__qbz5n2kfra8p0"
)
STORE_ALIAS = (
    r"C:\Users\jane\AppData\Local\Microsoft\WindowsApps"
    r"\PythonSoftwareFoundation.Python.3.12_qbz5n2kfra8p0\python.exe"
)


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("", 0),
        ("sys.version_info = (3, 9, 6)", 1),
        (f"sys._base_executable = {STORE_ALIAS!r}", 3),
        (f"sys.executable = {STORE_ALIAS!r}", 3),
        (f"sys.base_prefix = {STORE!r}", 3),
        (r"sys.executable = 'C:\\Users\\jane\\.batchsheet\\venv\\Scripts\\python.exe'", 0),
    ],
    ids=["usable", "too old", "store alias", "store executable", "store prefix", "venv"],
)
def test_windows_script_tells_a_store_python_from_a_usable_one(setup: str, expected: int) -> None:
    check = windows_check()
    # It is pasted between double quotes on a cmd.exe line: nothing in it may end them or expand.
    assert '"' not in check and "%" not in check and "!" not in check
    assert answer(check, f"import sys\n{setup}") == expected


def test_windows_script_refuses_a_store_python_with_the_python_org_steps() -> None:
    lines = windows_lines()
    for candidate in ("py -3", "python"):
        at = lines.index(f'{candidate} -c "%CHECK%" >nul 2>nul')
        assert lines[at + 1] == 'set "ANSWER=%errorlevel%"'
        assert lines[at + 3] == 'if "%ANSWER%"=="3" set "STORE_PYTHON=yes"'
    assert "if defined STORE_PYTHON goto :store_python" in lines
    label = lines.index(":store_python")
    store = "\n".join(lines[label : lines.index("exit /b 2", label)])
    assert "Microsoft Store" in store and "Excel never looks in" in store
    assert "https://www.python.org/downloads/windows/" in store
    assert 'tick "Add python.exe to PATH"' in store
    assert "Double-click this file (windows.cmd) again." in store
    assert lines.index("if defined STORE_PYTHON goto :store_python") < lines.index(
        '%PYTHON% -m venv "%VENV%"'
    )


def test_windows_script_remakes_a_venv_that_no_longer_works() -> None:
    lines = windows_lines()
    # The environment is checked first: its own python must run and answer 0 with its pip...
    works = (
        'if exist "%VENV%\\Scripts\\python.exe" "%VENV%\\Scripts\\python.exe" -c '
        '"import pip; %CHECK%" >nul 2>nul && set "VENV_STATE=works"'
    )
    assert works in lines
    # ... and the Python its pyvenv.cfg names as home must still be there.
    assert (
        'if exist "%VENV%\\pyvenv.cfg" for /f "usebackq tokens=1,* delims== " %%A in '
        '("%VENV%\\pyvenv.cfg") do if /i "%%A"=="home" set "VENV_HOME=%%B"'
    ) in lines
    assert (
        'if defined VENV_HOME if not exist "%VENV_HOME%\\python.exe" set "VENV_STATE=broken"'
        in lines
    )
    reuse = lines.index('if "%VENV_STATE%"=="works" goto :install')
    assert lines.index(works) < reuse < lines.index('py -3 -c "%CHECK%" >nul 2>nul')
    # A broken one is made again in place, but only if it is a venv (never a folder of the user's).
    clear = lines.index('%PYTHON% -m venv --clear "%VENV%"')
    assert lines[clear + 1] == "if errorlevel 1 goto :venv_failed"
    assert lines[clear + 2] == "goto :install"
    guard = lines.index('if not exist "%VENV%\\pyvenv.cfg" goto :not_a_venv')
    assert lines.index('if "%VENV_STATE%"=="none" goto :make_venv') < guard < clear
    assert "no longer works" in lines[guard + 1]
    not_a_venv = lines.index(":not_a_venv")
    assert "is in the way" in lines[not_a_venv + 1]


def test_windows_script_venv_check_runs_in_an_environment() -> None:
    assert answer("import pip; " + windows_check()) == 0


def test_windows_script_has_no_blocks_a_path_could_break() -> None:
    # "(" ... ")" blocks end early at the ")" of a path like "C:\Program Files (x86)\...".
    for line in WINDOWS.read_text().splitlines():
        if line.startswith(("rem", "echo")):
            continue
        assert not line.rstrip().endswith("("), line
