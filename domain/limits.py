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
from pydantic_core import PydanticCustomError

from domain.calendar import local_date
from domain.labels import FIELD_LABELS

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


class Fault(str):
    """What is wrong with one field (问题): the English text, with the Chinese beside it as `zh`."""

    zh: str

    def __new__(cls, en: str, zh: str) -> "Fault":
        fault = super().__new__(cls, en)
        fault.zh = zh
        return fault


def in_english(faults: list[Fault]) -> str:
    return "; ".join(faults)


def in_chinese(faults: list[Fault]) -> str:
    return "；".join(getattr(f, "zh", f) for f in faults)


def text_problem(name: str, value: str, limit: int | None = None, label: str | None = None) -> Fault | None:
    """What is wrong with one text field, or None; `label` names it in Chinese (else its FIELD_LABELS name)."""
    limit = limit or TEXT_LIMITS.get(name, TEXT)
    label = label or FIELD_LABELS.get(name, name)
    if len(value) > limit:
        return Fault(f"{name} is {len(value)} characters long; at most {limit} are allowed",
                     f"“{label}”有{len(value)}个字，最多{limit}个，请精简")
    if _CONTROL.search(value):
        return Fault(f"{name} contains a control character (such as NUL or ESC); remove it",
                     f"“{label}”含有控制字符（如NUL、ESC），请删去")
    if any(unicodedata.category(ch) == "Cs" for ch in value):
        return Fault(f"{name} contains an unpaired surrogate; send valid Unicode text",
                     f"“{label}”含有无效的字符编码，请重新输入")
    return None


def date_problem(name: str, value: date | datetime, today: date | None = None,
                 label: str | None = None) -> Fault | None:
    """A date outside the plausible window: not before 2000, not past 2100, and (given today) not more than ten
    years ahead."""
    if isinstance(value, datetime):
        value = local_date(value) if value.tzinfo else value.date()
    day, label = value, label or FIELD_LABELS.get(name, name)
    if day < EARLIEST or day > LATEST:
        return Fault(f"{name} {day.isoformat()} is not within {EARLIEST.year}–{LATEST.year}",
                     f"“{label}”{day.isoformat()}不在{EARLIEST.year}—{LATEST.year}年之间，请核对")
    if today is not None and day > today + HORIZON:
        return Fault(f"{name} {day.isoformat()} is more than ten years ahead",
                     f"“{label}”{day.isoformat()}超出今后十年，请核对")
    return None


def input_problems(model: BaseModel, now: datetime | None = None) -> list[Fault]:
    """Every text, list and date field of a command (and the models inside it) checked against the limits;
    `now` (the workflow's clock) adds the ten-year horizon."""
    return _problems(model, local_date(now) if now else None, "", "")


def _problems(model: BaseModel, today: date | None, prefix: str, prefix_zh: str) -> list[Fault]:
    found: list[Fault] = []
    for name in type(model).model_fields:
        label, label_zh = f"{prefix}{name}", f"{prefix_zh}{FIELD_LABELS.get(name, name)}"
        found += _value_problems(name, (label, label_zh), getattr(model, name), today)
    return found


def _value_problems(name: str, labels: tuple[str, str], value: object, today: date | None) -> list[Fault]:
    label, label_zh = labels
    if isinstance(value, str):
        problem = text_problem(name, value, label=label_zh)
        return [Fault(problem.replace(name, label, 1), problem.zh)] if problem else []
    if isinstance(value, (date, datetime)):
        problem = date_problem(label, value, today, label_zh)
        return [problem] if problem else []
    if isinstance(value, list):
        if len(value) > LIST:
            return [Fault(f"{label} lists {len(value)} entries; at most {LIST} are allowed",
                          f"“{label_zh}”有{len(value)}项，最多{LIST}项")]
        return [p for i, item in enumerate(value)
                for p in _value_problems(name, (f"{label}[{i}]", f"{label_zh}第{i + 1}项"), item, today)]
    if isinstance(value, BaseModel) and name not in ("actor", "policy"):  # set by the system, not typed in
        return _problems(value, today, f"{label}.", f"{label_zh}的")
    return []


def schema_refusal(faults: list[Fault]) -> PydanticCustomError:
    """Raised in a model's validator: pydantic reports it with both texts (its `ctx` keeps the Chinese)."""
    return PydanticCustomError("refused", "{en}", {"en": in_english(faults), "zh": in_chinese(faults)})


# Pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/) in Chinese; `{label}` is the
# field's Chinese name, the other names come from the error's `ctx`.
SCHEMA_ZH = {
    "missing": "请填写“{label}”",
    "string_too_long": "“{label}”最多{max_length}个字，请精简",
    "string_too_short": "“{label}”至少要有{min_length}个字",
    "string_pattern_mismatch": "“{label}”的格式不对，请核对",
    "string_type": "“{label}”应为文字",
    "int_parsing": "“{label}”应为整数", "int_type": "“{label}”应为整数", "int_from_float": "“{label}”应为整数",
    "float_parsing": "“{label}”应为数字", "float_type": "“{label}”应为数字",
    "date_parsing": "“{label}”应为日期，如2026-03-05", "date_type": "“{label}”应为日期，如2026-03-05",
    "date_from_datetime_parsing": "“{label}”应为日期，如2026-03-05",
    "date_from_datetime_inexact": "“{label}”应为日期，不带时刻",
    "datetime_parsing": "“{label}”应为时间，如2026-03-05T09:00:00+08:00",
    "datetime_type": "“{label}”应为时间，如2026-03-05T09:00:00+08:00",
    "datetime_from_date_parsing": "“{label}”应为时间，如2026-03-05T09:00:00+08:00",
    "timezone_aware": "“{label}”须注明时区，如+08:00",
    "bool_parsing": "“{label}”应为是（true）或否（false）", "bool_type": "“{label}”应为是（true）或否（false）",
    "enum": "“{label}”只能是：{expected}", "literal_error": "“{label}”只能是：{expected}",
    "too_long": "“{label}”最多{max_length}项", "too_short": "“{label}”至少要有{min_length}项",
    "list_type": "“{label}”应为列表",
    "greater_than_equal": "“{label}”不能小于{ge}", "greater_than": "“{label}”必须大于{gt}",
    "less_than_equal": "“{label}”不能大于{le}", "less_than": "“{label}”必须小于{lt}",
    "extra_forbidden": "不认识“{label}”这一项，请删去",
    "json_invalid": "请求内容不是有效的JSON，请检查后重发",
    "json_type": "请求内容应为JSON",
    "model_attributes_type": "“{label}”应为一组字段（JSON对象）", "dict_type": "“{label}”应为一组字段（JSON对象）",
    "model_type": "“{label}”应为一组字段（JSON对象）",
    "uuid_parsing": "“{label}”应为UUID", "url_parsing": "“{label}”应为网址",
}
_LOCATIONS = ("body", "query", "path", "header", "cookie", "form")


def schema_label(loc: tuple | list) -> str:
    """A pydantic error's location in Chinese: "承诺事项及完成时限第1项的完成时限"."""
    parts, words = [p for p in loc if p not in _LOCATIONS], ""
    for part in parts:
        if isinstance(part, int):
            words += f"第{part + 1}项"
        else:
            words += ("的" if words else "") + FIELD_LABELS.get(str(part), str(part))
    return words or "请求内容"


def schema_error_zh(error: dict) -> str:
    """One of pydantic's errors (`ValidationError.errors()`) in Chinese."""
    ctx = error.get("ctx") or {}
    if "zh" in ctx:
        return str(ctx["zh"])
    template, label = SCHEMA_ZH.get(error.get("type", "")), schema_label(error.get("loc", ()))
    if template is None:
        return f"“{label}”：{error.get('msg', '')}"
    try:
        return template.format(label=label, **{k: _zh_value(v) for k, v in ctx.items()})
    except (KeyError, IndexError, ValueError):  # a context this version of pydantic does not give
        return f"“{label}”：{error.get('msg', '')}"


def _zh_value(value: object) -> str:
    text = str(value)
    return text.replace("' or '", "、").replace("', '", "、").strip("'") if isinstance(value, str) else text
