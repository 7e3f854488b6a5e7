"""The Documents folder templates and new batches go to: the one File Explorer shows.

Windows' answers (the known-folder lookup, the registry value) are handed in, so the logic is
tested on any system.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from addin.documents import (
    documents_folder,
    expand_variables,
    known_folder_documents,
    registry_documents,
)

ONEDRIVE = r"C:\Users\jane\OneDrive - Contoso\Documents"
ENVIRON = {"USERPROFILE": r"C:\Users\jane", "OneDrive": r"C:\Users\jane\OneDrive"}


def never() -> str | None:
    raise AssertionError("not to be asked")


def nothing() -> str | None:
    return None


def test_the_known_folder_comes_first(tmp_path: Path) -> None:
    found = documents_folder("windows", tmp_path, known_folder=lambda: ONEDRIVE, registry=never)
    assert str(found) == ONEDRIVE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (r"%USERPROFILE%\OneDrive - Contoso\Documents", ONEDRIVE),
        (r"%userprofile%\OneDrive - Contoso\Documents", ONEDRIVE),
        (r"%OneDrive%\Documents", r"C:\Users\jane\OneDrive\Documents"),
        (r"\\fileserver\home$\jane\Documents", r"\\fileserver\home$\jane\Documents"),
    ],
)
def test_the_registry_value_is_expanded_when_the_known_folder_does_not_answer(
    tmp_path: Path, value: str, expected: str
) -> None:
    found = documents_folder(
        "windows", tmp_path, known_folder=nothing, registry=lambda: value, environ=ENVIRON
    )
    assert str(found) == expected


@pytest.mark.parametrize("value", [None, "", r"%NOT_SET%\Documents", r"relative\Documents"])
def test_without_a_usable_answer_it_is_documents_in_the_home_folder(
    tmp_path: Path, value: str | None
) -> None:
    found = documents_folder(
        "windows", tmp_path, known_folder=lambda: "", registry=lambda: value, environ=ENVIRON
    )
    assert found == tmp_path / "Documents"


def test_macos_keeps_documents_in_the_home_folder(tmp_path: Path) -> None:
    assert documents_folder("macos", tmp_path, known_folder=never, registry=never) == (
        tmp_path / "Documents"
    )


def test_the_home_folder_is_read_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What New batch relies on: Path.home() at the time of the call (tests move it)."""
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    if not sys.platform.startswith("win"):
        assert documents_folder() == tmp_path / "Documents"
    assert documents_folder("macos") == tmp_path / "Documents"


def test_unknown_variables_stay_as_they_are() -> None:
    assert expand_variables("%A%\\%B%\\100%", {"a": "x"}) == "x\\%B%\\100%"


@pytest.mark.skipif(sys.platform.startswith("win"), reason="Windows answers for real")
def test_elsewhere_windows_lookups_answer_nothing() -> None:
    assert known_folder_documents() is None
    assert registry_documents() is None
    assert documents_folder("windows", Path("/home/jane")) == Path("/home/jane/Documents")


@pytest.mark.skipif(not sys.platform.startswith("win"), reason="needs Windows")
def test_on_windows_the_lookups_agree_with_the_shell() -> None:  # pragma: no cover
    found = known_folder_documents()
    assert found and Path(found).is_dir()
    assert documents_folder() == Path(found)
