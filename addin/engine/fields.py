"""Checks on one field's values: what is wrong with a value, and its canonical text.

Every per-cell rule lives in `FieldCheck.diagnose`. Whole columns are checked in two tiers
(`check_column`): a regular expression derived from the same declaration passes the values
that are already canonical and clean, at C speed, and only the rest are diagnosed one by one.
The screen may send a clean value to diagnosis (it is conservative), never the reverse; a
property test holds the two together.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import compress, count, filterfalse
from typing import cast

from ..specs.model import FieldSpec, Spec
from .findings import Problem

# Characters that arrive by pasting from mail, web pages and word processors, and what they
# should have been.
# Why a recommended field is worth filling in, in the words of both its findings.
RECOMMENDED = "it is optional, but it is what people read when they look at {what} later."

PASTED = {
    "\u00a0": " ",  # no-break space
    "\u2007": " ",  # figure space
    "\u202f": " ",  # narrow no-break space
    "\u200b": "",  # zero-width space
    "\u200c": "",  # zero-width non-joiner
    "\u200d": "",  # zero-width joiner
    "\u2060": "",  # word joiner
    "\ufeff": "",  # byte-order mark / zero-width no-break space
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
}
_PASTED_TABLE = str.maketrans(PASTED)
_PASTED_RE = re.compile("[" + "".join(PASTED) + "]")
# Control characters other than line breaks (reported on their own): never meant as text.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)
DATE_RE = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4})", re.ASCII)
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_DOTTED_DATE_RE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)
_DATE_TIME_RE = re.compile(r"(\S+)\s+\d{1,2}:\d{2}(?::\d{2})?", re.ASCII)
# A long number as Excel's General format shows it, and writes it into a CSV: 6.00123E+11.
SCIENTIFIC_RE = re.compile(r"-?[1-9](?:\.\d{1,14})?[eE]\+\d{2,3}", re.ASCII)
_LOOSE_NUMBER_RE = re.compile(r"\(?-?[$£€R]?\s?-?[\d,]*\.?\d+\)?", re.ASCII)


def char_name(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}".strip()


def decimal_places(canonical: str) -> int:
    """The decimals a number has, its trailing zeros aside (`1.230` has 2), from its
    `canonical_number` text: what a field's `digits_after` limits."""
    return len(canonical.partition(".")[2].rstrip("0"))


def canonical_number(d: Decimal, min_decimals: int = 0) -> str:
    """Plain decimal text: no exponent, no trailing zeros beyond `min_decimals`, no -0."""
    if d == 0:
        d = Decimal(0)
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if min_decimals:
        whole, _, frac = text.partition(".")
        text = f"{whole}.{frac.ljust(min_decimals, '0')}"
    return text


def parse_date(text: str) -> dt.date | None:
    """A date in one of the accepted spellings (DD/MM/YYYY, D/M/YYYY, DD-MM-YYYY), or None."""
    m = DATE_RE.fullmatch(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(4)), int(m.group(3)), int(m.group(1)))
    except ValueError:
        return None


def format_date(d: dt.date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def _plain_number_fix(text: str) -> str | None:
    """The plain number meant by `1,234.50`, `R 12.00` or `(5.00)`, when that is certain."""
    if not _LOOSE_NUMBER_RE.fullmatch(text):
        return None
    negative = text.startswith("(") and text.endswith(")")
    core = re.sub(r"[()$£€R\s]", "", text)
    if core.count(".") > 1 or not re.fullmatch(r"-?(\d{1,3}(,\d{3})*|\d+)(\.\d+)?", core, re.ASCII):
        return None
    core = core.replace(",", "")
    if negative:
        core = "-" + core.lstrip("-")
    return core


def _amount_words(f: FieldSpec) -> str:
    parts = []
    if f.digits_before is not None:
        parts.append(f"at most {f.digits_before} digits before the point")
    if f.digits_after:
        parts.append(f"{f.digits_after} after it")
    return " and ".join(parts)


@dataclass(frozen=True)
class FieldCheck:
    """The checks of one field, compiled once per spec."""

    field: FieldSpec
    encoding: str
    # What the warning about a comma or a quote in text says; None: no warning.
    delimiter_note: str | None
    # What a clean, canonical value looks like; None sends every value to diagnosis.
    screen: re.Pattern[str] | None
    # Which of the non-blank values the screen passed still need diagnosis (real dates,
    # ranges): what a regular expression cannot say.
    fast_failing: Callable[[Iterable[str]], set[str]] | None

    @property
    def label(self) -> str:
        return self.field.label

    @functools.cached_property
    def blank_ok(self) -> bool:
        """Whether an empty cell passes the screen (so a column of them needs no look)."""
        return self.screen is not None and self.screen.fullmatch("") is not None

    @functools.cached_property
    def run(self) -> re.Pattern[str] | None:
        """Clean values one per line, as many as follow each other: one C-speed pass over
        a joined column stops only at the values that need a look."""
        if self.screen is None:
            return None
        return re.compile(rf"(?:(?:{self.screen.pattern})\n)*+", self.screen.flags)

    def diagnose(self, value: str) -> tuple[str, list[Problem]]:
        """Canonical text of `value` and every problem with it."""
        kind = self.field.kind
        if kind == "text":
            return self._text(value)
        if kind in ("integer", "number"):
            return self._number(value)
        if kind == "date":
            return self._date(value)
        if kind in ("flag", "yesno", "code"):
            return self._choice(value)
        return value, []

    # -- kinds -------------------------------------------------------------------------

    def _required(self) -> list[Problem]:
        f = self.field
        if f.required:
            return [
                Problem(
                    severity="error",
                    code="required",
                    message=f"{f.label} is required. {f.help}".strip(),
                )
            ]
        if f.recommended:
            return [
                Problem(
                    severity="warning",
                    code="blank-recommended",
                    message=f"{f.label} is blank; {RECOMMENDED.format(what='this entry')} "
                    "Fill it in.",
                )
            ]
        return []

    def _text(self, value: str) -> tuple[str, list[Problem]]:
        f = self.field
        if value == "":
            return "", self._required()
        if f.excel_text and SCIENTIFIC_RE.fullmatch(value):
            # The code itself is gone: its length or spelling is not worth a word more.
            return value, [self._scientific(value)]
        problems: list[Problem] = []
        if "\n" in value or "\r" in value:
            fixed = " ".join(value.split())
            problems.append(
                Problem(
                    severity="error",
                    code="line-break",
                    message=(
                        f"{f.label} has a line break inside the cell; the import reads it as a new "
                        "record. Put it on one line (Alt+Enter in Excel makes these)."
                    ),
                    fix=fixed,
                )
            )
        if _CONTROL_RE.search(value):
            names = ", ".join(sorted({char_name(c) or repr(c) for c in _CONTROL_RE.findall(value)}))
            problems.append(
                Problem(
                    severity="error",
                    code="control-character",
                    message=f"{f.label} contains the control character {names}, which is not text "
                    "and breaks the import. Remove it.",
                    fix=_CONTROL_RE.sub("", value),
                )
            )
        cleaned = value.translate(_PASTED_TABLE)
        unencodable = self._unencodable(value)
        if unencodable:
            names = ", ".join(char_name(c) for c in unencodable)
            fix = cleaned if not self._unencodable(cleaned) else None
            problems.append(
                Problem(
                    severity="error",
                    code="not-encodable",
                    message=f"{f.label} contains {names}, which the import file "
                    f"({self.encoding_label}) cannot hold. Replace or remove it.",
                    fix=fix,
                )
            )
        elif cleaned != value:
            names = ", ".join(sorted({char_name(c) for c in _PASTED_RE.findall(value)}))
            problems.append(
                Problem(
                    severity="warning",
                    code="pasted-characters",
                    message=(
                        f"{f.label} contains {names}, usually pasted from e-mail or a web page; "
                        "the accounting system compares it as a different character."
                    ),
                    fix=cleaned,
                )
            )
        if value != value.strip():
            problems.append(
                Problem(
                    severity="warning",
                    code="surrounding-spaces",
                    message=f"{f.label} starts or ends with a space, which the import keeps and a "
                    "lookup will not match.",
                    fix=cleaned.strip(),
                )
            )
        if f.max_length is not None and len(value) > f.max_length:
            problems.append(
                Problem(
                    severity="error",
                    code="too-long",
                    message=(
                        f"{f.label} is {len(value)} characters long; at most {f.max_length} fit."
                    ),
                )
            )
        elif f.warn_longer_than is not None and len(value) > f.warn_longer_than:
            problems.append(
                Problem(
                    severity="warning",
                    code="long-for-older-versions",
                    message=f"{f.label} is {len(value)} characters long; older versions of the "
                    f"accounting system keep only {f.warn_longer_than}.",
                )
            )
        if self.delimiter_note and ("," in value or '"' in value):
            problems.append(
                Problem(
                    severity="warning",
                    code="delimiter-in-text",
                    message=f"{f.label} contains a comma or a double quote; {self.delimiter_note}",
                )
            )
        return value, problems

    def _scientific(self, value: str) -> Problem:
        mantissa = value.split("e")[0].split("E")[0].lstrip("-")
        kept = len(mantissa.replace(".", ""))
        number = format(Decimal(value), "f")
        return Problem(
            severity="error",
            code="excel-scientific",
            message=(
                f"{self.field.label} {value!r} is a code Excel turned into a number and wrote in "
                f"scientific notation: it keeps only {kept} digits ({number}), and the rest of "
                "the code is lost. Format the column as Text before pasting the codes, or export "
                "the file again from the accounting system."
            ),
        )

    @property
    def encoding_label(self) -> str:
        return {"cp1252": "Windows-1252"}.get(self.encoding, self.encoding)

    def _unencodable(self, value: str) -> list[str]:
        if self.encoding.lower().startswith("utf"):
            return [c for c in dict.fromkeys(value) if 0xD800 <= ord(c) <= 0xDFFF]
        try:
            value.encode(self.encoding)
            return []
        except UnicodeEncodeError:
            bad = []
            for c in dict.fromkeys(value):
                try:
                    c.encode(self.encoding)
                except UnicodeEncodeError:
                    bad.append(c)
            return bad

    def _number(self, value: str) -> tuple[str, list[Problem]]:
        f = self.field
        text = value.strip()
        if text == "":
            return "", self._required()
        if not NUMBER_RE.fullmatch(text):
            plain = _plain_number_fix(text)
            # Spelled as the field writes it (`R 100` → `100.00` for a price): the one text
            # Validate suggests and Fix writes (as the number it is).
            fix = canonical_number(Decimal(plain), f.min_decimals) if plain is not None else None
            if fix is not None and f.accept_formatted:
                canonical, found = self._number(fix)
                formatted = Problem(
                    severity="warning",
                    code="formatted-number",
                    message=(
                        f"{f.label} {text!r} is written with thousands separators, a currency sign "
                        f"or brackets; it is read as {canonical} and written that way."
                    ),
                    fix=canonical,
                )
                return canonical, [formatted, *found]
            return value, [
                Problem(
                    severity="error",
                    code="not-a-number",
                    message=(
                        f"{f.label} must be a number written with . as the decimal point and no "
                        f"thousands separators or currency signs; {text!r} is not."
                    ),
                    fix=fix,
                )
            ]
        d = Decimal(text)
        canonical = canonical_number(d, f.min_decimals)
        problems: list[Problem] = []
        whole = canonical.lstrip("-").partition(".")[0]
        decimals = decimal_places(canonical)
        if f.kind == "integer" and d != d.to_integral_value():
            fix = None
            message = f"{f.label} must be a whole number; {text} is not."
            scaled = d * 100
            if f.hundredths_of_percent and scaled == scaled.to_integral_value():
                fix = canonical_number(scaled)
                message = (
                    f"{f.label} is the percentage × 100 with no decimals: "
                    f"{text} % is written {fix}."
                )
            return value, [Problem(severity="error", code="not-whole", message=message, fix=fix)]
        if f.digits_after is not None and decimals > f.digits_after:
            rounded = round(d, f.digits_after)
            artefact = abs(rounded - d) < Decimal(1).scaleb(-(f.digits_after + 4))
            problems.append(
                Problem(
                    severity="error",
                    code="too-many-decimals",
                    message=f"{f.label} has {decimals} decimals; at most {f.digits_after} fit "
                    f"({_amount_words(f)}).",
                    fix=canonical_number(rounded, f.min_decimals) if artefact else None,
                )
            )
        if f.digits_before is not None and len(whole) > f.digits_before:
            problems.append(
                Problem(
                    severity="error",
                    code="too-many-digits",
                    message=f"{f.label} has {len(whole)} digits before the point; at most "
                    f"{f.digits_before} fit ({_amount_words(f)}).",
                )
            )
        if not self._in_range(d):
            problems.append(
                Problem(severity="error", code="out-of-range", message=self._range_message(text))
            )
        if f.nonzero and d == 0:
            problems.append(
                Problem(
                    severity="error",
                    code="zero",
                    message=f"{f.label} is 0; an entry of nothing posts nothing.",
                )
            )
        if f.warn_negative and d < 0:
            problems.append(
                Problem(
                    severity="warning",
                    code="negative",
                    message=f"{f.label} is negative. For a return or a reversal use a credit note "
                    "batch with positive amounts, unless you mean to post a negative line.",
                )
            )
        if f.hundredths_of_percent and 0 < d < 100:
            problems.append(
                Problem(
                    severity="warning",
                    code="looks-like-percent",
                    message=(
                        f"{f.label} {canonical} means {canonical_number(d / 100)} %; if you meant "
                        f"{canonical} %, write {canonical_number(d * 100)}."
                    ),
                )
            )
        return canonical, problems

    def _in_range(self, d: Decimal) -> bool:
        f = self.field
        return not (
            (f.minimum is not None and d < f.minimum) or (f.maximum is not None and d > f.maximum)
        )

    def _range_message(self, text: str) -> str:
        f = self.field
        if f.minimum is not None and f.maximum is not None:
            bounds = f"from {canonical_number(f.minimum)} to {canonical_number(f.maximum)}"
        elif f.minimum is not None and 0 < f.minimum < 1:
            bounds = "greater than 0"
        elif f.minimum is not None:
            bounds = f"at least {canonical_number(f.minimum)}"
        else:
            bounds = f"at most {canonical_number(f.maximum or Decimal(0))}"
        return f"{f.label} must be {bounds}; {text} is not."

    def _date(self, value: str) -> tuple[str, list[Problem]]:
        f = self.field
        text = value.strip()
        if text == "":
            return "", self._required()
        d = parse_date(text)
        if d is not None:
            return format_date(d), []
        fix = None
        if m := _ISO_DATE_RE.fullmatch(text):
            fix = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        elif m := _DOTTED_DATE_RE.fullmatch(text):
            fix = _safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        elif (m := _DATE_TIME_RE.fullmatch(text)) and (d := parse_date(m.group(1))):
            fix = format_date(d)
        if DATE_RE.fullmatch(text):
            message = f"{f.label} {text} is not a real date. Write DD/MM/YYYY."
        else:
            message = f"{f.label} must be a date written DD/MM/YYYY; {text!r} is not."
        return value, [Problem(severity="error", code="not-a-date", message=message, fix=fix)]

    def _choice(self, value: str) -> tuple[str, list[Problem]]:
        f = self.field
        text = value.strip()
        upper = text.upper()
        if f.kind == "flag" and upper in ("", "N"):
            return "", []
        if upper == "":
            return "", self._required()
        choices = f.choices or ()
        if f.kind in ("flag", "yesno"):
            if upper in choices:
                return upper, []
            fix = {"YES": "Y", "TRUE": "Y", "NO": "N", "FALSE": "N"}.get(upper)
            if f.kind == "flag" and fix == "N":
                fix = ""
            allowed = "Y or blank" if f.kind == "flag" else "Y or N"
            return value, [
                Problem(
                    severity="error",
                    code="not-allowed",
                    message=f"{f.label} must be {allowed}; {text!r} is not.",
                    fix=fix,
                )
            ]
        if text in choices:
            return text, []
        return value, [
            Problem(
                severity="error",
                code="not-allowed",
                message=(
                    f"{f.label} must be one of {choice_words(choices)}; {text!r} is not. {f.help}"
                ),
            )
        ]


def _safe_date(year: int, month: int, day: int) -> str | None:
    try:
        return format_date(dt.date(year, month, day))
    except ValueError:
        return None


def choice_words(choices: tuple[str, ...]) -> str:
    """A list of allowed values in words: a run of number codes as its range, in the
    longest spelling it allows ("00 to 30"); a short list in full."""
    shown = [c for c in choices if c]
    if len(shown) > 8 and all(c.isdigit() for c in shown):
        numbers = [int(c) for c in shown]
        width = max(len(c) for c in shown)
        return f"{min(numbers):0{width}d} to {max(numbers):0{width}d}"
    if len(shown) > 8:
        return f"{shown[0]} to {shown[-1]}" if len(shown) < 40 else f"{shown[0]} … {shown[-1]}"
    return ", ".join(shown[:-1]) + f" or {shown[-1]}" if len(shown) > 1 else shown[0]


# -- screens ---------------------------------------------------------------------------------


# Every character str.strip() removes: a text value must not start or end with one.
_WHITESPACE = "\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# What a UTF-8 text value may hold without a second look: anything but control characters,
# pasted look-alikes and lone surrogates (macrons and other scripts are common).
_UTF8_NOT_CLEAN = "\x00-\x1f\x7f-\x9f" + "".join(PASTED) + "\ud800-\udfff"


def _screen_text(f: FieldSpec, warn_delimiters: bool, encoding: str = "") -> str:
    if encoding == "utf-8":
        # Any clean character; without `"` and `,` where those draw a warning.
        marks = ',"' if warn_delimiters else ""
        edge = f"[^{_WHITESPACE}{_UTF8_NOT_CLEAN}{marks}]"
        inner = f"[^{_UTF8_NOT_CLEAN}{marks}]"
    else:
        # Printable ASCII; without `"` and `,` where those draw a warning.
        edge = r"[!#-+\--~]" if warn_delimiters else r"[!-~]"
        inner = r"[ !#-+\--~]" if warn_delimiters else r"[ -~]"
    longest = min(n for n in (f.max_length, f.warn_longer_than, 10_000) if n is not None)
    body = edge if longest == 1 else f"{edge}(?:{inner}{{0,{longest - 2}}}{edge})?"
    return body if f.required or f.recommended else f"(?:{body})?"


def _screen_number(f: FieldSpec) -> str:
    before = f.digits_before or 1
    negative_allowed = not f.warn_negative and (f.minimum is None or f.minimum < 0)
    pattern = f"(?:0|[1-9]\\d{{0,{before - 1}}})"
    after = f.digits_after or 0
    if f.kind == "number" and after:
        m = f.min_decimals
        if m:
            pattern += f"\\.\\d{{{m}}}" + (
                f"(?:\\d{{0,{after - m - 1}}}[1-9])?" if after > m else ""
            )
        else:
            pattern += f"(?:\\.\\d{{0,{after - 1}}}[1-9])?"
    if negative_allowed:
        zero = "0" + ("." + "0" * f.min_decimals if f.min_decimals else "")
        pattern = f"(?!-{re.escape(zero)}$)-?" + pattern
    return pattern if f.required else f"(?:{pattern})?"


def _fast_range(f: FieldSpec) -> Callable[[Iterable[str]], set[str]] | None:
    if f.minimum is None and f.maximum is None and not f.hundredths_of_percent and not f.nonzero:
        return None
    lo, hi = f.minimum, f.maximum

    def ok(d: Decimal) -> bool:
        if (f.hundredths_of_percent and 0 < d < 100) or (f.nonzero and d == 0):
            return False
        return (lo is None or d >= lo) and (hi is None or d <= hi)

    digits = (f.digits_before or 1) + (f.digits_after or 0)
    bounds = [b for b in (lo, hi) if b is not None]
    if digits > 15 or any(len(b.normalize().as_tuple().digits) > 15 for b in bounds):
        return lambda values: {v for v in set(values) if not ok(Decimal(v))}
    # A screened value is a plain decimal of at most 15 significant digits, and so is every
    # bound: binary floating point orders such decimals exactly as they are (DBL_DIG), so
    # the whole set is compared at C speed.
    flo, fhi = (float(b) if b is not None else None for b in (lo, hi))

    def failing(values: Iterable[str]) -> set[str]:
        texts = list(values)
        xs = list(map(float, texts))
        tests: list[Iterator[bool]] = []
        if flo is not None:
            tests.append(map(flo.__gt__, xs))
        if fhi is not None:
            tests.append(map(fhi.__lt__, xs))
        if f.nonzero:
            tests.append(map((0.0).__eq__, xs))
        if f.hundredths_of_percent:
            tests.append(map(operator.and_, map((0.0).__lt__, xs), map((100.0).__gt__, xs)))
        bad: Iterable[bool] = tests[0]
        for more in tests[1:]:
            bad = map(operator.or_, bad, more)
        return set(compress(texts, bad))

    return failing


def _fast_date(values: Iterable[str]) -> set[str]:
    # A batch holds few distinct dates.
    return {v for v in set(values) if parse_date(v) is None}


def _build(f: FieldSpec, spec: Spec) -> FieldCheck:
    screen: str | None
    fast_failing: Callable[[Iterable[str]], set[str]] | None = None
    if f.kind == "text":
        screen = _screen_text(f, spec.delimiter_note is not None, spec.encoding)
        if f.excel_text:
            # A code Excel wrote as 6.00123E+11 is clean text, but not the code.
            screen = f"(?!(?:{SCIENTIFIC_RE.pattern})$){screen}"
    elif f.kind in ("integer", "number"):
        screen = _screen_number(f)
        fast_failing = _fast_range(f)
    elif f.kind == "date":
        screen = r"\d\d/\d\d/\d{4}" if f.required else r"(?:\d\d/\d\d/\d{4})?"
        fast_failing = _fast_date
    elif f.kind in ("flag", "yesno", "code"):
        choices = [c for c in (f.choices or ()) if c]
        screen = "|".join(re.escape(c) for c in sorted(choices, key=len, reverse=True))
        if f.kind == "flag" or not f.required:
            screen = f"(?:{screen})?"
    elif f.kind == "raw":
        screen = r".*"
    else:
        screen = None
    # Multi-line, so that `$` in a screen ends a value where the values are joined by lines.
    compiled = re.compile(f"(?:{screen})", re.M | re.ASCII) if screen is not None else None
    return FieldCheck(f, spec.encoding, spec.delimiter_note, compiled, fast_failing)


_CACHE: dict[tuple[str, str | None, str], FieldCheck] = {}


def field_check(spec: Spec, keyword: str | None, f: FieldSpec) -> FieldCheck:
    key = (spec.name, keyword, f.key)
    check = _CACHE.get(key)
    if check is None or check.field is not f:
        check = _CACHE[key] = _build(f, spec)
    return check


def check_column(
    check: FieldCheck, values: list[str]
) -> tuple[list[str], list[tuple[int, Problem]]]:
    """Canonical texts of a column and its problems, by position."""
    changes, problems = diagnose_column(check, values)
    if not changes:
        return values, problems
    canonical = list(values)
    for i, text in changes.items():
        canonical[i] = text
    return canonical, problems


def diagnose_column(
    check: FieldCheck, values: Sequence[str]
) -> tuple[dict[int, str], list[tuple[int, Problem]]]:
    """The values of a column whose canonical text differs, and its problems, by position."""
    suspects = _suspects(check, values)
    changes: dict[int, str] = {}
    problems: list[tuple[int, Problem]] = []
    memo: dict[str, tuple[str, list[Problem]]] = {}
    for i in suspects:
        value = values[i]
        result = memo.get(value)
        if result is None:
            result = memo[value] = check.diagnose(value)
        if result[0] != value:
            changes[i] = result[0]
        problems.extend((i, p) for p in result[1])
    return changes, problems


def stopped_at(run: re.Pattern[str], joined: str) -> set[str]:
    """The lines of `joined` (values one per line, each ended by one) where `run`, a
    possessive run of clean lines (`FieldCheck.run`), stops: the values that need a look.
    One pass in C over the clean ones, a step in Python per value that is not."""
    failing: set[str] = set()
    match, next_line = run.match, joined.index
    end = len(joined)
    pos = 0
    # The run matches at every position, if only the empty string.
    while (stop := cast(re.Match[str], match(joined, pos)).end()) != end:
        pos = next_line("\n", stop) + 1
        failing.add(joined[stop : pos - 1])
    return failing


def _suspects(check: FieldCheck, values: Sequence[str]) -> Iterable[int]:
    """Positions of the values the screen cannot pass, in order."""
    # Most of a Header's optional columns are empty in every row: nothing to scan.
    if check.blank_ok and not any(values):
        return ()
    run = check.run
    # A column that repeats its values (codes, dates, accounts) is screened one distinct
    # value at a time; one of mostly different values (amounts, references) costs less to
    # screen whole than to sort into distinct values first.
    pool = set(values) if repetitive(values) else values
    joined = "\n".join(pool) + "\n"
    if run is None or joined.count("\n") != len(pool):
        return range(len(values))
    failing = stopped_at(run, joined)
    if check.fast_failing is not None:
        failing |= check.fast_failing(filterfalse(failing.__contains__, filter(None, pool)))
    return _positions(values, failing)


def repetitive(values: Sequence[object]) -> bool:
    """Whether a column repeats its values (codes, dates, quantities), judged on its first
    rows: then work per distinct value costs less than work per cell."""
    sample = values[:_SAMPLE]
    return len(set(sample)) * 4 < len(sample) * 3


_SAMPLE = 256
# Up to this many distinct values, finding each one's places by scanning the column for it
# beats looking every value up in a set.
_FEW = 3


def _positions(values: Sequence[str], wanted: set[str]) -> Iterable[int]:
    if len(wanted) > _FEW:
        return compress(count(), map(wanted.__contains__, values))
    found: list[int] = []
    for value in wanted:
        at = -1
        try:
            while True:
                at = values.index(value, at + 1)
                found.append(at)
        except ValueError:
            pass
    return sorted(found)


def decimal_or_none(text: str) -> Decimal | None:
    """The number a canonical text holds; None for blank, non-numbers, NaN and infinities."""
    try:
        d = Decimal(text) if text else None
    except InvalidOperation:
        return None
    return d if d is not None and d.is_finite() else None
