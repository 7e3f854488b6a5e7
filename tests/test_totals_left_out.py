"""Totals that look final are final: a line with an unreadable amount was silently left out of
its document's and the batch's totals, an Infusion `Amount Is` of `X` was counted as
Exclusive, and the batch total showed `? ? ?` although the amounts it knew added up."""

from __future__ import annotations

import json

from tests.conftest import EXAMPLES
from tests.pastel_rows import csv_bytes, detail, header

INFUSION = EXAMPLES / "infusion_adjustments_sample.csv"


def _check(run, source, *options: str) -> dict:
    done = run("check", source, *options, "--json", "--totals")
    return json.loads(done.out)


def test_a_document_with_an_unreadable_line_has_no_totals(run, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(
        csv_bytes([header(), detail(), detail(quantity="ten"), header(order_number="B"), detail()])
    )
    found = _check(run, source, "--format", "pastel-customer")
    first, second = found["documents"]
    assert (first["exclusive"], first["tax"], first["inclusive"]) == (None, None, None)
    assert second["exclusive"] is not None
    totals = found["totals"]
    assert totals["exclusive"] == second["exclusive"]  # the known part, not "?"
    assert totals["left_out"] == {"exclusive": 1, "tax": 1, "inclusive": 1}
    human = run("check", source, "--format", "pastel-customer", "--totals").out
    assert "The totals leave out what is not known ('?'): exclusive of 1 document" in human


def test_an_amount_is_word_that_is_neither_says_nothing_of_the_amount(run, tmp_path):
    text = INFUSION.read_text(encoding="utf-8-sig")
    source = tmp_path / "in.csv"
    source.write_text(text.replace(",Inclusive,AUCKLAND,Approved", ",X,AUCKLAND,Approved", 1))
    found = _check(run, source, "--format", "infusion-customer-adjustments")
    first = found["documents"][0]
    assert (first["exclusive"], first["inclusive"]) == (None, None)
    assert found["totals"]["left_out"]["inclusive"] >= 1


def test_a_batch_whose_amounts_are_all_known_says_nothing_is_left_out(run, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes([header(), detail()]))
    found = _check(run, source, "--format", "pastel-customer")
    assert "left_out" not in found["totals"]
    human = run("check", source, "--format", "pastel-customer").out
    assert "leave out" not in human
