"""Fixtures for the add-in tests: the built .xlam and our VBA module running in an interpreter."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyopenvba.interpreter import Interpreter

from addin.installer import build_xlam
from addin.installer.xlam import RIBBON_MODULE, ribbon_module_source


@pytest.fixture(scope="session")
def built_xlam(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_xlam(tmp_path_factory.mktemp("xlam") / "Batchsheet.xlam")


@pytest.fixture(scope="session")
def vba() -> Interpreter:
    """Our ribbon module, parsed and runnable (its pure functions need no Excel)."""
    interpreter = Interpreter()
    interpreter.add_module(ribbon_module_source(), name=RIBBON_MODULE)
    return interpreter
