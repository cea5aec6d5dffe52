"""The ledger (台账): SQL tables that the workflows write and the API reads.

`events` is append-only: one row per action or timer outcome, id = workflow id
+ sequence, so a retried write never lands twice. The suggestion, assignment,
deadline, contact, reply and feedback tables are projections of each item's
current state, rewritten from the workflow's state on every change.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes on every database (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the ledger; store aware UTC instants")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UtcDateTime, dict[str, Any]: JSON, list[str]: JSON}


class UnitRow(Base):
    """承办单位"""

    __tablename__ = "units"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    head_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(200), default="")


class DeputyRow(Base):
    """人大代表"""

    __tablename__ = "deputies"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    delegation: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), default=None)
    deputy_code: Mapped[str | None] = mapped_column(ForeignKey("deputies.code"), default=None)
    email: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    # Raised when the password changes or the user is disabled: tokens issued at an older version stop working.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SuggestionRow(Base):
    """Current projection of one suggestion."""

    __tablename__ = "suggestions"
    __table_args__ = (
        UniqueConstraint("year", "number", name="uq_suggestions_year_number"),  # every kind: its own prefix
        Index("ix_suggestions_year_stage", "year", "stage"),
        Index("ix_suggestions_lead_unit_overdue", "lead_unit", "overdue"),
        Index("ix_suggestions_list_order", text("year DESC"), "number"),  # the lists' order: see list_suggestions
        Index("ix_suggestions_overdue_workflow", "overdue", "workflow_id"),  # a unit's overdue items, counted
        # Covering the worklist's sort and the oversight board's counts per unit (migration 0012).
        Index("ix_suggestions_worklist", "stage", "warning_level", "next_due_at", "year", "number", "workflow_id"),
        Index("ix_suggestions_warnings", "lead_unit", "stage", "warning_level", "overdue"),
        # Partial: only the few rows that have one (migration 0012 says why).
        Index("ix_suggestions_interview_due", "workflow_id", sqlite_where=text("interview_due = 1"),
              postgresql_where=text("interview_due")),
        Index("ix_suggestions_consultation_due", "workflow_id", sqlite_where=text("consultation_due = 1"),
              postgresql_where=text("consultation_due")),
        Index("ix_suggestions_key_status", "key_status", sqlite_where=text("key_status IS NOT NULL"),
              postgresql_where=text("key_status IS NOT NULL")),
    )
    workflow_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), default="suggestion", server_default="suggestion")  # domain.kinds
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(50), index=True)
    lead_deputy: Mapped[str] = mapped_column(String(32), index=True)
    co_signers: Mapped[list[str]] = mapped_column(default=list)
    delegation: Mapped[str] = mapped_column(String(100), default="")
    received_on: Mapped[date] = mapped_column(Date)
    policy: Mapped[str] = mapped_column(String(80))
    stage: Mapped[str] = mapped_column(String(30))
    result_class: Mapped[str | None] = mapped_column(String(2), default=None, index=True)
    lead_unit: Mapped[str | None] = mapped_column(String(32), default=None)
    co_units: Mapped[list[str]] = mapped_column(default=list)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    key_supervision: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    warning_level: Mapped[str] = mapped_column(String(10), default="none")
    next_due_at: Mapped[datetime | None] = mapped_column(default=None)
    reply_due_at: Mapped[datetime | None] = mapped_column(default=None)
    origin_year: Mapped[int] = mapped_column(Integer)
    handling_year: Mapped[int] = mapped_column(Integer, index=True)
    carry_over_count: Mapped[int] = mapped_column(Integer, default=0)
    key_status: Mapped[str | None] = mapped_column(String(20), default=None)
    key_theme: Mapped[str] = mapped_column(String(200), default="")
    interview_due: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # 约谈
    consultation_due: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # 面商
    last_event_seq: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the workflow's whole state (no events)
    updated_at: Mapped[datetime]


class SearchRow(Base):
    """An item's entry in the text search index (SQLite only: see ledger.search; migration 0006
    creates it, with the FTS5 table `search_index` whose rowids are these ids)."""

    __tablename__ = "search_rows"
    __table_args__ = (Index("ix_search_rows_list_order", text("year DESC"), "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workflow_id: Mapped[str] = mapped_column(ForeignKey("suggestions.workflow_id"), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(32))


class SignerRow(Base):
    """The deputies who signed an item (lead and co-signers), for scoping a deputy's view."""

    __tablename__ = "signers"
    workflow_id: Mapped[str] = mapped_column(ForeignKey("suggestions.workflow_id"), primary_key=True)
    deputy: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
    lead: Mapped[bool] = mapped_column(Boolean, default=False)


class AssignmentRow(Base):
    __tablename__ = "assignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workflow_id: Mapped[str] = mapped_column(ForeignKey("suggestions.workflow_id"), index=True)
    unit: Mapped[str] = mapped_column(String(32), index=True)
    role: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    assigned_at: Mapped[datetime]
    signed_at: Mapped[datetime | None] = mapped_column(default=None)
    stage: Mapped[str | None] = mapped_column(String(30), default=None)
    round: Mapped[int] = mapped_column(Integer, default=1)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)


class DeadlineRow(Base):
    __tablename__ = "deadlines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workflow_id: Mapped[str] = mapped_column(ForeignKey("suggestions.workflow_id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(30))
    unit: Mapped[str | None] = mapped_column(String(32), default=None)
    start: Mapped[datetime]
    rule: Mapped[str] = mapped_column(String(40))
    policy: Mapped[str] = mapped_column(String(80))
    due_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    status: Mapped[str] = mapped_column(String(20))
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    replaces: Mapped[str | None] = mapped_column(String(80), default=None)


class ContactRow(Base):
    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workflow_id: Mapped[str] = mapped_column(ForeignKey("suggestions.workflow_id"), index=True)
    unit: Mapped[str] = mapped_column(String(32))
    when: Mapped[datetime]
    way: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    logged_by: Mapped[str] = mapped_column(String(100))
    phase: Mapped[str | None] = mapped_column(String(20), default=None)  # 四沟通: before | during | at_reply | after


class ReplyRow(Base):
    __tablename__ = "replies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workflow_id: Mapped[str] = mapped_column(ForeignKey("suggestions.workflow_id"), index=True)
    unit: Mapped[str] = mapped_column(String(32))
    round: Mapped[int] = mapped_column(Integer)
    result_class: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(20))
    face_to_face: Mapped[bool] = mapped_column(Boolean)
    replied_by: Mapped[str] = mapped_column(String(100), default="")
    publish: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str] = mapped_column(Text)
    public_text: Mapped[str] = mapped_column(Text, default="")
    no_publish_reason: Mapped[str] = mapped_column(Text, default="")
    drafted_at: Mapped[datetime]
    signed_off_at: Mapped[datetime | None] = mapped_column(default=None)
    checked_at: Mapped[datetime | None] = mapped_column(default=None)
    late: Mapped[bool] = mapped_column(Boolean, default=False)


class FeedbackRow(Base):
    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workflow_id: Mapped[str] = mapped_column(ForeignKey("suggestions.workflow_id"), index=True)
    unit: Mapped[str] = mapped_column(String(32))
    round: Mapped[int] = mapped_column(Integer)
    deputy: Mapped[str | None] = mapped_column(String(32), default=None)
    verdict: Mapped[str | None] = mapped_column(String(30), default=None)
    reasons: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


class EventRow(Base):
    """Append-only event log: who, role, unit, when, what, payload."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_workflow_seq", "workflow_id", "seq"), Index("ix_events_action_at", "action", "at"))
    id: Mapped[str] = mapped_column(String(100), primary_key=True)  # f"{workflow_id}:{seq}"
    workflow_id: Mapped[str] = mapped_column(String(80))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(50))
    actor_user: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(20))
    actor_unit: Mapped[str | None] = mapped_column(String(32), default=None)
    actor_deputy: Mapped[str | None] = mapped_column(String(32), default=None)
    unit: Mapped[str | None] = mapped_column(String(32), default=None)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    recorded_at: Mapped[datetime]


class NotificationRow(Base):
    """站内通知: one event told to one user; the in-app inbox and the source of outward deliveries.

    Written in the same transaction as the event it comes from (ledger/outbox.py),
    at most once per event and recipient.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("event_id", "recipient_id", name="uq_notifications_event_recipient"),
        Index("ix_notifications_recipient_created", "recipient_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"))
    workflow_id: Mapped[str] = mapped_column(String(80), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str | None] = mapped_column(String(30), default=None)  # deadline kind concerned, if any
    level: Mapped[str | None] = mapped_column(String(10), default=None)  # blue / orange / red, if any
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500))
    due_at: Mapped[datetime | None] = mapped_column(default=None)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None] = mapped_column(default=None)


class DeliveryRow(Base):
    """One notification sent out on one channel (email, sms webhook): the outbox the dispatcher drains.

    status: pending → sending (claimed by a dispatcher) → sent, or back to pending with a
    later next_attempt_at, or failed after too many attempts; undeliverable when there is
    no address or no configured channel.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("notification_id", "channel", name="uq_deliveries_notification_channel"),
        Index("ix_deliveries_status_next", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(10))  # email | sms
    address: Mapped[str] = mapped_column(String(200), default="")
    digest_key: Mapped[str] = mapped_column(String(120))  # deliveries of one recipient with the same key go out together
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime]
    claim_token: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    message_id: Mapped[str | None] = mapped_column(String(200), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime]


class ExemplaryRow(Base):
    """An item selected as one of a year's exemplary handled ones (优秀提案办理), by the coordinator; a kind that
    has the selection only (domain.kinds). Kept after the item's workflow has ended: the selection comes later."""

    __tablename__ = "exemplary_selections"
    __table_args__ = (Index("ix_exemplary_year", "year"),)
    workflow_id: Mapped[str] = mapped_column(ForeignKey("suggestions.workflow_id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)  # the handling year it is an exemplary item of
    reason: Mapped[str] = mapped_column(Text)
    selected_by: Mapped[str] = mapped_column(String(100))
    selected_at: Mapped[datetime]


class EvaluationRow(Base):
    """A rating of a unit's year (单位评议: 优秀/良好/一般) by one rater: a deputy, or a supervisor.

    Every rating given is kept. The one that counts has `current_key` set (year:unit:rater, unique);
    a second rating by the same rater replaces it: the old row keeps its values, loses its key and
    records when and by which row it was replaced.
    """

    __tablename__ = "evaluations"
    __table_args__ = (Index("ix_evaluations_year_unit", "year", "unit"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(ForeignKey("units.code"))
    rater: Mapped[str] = mapped_column(String(140))  # "deputy:D001" or "user:sup"
    rater_group: Mapped[str] = mapped_column(String(20))  # deputies | supervisors
    rated_by: Mapped[str] = mapped_column(String(100))  # the username that gave it
    grade: Mapped[str] = mapped_column(String(20))  # excellent | good | average
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    current_key: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)
    replaced_at: Mapped[datetime | None] = mapped_column(default=None)
    replaced_by: Mapped[int | None] = mapped_column(Integer, default=None)


class ImportRow(Base):
    """One spreadsheet import started from the console (批量导入): its progress while it runs, then its result.

    Kept in the ledger, not in the API's memory, so any API process can show it and a restart leaves a trace.
    """

    __tablename__ = "imports"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random hex, in the page's address
    username: Mapped[str] = mapped_column(String(100), index=True)  # who started it: only they see it
    filename: Mapped[str] = mapped_column(String(255))
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # running | done | failed
    total: Mapped[int] = mapped_column(Integer, default=0)  # data rows in the file, once read
    done: Mapped[int] = mapped_column(Integer, default=0)  # rows handled so far
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # created, skipped, errors (ImportResult)
    problem: Mapped[str] = mapped_column(Text, default="")  # why a failed import stopped, in Chinese
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
