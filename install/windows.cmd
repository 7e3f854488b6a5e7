@echo off
rem Installs the Batchsheet add-in for Excel on this PC, for the person logged in.
rem Double-click it in File Explorer. It needs Python 3.10 or newer and nothing else.
rem
rem What it does:
rem   1. makes a private Python environment in %USERPROFILE%\.batchsheet\venv, or makes it
rem      again when the Python it was made with has been removed or replaced,
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

rem What a Python answers when asked: 0 for Python 3.10 or newer, 1 for an older one, 3 for one
rem from the Microsoft Store. Windows keeps the files a Store Python writes under AppData in a
rem private copy that Excel never looks in, so the add-in would never load. (No double quotes
rem or percent signs in it: it is pasted inside "...".)
set "CHECK=import sys; p = ' '.join([sys.executable, getattr(sys, '_base_executable', ''), sys.base_prefix]).lower(); store = 'windowsapps' in p or 'pythonsoftwarefoundation.python.' in p; sys.exit(1 if sys.version_info < (3, 10) else 3 if store else 0)"

rem An environment an earlier install made is used again when it still works: the Python it was
rem made with (the "home" line of its pyvenv.cfg) is still there, and its own python.exe runs,
rem answers 0 and still has its pip.
set "VENV_STATE=none"
if exist "%VENV%" set "VENV_STATE=broken"
if exist "%VENV%\Scripts\python.exe" "%VENV%\Scripts\python.exe" -c "import pip; %CHECK%" >nul 2>nul && set "VENV_STATE=works"
set "VENV_HOME="
if exist "%VENV%\pyvenv.cfg" for /f "usebackq tokens=1,* delims== " %%A in ("%VENV%\pyvenv.cfg") do if /i "%%A"=="home" set "VENV_HOME=%%B"
if not defined VENV_HOME if "%VENV_STATE%"=="works" set "VENV_STATE=broken"
if defined VENV_HOME if not exist "%VENV_HOME%\python.exe" set "VENV_STATE=broken"
if "%VENV_STATE%"=="works" goto :install

rem The "py" launcher comes with Python from python.org; "python" may also be the Microsoft Store
rem placeholder, which does not run the check at all, or a Python from the Store, which answers 3.
set "PYTHON="
set "STORE_PYTHON="
py -3 -c "%CHECK%" >nul 2>nul
set "ANSWER=%errorlevel%"
if "%ANSWER%"=="0" set "PYTHON=py -3"
if "%ANSWER%"=="3" set "STORE_PYTHON=yes"
if defined PYTHON goto :have_python
python -c "%CHECK%" >nul 2>nul
set "ANSWER=%errorlevel%"
if "%ANSWER%"=="0" set "PYTHON=python"
if "%ANSWER%"=="3" set "STORE_PYTHON=yes"
if defined PYTHON goto :have_python
if defined STORE_PYTHON goto :store_python
goto :no_python

:have_python
if "%VENV_STATE%"=="none" goto :make_venv
if not exist "%VENV%\pyvenv.cfg" goto :not_a_venv
echo The Python environment in %VENV% no longer works: the Python it was made with
echo has been removed or replaced. Making it again ...
%PYTHON% -m venv --clear "%VENV%"
if errorlevel 1 goto :venv_failed
goto :install

:make_venv
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

:store_python
echo The Python on this PC comes from the Microsoft Store. Windows keeps the files such a
echo Python writes under AppData in a private copy that Excel never looks in, so the add-in
echo would never load. Install Python from python.org as well:
echo.
echo   1. Download Python for Windows from https://www.python.org/downloads/windows/
echo   2. Run the installer. On its first page, tick "Add python.exe to PATH",
echo      then click "Install Now".
echo   3. Double-click this file (windows.cmd) again.
echo.
pause
exit /b 2

:not_a_venv
echo %VENV% is in the way: it is not a Python environment, so it was left as it is.
echo Move it somewhere else (or delete it) and double-click this file again.
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
