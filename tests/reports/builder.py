"""Items with known timelines, written through the ledger's own writer (ledger.writes.record_changes),
as tests/ledger/test_carry_over.py does: each event carries the payload the workflow would give it."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from domain import process
from domain.calendar import SHANGHAI
from domain.enums import AssignmentStatus, ReplyStatus, ResultClass, Role, Stage, UnitRole
from domain.kinds import Kind
from domain.models import SYSTEM, Actor, Assignment, ItemChanges, Reply, suggestion_workflow_id
from ledger.writes import record_changes
from tests.helpers import COORDINATOR, new_deliberation, new_inquiry, new_livelihood, new_proposal, new_suggestion

UTC = timezone.utc


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    """An instant on a Beijing date (10:00 local time by default)."""
    return datetime(year, month, day, hour, tzinfo=SHANGHAI).astimezone(UTC)


def due(year: int, month: int, day: int) -> datetime:
    """A deadline: 23:59:59 Beijing time on its last day."""
    return datetime.combine(datetime(year, month, day).date(), time(23, 59, 59), SHANGHAI).astimezone(UTC)


def deputy(code: str) -> Actor:
    return Actor(user=f"dep-{code}", role=Role.deputy, deputy=code)


def unit_actor(unit: str, role: Role = Role.unit_handler) -> Actor:
    return Actor(user=f"{role.value}-{unit}", role=role, unit=unit)


class Timeline:
    """One suggestion and what happened to it, in order."""

    def __init__(self, number: str, year: int, field: str, registered_at: datetime,
                 lead: str = "D001", co_signers: tuple[str, ...] = ("D002",), title: str | None = None,
                 delegation: str = "城区代表团", kind: Kind = Kind.suggestion):
        start = {Kind.inquiry: new_inquiry, Kind.proposal: new_proposal, Kind.deliberation: new_deliberation,
                 Kind.livelihood: new_livelihood}.get(kind, new_suggestion)
        new = start(number).model_copy(update={
            "year": year, "field": field, "lead_deputy": lead, "co_signers": list(co_signers),
            "delegation": delegation, **({"title": title} if title else {}),
        })
        self.state = process.register(new, suggestion_workflow_id(year, new.number, kind), registered_at)

    @property
    def id(self) -> str:
        return self.state.workflow_id

    def event(self, when: datetime, action: str, unit: str | None = None, actor: Actor = SYSTEM, **detail) -> "Timeline":
        process.record(self.state, when, actor, action, unit, **detail)
        return self

    def track(self, unit: str) -> Assignment:
        return next(a for a in self.state.assignments if a.unit == unit and a.status == AssignmentStatus.active)

    def assign(self, when: datetime, lead: str | None = None, separate: tuple[str, ...] = (),
               co: tuple[str, ...] = ()) -> "Timeline":
        if not self.state.accepted_at:  # a kind without review was accepted as registered
            self.event(when, "accepted", actor=COORDINATOR)
        for unit, role in [(lead, UnitRole.lead)] * bool(lead) + [(u, UnitRole.separate) for u in separate] + \
                [(u, UnitRole.co_handling) for u in co]:
            self.state.assignments.append(Assignment(
                unit=unit, role=role, assigned_at=when,
                stage=Stage.handling if role != UnitRole.co_handling else None))
        self.state.stage = Stage.handling
        return self.event(when, "assigned", actor=COORDINATOR, lead_unit=lead, co_units=list(co),
                          separate_units=list(separate))

    def reassign(self, when: datetime, unit: str, new_unit: str) -> "Timeline":
        old = self.track(unit)
        old.status = AssignmentStatus.withdrawn
        self.state.assignments.append(Assignment(unit=new_unit, role=old.role, assigned_at=when, stage=Stage.handling))
        return self.event(when, "reassigned", unit, actor=COORDINATOR, new_unit=new_unit, role=old.role.value, reason="职责调整")

    def overdue(self, unit: str, due_at: datetime, kind: str = "reply") -> "Timeline":
        self.track(unit).overdue = True
        return self.event(due_at + timedelta(seconds=1), "reply_overdue", unit, deadline=f"{kind}:{unit}:1",
                          kind=kind, due_at=due_at.isoformat(), level="red")

    def contact(self, unit: str, when: datetime, way: str = "phone") -> "Timeline":
        """A contact with the deputy logged by the unit (四沟通), as the workflow records it."""
        self.event(when, "contact_logged", unit, unit_actor(unit), way=way)
        self.state.events[-1].detail["when"] = when.isoformat()  # the contact's own time, as the workflow gives it
        return self

    def reply(self, unit: str, accepted_at: datetime, result_class: str, round: int = 1, late: bool = False,
              face_to_face: bool = False, replied_by: str = "", publish: bool = True,
              public_text: str = "已按建议推进落实。", text: str = "答复全文。", no_publish_reason: str = "",
              signed_at: datetime | None = None) -> "Timeline":
        """Drafted two days and signed off one day before the coordinator accepts it."""
        signed_at = signed_at or accepted_at - timedelta(days=1)
        drafted_at = signed_at - timedelta(days=1)
        handler, head = unit_actor(unit), unit_actor(unit, Role.unit_head)
        self.event(drafted_at, "reply_drafted", unit, handler, round=round, result_class=result_class,
                   face_to_face=face_to_face, publish=publish)
        self.event(signed_at, "reply_signed_off", unit, head, round=round, late=late)
        self.event(accepted_at, "reply_accepted", unit, COORDINATOR, round=round, result_class=result_class)
        self.state.replies.append(Reply(
            unit=unit, round=round, text=text, result_class=ResultClass(result_class), face_to_face=face_to_face,
            replied_by=replied_by, publish=publish, public_text=public_text if publish else "",
            no_publish_reason=no_publish_reason, status=ReplyStatus.accepted, drafted_by=handler.user,
            drafted_at=drafted_at, signed_off_by=head.user, signed_off_at=signed_at, checked_by=COORDINATOR.user,
            checked_at=accepted_at, late=late,
        ))
        track = self.track(unit)
        track.result_class, track.stage, track.overdue = ResultClass(result_class), Stage.awaiting_feedback, False
        if not publish:
            self.event(accepted_at, "reply_not_published", unit, round=round, reason=no_publish_reason)
        return self

    def publish(self, unit: str, when: datetime, round: int = 1) -> "Timeline":
        reply = next(r for r in reversed(self.state.replies) if r.unit == unit and r.round == round)
        reply.published_at = when
        s = self.state
        return self.event(when, "reply_published", unit, round=round, result_class=reply.result_class.value,
                          public_text=reply.public_text, field=s.field, title=s.title, number=s.number, year=s.year)

    def withdraw(self, unit: str, when: datetime, reason: str = "涉及个人隐私") -> "Timeline":
        for reply in self.state.replies:
            if reply.unit == unit and reply.publish and not reply.withdrawn_at:
                reply.withdrawn_at = when
        return self.event(when, "publication_withdrawn", unit, COORDINATOR, reason=reason)

    def rate(self, unit: str, when: datetime, verdict: str, round: int = 1, by: str = "D001") -> "Timeline":
        self.track(unit).stage = Stage.closed if verdict != "unsatisfied" else Stage.rehandling
        return self.event(when, "feedback_given", unit, deputy(by), round=round, verdict=verdict)

    def vote(self, unit: str, when: datetime, verdict: str, counts: tuple[int, int, int], round: int = 1) -> "Timeline":
        """The committee members' satisfaction vote on a deliberation opinion's report (满意度测评)."""
        self.track(unit).stage = Stage.closed if verdict != "unsatisfied" else Stage.rehandling
        satisfied, basically, unsatisfied = counts
        return self.event(when, "satisfaction_vote", unit, COORDINATOR, round=round, verdict=verdict, satisfied=satisfied,
                          basically_satisfied=basically, unsatisfied=unsatisfied)

    def project_vote(self, when: datetime, counts: tuple[int, int, int]) -> "Timeline":
        """The deputies' vote at the session on a candidate livelihood project (票决): chosen by more than half."""
        votes_for, against, abstentions = counts
        chosen = votes_for * 2 > sum(counts)
        if chosen:
            self.state.accepted_at = when
        else:
            self.state.stage = Stage.converted
        return self.event(when, "project_voted", actor=COORDINATOR, chosen=chosen, votes_for=votes_for,
                          votes_against=against, abstentions=abstentions)

    def tracked_monthly(self, when: datetime) -> "Timeline":
        """A livelihood project is a key item from its assignment (挂图作战)."""
        self.state.key_supervision = True
        return self.event(when, "key_supervision_designated", source="deputies_vote", theme="民生实事项目")

    def key_report(self, unit: str, when: datetime) -> "Timeline":
        return self.event(when, "key_progress_reported", unit, unit_actor(unit), late=False)

    def inspect(self, when: datetime) -> "Timeline":
        process.record(self.state, when, COORDINATOR, "supervision_action_recorded", None,
                       **{"kind": "field_inspection", "when": when.isoformat()})
        return self

    def merge_into(self, main: "Timeline", when: datetime) -> "Timeline":
        """并案: handled as part of `main` from now on."""
        self.state.stage = Stage.merged
        return self.event(when, "merged", actor=COORDINATOR, into=main.id, into_number=main.state.number)

    def undo_merge(self, when: datetime) -> "Timeline":
        self.state.stage = Stage.registered
        return self.event(when, "merge_undone", actor=COORDINATOR)

    def no_feedback(self, unit: str, when: datetime) -> "Timeline":
        self.track(unit).stage = Stage.closed
        return self.event(when, "no_feedback", unit, deadline=f"feedback:{unit}:1", kind="feedback",
                          due_at=when.isoformat())

    def progress(self, unit: str, when: datetime, result_class: str, before: str) -> "Timeline":
        self.track(unit).result_class = ResultClass(result_class)
        self.event(when, "progress_reported", unit, unit_actor(unit), late=False, from_class=before,
                   result_class=result_class)
        if result_class == "A":
            self.event(when, "reclassified", unit, from_class=before, result_class="A")
        return self

    def rehandle(self, unit: str, when: datetime) -> "Timeline":
        track = self.track(unit)
        track.round, track.stage = 2, Stage.rehandling
        return self.event(when, "rehandling_ordered", unit, COORDINATOR, reason="代表不满意", leader_in_charge="副局长",
                          late=False)

    def carried(self, from_year: int, result_class: str | None, overdue: bool = False) -> "Timeline":
        end = datetime(from_year, 12, 31, 16, 0, tzinfo=UTC)  # 1 Jan 00:00 Beijing
        self.state.handling_year = from_year + 1
        self.state.carry_over_count += 1
        tracked = overdue or result_class in ("B", "C", "D")
        return self.event(end, "carried_over", self.state.lead_unit(), from_year=from_year, to_year=from_year + 1,
                          result_class=result_class, overdue=overdue, tracked=tracked,
                          units=[t.unit for t in self.state.tracks()])

    def convert(self, when: datetime) -> "Timeline":
        self.state.stage, self.state.end_reason = Stage.converted, "转为参阅件"
        return self.event(when, "converted", actor=COORDINATOR, reason="转为参阅件")

    def save(self, sessions) -> str:
        state = self.state
        tracks = state.tracks()
        if tracks:
            from domain.enums import TRACK_ORDER

            state.stage = min((t.stage for t in tracks), key=TRACK_ORDER.index)
        state.overdue = any(t.overdue for t in tracks)
        with sessions() as session:
            record_changes(session, ItemChanges(state=state.model_copy(update={"events": []}), events=state.events))
        return state.workflow_id
