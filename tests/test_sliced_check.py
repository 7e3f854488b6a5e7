"""`batchsheet check` a slice of documents at a time says what the check of the whole batch
says, byte for byte: the report short and long, every total, and the JSON.

The batches are made to cross slices with everything the checks read across a batch: an
order number repeated documents apart, Cost Price 0 as a habit and as a slip, Tax Type
written as a rate, Headers in the older layout, records joined on a line, numbers split at
their thousands separator, lines before the first Header, blank lines, a separator line, a
ledger that holds some of the documents, and company settings with more codes missing
from a list than suggestions are made for. Slices as small as one line are asked for.
"""

from __future__ import annotations

import dataclasses
import io
import random
from pathlib import Path

import pytest

from addin import sliced_check
from addin.engine.batch import Context
from addin.engine.company_rules import SUGGESTION_LIMIT
from addin.engine.csv_batch import batch_from_rows, decoded_csv, parse_csv
from addin.engine.csv_write import csv_text
from addin.engine.settings import SettingsFile
from addin.engine.totals import document_totals
from addin.ledger import Ledger
from addin.refusals import ReadError
from addin.report import report_lines, write_json
from addin.review import Review, review
from addin.sliced_check import check_text, sliceable
from addin.specs import SPECS, get_spec
from tests.conftest import EXAMPLES
from tests.pastel_rows import detail, header

SHARED_SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
PASTEL = "pastel-customer"


def older(n: int) -> list[str]:
    """A Header in the older 27-field layout (Cost Code where Document Date is now)."""
    current = header(order_number=f"OLD-{n}")
    return [*current[:20], "CC01", "14-05-2025", "011 555 0101", "", "T. Nkosi", "1", "Y"]


def split_price(row: list[str]) -> list[str]:
    """A Detail whose Unit Price is written with a thousands separator, unquoted."""
    at = 3  # Unit Price, column D
    return [*row[:at], "1", "250.00", *row[at + 1 :]]


def batch_lines(seed: int, documents: int, *, zero_share: float, unknown_accounts: int = 0):
    """A Pastel customer batch's lines (lists of fields, some joined or split), with every
    kind of line that reads across the batch, seeded."""
    rng = random.Random(seed)
    lines: list[list[str]] = []
    if rng.random() < 0.5:
        lines.append(detail(code="BEFORE-ANY-HEADER"))
    accounts = [f"ZZ{n:04d}" for n in range(unknown_accounts)]
    for n in range(documents):
        order = f"PO-{rng.randrange(documents // 3 + 1)}"
        account = accounts[n % len(accounts)] if accounts else "ABC001"
        pick = rng.random()
        head = older(n) if pick < 0.05 else header(order_number=order, account=account)
        if 0.05 <= pick < 0.08:
            head[0] = " Header"  # read as a Header, never where a slice is cut
        details = []
        for d in range(rng.choice([0, 1, 1, 2, 3])):
            cost = "0.00" if rng.random() < zero_share else "85.00"
            if rng.random() < 0.1:
                row = detail(tax_type="15", unit_price="100.00", inclusive_price="115.00")
            else:
                row = detail(cost_price=cost, code=f"C{n}-{d}")
            details.append(split_price(row) if rng.random() < 0.03 else row)
        if rng.random() < 0.05 and details:
            lines.append(head + [v for row in details for v in row])  # joined on one line
            continue
        lines.append(head)
        lines += details
        if rng.random() < 0.03:
            lines.append(["Total", "1"])  # no record kind
        if rng.random() < 0.03:
            lines.append([""])  # a blank line
    return lines


def file_bytes(lines: list[list[str]], *, sep_line: bool = False, crlf: bool = True) -> bytes:
    text = "".join(
        ",".join(f'"{v}"' if "," in v or '"' in v else v for v in line) + "\n" for line in lines
    )
    if sep_line:
        text = "sep=,\n" + text
    if crlf:
        text = text.replace("\n", "\r\n")
    return text.encode("cp1252")


def settings_for(accounts: int) -> SettingsFile:
    """Company settings whose customer list lacks the batch's ZZ accounts (but for near
    misses) and whose tax table lacks 15."""
    customers = [{"code": "ABC001"}] + [{"code": f"ZZ{n:04d}X"} for n in range(0, accounts, 7)]
    return SettingsFile(
        "company.json",
        {
            "settings": {"first_month": 3},
            "lists": {
                "customers": customers,
                "tax_types": [{"code": str(n).zfill(2), "rate": "15"} for n in range(10)],
            },
        },
    )


def shown(checked: Review) -> dict[str, str]:
    """Everything the check shows: the report short and long with every total, the JSON."""
    out = {}
    for every in (False, True):
        out[f"report every={every}"] = "\n".join(
            report_lines(
                checked, "in.csv", "line", every_finding=every, every_total=every, width=100
            )
        )
    stream = io.StringIO()
    write_json(checked, stream)
    out["json"] = stream.getvalue()
    return out


def whole(spec_name: str, data: bytes, settings, ledger) -> dict[str, str]:
    """The check of the whole batch at once, as `check` made it before it was sliced."""
    spec = get_spec(spec_name)
    context = Context(row_word="line", settings=settings)
    batch = batch_from_rows(spec, parse_csv(data, "in.csv", spec.encoding), context)
    return shown(review(batch, ledger))


def sliced(
    spec_name: str, data: bytes, settings, ledger, slice_lines: int, monkeypatch
) -> tuple[dict[str, str], int]:
    """The sliced check, and how many slices it checked (0: it read the file whole)."""
    spec = get_spec(spec_name)
    calls = []
    real = sliced_check.rows_batch

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(sliced_check, "rows_batch", counted)
    text, read = decoded_csv(data, "in.csv", spec.encoding)
    context = Context(row_word="line", settings=settings)
    checked = check_text(spec, text, read, context, ledger, slice_lines=slice_lines)
    monkeypatch.undo()
    assert context.batch_wide is None
    return shown(checked), len(calls)


def assert_same(spec_name, data, monkeypatch, sizes):
    expected = whole(spec_name, data, None, None)
    for size in sizes:
        got, slices = sliced(spec_name, data, None, None, size, monkeypatch)
        assert got == expected, f"slices of {size} lines"
        # One slice where it holds every line; else more than one.
        assert (slices > 1) == (size < data.count(b"\n")), f"{slices} slices of {size}"


@pytest.mark.parametrize("seed", range(6))
def test_a_batch_checked_in_slices_says_what_the_whole_batch_says(seed, monkeypatch):
    lines = batch_lines(seed, 60, zero_share=0.8 if seed % 2 else 0.05)
    data = file_bytes(lines, sep_line=seed == 3, crlf=seed != 4)
    assert_same(PASTEL, data, monkeypatch, (1, 2, 3, 5, 8, 13, 50, 10_000))


def test_the_supplier_format_checked_in_slices_says_the_same(monkeypatch):
    supplier = get_spec("pastel-supplier")
    lines = batch_lines(11, 40, zero_share=0.5)
    # A supplier Header has its own width: the customer lines, refitted to it.
    widths = {r.keyword: len(r.fields) for r in supplier.records}
    fitted = [line[: widths[line[0]]] if line[0] in widths else line for line in lines]
    assert_same("pastel-supplier", file_bytes(fitted), monkeypatch, (1, 4, 9))


def test_settings_suggestions_and_the_ledger_carry_from_slice_to_slice(monkeypatch, tmp_path: Path):
    """More unknown accounts than suggestions are made for: the suggestions stop at the
    same account sliced or whole. A ledger holding some documents warns on the same ones."""
    accounts = SUGGESTION_LIMIT + 150
    lines = batch_lines(7, accounts + 50, zero_share=0.3, unknown_accounts=accounts)
    data = file_bytes(lines)
    spec = get_spec(PASTEL)
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    exported = lines[: len(lines) // 3]
    early = batch_from_rows(spec, parse_csv(file_bytes(exported), "early.csv"), None)
    documents = document_totals(early)
    ledger.record(PASTEL, tmp_path / "early.csv", list(documents)[::2])
    settings = settings_for(accounts).for_spec(spec.settings)
    expected = whole(PASTEL, data, settings, ledger)
    assert "ZZ" in expected["json"] and "already exported" in expected["json"]
    assert "The closest code in the list is" in expected["json"]
    for size in (7, 61, 400):
        got, slices = sliced(PASTEL, data, settings, ledger, size, monkeypatch)
        assert got == expected and slices > 1


def test_the_samples_and_examples_checked_in_slices_say_the_same(monkeypatch):
    files = [
        path
        for folder in (EXAMPLES, SHARED_SAMPLES)
        for pattern in ("pastel_customer*.csv", "pastel_supplier*.csv")
        for path in folder.glob(pattern)
    ]
    assert len(files) >= 2
    for path in files:
        name = "pastel-supplier" if "supplier" in path.name else PASTEL
        assert_same(name, path.read_bytes(), monkeypatch, (1, 2, 5))


def test_a_file_whose_lines_do_not_split_alike_is_checked_whole(monkeypatch):
    """A quoted field over two lines, and line ends of two kinds: `csv_read.parse` reads
    such a file as one, and the check of it is the whole batch's."""
    lines = batch_lines(5, 20, zero_share=0.1)
    text = file_bytes(lines).decode("cp1252")
    spanning = text.replace("Widget", '"Wid\r\nget"', 1).encode("cp1252")
    mixed = (text[:200] + text[200:].replace("\r\n", "\n", 3)).encode("cp1252")
    for data in (spanning, mixed):
        expected = whole(PASTEL, data, None, None)
        got, slices = sliced(PASTEL, data, None, None, 3, monkeypatch)
        assert got == expected and slices == 0


def test_formats_not_of_keyword_records_are_checked_whole():
    assert [name for name, spec in SPECS.items() if sliceable(spec)] == [
        "pastel-customer",
        "pastel-supplier",
    ]


def test_a_batch_of_one_long_document_is_one_slice(monkeypatch):
    lines = [header()] + [detail(code=f"C{n}") for n in range(30)]
    data = csv_text(lines).encode("cp1252")
    expected = whole(PASTEL, data, None, None)
    got, slices = sliced(PASTEL, data, None, None, 4, monkeypatch)
    assert got == expected and slices == 1


@pytest.mark.parametrize(
    ("data", "slices"),
    # Blank lines only: no row, read whole. A row of empty fields: a slice with no record.
    [(b"sep=,\r\n\r\n", 0), (b"\xa0\r\n", 0), (b"\r\n\r\n,,,\r\n", 1)],
)
def test_a_file_without_a_record_says_what_the_whole_check_says(data, slices, monkeypatch):
    """No record to slice: the settings rules still say they did not run, as they do of an
    empty batch checked whole."""
    expected = whole(PASTEL, data, None, None)
    assert "no settings given" in expected["report every=False"]
    assert sliced(PASTEL, data, None, None, 1, monkeypatch) == (expected, slices)


def test_a_rule_after_a_batch_wide_one_on_the_same_field_keeps_the_batch_whole():
    """Two findings on one cell keep the order they were said in; sliced, a batch-wide
    rule speaks after every slice, so a later rule on its field would speak first."""
    spec = get_spec(PASTEL)
    pattern = next(r for r in spec.rules if type(r).__name__ == "PatternWhen")
    unique = next(r for r in spec.rules if type(r).__name__ == "UniqueInBatch")
    later = dataclasses.replace(pattern, record=unique.record, field=unique.field)
    earlier = dataclasses.replace(spec, rules=(later, *spec.rules))
    assert sliceable(spec) and sliceable(earlier)
    assert not sliceable(dataclasses.replace(spec, rules=(*spec.rules, later)))


DAMAGE = [b",", b'"', b"\r\n", b"\n", b"\xe9", b"\x00", b"Header,", b"Detail,", b" ", b""]


@pytest.mark.parametrize("seed", range(40))
def test_damaged_files_checked_in_slices_say_what_the_whole_check_says(seed, monkeypatch):
    """Bytes cut out, copied in or replaced (a comma, a quote, a line end, a keyword, a
    byte no encoding agrees on, a NUL): refused alike, or said alike, however the file is sliced."""
    rng = random.Random(seed)
    data = bytearray(file_bytes(batch_lines(seed, 25, zero_share=rng.random())))
    for _ in range(rng.randrange(1, 6)):
        i = rng.randrange(len(data))
        roll = rng.random()
        if roll < 0.3:
            data[i : i + 1] = rng.choice(DAMAGE)
        elif roll < 0.6:
            del data[i : i + rng.randrange(1, 40)]
        else:
            j = rng.randrange(len(data))
            data[i:i] = data[j : j + rng.randrange(1, 80)]
    damaged = bytes(data)
    try:
        expected = whole(PASTEL, damaged, None, None)
    except ReadError as refused:
        with pytest.raises(ReadError) as sliced_refusal:
            sliced(PASTEL, damaged, None, None, 3, monkeypatch)
        assert str(sliced_refusal.value) == str(refused)
        return
    for size in (1, 3, 7):
        assert sliced(PASTEL, damaged, None, None, size, monkeypatch)[0] == expected
