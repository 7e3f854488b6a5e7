"""The rules that need company settings or master lists, each implemented once.

Each runs only when what it needs is filled in, and records on the report whether it ran,
so a user can see which checks their settings switched on. All work per record, with the
lists turned into dictionaries once: a long batch against a long list stays linear.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from ..specs.model import (
    DateInWindow,
    FieldSpec,
    FlaggedInList,
    InList,
    MasterListSpec,
    PeriodMatchesDate,
    PriceIncludesTax,
    RateOnForeignAccount,
    RecordSpec,
    Spec,
    TaxMatchesRate,
)
from ..wording import counted
from .fields import PASTED, canonical_number, decimal_or_none, format_date, parse_date
from .findings import Finding, Report
from .settings import CompanySettings, MasterList, read_rate

if TYPE_CHECKING:
    # Records are made by the rules that call these; only their type is needed here.
    from .records import Records

# Unknown codes get a "closest in the list" suggestion up to this many distinct values; past
# that, a batch is plainly against the wrong list and the comparisons would only cost time.
SUGGESTION_LIMIT = 500
_CLEAN = str.maketrans(PASTED)

SettingsRule = (
    InList
    | FlaggedInList
    | PeriodMatchesDate
    | PriceIncludesTax
    | RateOnForeignAccount
    | DateInWindow
    | TaxMatchesRate
)


# Why every settings rule is skipped when no settings came with the batch at all (a
# Settings sheet left empty is named instead).
NO_SETTINGS = "no company settings were given (--settings FILE)"
NO_SETTINGS_BRIEF = "no settings given (--settings FILE)"


def apply(rule: SettingsRule, spec: Spec, table: Records, report: Report, context) -> None:
    declared = _declared(spec, rule)
    if declared is None:
        return
    records = table.records
    settings: CompanySettings | None = context.settings
    kind: RecordSpec | None = records[0].kind if records else None
    if kind is not None and not any(f.key == rule.field for f in kind.fields):
        missing = f"the sheet has no {declared.label} column"
        report.check(_name(spec, rule, declared), False, missing)
        return
    if settings is None:
        report.check(_name(spec, rule, declared), False, NO_SETTINGS, NO_SETTINGS_BRIEF)
        return
    if settings.empty:
        why = f"nothing is filled in on {settings.source}"
        report.check(_name(spec, rule, declared), False, why, f"nothing in {settings.source}")
        return
    # A rule on some lines only (inventory lines, say) sees only those.
    when = getattr(rule, "when", None)
    chosen = table.where(when).records if when else records
    RULES[type(rule)](rule, spec, chosen, report, settings, context)


def _declared(spec: Spec, rule: SettingsRule) -> FieldSpec | None:
    try:
        return _field(spec, rule)
    except KeyError:
        return None


def _field(spec: Spec, rule: SettingsRule) -> FieldSpec:
    """The rule's field: `apply` runs a rule only when its spec declares it."""
    return spec.record(rule.record).field(rule.field)


def _name(spec: Spec, rule: SettingsRule, f: FieldSpec) -> str:
    if isinstance(rule, InList):
        where = _when_words(spec, rule.record, rule.when)
        return f"{f.label}{where} in {_list_spec(spec, rule.list).title}"
    if isinstance(rule, FlaggedInList):
        return f"{f.label}: postings to {'/'.join(rule.values)} accounts"
    if isinstance(rule, PeriodMatchesDate):
        return f"{f.label} against the Date under the financial year"
    if isinstance(rule, PriceIncludesTax):
        return f"{f.label} against the price plus the tax table's rate"
    if isinstance(rule, RateOnForeignAccount):
        return f"{f.label} on foreign-currency accounts"
    if isinstance(rule, TaxMatchesRate):
        return f"{f.label} against the tax table's rate"
    return f"{f.label} against the conversion date and the current financial year"


def _when_words(spec: Spec, record: str | None, when: dict[str, tuple[str, ...]] | None) -> str:
    if not when:
        return ""
    kind = spec.record(record)
    words = "; ".join(f"{kind.field(k).label} {' or '.join(v)}" for k, v in when.items())
    return f" ({words})"


def _list_spec(spec: Spec, key: str) -> MasterListSpec:
    return spec.settings.list(key)


def _finding(rule, record, index: int, f: FieldSpec, message: str, fix: str | None = None):
    column = record.kind.fields[index].column
    return Finding(
        severity=rule.severity,
        row=record.row,
        column=column,
        field=f.label,
        code=rule.code,
        message=message,
        value=record.values[index],
        fix=fix,
    )


def _loaded(
    settings: CompanySettings, spec: Spec, key: str, column: str | None
) -> tuple[MasterList | None, str]:
    """The list if it is filled in (in `column`), else why not, in words."""
    list_spec = _list_spec(spec, key)
    found = settings.list(key)
    if found is None:
        return None, f"no {list_spec.title} list in {settings.source}"
    if column is not None and not found.filled(column):
        label = list_spec.column(column).label
        return None, f"the {list_spec.title} list has no {label} column filled in"
    return found, ""


# -- codes against master lists ---------------------------------------------------------------


def _in_list(rule: InList, spec, records, report, settings, context) -> None:
    f = _field(spec, rule)
    name = _name(spec, rule, f)
    list_spec = _list_spec(spec, rule.list)
    column = rule.column or list_spec.columns[0].key
    found, why = _loaded(settings, spec, rule.list, column)
    if found is None:
        report.check(name, False, why)
        return
    codes = found.by_code(column)
    report.check(name, True, f"{counted(len(codes), 'code')} in {settings.source}")
    if not records:
        return
    kind = records[0].kind
    index = kind.index(rule.field)
    # Suggestions stop at `SUGGESTION_LIMIT` codes a batch: a batch checked a slice at a
    # time keeps its lookup from slice to slice.
    wide = context.batch_wide
    lookup = wide.kept.get(id(rule)) if wide is not None else None
    if lookup is None:
        lookup = CodeLookup(codes)
        if wide is not None:
            wide.kept[id(rule)] = lookup
    for record in records:
        value = record.values[index]
        if not value or value in codes:
            continue
        if value.translate(_CLEAN).strip() in codes:
            # Only pasted characters or spaces stand between it and a known code; those have
            # their own finding and fix.
            continue
        fix, hint = lookup.explain(value)
        message = f"{f.label} {value!r} is not in your {list_spec.title} list. {hint}"
        if rule.message:
            message += " " + rule.message
        report.findings.append(_finding(rule, record, index, f, message.strip(), fix))


class CodeLookup:
    """What a code missing from a list probably is: a certain fix, or the closest code."""

    def __init__(self, codes: Mapping[str, object]) -> None:
        self.codes = list(codes)
        self.by_fold: dict[str, list[str]] = {}
        self.by_digits: dict[str, list[str]] = {}
        for code in self.codes:
            self.by_fold.setdefault(code.casefold(), []).append(code)
            if code.isdigit():
                self.by_digits.setdefault(code.lstrip("0"), []).append(code)
        self.memo: dict[str, tuple[str | None, str]] = {}

    def explain(self, value: str) -> tuple[str | None, str]:
        found = self.memo.get(value)
        if found is None:
            found = self.memo[value] = self._explain(value)
        return found

    def _explain(self, value: str) -> tuple[str | None, str]:
        same_letters = self.by_fold.get(value.casefold(), [])
        if len(same_letters) == 1:
            code = same_letters[0]
            return code, f"The list has {code!r}: codes are compared letter for letter."
        if value.isdigit():
            padded = [c for c in self.by_digits.get(value.lstrip("0"), []) if len(c) > len(value)]
            if len(padded) == 1:
                code = padded[0]
                return code, (
                    f"The list has {code!r}: Excel drops leading zeros from codes typed into "
                    "a General cell."
                )
        if len(self.memo) >= SUGGESTION_LIMIT:
            return None, ""
        close = difflib.get_close_matches(value, self.codes, n=1, cutoff=0.6)
        if close:
            return None, f"The closest code in the list is {close[0]!r}."
        return None, "Check the code against the list, or add it there first."


def _flagged(rule: FlaggedInList, spec, records, report, settings, context) -> None:
    f = _field(spec, rule)
    name = _name(spec, rule, f)
    found, why = _loaded(settings, spec, rule.list, rule.column)
    if found is None:
        report.check(name, False, why)
        return
    codes = found.by_code()
    flagged = {c: r[rule.column] for c, r in codes.items() if r.get(rule.column) in rule.values}
    title = _list_spec(spec, rule.list).title
    report.check(name, True, f"{counted(len(flagged), 'flagged account')} in {title}")
    if not records or not flagged:
        return
    kind = records[0].kind
    index = kind.index(rule.field)
    for record in records:
        flag = flagged.get(record.values[index])
        if flag is not None:
            value = record.values[index]
            message = f"{f.label} {value} is a {flag} account in your {title} list. {rule.message}"
            report.findings.append(_finding(rule, record, index, f, message))


# -- the financial year ----------------------------------------------------------------------


def _period(rule: PeriodMatchesDate, spec, records, report, settings, context) -> None:
    f = _field(spec, rule)
    name = _name(spec, rule, f)
    first_month = settings.values.get(rule.first_month)
    if first_month is None:
        report.check(name, False, f"no financial year start month in {settings.source}")
        return
    periods = settings.values.get(rule.periods, 12)
    start = calendar.month_name[first_month]
    report.check(name, True, f"financial year from {start}, {periods} periods")
    if not records:
        return
    kind = records[0].kind
    index, date_index = kind.index(rule.field), kind.index(rule.date)
    date_label = kind.fields[date_index].label
    for record in records:
        text, day = record.values[index], parse_date(record.values[date_index])
        if not text.isdigit() or day is None:
            continue
        period = int(text)
        expected = (day.month - first_month) % 12 + 1
        allowed = {expected}
        if periods == 13 and expected == 12:
            # The 13th period is the year-end adjustment period, dated in the last month.
            allowed.add(13)
        if period in allowed:
            continue
        month = calendar.month_name[day.month]
        message = (
            f"{f.label} {period} does not match the {date_label} {record.values[date_index]}: "
            f"with the financial year starting in {start}, {month} is period {expected}."
        )
        if period > periods:
            message += f" The company has {periods} periods."
        report.findings.append(_finding(rule, record, index, f, message))


def _window(rule: DateInWindow, spec, records, report, settings, context) -> None:
    f = _field(spec, rule)
    name = _name(spec, rule, f)
    since = settings.values.get(rule.not_before) if rule.not_before else None
    first_month = settings.values.get(rule.first_month) if rule.financial_year else None
    if since is None and first_month is None:
        report.check(
            name, False, f"no conversion date or financial year start month in {settings.source}"
        )
        return
    year: tuple[dt.date, dt.date] | None = None
    words = []
    if since is not None:
        words.append(f"conversion date {format_date(since)}")
    if first_month is not None:
        year = financial_year(context.today or dt.date.today(), first_month)
        words.append(f"financial year {format_date(year[0])} to {format_date(year[1])}")
    report.check(name, True, ", ".join(words))
    if not records:
        return
    index = records[0].kind.index(rule.field)
    for record in records:
        day = parse_date(record.values[index])
        if day is None:
            continue
        problems = []
        if since is not None and day < since:
            problems.append(
                f"is before the conversion date {format_date(since)}: balances before it were "
                "brought in at conversion, so this would count twice"
            )
        if year is not None and not year[0] <= day <= year[1]:
            problems.append(
                f"is outside the current financial year ({format_date(year[0])} to "
                f"{format_date(year[1])}): check the year"
            )
        if problems:
            message = f"{f.label} {record.values[index]} " + "; and it ".join(problems) + "."
            report.findings.append(_finding(rule, record, index, f, message))


def financial_year(today: dt.date, first_month: int) -> tuple[dt.date, dt.date]:
    """First and last day of the financial year holding `today`."""
    start_year = today.year if today.month >= first_month else today.year - 1
    start = dt.date(start_year, first_month, 1)
    end = dt.date(start_year + 1, first_month, 1) - dt.timedelta(days=1)
    return start, end


# -- prices, tax and currency ----------------------------------------------------------------


def tax_rates(found: MasterList, column: str) -> dict[str, Decimal]:
    """Tax type -> rate; `1` also finds `01` (Pastel reads both as the same line)."""
    rates: dict[str, Decimal] = {}
    for code, row in found.by_code().items():
        rate = read_rate(row.get(column, ""))
        if rate is None:
            continue
        rates[code] = rate
        if code.isdigit():
            rates.setdefault(code.lstrip("0") or "0", rate)
    return rates


def _rate_of(rates: dict[str, Decimal], code: str) -> Decimal | None:
    rate = rates.get(code)
    if rate is None and code.isdigit():
        rate = rates.get(code.lstrip("0") or "0")
    return rate


def _rates(
    rule: PriceIncludesTax | TaxMatchesRate, spec: Spec, report: Report, settings
) -> dict[str, Decimal] | None:
    """The tax table's rates by tax type, said as the rule's check; None (and why) when
    the table is not filled in."""
    name = _name(spec, rule, _field(spec, rule))
    found, why = _loaded(settings, spec, rule.list, rule.rate_column)
    if found is None:
        report.check(name, False, why)
        return None
    report.check(
        name, True, f"{counted(len(found.by_code()), 'tax type')}, within {rule.tolerance}"
    )
    return tax_rates(found, rule.rate_column)


def _price(rule: PriceIncludesTax, spec, records, report, settings, context) -> None:
    f = _field(spec, rule)
    rates = _rates(rule, spec, report, settings)
    if rates is None or not records:
        return
    kind = records[0].kind
    index, exclusive, tax = kind.index(rule.field), kind.index(rule.exclusive), kind.index(rule.tax)
    exclusive_label, tax_label = kind.fields[exclusive].label, kind.fields[tax].label
    for record in records:
        code = record.values[tax]
        if not code:
            continue
        rate = _rate_of(rates, code)
        price, inclusive = (
            decimal_or_none(record.values[exclusive]),
            decimal_or_none(record.values[index]),
        )
        if rate is None or price is None or inclusive is None:
            continue
        expected = price * (1 + rate / 100)
        if abs(inclusive - expected) <= rule.tolerance:
            continue
        shown = canonical_number(round(expected, 4), 2)
        message = (
            f"{f.label} {record.values[index]} is not the {exclusive_label} "
            f"{record.values[exclusive]} plus {canonical_number(rate)} % ({tax_label} {code} of "
            f"your tax table): that would be {shown}. Check which of the two prices is right."
        )
        report.findings.append(_finding(rule, record, index, f, message))


def _tax(rule: TaxMatchesRate, spec, records, report, settings, context) -> None:
    f = _field(spec, rule)
    rates = _rates(rule, spec, report, settings)
    if rates is None or not records:
        return
    kind = records[0].kind
    index, amount_at, tax_at = kind.index(rule.field), kind.index(rule.amount), kind.index(rule.tax)
    amount_label, tax_label = kind.fields[amount_at].label, kind.fields[tax_at].label
    for record in records:
        code = record.values[tax_at]
        tax = decimal_or_none(record.values[index])
        amount = decimal_or_none(record.values[amount_at])
        if not code or not tax or amount is None:
            continue  # no tax type, or no tax: `SetTogether` says what is missing
        rate = _rate_of(rates, code)
        if rate is None:
            message = (
                f"{tax_label} {code} is not a line of your tax table, so {f.label} "
                f"{record.values[index]} cannot be checked against its rate."
            )
            report.findings.append(_finding(rule, record, index, f, message))
            continue
        # The amount may be written with its tax or without it: either reading's tax passes.
        on_exclusive = amount * rate / 100
        on_inclusive = amount * rate / (100 + rate)
        if min(abs(tax - on_exclusive), abs(tax - on_inclusive)) <= rule.tolerance:
            continue
        message = (
            f"{f.label} {record.values[index]} is not {canonical_number(rate)} % ({tax_label} "
            f"{code} of your tax table) of the {amount_label} {record.values[amount_at]}: that "
            f"would be {canonical_number(round(on_exclusive, 2), 2)}, or "
            f"{canonical_number(round(on_inclusive, 2), 2)} if the {amount_label} includes the "
            "tax. Check the tax amount and the tax type."
        )
        report.findings.append(_finding(rule, record, index, f, message))


def _foreign(rule: RateOnForeignAccount, spec, records, report, settings, context) -> None:
    f = _field(spec, rule)
    name = _name(spec, rule, f)
    found, why = _loaded(settings, spec, rule.list, rule.currency_column)
    if found is None:
        report.check(name, False, why)
        return
    home = str(settings.values.get(rule.home_currency, "")).casefold()
    foreign = {
        code: row[rule.currency_column]
        for code, row in found.by_code().items()
        if row.get(rule.currency_column) and row[rule.currency_column].casefold() != home
    }
    title = _list_spec(spec, rule.list).title
    report.check(name, True, f"{counted(len(foreign), 'foreign-currency account')} in {title}")
    if not records or not foreign:
        return
    kind = records[0].kind
    index, account = kind.index(rule.field), kind.index(rule.account)
    for record in records:
        currency = foreign.get(record.values[account])
        if currency is None:
            continue
        rate = decimal_or_none(record.values[index] or "1")
        if rate != 1:
            continue
        message = (
            f"{f.label} is 1 on {record.values[account]}, a {currency} account in your {title} "
            f"list: a foreign-currency document needs the day's rate (home-currency units per "
            f"{currency}), or its amounts are posted at par."
        )
        report.findings.append(_finding(rule, record, index, f, message))


RULES: dict[type, Callable[..., None]] = {
    InList: _in_list,
    FlaggedInList: _flagged,
    PeriodMatchesDate: _period,
    DateInWindow: _window,
    PriceIncludesTax: _price,
    RateOnForeignAccount: _foreign,
    TaxMatchesRate: _tax,
}
