"""Building Pastel records field by field, by the keys the spec declares."""

from __future__ import annotations

from addin.engine.csv_write import csv_text
from addin.specs import get_spec

CUSTOMER = get_spec("pastel-customer")
HEADER = CUSTOMER.record("Header")
DETAIL = CUSTOMER.record("Detail")

VALID_HEADER = {
    "record": "Header",
    "account": "ABC001",
    "period": "3",
    "date": "14/05/2025",
    "order_number": "PO-1",
    "inclusive": "N",
    "discount": "0",
    "settlement_terms": "0",
    "document_date": "30/06/2025",
    "exchange_rate": "1",
}
VALID_DETAIL = {
    "record": "Detail",
    "cost_price": "85.00",
    "quantity": "10",
    "unit_price": "125.00",
    "inclusive_price": "143.75",
    "unit": "EACH",
    "tax_type": "1",
    "discount_type": "0",
    "discount_percentage": "0",
    "code": "WIDG-100",
    "description": "Widget",
    "line_type": "4",
    "store": "001",
}


def header(**overrides: str) -> list[str]:
    values = {**VALID_HEADER, **overrides}
    return [values.get(f.key, "") for f in HEADER.fields]


def detail(**overrides: str) -> list[str]:
    values = {**VALID_DETAIL, **overrides}
    return [values.get(f.key, "") for f in DETAIL.fields]


def remark(text: str = "Note") -> list[str]:
    return detail(
        cost_price="0.00",
        quantity="1",
        unit_price="0.00",
        inclusive_price="0.00",
        unit="",
        tax_type="0",
        code="",
        description=text,
        line_type="7",
        store="",
    )


def csv_bytes(rows: list[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark, as Excel saves 'CSV UTF-8'."""
    return b"\xef\xbb\xbf" + csv_text(rows).encode("utf-8")


def column(key: str, keyword: str = "Detail") -> str:
    return CUSTOMER.record(keyword).field(key).column
