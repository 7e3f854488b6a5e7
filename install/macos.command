#!/bin/bash
# Installs the Batchsheet add-in for Excel on this Mac, for the person logged in.
# Double-click it in Finder. It needs Python 3.10 or newer and nothing else.
#
# What it does:
#   1. makes a private Python environment in ~/.batchsheet/venv (nothing system-wide changes),
#   2. installs Batchsheet into it from the folder this script sits in,
#   3. runs "batchsheet addin install", which puts the add-in where Excel loads it at start-up.

set -u

# The Batchsheet folder is the one above this script's own folder (this script is in install/).
script_dir="${0%/*}"
[ "$script_dir" = "$0" ] && script_dir="."
source_dir="$(cd "$script_dir/.." && pwd)" || exit 2
venv="${BATCHSHEET_VENV:-$HOME/.batchsheet/venv}"

finish() {
    # A Terminal window opened by a double-click closes with the script: keep it open to read.
    if [ -t 0 ]; then
        echo
        read -r -p "Press Return to close this window. " _
    fi
    exit "$1"
}

echo "Batchsheet installer"
echo "===================="
echo

python=""
for candidate in python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' >/dev/null 2>&1; then
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
    echo "(If macOS offers to install the \"command line developer tools\" instead, that works too:"
    echo " accept, wait for it to finish, then double-click this file again.)"
    finish 2
fi

echo "Using $("$python" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
echo

if [ ! -x "$venv/bin/python" ]; then
    echo "Creating a private Python environment in $venv ..."
    "$python" -m venv "$venv" || {
        echo "Could not create the Python environment in $venv (see the messages above)."
        finish 2
    }
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
