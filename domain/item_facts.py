"""What happened to one item up to an instant (the walk the report's figures count), from its events.

Figures are computed from events, never from hand-kept counters. An item's events, in the order they
were recorded, are walked up to `as_of`; what the walk finds per replying unit (a **track**: the lead
unit 主办 or a separately replying unit 分办, active at `as_of`; co-handling units 协办 send an opinion,
not a reply, and have no track) is what domain.figures counts. Pure: no database, no clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from domain.calendar import local_date

# Events that set a unit's result class (the class is in their payload), and the classes from most to least solved.
CLASS_EVENTS = ("reply_accepted", "progress_reported", "reclassification_disputed")
CLASS_ORDER = ["A", "B", "C", "D"]
# Ways of contact in which the unit met the deputy in person (见面): all but the phone and "other".
IN_PERSON = ("visit", "meeting", "liaison_station")
# The actions item_facts reads; the others (deadlines set, reminders, contacts, carry-overs ...) are
# most of the log and are left in the database. An item's events are recorded in time order, so
# leaving some out does not move where a walk up to an instant stops.
REPORT_ACTIONS = (
    "registered", "converted", "assigned", "reassigned", "contact_logged", "reply_drafted", "reply_signed_off",
    *CLASS_EVENTS,
    "feedback_given", "satisfaction_vote", "no_feedback", "reply_overdue", "rehandling_ordered", "key_supervision_proposed",
    "key_supervision_designated", "key_supervision_declined", "key_progress_reported", "project_voted",
    "supervision_action_recorded", "merged", "merge_undone",
)
# The actions that can change the class an item adds to the classes line (line_class).
CLASS_MOVING = ("registered", "converted", "project_voted", "merged", "merge_undone", "assigned", "reassigned", *CLASS_EVENTS)


class LoggedEvent(NamedTuple):
    """One event as the walks read it (ledger.history reads them from the database)."""

    workflow_id: str
    at: datetime
    action: str
    unit: str | None
    actor_deputy: str | None
    payload: dict[str, Any]


def class_as_of(events: Iterable[LoggedEvent], instant: datetime) -> str | None:
    """The item's class at `instant` (its least solved unit's): the one the last class-setting event
    of each unit before it gave."""
    by_unit: dict[str | None, str] = {}
    for event in events:
        if event.at > instant:
            break
        if event.action in CLASS_EVENTS and event.payload.get("result_class"):
            by_unit[event.unit] = event.payload["result_class"]
    return max(by_unit.values(), key=CLASS_ORDER.index) if by_unit else None


@dataclass
class Overdue:
    round: int
    due_at: datetime
    closed_at: datetime | None = None  # the sign-off of the reply that ended it

    def days(self, instant: datetime) -> int:
        end = self.closed_at or instant
        return max(0, (local_date(end) - local_date(self.due_at)).days)


@dataclass
class Track:
    """One replying unit's part in an item."""

    unit: str
    role: str
    replied: bool = False
    first_late: bool | None = None  # the accepted first-round reply was signed off late
    face_to_face: bool = False  # some accepted reply was face to face
    by_head: bool = False  # ... and given by the unit's principal head
    contacts: int = 0  # contacts with the deputy logged by the unit
    met_in_person: bool = False  # a contact in person (visit, meeting, liaison station) or a face-to-face reply
    contacted_first: bool = False  # the accepted first-round reply was drafted after a contact (办前沟通)
    standard: bool = False  # 规范化: that reply signed off by the head, on time, drafted after a contact
    result_class: str | None = None
    rating: str | None = None
    overdue: list[Overdue] = field(default_factory=list)
    rehandled: bool = False
    second_replied: bool = False
    second_rating: str | None = None
    key_reports: int = 0


@dataclass
class ItemFacts:
    id: str
    number: str
    title: str
    field: str
    stage: str  # the item's stage now (the projection's)
    delegation: str = ""  # the lead deputy's delegation (代表团)
    kind: str = "suggestion"  # domain.kinds.Kind
    registered: bool = False
    converted: bool = False
    key_status: str | None = None
    voted_in: bool | None = None  # a livelihood project's vote at the session (票决): chosen or not; None before
    inspected: bool = False  # a supervision action (视察, 座谈 …) was recorded on it
    merged: bool = False  # merged into another item (并案): counted there, once
    tracks: dict[str, Track] = field(default_factory=dict)
    classes_at: list[str | None] = field(default_factory=list)  # its class in the classes line at each mark

    @property
    def counted(self) -> bool:
        return self.registered and not self.converted and not self.merged


def _squash(text: str) -> str:
    return "".join(text.split())


def item_facts(
    row: Any, events: list[Any], instant: datetime, heads: dict[str, str], replied_by: dict[tuple[str, int], str],
    marks: Sequence[datetime] = (), only_unit: str | None = None,
) -> ItemFacts:
    """Walk an item's events (in sequence order) up to `instant`.

    `row` has the suggestion's workflow_id, number, title, field, stage, lead_deputy and delegation; `replied_by`
    is who gave each accepted reply, by (unit, round). `marks` (ascending, none after `instant`) are
    instants at which the walk also notes the item's class in the classes line (`classes_at`, as
    `only_unit` sees it): the state there is the one the walk has when it passes the mark, so one
    walk gives every month end."""
    # long: one walk over the events, one branch per kind of event; the walk's state stays in one place.
    facts = ItemFacts(id=row.workflow_id, number=row.number, title=row.title, field=row.field, stage=row.stage,
                      delegation=getattr(row, "delegation", "") or "", kind=getattr(row, "kind", "suggestion"))
    pending = list(marks)
    roles: dict[str, str] = {}
    rounds: dict[str, int] = defaultdict(lambda: 1)
    drafts: dict[tuple[str, int], bool] = {}
    contacted: dict[tuple[str, int], bool] = {}  # whether the unit had contacted the deputy when it drafted
    signoffs: dict[tuple[str, int], bool] = {}
    lead_deputy = row.lead_deputy

    def add(unit: str | None, role: str) -> None:
        if unit:
            roles[unit] = role
            if role in ("lead", "separate"):
                facts.tracks[unit] = Track(unit=unit, role=role)

    now_class, moved = None, True  # the class at the last mark passed; whether an event since may move it
    for e in events:
        if pending and pending[0] < e.at:  # the walk passes marks: their class is the one it has now
            if moved:
                now_class, moved = line_class(facts, only_unit), False
            while pending and pending[0] < e.at:
                pending.pop(0)
                facts.classes_at.append(now_class)
        if e.at > instant:
            break
        p, unit, action = e.payload or {}, e.unit, e.action
        track = facts.tracks.get(unit) if unit else None
        moved = moved or action in CLASS_MOVING
        if action == "registered":
            facts.registered = True
        elif action == "converted":
            facts.converted = True
        elif action == "project_voted":  # not chosen by the deputies: ends as a converted suggestion does
            facts.voted_in = bool(p.get("chosen"))
            facts.converted = not facts.voted_in
        elif action == "supervision_action_recorded":
            facts.inspected = True
        elif action in ("merged", "merge_undone"):
            facts.merged = action == "merged"
        elif action == "assigned":
            add(p.get("lead_unit"), "lead")
            for u in p.get("co_units") or []:
                add(u, "co_handling")
            for u in p.get("separate_units") or []:
                add(u, "separate")
        elif action == "reassigned":
            facts.tracks.pop(unit, None)
            add(p.get("new_unit"), p.get("role") or roles.get(unit, "lead"))
        elif action == "contact_logged" and track:
            track.contacts += 1
            track.met_in_person = track.met_in_person or p.get("way") in IN_PERSON
        elif action == "reply_drafted":
            drafts[(unit, p.get("round", 1))] = bool(p.get("face_to_face"))
            contacted[(unit, p.get("round", 1))] = bool(track and track.contacts)
        elif action == "reply_signed_off":
            round_ = p.get("round", 1)
            signoffs[(unit, round_)] = bool(p.get("late"))
            if track:
                for o in track.overdue:
                    if o.round == round_ and o.closed_at is None:
                        o.closed_at = e.at
        elif action == "reply_accepted" and track:
            round_ = p.get("round", 1)
            if round_ == 1 or not track.replied:
                track.first_late = signoffs.get((unit, round_), False)
                track.contacted_first = contacted.get((unit, round_), False)
                track.standard = (unit, round_) in signoffs and not track.first_late and track.contacted_first
            track.replied = True
            if round_ >= 2:
                track.second_replied = True
            track.result_class = p.get("result_class") or track.result_class
            if drafts.get((unit, round_)):
                track.face_to_face = track.met_in_person = True
                head = _squash(heads.get(unit, ""))
                if head and head in _squash(replied_by.get((unit, round_)) or ""):
                    track.by_head = True
        elif action in ("progress_reported", "reclassification_disputed") and track:
            track.result_class = p.get("result_class") or track.result_class
        elif track and (action == "satisfaction_vote" or (action == "feedback_given" and e.actor_deputy == lead_deputy)):
            # the lead deputy's rating, or the committee members' vote on a deliberation opinion (满意度测评)
            track.rating = p.get("verdict")
            if p.get("round", 1) >= 2:
                track.second_rating = track.rating
        elif action == "no_feedback" and track:
            track.rating = "none"
            if rounds[unit] >= 2:
                track.second_rating = "none"
        elif action == "reply_overdue" and track:
            due = p.get("due_at")
            due_at = datetime.fromisoformat(due) if due else e.at
            track.overdue.append(Overdue(round=2 if p.get("kind") == "second_reply" else 1, due_at=due_at))
        elif action == "rehandling_ordered" and track:
            track.rehandled = True
            rounds[unit] = 2
        elif action == "key_supervision_proposed":
            facts.key_status = "proposed"
        elif action == "key_supervision_designated":
            facts.key_status = "designated"
        elif action == "key_supervision_declined":
            facts.key_status = "declined"
        elif action == "key_progress_reported" and track:
            track.key_reports += 1
    if pending:  # nothing changes after the last event read
        facts.classes_at += [line_class(facts, only_unit)] * len(pending)
    return facts


def line_class(facts: ItemFacts, only_unit: str | None) -> str | None:
    """The class the item adds to the classes line (None: it adds none); a unit role counts its own track."""
    if not facts.counted:
        return None
    if only_unit is None:
        return joint_class(list(facts.tracks.values()))
    return joint_class([facts.tracks[only_unit]]) if only_unit in facts.tracks else None


def joint_class(tracks: list[Track]) -> str | None:
    """The class of tracks counted together: once every one is replied, the least solved one's."""
    if not tracks or not all(t.replied for t in tracks):
        return None
    classes = [t.result_class for t in tracks if t.result_class]
    return max(classes, key=class_rank) if classes else None


def class_rank(value: str) -> int:
    return CLASS_ORDER.index(value) if value in CLASS_ORDER else len(CLASS_ORDER)
