"""Limits on what people send (docs/limits.md): lengths of texts, the characters allowed, plausible dates,
and the budget of one item's record. Checked at the edge (the API's bodies, the registration) and by every
update's validator — never on replay, so an old history is never judged by a newer limit.

Sizes are characters; a Chinese character takes 3 bytes in UTF-8 JSON.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from pydantic import BaseModel

from domain.calendar import local_date

TITLE = 200  # a suggestion's title: one sentence
LONG_TEXT = 20_000  # a suggestion's text, a reply, a published reply: a few pages
TEXT = 5_000  # reasons, summaries, opinions, progress reports: a page
NAME = 100  # a person's name, a leader, a theme, a delegation
CODE = 32  # unit and deputy codes
LIST = 50  # units, co-signers, commitments in one action

# Field name → its limit; any other text field has TEXT.
TEXT_LIMITS: dict[str, int] = {
    "title": TITLE,
    "body": LONG_TEXT,
    "text": LONG_TEXT,
    "public_text": LONG_TEXT,
    "council_member": NAME,
    "government_leader": NAME,
    "leader_in_charge": NAME,
    "replied_by": NAME,
    "theme": NAME,
    "participants": TEXT,
    "delegation": NAME,
    "lead_unit": CODE,
    "new_unit": CODE,
    "unit": CODE,
    "lead_deputy": CODE,
    "co_units": CODE,
    "separate_units": CODE,
    "co_signers": CODE,
}

# Request bodies: a JSON body fits the longest texts above with room (50 commitments of a page each);
# an upload is one session's spreadsheet. Unpacked, a spreadsheet may take 50 MB, and 5,000 rows.
REQUEST_BYTES = 1024 * 1024
UPLOAD_BYTES = 10 * 1024 * 1024
UNPACKED_BYTES = 50 * 1024 * 1024
IMPORT_ROWS = 5_000

# One item's whole record (its state, carried into each new run) stays under this many bytes of JSON:
# Temporal takes 2 MB per payload and 4 MB per request; a decade of real handling is ~100 KB.
STATE_BUDGET = 1_000_000

# Dates people give: nothing before 2000 (the ledger's first year) and nothing past 2100 (the last year
# the deadline calendar is built for); a date looking ahead at most 10 years past today.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
HORIZON = timedelta(days=3653)

# Control characters (C0 but tab, newline, carriage return; DEL; C1) and Unicode's other "Cc"/"Cf" oddities
# that break spreadsheets and terminals; zero-width joiners in names are left to the text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def text_problem(name: str, value: str, limit: int | None = None) -> str | None:
    """What is wrong with one text field, or None."""
    limit = limit or TEXT_LIMITS.get(name, TEXT)
    if len(value) > limit:
        return f"{name} is {len(value)} characters long; at most {limit} are allowed"
    if _CONTROL.search(value):
        return f"{name} contains a control character (such as NUL or ESC); remove it"
    if any(unicodedata.category(ch) == "Cs" for ch in value):
        return f"{name} contains an unpaired surrogate; send valid Unicode text"
    return None


def date_problem(name: str, value: date | datetime, today: date | None = None) -> str | None:
    """A date outside the plausible window: not before 2000, not past 2100, and (given today) not more than ten
    years ahead."""
    if isinstance(value, datetime):
        value = local_date(value) if value.tzinfo else value.date()
    day = value
    if day < EARLIEST or day > LATEST:
        return f"{name} {day.isoformat()} is not within {EARLIEST.year}–{LATEST.year}"
    if today is not None and day > today + HORIZON:
        return f"{name} {day.isoformat()} is more than ten years ahead"
    return None


def input_problems(model: BaseModel, now: datetime | None = None) -> list[str]:
    """Every text, list and date field of a command (and the models inside it) checked against the limits;
    `now` (the workflow's clock) adds the ten-year horizon."""
    return _problems(model, local_date(now) if now else None, "")


def _problems(model: BaseModel, today: date | None, prefix: str) -> list[str]:
    found: list[str] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        label = f"{prefix}{name}"
        found += _value_problems(name, label, value, today)
    return found


def _value_problems(name: str, label: str, value: object, today: date | None) -> list[str]:
    if isinstance(value, str):
        problem = text_problem(name, value)
        return [problem.replace(name, label, 1)] if problem else []
    if isinstance(value, (date, datetime)):
        problem = date_problem(label, value, today)
        return [problem] if problem else []
    if isinstance(value, list):
        if len(value) > LIST:
            return [f"{label} lists {len(value)} entries; at most {LIST} are allowed"]
        return [p for i, item in enumerate(value) for p in _value_problems(name, f"{label}[{i}]", item, today)]
    if isinstance(value, BaseModel) and name not in ("actor", "policy"):  # set by the system, not typed in
        return _problems(value, today, f"{label}.")
    return []
