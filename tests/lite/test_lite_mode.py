"""The in-memory Excel's Lite mode is as strict as xlwings Lite: each restriction the scripts
work around fails here as it fails there, and the desktop mode keeps none of them."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
import xlwings as xw

from tests.lite.conftest import desktop, lite_excel
from tests.memory_excel import LITE, CellError, Excel, LiteViolation, data


def book_of(excel: Excel) -> xw.Book:
    book = excel.batch([["a", 1.0], ["b", 2.5]], "Batch", "Format", "pastel-customer")
    data(book).grid[3, 1] = dt.datetime(2025, 5, 14)
    data(book).grid[3, 2] = CellError("#N/A")
    return book


def test_a_script_reads_the_values_it_started_with_and_writes_when_it_returns():
    seen: list[object] = []

    def script(book: xw.Book) -> None:
        sheet = book.sheets["Batch"]
        sheet["A1"].value = "changed"
        seen.append(sheet["A1"].value)  # the old value: the write is queued
        sheet["B2"].clear_contents()
        seen.append(sheet["B2"].value)
        seen.append(data(book).get(1, 1))  # Excel itself not yet written either

    with lite_excel() as excel:
        book = book_of(excel)
        excel.run_script(script, book)
        assert (data(book).get(1, 1), data(book).get(2, 2)) == ("changed", None)
    assert seen == ["a", 2.5, "a"]


def test_reads_come_as_the_add_in_sends_them():
    """Whole numbers as ints (Pyodide), dates from their ISO text, an error as None, or
    as its text when asked."""
    got: list[object] = []

    def script(book: xw.Book) -> None:
        area = book.sheets["Batch"].range("A1:B3")
        got.append(area.value)
        got.append(area.options(err_to_str=True).value[2][1])

    with lite_excel() as excel:
        excel.run_script(script, book_of(excel))
    assert got == [[["a", 1], ["b", 2.5], [dt.datetime(2025, 5, 14), None]], "#N/A"]
    assert type(got[0][0][1]) is int  # type: ignore[index]


def test_a_failed_script_leaves_the_workbook_as_it_was():
    def script(book: xw.Book) -> None:
        book.sheets["Batch"]["A1"].value = "changed"
        book.sheets.add("New")
        raise RuntimeError("stopped")

    with lite_excel() as excel:
        book = book_of(excel)
        with pytest.raises(RuntimeError):
            excel.run_script(script, book)
        assert data(book).get(1, 1) == "a"
        assert [s.name for s in book.impl.sheets] == ["Batch"]


def test_awaited_reads_see_the_queued_writes_and_load_reads_them_again():
    seen: list[object] = []

    async def script(book: xw.Book) -> None:
        sheet = book.sheets["Batch"]
        sheet["A5"].value = "=1+1"
        seen.append(await sheet["A5"].get_formula())
        seen.append(sheet["A5"].value)  # still the values loaded at the start
        await book.load()
        seen.append(sheet["A5"].value)
        found = await sheet["A1:B9"].find("b")
        seen.append(found.address if found else None)

    with lite_excel() as excel:
        excel.run_script(script, book_of(excel))
    assert seen == ["=1+1", None, 2, "$A$2"]


@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
def test_find_formula_and_row_visibility_are_not_read_without_await():
    outcome: dict[str, object] = {}

    def script(book: xw.Book) -> None:
        area = book.sheets["Batch"].range("A1:B3")
        found = area.find("b")
        outcome["find"] = inspect.isawaitable(found)
        found.close()  # never awaited: nothing is searched
        for name, read in (
            ("formula", lambda: area.formula),
            ("hidden", lambda: area.rows.hidden),
            ("format", lambda: area.number_format),
            ("wrap", lambda: area.wrap_text),
        ):
            with pytest.raises(NotImplementedError):
                read()
            outcome[name] = "raised"

    with lite_excel() as excel:
        excel.run_script(script, book_of(excel))
    assert outcome == {
        "find": True, "formula": "raised", "hidden": "raised", "format": "raised",
        "wrap": "raised",
    }  # fmt: skip


def test_no_status_bar_and_no_answer_from_an_alert():
    answers: list[object] = []

    def script(book: xw.Book) -> None:
        with pytest.raises(NotImplementedError, match="status_bar"):
            book.app.status_bar = "working"
        with pytest.raises(NotImplementedError, match="status_bar"):
            book.app.status_bar  # noqa: B018
        answers.append(book.app.alert("Go on?", buttons="yes_no"))

    with lite_excel() as excel:
        excel.app.answers = ["yes"]
        excel.run_script(script, book_of(excel))
        assert excel.app.alerts == [("Go on?", None)]
    assert answers == [None]


def test_no_workbook_is_opened_by_path(tmp_path):
    other = tmp_path / "other.xlsx"
    other.write_bytes(b"PK")

    def script(book: xw.Book) -> None:
        xw.Book(str(other))

    with lite_excel() as excel, pytest.raises(NotImplementedError, match="cannot open"):
        excel.run_script(script, book_of(excel))


def test_the_workbook_is_reached_only_from_a_script():
    with lite_excel() as excel:
        book = book_of(excel)
        with pytest.raises(LiteViolation):
            book.sheets["Batch"]["A1"].value  # noqa: B018
        assert book.fullname == book.name  # the add-in knows no path


@pytest.mark.parametrize("reader", ["import", "call", "open"])
def test_a_script_may_not_read_a_workbook_file(reader, tmp_path):
    workbook = tmp_path / "book.xlsx"
    workbook.write_bytes(b"PK")

    def script(book: xw.Book) -> None:
        if reader == "import":
            import python_calamine  # noqa: F401
        elif reader == "call":
            from tests import memory_excel

            memory_excel.load_workbook(workbook)
        else:
            workbook.open("rb").close()

    excel = Excel(LITE)
    try:
        with pytest.raises((ImportError, LiteViolation)):
            excel.run_script(script, book_of(excel))
        assert len(excel.lite_violations) == 1
    finally:
        excel.close()
    workbook.open("rb").close()  # outside a script, as before


def test_the_desktop_mode_keeps_none_of_it():
    with desktop() as excel:
        book = book_of(excel)
        sheet = book.sheets["Batch"]
        sheet["A1"].value = "changed"
        assert sheet["A1"].value == "changed"
        book.app.status_bar = "working"
        assert sheet["A1:B3"].find("b").address == "$A$2"
        assert book.app.alert("Go on?", buttons="ok") == "ok"
        with pytest.raises(ValueError, match="Lite"):
            excel.run_script(lambda b: None, book)
