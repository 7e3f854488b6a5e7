#!/bin/bash
# Installs the Batchsheet add-in for Excel on this Mac, for the person logged in.
# Double-click it in Finder. It needs Python 3.10 or newer and nothing else.
#
# What it does:
#   1. makes a private Python environment in ~/.batchsheet/venv (nothing system-wide changes),
#      or makes it again when the Python it was made with has been removed or replaced,
#   2. installs Batchsheet into it from the folder this script sits in,
#   3. runs "batchsheet addin install", which puts the add-in where Excel loads it at start-up.

set -u

# The Batchsheet folder is the one above this script's own folder (this script is in install/).
script_dir="${0%/*}"
[ "$script_dir" = "$0" ] && script_dir="."
source_dir="$(cd "$script_dir/.." && pwd)" || exit 2
venv="${BATCHSHEET_VENV:-$HOME/.batchsheet/venv}"

# What a usable Python answers with exit status 0.
python_check='import sys; sys.exit(sys.version_info < (3, 10))'
# ... and the environment's own Python, which must also still find its pip.
venv_check="import pip; $python_check"

finish() {
    # A Terminal window opened by a double-click closes with the script: keep it open to read.
    if [ -t 0 ]; then
        echo
        read -r -p "Press Return to close this window. " _
    fi
    exit "$1"
}

# The folder of the Python the environment was made with: the "home" line of its pyvenv.cfg.
venv_home() {
    local line
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in
            "home = "*) printf '%s\n' "${line#home = }"; return 0 ;;
            "home="*) printf '%s\n' "${line#home=}"; return 0 ;;
        esac
    done < "$venv/pyvenv.cfg"
    return 1
}

# Whether the environment an earlier install made still works: the Python it was made with is
# still there (Homebrew and the python.org installer remove or replace old versions), and the
# environment's own Python runs, is new enough and still has its pip.
venv_works() {
    local home
    home="$(venv_home 2>/dev/null)" || return 1
    [ -n "$home" ] && [ -d "$home" ] || return 1
    [ -x "$venv/bin/python" ] || return 1
    "$venv/bin/python" -c "$venv_check" >/dev/null 2>&1
}

echo "Batchsheet installer"
echo "===================="
echo

if venv_works; then
    echo "Using the private Python environment in $venv"
    echo
else
    python=""
    for candidate in python3 python; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c "$python_check" >/dev/null 2>&1; then
            python="$candidate"
            break
        fi
    done

    if [ -z "$python" ]; then
        echo "Python 3.10 or newer is needed, and this Mac does not have it yet."
        echo
        echo "  1. Download Python for macOS from https://www.python.org/downloads/macos/"
        echo "  2. Open the downloaded file and follow the installer."
        echo "  3. Double-click this file (macos.command) again."
        echo
        echo "(With Homebrew, \"brew install python\" in Terminal does as well as steps 1 and 2.)"
        echo
        echo "If macOS offered to install the \"command line developer tools\", you can cancel:"
        echo "the Python they bring is 3.9, too old for Batchsheet."
        finish 2
    fi

    echo "Using $("$python" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
    echo

    if [ -e "$venv" ] || [ -L "$venv" ]; then
        if [ ! -f "$venv/pyvenv.cfg" ]; then
            echo "$venv is in the way: it is not a Python environment, so it was left as it is."
            echo "Move it somewhere else (or delete it) and double-click this file again."
            finish 2
        fi
        echo "The Python environment in $venv no longer works: the Python it was made with"
        echo "has been removed or replaced. Making it again ..."
        "$python" -m venv --clear "$venv" || {
            echo "Could not make the Python environment in $venv again (see the messages above)."
            finish 2
        }
    else
        echo "Creating a private Python environment in $venv ..."
        "$python" -m venv "$venv" || {
            echo "Could not create the Python environment in $venv (see the messages above)."
            finish 2
        }
    fi
fi

echo "Installing Batchsheet from $source_dir (this downloads what it needs the first time) ..."
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet --upgrade "$source_dir" || {
    echo
    echo "Could not install Batchsheet (see the messages above). Check the internet connection"
    echo "and try again. Nothing in Excel has been changed."
    finish 2
}

echo
"$venv/bin/batchsheet" addin install "$@"
status=$?
if [ "$status" -ne 0 ]; then
    echo
    echo "The add-in was not installed (see the messages above)."
    finish "$status"
fi

echo
echo "To remove it later: open Terminal and run"
echo "  \"$venv/bin/batchsheet\" addin uninstall"
finish 0
