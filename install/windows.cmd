@echo off
rem Installs the Batchsheet add-in for Excel on this PC, for the person logged in.
rem Double-click it in File Explorer. It needs Python 3.10 or newer and nothing else.
rem
rem What it does:
rem   1. makes a private Python environment in %USERPROFILE%\.batchsheet\venv,
rem   2. installs Batchsheet into it from the folder this script sits in,
rem   3. runs "batchsheet addin install", which puts the add-in in Excel's XLSTART folder.
rem
rem No parenthesised blocks below on purpose: a path with "(" or ")" in it, such as
rem "Program Files (x86)", would end such a block early.
setlocal EnableExtensions
title Batchsheet installer
echo Batchsheet installer
echo ====================
echo.

rem The Batchsheet folder is the one above this script's own folder (this script is in install\).
for %%I in ("%~dp0..") do set "SOURCE=%%~fI"
if not defined BATCHSHEET_VENV set "BATCHSHEET_VENV=%USERPROFILE%\.batchsheet\venv"
set "VENV=%BATCHSHEET_VENV%"

rem The "py" launcher comes with Python from python.org; "python" may also be the Microsoft Store
rem placeholder, which the version check below rejects because it does not run the code.
set "PYTHON="
py -3 -c "import sys; sys.exit(sys.version_info < (3, 10))" >nul 2>nul && set "PYTHON=py -3"
if not defined PYTHON python -c "import sys; sys.exit(sys.version_info < (3, 10))" >nul 2>nul && set "PYTHON=python"
if not defined PYTHON goto :no_python

if exist "%VENV%\Scripts\python.exe" goto :install
echo Creating a private Python environment in %VENV% ...
%PYTHON% -m venv "%VENV%"
if errorlevel 1 goto :venv_failed

:install
echo Installing Batchsheet from %SOURCE% (this downloads what it needs the first time) ...
"%VENV%\Scripts\python.exe" -m pip install --disable-pip-version-check --quiet --upgrade "%SOURCE%"
if errorlevel 1 goto :pip_failed

echo.
"%VENV%\Scripts\batchsheet.exe" addin install %*
if errorlevel 1 goto :addin_failed

echo.
echo To remove it later: open a Command Prompt and run
echo   "%VENV%\Scripts\batchsheet.exe" addin uninstall
echo.
pause
exit /b 0

:no_python
echo Python 3.10 or newer is needed, and this PC does not have it yet.
echo.
echo   1. Download Python for Windows from https://www.python.org/downloads/windows/
echo   2. Run the installer. On its first page, tick "Add python.exe to PATH",
echo      then click "Install Now".
echo   3. Double-click this file (windows.cmd) again.
echo.
pause
exit /b 2

:venv_failed
echo.
echo Could not create the Python environment in %VENV% (see the messages above).
pause
exit /b 2

:pip_failed
echo.
echo Could not install Batchsheet (see the messages above). Check the internet connection
echo and try again. Nothing in Excel has been changed.
pause
exit /b 2

:addin_failed
echo.
echo The add-in was not installed (see the messages above).
pause
exit /b 2
