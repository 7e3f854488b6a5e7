"""The human report of a long batch with hundreds of problems: one screen, counted by kind,
the first rows of each; `--all` and `--json` carry every finding."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from addin.engine.catalogue import title
from addin.specs import SPECS
from addin.wording import counted, numbered

from .pastel_rows import csv_bytes, detail, header

DOCUMENTS = 5_000


def damaged_batch(path: Path) -> dict[str, int]:
    """5,000 documents of two lines each; about one line in 25 carries one of four problems.
    Returns how many of each code were planted."""
    rng = random.Random(20261201)
    rows: list[list[str]] = []
    planted = {"out-of-range": 0, "not-a-number": 0, "too-long": 0, "not-allowed": 0}
    for n in range(DOCUMENTS):
        head = {"order_number": f"PO-{n:05d}"}
        line = {}
        roll = rng.random()
        if roll < 0.01:
            head["period"] = "14"
            planted["out-of-range"] += 1
        elif roll < 0.02:
            line["quantity"] = "ten"
            planted["not-a-number"] += 1
        elif roll < 0.03:
            line["description"] = "W" * 41
            planted["too-long"] += 1
        elif roll < 0.04:
            line["discount_type"] = "7"
            planted["not-allowed"] += 1
        rows += [header(**head), detail(**line)]
    path.write_bytes(csv_bytes(rows))
    return planted


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("report") / "batch.csv"
    return path, damaged_batch(path)


def kinds_in(out: str) -> dict[str, int]:
    """The kinds of problem a summary counts, by code."""
    return {
        code: int(n.replace(",", ""))
        for n, code in re.findall(r"^ +([\d,]+) × .* \[([a-z0-9-]+)\]$", out, re.M)
    }


def test_check_of_a_long_batch_fits_one_screen_and_counts_every_kind(run, batch):
    path, planted = batch
    done = run("check", path, "--format", "pastel-customer")
    lines = done.out.splitlines()
    assert done.code == 1
    assert len(lines) < 60
    errors = sum(planted.values())
    assert lines[0] == f"{path}: {DOCUMENTS * 2:,} records, {errors:,} errors, 0 warnings"
    assert kinds_in(done.out) == planted
    assert f"Errors ({errors:,}):" in lines
    # Each kind shows its first rows, in file order, with row and column.
    for code in planted:
        at = next(i for i, line in enumerate(lines) if line.endswith(f"[{code}]"))
        first = lines[at + 1]
        assert re.match(r"^      line +\d+  [A-Z]+ +error ", first), first
    assert "Every finding: --all" in done.out
    assert f"Totals of {DOCUMENTS:,} documents: " in done.out
    # No finding listed in full past its kind's first rows, and no per-document table.
    assert sum(1 for line in lines if re.match(r"^ +line +\d+ ", line)) <= 3 * len(planted)
    assert "Documents (" not in done.out


def test_all_and_json_carry_every_finding(run, batch):
    path, planted = batch
    every = run("check", path, "--format", "pastel-customer", "--all").out
    listed = re.findall(r"^  line +(\d+)  ([A-Z]+) +error ", every, re.M)
    assert len(listed) == sum(planted.values())
    as_json = json.loads(run("check", path, "--format", "pastel-customer", "--json").out)
    assert len(as_json["findings"]) == sum(planted.values())
    assert len(as_json["documents"]) == DOCUMENTS
    assert {(str(f["row"]), f["column"]) for f in as_json["findings"]} == set(listed)


def test_validate_of_the_imported_batch_reports_the_same_kinds(run, batch, tmp_path: Path):
    path, planted = batch
    book = tmp_path / "batch.xlsx"
    imported = run("import", path, "--format", "pastel-customer", "-o", book)
    assert imported.code == 1
    done = run("validate", book)
    assert len(done.out.splitlines()) < 60
    assert kinds_in(done.out) == planted
    assert re.search(r"^      row +\d+  [A-Z]+ +error ", done.out, re.M)
    totals = run("validate", book, "--totals").out
    assert f"Documents ({DOCUMENTS:,}):" in totals
    assert len(totals.splitlines()) > DOCUMENTS


def test_a_short_batch_lists_every_finding_without_being_asked(run, tmp_path: Path):
    path = tmp_path / "short.csv"
    path.write_bytes(csv_bytes([header(period="14"), detail(quantity="ten")]))
    out = run("check", path, "--format", "pastel-customer").out
    assert re.search(r"^  line 1  F  error   Period Number must be from 1 to 13", out, re.M)
    assert re.search(r"^  line 2  C  error   Quantity must be a number", out, re.M)
    assert "× " not in out and "Every finding: --all" not in out
    assert "Documents (1):" in out


def test_every_code_a_spec_declares_has_plain_words():
    for spec in SPECS.values():
        codes = {rule.code for rule in spec.rules if hasattr(rule, "code")}
        assert codes, "the specs declare rule codes"
        named = {code: title(code, spec) for code in codes}
        assert all(words != code.replace("-", " ") for code, words in named.items()), named


@pytest.mark.parametrize(
    ("n", "word", "words"),
    [
        (0, "document", "0 documents"),
        (1, "document", "1 document"),
        (1204, "error", "1,204 errors"),
        (2, "batch", "2 batches"),
        (1, "tax type", "1 tax type"),
        (3, "tax type", "3 tax types"),
    ],
)
def test_counts_are_in_words(n: int, word: str, words: str):
    assert counted(n, word) == words


def test_numbered_says_how_many_more():
    assert numbered([3, 9, 15, 21, 27], 3) == "3, 9, 15 and 2 more"
    assert numbered([3], 3) == "3"
