"""The batch ledger: exports are remembered across processes, and a re-export is caught."""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

from addin.engine.batch import Context
from addin.engine.csv_batch import read_csv_batch
from addin.engine.totals import document_totals
from addin.ledger import Ledger
from addin.specs import get_spec
from tests.conftest import EXAMPLES, run_process
from tests.infusion.conftest import ROW
from tests.infusion.conftest import csv_bytes as infusion_bytes
from tests.pastel_rows import csv_bytes, detail, header

SAMPLE = EXAMPLES / "pastel_customer_invoices_sample.csv"


def workbook(run, tmp_path: Path, rows=None, name: str = "b") -> Path:
    source = tmp_path / f"{name}.csv"
    source.write_bytes(csv_bytes(rows) if rows is not None else SAMPLE.read_bytes())
    book = tmp_path / f"{name}.xlsx"
    run("import", source, "--format", "pastel-customer", "-o", book, "--force")
    return book


def test_a_reexport_is_warned_after_a_restart_with_when_and_which_file(tmp_path: Path):
    ledger = tmp_path / "ledger.sqlite3"
    source = tmp_path / "march.csv"
    source.write_bytes(SAMPLE.read_bytes())
    book = tmp_path / "march.xlsx"
    assert run_process("import", source, "--format", "pastel-customer", "-o", book).code == 0
    first = run_process("validate", book, "--json", "--ledger", ledger)
    assert all(f["code"] != "already-exported" for f in json.loads(first.out)["findings"])
    exported = run_process("export", book, "-o", tmp_path / "out.csv", "--ledger", ledger)
    assert exported.code == 0 and "recorded as batch 1" in exported.out
    # A new process, a new connection: the ledger is a file.
    again = run_process("validate", book, "--json", "--ledger", ledger)
    assert again.code == 0
    warned = [f for f in json.loads(again.out)["findings"] if f["code"] == "already-exported"]
    assert [(f["row"], f["column"]) for f in warned] == [(3, "E"), (7, "E"), (11, "E")]
    assert "out.csv" in warned[0]["message"] and "ledger batch 1" in warned[0]["message"]
    listed = json.loads(run_process("ledger", "list", "--json", "--ledger", ledger).out)
    assert [(b["id"], b["documents"], Path(b["file"]).name) for b in listed["batches"]] == [
        (1, 3, "out.csv")
    ]


def test_any_document_of_an_earlier_batch_is_caught_in_a_new_batch(run, tmp_path: Path):
    first = workbook(run, tmp_path, [header(order_number="A"), detail(),
                                     header(order_number="B"), detail()], "first")  # fmt: skip
    assert run("export", first, "-o", tmp_path / "first-out.csv").code == 0
    second = workbook(run, tmp_path, [header(order_number="C"), detail(),
                                      header(order_number="B"), detail()], "second")  # fmt: skip
    findings = json.loads(run("validate", second, "--json").out)["findings"]
    assert [(f["code"], f["row"]) for f in findings] == [("already-exported", 5)]
    exported = run("export", second, "-o", tmp_path / "second-out.csv")
    assert exported.code == 0 and "was already exported" in exported.err
    assert "recorded as batch 2" in exported.out


def test_the_same_document_with_other_amounts_is_a_different_document(run, tmp_path: Path):
    first = workbook(run, tmp_path, [header(), detail(quantity="10")], "first")
    assert run("export", first, "-o", tmp_path / "first-out.csv").code == 0
    same = json.loads(run("validate", first, "--json").out)["findings"]
    assert [f["code"] for f in same] == ["already-exported"]
    changed = workbook(run, tmp_path, [header(), detail(quantity="11")], "changed")
    assert json.loads(run("validate", changed, "--json").out)["findings"] == []


def test_forget_by_id_or_file_and_the_warning_goes(run, tmp_path: Path):
    book = workbook(run, tmp_path)
    assert run("export", book, "-o", tmp_path / "one.csv").code == 0
    assert run("export", book, "-o", tmp_path / "two.csv").code == 0
    assert "2 batches" in run("ledger", "list").out
    assert run("ledger", "forget", "1").code == 0
    assert run("ledger", "forget", tmp_path / "two.csv").out.startswith("forgot batch 2")
    assert run("ledger", "forget", "7").code == 2
    assert "no batches exported yet" in run("ledger", "list").out
    assert json.loads(run("validate", book, "--json").out)["warnings"] == 2  # commas only
    assert run("ledger", "forget").code == 2


def test_validate_never_creates_the_ledger_and_says_it_did_not_check(run, tmp_path, private_ledger):
    book = workbook(run, tmp_path)
    checks = json.loads(run("validate", book, "--json").out)["checks"]
    (ledger_check,) = [c for c in checks if "ledger" in c["check"]]
    assert not ledger_check["ran"] and "no batch exported yet" in ledger_check["detail"]
    assert not private_ledger.exists()


def test_a_ledger_that_cannot_be_written_does_not_undo_the_export(run, tmp_path: Path):
    book = workbook(run, tmp_path)
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    done = run("export", book, "-o", tmp_path / "out.csv", "--ledger", blocked / "ledger.sqlite3")
    assert done.code == 0 and (tmp_path / "out.csv").is_file()
    assert "not in the batch ledger" in done.err


def test_concurrent_exports_each_get_their_own_batch(tmp_path: Path):
    spec = get_spec("pastel-customer")
    batch = read_csv_batch(spec, csv_bytes([header(), detail()]), "b.csv", Context())
    documents = document_totals(batch)
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    ids: list[int] = []

    def export(n: int) -> None:
        ids.append(Ledger(ledger.path).record(spec.name, tmp_path / f"{n}.csv", documents))

    threads = [threading.Thread(target=export, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(ids) == list(range(1, 9))
    assert [b.documents for b in ledger.batches()] == [1] * 8


def test_infusion_documents_are_fingerprinted_by_account_date_reference_and_amount(
    run, tmp_path: Path
):
    header_row = ["Account Number", "Date", "Reference", "Description", "GL ID", "Amount",
                  "GST Rate", "Amount Is", "Cost Centre", "Notes"]  # fmt: skip
    source = tmp_path / "adj.csv"
    source.write_bytes(infusion_bytes([header_row, ROW]))
    book = tmp_path / "adj.xlsx"
    run("import", source, "-o", book)
    assert run("export", book, "-o", tmp_path / "adj-out.csv").code == 0
    other = list(ROW)
    other[5] = "-287.51"
    source.write_bytes(infusion_bytes([header_row, ROW, other]))
    run("import", source, "-o", book, "--force")
    findings = json.loads(run("validate", book, "--json").out)["findings"]
    assert [(f["code"], f["row"], f["column"]) for f in findings] == [("already-exported", 2, "A")]


def _warned_batches(run, book: Path) -> set[str]:
    """The ledger batches the already-exported warnings name, e.g. {"ledger batch 1"}."""
    findings = json.loads(run("validate", book, "--json").out)["findings"]
    warned = [f["message"] for f in findings if f["code"] == "already-exported"]
    assert len(warned) == 3  # the sample's three documents
    return {m[m.index("ledger batch") :].split(")")[0] for m in warned}


def test_a_document_exported_many_times_is_named_with_the_first_batch_that_held_it(
    run, tmp_path: Path
):
    book = workbook(run, tmp_path)
    for n in range(1, 6):
        assert run("export", book, "-o", tmp_path / f"out{n}.csv").code == 0
    assert _warned_batches(run, book) == {"ledger batch 1"}
    findings = json.loads(run("validate", book, "--json").out)["findings"]
    warned = [f["message"] for f in findings if f["code"] == "already-exported"]
    assert all("out1.csv" in m for m in warned)
    assert not any(f"out{n}.csv" in m for m in warned for n in range(2, 6))
    # The first batch forgotten, the next one that held the documents is named.
    assert run("ledger", "forget", "1").code == 0
    assert _warned_batches(run, book) == {"ledger batch 2"}
    checked = json.loads(run("check", SAMPLE, "--format", "pastel-customer", "--json").out)
    assert {f["message"].split("(ledger batch ")[1].split(")")[0] for f in checked["findings"]
            if f["code"] == "already-exported"} == {"2"}  # fmt: skip


def _indexes(path: Path) -> dict[str, str]:
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'").fetchall()
    return {name: sql for name, sql in rows if sql is not None}


# What a ledger written before the index on (fingerprint, batch) holds.
OLD_INDEX = "CREATE INDEX documents_by_fingerprint ON documents(fingerprint)"


def test_a_ledger_of_the_old_schema_is_read_unchanged_and_indexed_when_next_written(
    run, tmp_path: Path, private_ledger: Path
):
    book = workbook(run, tmp_path)
    assert run("export", book, "-o", tmp_path / "one.csv").code == 0
    assert run("export", book, "-o", tmp_path / "two.csv").code == 0
    with closing(sqlite3.connect(private_ledger)) as db:
        for name in _indexes(private_ledger):
            db.execute(f"DROP INDEX {name}")
        db.execute(OLD_INDEX)
        db.commit()
    assert list(_indexes(private_ledger).values()) == [OLD_INDEX]
    before = private_ledger.read_bytes()
    assert _warned_batches(run, book) == {"ledger batch 1"}
    assert run("check", SAMPLE, "--format", "pastel-customer").code == 0
    assert "already exported" in run("check", SAMPLE, "--format", "pastel-customer").out
    # Reading never alters the ledger: the same bytes, the old index alone.
    assert private_ledger.read_bytes() == before
    assert list(_indexes(private_ledger).values()) == [OLD_INDEX]
    assert run("export", book, "-o", tmp_path / "three.csv").code == 0
    indexed = _indexes(private_ledger)
    assert list(indexed.values()) != [OLD_INDEX]
    assert any("(fingerprint, batch)" in sql for sql in indexed.values())
    assert _warned_batches(run, book) == {"ledger batch 1"}
    assert "3 batches" in run("ledger", "list").out
