"""Each action's form, made from its command (domain.commands): one field per command field, labelled in
Chinese, and the submitted form read back into the command. A new action gets its form with its table line."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from domain import commands as c
from domain import labels
from domain.calendar import SHANGHAI
from domain.kinds import FILING_LEVEL_LABELS, KINDS, Kind
from domain.labels import FIELD_LABELS
from domain.limits import TEXT, TEXT_LIMITS, schema_error_zh
from domain.models import Actor, Commitment

OPTION_LABELS: dict[str, dict[str, str]] = {
    "way": labels.CONTACT_WAY_LABELS, "phase": labels.CONTACT_PHASE_LABELS, "verdict": labels.VERDICT_LABELS, "kind": labels.SUPERVISION_KIND_LABELS,
    "result_class": {k: f"{k}类：{v}" for k, v in labels.CLASS_LABELS.items()},
    "level": FILING_LEVEL_LABELS,
}
EMPTY_CHOICES = {"phase": "（按办理进度自动判断）", "level": "（下一个审查环节）"}
UNIT_FIELDS = ("lead_unit", "co_units", "separate_units", "new_unit", "unit")
LONG_FIELDS = ("text", "body", "public_text", "summary", "reason", "reasons", "no_publish_reason", "opinion")
COMMITMENT_ROWS = 3  # rows of commitments offered by the form


@dataclass
class FormField:
    name: str
    label: str
    kind: str  # text, textarea, checkbox, select, multiselect, datetime, date, commitments
    required: bool
    max_length: int = TEXT
    options: list[tuple[str, str]] = field(default_factory=list)
    empty: str = "（不选）"  # what an optional select's empty choice says


def form_fields(command: type[c.Command], units: dict[str, str], item_units: list[str],
                item_kind: Kind = Kind.suggestion) -> list[FormField]:
    """The fields a person fills in for this command; units named, the item's own for `unit`, the review levels
    of the item's kind for `level`."""
    fields = []
    for name, info in command.model_fields.items():
        if name == "actor":
            continue
        kind, options = _kind(name, info.annotation, units, item_units)
        if name == "level":
            options = [(code, label) for code, label in options if code in KINDS[item_kind].filing_levels]
        fields.append(FormField(name, FIELD_LABELS.get(name, name), kind, info.is_required(),
                                TEXT_LIMITS.get(name, TEXT), options, EMPTY_CHOICES.get(name, "（不选）")))
    return fields


def _kind(name: str, annotation: Any, units: dict[str, str], item_units: list[str]) -> tuple[str, list]:
    base, is_list = _unwrap(annotation)
    if name in UNIT_FIELDS:
        choices = item_units if name == "unit" else list(units)
        options = [(code, units.get(code, code)) for code in choices]
        return ("multiselect" if is_list else "select"), options
    if base is Commitment:
        return "commitments", []
    if base is bool:
        return "checkbox", []
    if base is datetime:
        return "datetime", []
    if base is date:
        return "date", []
    if base is int:
        return "number", []
    if isinstance(base, type) and issubclass(base, Enum):
        names = OPTION_LABELS.get(name, {})
        return "select", [(member.value, names.get(member.value, member.value)) for member in base]
    return ("textarea" if name in LONG_FIELDS else "text"), []


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(the field's base type, whether it is a list) from `X`, `X | None`, `list[X]`."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    if typing.get_origin(annotation) is list:
        return typing.get_args(annotation)[0], True
    return annotation, False


def command_from_form(command: type[c.Command], form: FormData, actor: Actor) -> tuple[c.Command | None, list[str]]:
    """The command the form describes, or what is wrong with it (in Chinese where the form can say it)."""
    values: dict[str, Any] = {"actor": actor}
    problems: list[str] = []
    for name, info in command.model_fields.items():
        if name == "actor":
            continue
        base, is_list = _unwrap(info.annotation)
        raw = form.getlist(name) if is_list else form.get(name)
        if base is Commitment:
            values[name] = _commitments(form, problems)
        elif base is bool:
            values[name] = raw in ("on", "true", "1")
        elif is_list:
            values[name] = [v for v in raw if isinstance(v, str) and v]
        elif raw in (None, ""):
            if info.is_required():
                problems.append(f"请填写“{FIELD_LABELS.get(name, name)}”")
            elif info.default is None:
                values[name] = None
        elif base is datetime:
            values[name] = _local_instant(str(raw), name, problems)
        else:
            values[name] = raw
    if problems:
        return None, problems
    try:
        return command(**values), []
    except ValidationError as error:
        return None, [schema_error_zh(e) for e in error.errors()]


def _local_instant(text: str, name: str, problems: list[str]) -> datetime | None:
    """A datetime-local value is Beijing time."""
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        problems.append(f"“{FIELD_LABELS.get(name, name)}”不是有效的时间")
        return None
    return instant if instant.tzinfo else instant.replace(tzinfo=SHANGHAI)


def _commitments(form: FormData, problems: list[str]) -> list[dict]:
    rows = []
    for i in range(COMMITMENT_ROWS):
        what, due = form.get(f"commitments-{i}-what") or "", form.get(f"commitments-{i}-due_on") or ""
        if what and due:
            rows.append({"what": what, "due_on": due})
        elif what or due:
            problems.append(f"第{i + 1}项承诺事项须同时填写内容和完成时限")
    return rows
