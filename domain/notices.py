"""Chinese texts of notifications (通知文案): one item, or a digest of many items at the same rung.

Pure functions of plain data (no database, no I/O). Every message names the item
("2026年第0123号建议《标题》"), the deadline concerned in Beijing time
("2026-06-05 23:59（北京时间）") and what the recipient is expected to do, which
depends on who they are: the unit that owes the duty, the coordinator and
supervisors who watch it, or the deputy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.calendar import SHANGHAI
from domain.enums import UNIT_ROLES
from domain.labels import DEADLINE_LABELS, EVENT_LABELS

PREFIX = "【回音】"
GREETING = "您好："
FOOTER = "此为回音系统自动发送的通知，请登录系统查看详情。"


@dataclass(frozen=True)
class ItemRef:
    """The item a notification is about."""

    year: int
    number: str
    title: str
    due_at: datetime | None = None
    label: str = "建议"  # what the item is (domain.kinds): 建议, 问政交办函


@dataclass(frozen=True)
class Message:
    subject: str
    body: str  # plain text, for email and the in-app inbox
    short: str  # one paragraph, for SMS


# Deadline kinds: (name of the deadline, who owes the duty, what the owner must do).
KINDS: dict[str, tuple[str, str, str]] = {
    "reply": (DEADLINE_LABELS["reply"], "unit", "请抓紧办理，按时答复代表"),
    "second_reply": (DEADLINE_LABELS["second_reply"], "unit", "请抓紧二次办理，按时重新答复代表"),
    "co_opinion": (DEADLINE_LABELS["co_opinion"], "unit", "请抓紧向主办单位提交协办意见"),
    "feedback": (DEADLINE_LABELS["feedback"], "deputy", "请对答复作出满意度评价（满意/基本满意/不满意）"),
    "rehandling_order": (DEADLINE_LABELS["rehandling_order"], "coordinator", "请及时交办二次办理"),
    "adjustment_window": (DEADLINE_LABELS["adjustment_window"], "unit", "如认为不属于本单位职责，请在期限内提出调整申请，逾期不再受理"),
    "key_report": (DEADLINE_LABELS["key_report"], "unit", "请按时报送重点督办件办理进展"),
    "follow_up_report": (DEADLINE_LABELS["follow_up_report"], "unit", "请按时报送跟踪落实进展"),
    "assignment": (DEADLINE_LABELS["assignment"], "coordinator", "请及时完成审查并交办"),
}
DEFAULT_KIND = ("办理期限", "unit", "请按时办理")
ORANGE_DUTIES = {
    "reply": "请尽快完成答复并报单位负责人审签，务必于期限前答复代表",
    "second_reply": "请尽快完成二次答复并报单位负责人审签，务必于期限前答复代表",
}
OWNER_NAMES = {"unit": "承办单位", "deputy": "代表", "coordinator": "交办机构"}

# The deadline kind an action is about when the event does not say.
ACTION_KINDS = {
    "assigned": "reply",
    "reassigned": "reply",
    "reply_overdue": "reply",
    "reply_accepted": "feedback",
    "extension_approved": "reply",
    "extension_refused": "reply",
    "no_feedback": "feedback",
    "key_report_due": "key_report",
}


def item_label(year: int, number: str, label: str = "建议") -> str:
    """"2026年第0123号建议", "2026年第0003号问政交办函"."""
    return f"{year}年第{number}号{label}"


def beijing_time(instant: datetime | None) -> str:
    """"2026-06-05 23:59（北京时间）"; "（期限待定）" when unknown."""
    if instant is None:
        return "（期限待定）"
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") + "（北京时间）"


def audience(role: str) -> str:
    """unit, coordinator, supervisor, deputy, or other (admin)."""
    if role in UNIT_ROLES:
        return "unit"
    return role if role in ("coordinator", "supervisor", "deputy") else "other"


def days_left(due_at: datetime, now: datetime) -> int:
    """Calendar days from today to the deadline's day, both in Beijing."""
    return (due_at.astimezone(SHANGHAI).date() - now.astimezone(SHANGHAI).date()).days


def kind_for(action: str, kind: str | None, deadline: str | None = None) -> str | None:
    """The deadline kind concerned: said by the event, or read from its deadline key
    ("reply:U01:1"), or implied by the action; reminders default to the reply deadline."""
    if kind:
        return str(kind)
    if deadline and str(deadline).split(":", 1)[0] in KINDS:
        return str(deadline).split(":", 1)[0]
    if action in ACTION_KINDS:
        return ACTION_KINDS[action]
    for suffix in ("_overdue", "_late", "_missed"):
        if action.endswith(suffix) and action[: -len(suffix)] in KINDS:
            return action[: -len(suffix)]
    if action == "reminder" or action.startswith("reminder_"):
        return "reply"
    return None


def level_for(action: str, level: str | None) -> str | None:
    """blue / orange / red for reminders and overdue outcomes; None otherwise."""
    if action.startswith("reminder_") and action[len("reminder_"):] in ("blue", "orange", "red"):
        return action[len("reminder_"):]
    if action == "reminder" and level in ("blue", "orange", "red"):
        return level
    if action.endswith(("_overdue", "_late", "_missed")):
        return "red"
    return None


def digest_key(action: str, kind: str | None, level: str | None) -> str:
    """Deliveries with the same key (for one recipient and channel) may go out as one digest;
    kind and level as stored on the notification (already resolved)."""
    return f"{action}:{kind or '-'}:{level or '-'}"


@dataclass(frozen=True)
class _Context:
    action: str
    audience: str
    kind: str | None
    level: str | None
    due: str
    days: int | None
    detail: dict
    unit: str | None = None  # the event's unit
    recipient_unit: str | None = None  # the recipient's unit, for unit roles

    @property
    def deadline_name(self) -> str:
        return KINDS.get(self.kind or "", DEFAULT_KIND)[0]

    @property
    def owner(self) -> str:
        return KINDS.get(self.kind or "", DEFAULT_KIND)[1]

    @property
    def duty(self) -> str:
        return KINDS.get(self.kind or "", DEFAULT_KIND)[2]

    @property
    def owns(self) -> bool:
        """Is the recipient the one who owes the duty?"""
        return self.audience == self.owner or (self.owner == "coordinator" and self.audience == "other")

    def watch(self, urgent: bool = False) -> str:
        """What someone who watches another's duty should do."""
        owner = OWNER_NAMES.get(self.owner, "承办单位")
        if self.audience == "coordinator":
            return f"请督促{owner}立即办理" if urgent else f"请督促{owner}按时办理"
        if self.audience == "supervisor":
            return "请予关注并督办" if urgent else "请关注办理进度"
        if self.audience == "deputy":
            return "特此告知，您可登录系统查看办理进度"
        return "请登录系统查看"

    @property
    def due_known(self) -> bool:
        return self.due != beijing_time(None)

    def remaining(self) -> str:
        if self.days is None:
            return ""
        return "今天到期" if self.days <= 0 else f"还有{self.days}天"


# --- one template per action: (subject topic, what happened, what to do) -----------------


def _reminder(ctx: _Context) -> tuple[str, str, str]:
    if ctx.level == "red":
        return _overdue(ctx)
    orange = ctx.level == "orange"
    if ctx.days is None:
        left = ""
    elif ctx.days <= 0:
        left = "今天到期"
    else:
        left = f"仅剩{ctx.days}天" if orange else f"还有{ctx.days}天"
    what = f"{ctx.deadline_name}为{ctx.due}" + (f"，{left}" if left else "")
    if orange:
        urgent = ORANGE_DUTIES.get(ctx.kind or "", f"{ctx.duty}，务必于期限前完成")
        todo = urgent if ctx.owns else ctx.watch()
        return f"{ctx.deadline_name}临近", what, todo
    return f"{ctx.deadline_name}提醒", what, ctx.duty if ctx.owns else ctx.watch()


def _overdue(ctx: _Context) -> tuple[str, str, str]:
    if ctx.owns:
        todo = "已超期，请立即办理并说明超期原因" if ctx.owner == "unit" else f"已超期，{ctx.duty}"
    else:
        todo = ctx.watch(urgent=True)
    when = f"已于{ctx.due}届满" if ctx.due_known else "已届满"
    return f"已超期（{ctx.deadline_name}已届满）", f"{ctx.deadline_name}{when}，至今尚未完成", todo


def _assigned(ctx: _Context) -> tuple[str, str, str]:
    by = f"于{ctx.due}前" if ctx.due_known else "按期"
    if ctx.audience == "unit":
        if ctx.kind == "co_opinion":
            return "交办通知（协办）", "已交办贵单位协办", f"请及时签收，并{by}向主办单位提交协办意见"
        return "交办通知", "已交办贵单位办理", f"请{by}签收并答复代表" if ctx.due_known else "请及时签收，并按期答复代表"
    if ctx.audience == "deputy":
        return "已交办", "已交承办单位办理", (f"答复期限为{ctx.due}，" if ctx.due_known else "") + "特此告知"
    return "已交办", "已交办承办单位", ctx.watch()


def _reassigned(ctx: _Context) -> tuple[str, str, str]:
    new_unit = ctx.detail.get("new_unit")
    if ctx.audience == "unit" and ctx.recipient_unit and ctx.recipient_unit == new_unit:
        by = f"于{ctx.due}前" if ctx.due_known else "按期"
        return "调整交办通知", "经审查调整交由贵单位办理", f"请及时签收，并{by}答复代表"
    if ctx.audience == "unit" and ctx.recipient_unit and ctx.recipient_unit == ctx.unit:
        return "调整交办通知", f"经审查已调整由{new_unit or '其他单位'}办理，贵单位不再承办", "请做好相关材料移交"
    return "调整交办", "经审查已调整交办单位" + (f"（改由{new_unit}办理）" if new_unit else ""), ctx.watch()


def _reply_accepted(ctx: _Context) -> tuple[str, str, str]:
    if ctx.audience == "deputy":
        by = f"于{ctx.due}前" if ctx.due_known else "在规定期限内"
        return "答复已送达，请评价", "承办单位的答复已送达", f"请{by}对答复作出满意度评价（满意/基本满意/不满意）"
    todo = (f"代表评价期限为{ctx.due}，" if ctx.due_known else "") + "请关注代表评价"
    return "答复已送达代表", "答复已审核并送达代表", todo


def _extension(approved: bool):
    def template(ctx: _Context) -> tuple[str, str, str]:
        others = "特此告知" if ctx.audience == "deputy" else ctx.watch()
        if approved:
            what = "延期答复申请已获批准" + (f"，{ctx.deadline_name}延长至{ctx.due}" if ctx.due_known else "")
            return "延期申请已批准", what, "请在延长后的期限内答复代表" if ctx.audience == "unit" else others
        reason = str(ctx.detail.get("reason") or "").strip()
        what = "延期答复申请未获批准" + (f"（理由：{reason}）" if reason else "")
        what += f"，{ctx.deadline_name}仍为{ctx.due}" if ctx.due_known else ""
        return "延期申请未获批准", what, "请按原期限答复代表" if ctx.audience == "unit" else others

    return template


def _no_feedback(ctx: _Context) -> tuple[str, str, str]:
    window = f"满意度评价期限（{ctx.due}）" if ctx.due_known else "满意度评价期限"
    what = f"代表未在{window}内作出评价，已记录为“未反馈”"
    todo = "如有意见，可联系交办机构" if ctx.audience == "deputy" else "特此告知"
    return "代表未评价", what, todo


def _deadline_moved(ctx: _Context) -> tuple[str, str, str]:
    todo = "请按调整后的期限办理" if ctx.owns else ctx.watch()
    reason = str(ctx.detail.get("reason") or "")
    why = "因节假日安排调整" if reason.startswith("holiday calendar") else "经重新计算"
    return f"{ctx.deadline_name}调整", f"{why}，{ctx.deadline_name}调整为{ctx.due}", todo


def _key_proposed(ctx: _Context) -> tuple[str, str, str]:
    if ctx.detail.get("source") == "second_unsatisfied":
        what = "代表对二次办理答复仍不满意，已提请列为重点督办件"
    else:
        what = "超期未答复，已提请列为重点督办件，并需约谈承办单位负责人"
    if ctx.audience == "unit":
        todo = "请立即办理，单位负责人做好约谈、面商准备"
    elif ctx.audience == "coordinator":
        todo = "请提请主任会议研究确定是否列为重点督办"
    else:
        todo = ctx.watch(urgent=True)
    return "提请重点督办", what, todo


def _key_designated(ctx: _Context) -> tuple[str, str, str]:
    todos = {
        "unit": "请主要负责人亲自研究推动，并按月报送办理进展",
        "supervisor": "请牵头督办，跟踪办理进展",
        "deputy": "将加大督办力度，特此告知",
        "coordinator": "请做好督办组织工作",
    }
    return "列为重点督办件", "已列为重点督办件", todos.get(ctx.audience, "请登录系统查看")


def _key_report_due(ctx: _Context) -> tuple[str, str, str]:
    todo = "请按时报送本期办理进展" if ctx.audience == "unit" else ctx.watch()
    what = f"本期办理进展报告应于{ctx.due}前报送" if ctx.due_known else "本期办理进展报告即将到期"
    return "重点督办进展报告提醒", what, todo


def _interview_due(ctx: _Context) -> tuple[str, str, str]:
    what = "答复超期已久仍未办结，需约谈承办单位负责人"
    todos = {"unit": "请单位负责人做好约谈准备，并立即办理答复", "coordinator": "请及时安排约谈承办单位负责人"}
    return "需约谈承办单位负责人", what, todos.get(ctx.audience) or ctx.watch(urgent=True)


def _consultation_due(ctx: _Context) -> tuple[str, str, str]:
    what = "代表对二次办理答复仍不满意，需由代表、承办单位负责人和督办人约见面商"
    todos = {"unit": "请单位负责人做好约见面商准备", "coordinator": "请及时组织约见面商",
             "supervisor": "请参加约见面商", "deputy": "交办机构将与您联系约见面商"}
    return "需约见面商", what, todos.get(ctx.audience, "请登录系统查看")


def _opinion_added(ctx: _Context) -> tuple[str, str, str]:
    todo = "请登录系统查看督办意见并抓紧落实" if ctx.audience == "unit" else "请登录系统查看"
    return "新的督办意见", "督办人提出了督办意见", todo


def _clock(paused: bool):
    def template(ctx: _Context) -> tuple[str, str, str]:
        reason = str(ctx.detail.get("reason") or "").strip()
        why = f"（原因：{reason}）" if reason else ""
        if paused:
            return "办理期限暂停计算", f"经交办机构同意，办理期限暂停计算{why}", "待代表说明后恢复计算，恢复后请按调整后的期限办理"
        return "办理期限恢复计算", f"办理期限已恢复计算{why}", "请按调整后的期限办理"

    return template


def _merge(ctx: _Context) -> tuple[str, str, str]:
    """并案: the deputies of both items hear where the handling goes, and that each of them still rates."""
    d = ctx.detail
    if ctx.action == "item_absorbed":
        return ("并案办理", f"与第{d.get('number', '')}号建议并案，由本件一并办理、答复",
                "答复后，各位领衔和联名代表可分别评价")
    if ctx.action == "merged":
        return ("已并案", f"已并入第{d.get('into_number', '')}号建议，由该件一并办理、答复",
                f"您已成为第{d.get('into_number', '')}号建议的联名代表，答复后请在该件中评价")
    return "撤销并案", f"已撤销与第{d.get('from_number', '')}号建议的并案，恢复单独办理", "请留意后续办理动态"


def _generic(ctx: _Context) -> tuple[str, str, str]:
    label = EVENT_LABELS.get(ctx.action, "有新的办理动态")
    what = label + (f"（{ctx.deadline_name}：{ctx.due}）" if ctx.due_known else "")
    return label, what, "请登录系统查看详情"


TEMPLATES = {
    "assigned": _assigned,
    "reassigned": _reassigned,
    "reminder_blue": _reminder,
    "reminder_orange": _reminder,
    "reminder_red": _overdue,
    "reminder": _reminder,
    "reply_overdue": _overdue,
    "co_opinion_late": _overdue,
    "rehandling_order_late": _overdue,
    "reply_accepted": _reply_accepted,
    "extension_approved": _extension(True),
    "extension_refused": _extension(False),
    "no_feedback": _no_feedback,
    "deadline_moved": _deadline_moved,
    "key_supervision_proposed": _key_proposed,
    "key_supervision_designated": _key_designated,
    "key_report_due": _key_report_due,
    "interview_due": _interview_due,
    "consultation_due": _consultation_due,
    "supervision_opinion_added": _opinion_added,
    "clock_paused": _clock(True),
    "clock_resumed": _clock(False),
    "item_absorbed": _merge,
    "merged": _merge,
    "merge_undone": _merge,
}


def _template(action: str):
    if action in TEMPLATES:
        return TEMPLATES[action]
    if action.endswith(("_overdue", "_late", "_missed")):
        return _overdue
    return _generic


def _context(action: str, role: str, kind: str | None, level: str | None, due_at: datetime | None,
             now: datetime | None, detail: dict | None, unit: str | None = None,
             recipient_unit: str | None = None) -> _Context:
    return _Context(
        action=action,
        audience=audience(role),
        kind=kind_for(action, kind, (detail or {}).get("deadline")),
        level=level_for(action, level),
        due=beijing_time(due_at),
        days=days_left(due_at, now) if due_at is not None and now is not None else None,
        detail=detail or {},
        unit=unit,
        recipient_unit=recipient_unit,
    )


def _body(main: str) -> str:
    return f"{GREETING}\n\n{main}\n\n{FOOTER}"


def render(action: str, item: ItemRef, *, role: str, kind: str | None = None, level: str | None = None,
           now: datetime | None = None, detail: dict | None = None, unit: str | None = None,
           recipient_unit: str | None = None) -> Message:
    """The message about one item for one recipient.

    role: the recipient's role; kind, level: of the deadline concerned (else inferred from the
    action); now: when it happened (for "还有N天"); detail: the event's detail; unit: the
    event's unit; recipient_unit: the recipient's unit (unit roles)."""
    ctx = _context(action, role, kind, level, item.due_at, now, detail, unit, recipient_unit)
    topic, what, todo = _template(action)(ctx)
    label = item_label(item.year, item.number, item.label)
    main = f"{label}《{item.title}》{what}。{todo}。"
    return Message(subject=f"{PREFIX}{label}{topic}", body=_body(main), short=f"{PREFIX}{main}")


def render_digest(action: str, items: list[ItemRef], *, role: str, kind: str | None = None,
                  level: str | None = None, now: datetime | None = None) -> Message:
    """One message listing many items that reached the same rung for the same recipient."""
    if len(items) == 1:
        return render(action, items[0], role=role, kind=kind, level=level, now=now)
    items = sorted(items, key=lambda i: (i.due_at is None, i.due_at or datetime.min.replace(tzinfo=SHANGHAI),
                                         i.year, i.number))
    ctx = _context(action, role, kind, level, None, None, None)
    template = _template(action)
    topic, what, todo = template(ctx)
    n = len(items)
    if template is _overdue or (template is _reminder and ctx.level == "red"):
        intro = f"以下{n}件建议的{ctx.deadline_name}已届满，至今尚未完成"
    elif template is _reminder and ctx.level == "orange":
        intro = f"以下{n}件建议的{ctx.deadline_name}临近，仅剩数天"
    elif template is _reminder:
        intro = f"以下{n}件建议的{ctx.deadline_name}即将届满"
    else:
        intro = f"以下{n}件建议{what}"
    lines = [
        f"{i}. {item_label(it.year, it.number, it.label)}《{it.title}》"
        + (f"，{ctx.deadline_name}：{beijing_time(it.due_at)}" if it.due_at is not None else "")
        for i, it in enumerate(items, 1)
    ]
    main = f"{intro}：\n" + "\n".join(lines) + f"\n\n{todo}。"
    earliest = next((it.due_at for it in items if it.due_at is not None), None)
    short = f"{PREFIX}您有{n}件建议{topic}" + (f"，最早{beijing_time(earliest)}" if earliest else "") + "，请登录回音系统查看。"
    return Message(subject=f"{PREFIX}{n}件建议{topic}", body=_body(main), short=short)


def short_text(subject: str, body: str) -> str:
    """The SMS text of a stored single-item message: its main paragraph, signed."""
    parts = body.split("\n\n")
    if len(parts) >= 3 and parts[0] == GREETING and parts[-1] == FOOTER:
        return PREFIX + "\n".join(parts[1:-1]).replace("\n", " ")
    return subject
