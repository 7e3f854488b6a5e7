"""Whatever a file holds reaches the terminal as text: the totals' document lines and
`calibrate`'s column list printed a value's `ESC ] 0 ; … BEL` (retitles the window) or
`ESC [ 2 J` (clears the screen) raw. Every line the command prints goes through one step."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.conftest import EXAMPLES
from tests.pastel_rows import csv_bytes, detail, header

INFUSION = EXAMPLES / "infusion_adjustments_sample.csv"
ACTING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
TRICKS = ["\x1b]0;owned\x07", "\x1b[2J", "\u202eevil", "\x9b31m"]


@pytest.mark.parametrize("trick", TRICKS)
def test_a_check_prints_no_value_as_a_terminal_command(run, tmp_path, trick):
    source = tmp_path / "in.csv"
    source.write_bytes(
        csv_bytes([header(account=f"A{trick}", order_number=f"PO{trick}"), detail()])
    )
    for args in ([], ["--all"], ["--totals"]):
        done = run("check", source, "--format", "pastel-customer", *args)
        assert not ACTING.search(done.out + done.err), (args, done.out)
        escaped = trick.encode("unicode_escape").decode("ascii")
        assert escaped in done.out


@pytest.mark.parametrize("trick", TRICKS)
def test_calibrate_lists_columns_as_text(run, tmp_path, trick):
    rows = list(csv.reader(io.StringIO(INFUSION.read_text(encoding="utf-8-sig"))))
    rows[0].append(f"Extra{trick}")
    for row in rows[1:]:
        row.append("")
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    source = tmp_path / "export.csv"
    source.write_text(out.getvalue(), encoding="utf-8")
    done = run("calibrate", source, "-o", tmp_path / "columns.json")
    assert not ACTING.search(done.out + done.err), done.out
    assert "Extra" in done.out


def test_json_keeps_the_value_itself(run, tmp_path):
    import json

    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes([header(order_number="PO\u202eX"), detail()]))
    done = run("check", source, "--format", "pastel-customer", "--json", "--totals")
    assert not ACTING.search(done.out)
    assert "PO\u202eX" in json.dumps(json.loads(done.out), ensure_ascii=False)
