"""The figures of the annual handling report (办理工作报告): what each counts, and the counting itself.

Every figure is computed from the event log at an instant (`as_of`), never from hand-kept counters,
each rate with its numerator and denominator. Pure: the walks over each item's events (domain.item_facts)
come in, the report's lines go out; ledger.annual_report reads the events, api.render draws the report.

What is counted (also in DEFINITIONS, which the report carries):

- The year is the suggestions' year of registration. An item counts once it is registered
  (by `as_of`) and unless it was converted to a reference letter (转为参阅件) by then.
- A **track** is one replying unit's part in an item: the lead unit (主办) or a separately
  replying unit (分办), active at `as_of` (a unit reassigned away no longer has one).
  Co-handling units (协办) send an opinion, not a reply, and have no track.
- Year totals and field lines count **items**; an item's figure combines its tracks (it is
  replied when every track is, its class is its least solved track's). Unit lines count that
  unit's tracks. A unit role sees only its own tracks, so its totals are its unit's.
- Ratings count per track: the lead deputy's latest rating of that unit (feedback_given by the
  lead deputy), or "none" when the latest thing that happened was a feedback window closing
  without one (no_feedback). Co-signers' ratings are kept but not counted here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from pydantic import BaseModel

from domain.calendar import SHANGHAI, local_date
from domain.enums import STAGE_LABELS
from domain.fields import FIELDS
from domain.item_facts import CLASS_ORDER, ItemFacts, Overdue, Track, joint_class
from domain.kinds import KINDS, Kind

VERDICTS = ("satisfied", "basically_satisfied", "unsatisfied")
HEAD_RULE_LIMIT = 3  # Laoshan: ≤ 3 items → the principal head replies to all face to face; more → at least 3

DEFINITIONS: dict[str, str] = {
    "year": "the suggestions' year of registration",
    "as_of": "every figure is computed from the events recorded up to this instant",
    "suggestions": "items registered by as_of, less those converted to a reference letter (转为参阅件) or merged into "
                   "another item (并案: counted once, with that item) by then; "
                   "per unit: the items in which the unit replies (lead or separate unit; co-handling units have no line)",
    "replied": "an item whose every replying unit's reply passed the coordinator's check (reply_accepted, any round)",
    "reply_rate": "replied / suggestions",
    "on_time_rate": "items whose first-round replies were all signed off in time (reply_signed_off late=false, the "
                    "sign-off of the reply that was accepted) / items due: replied, or still unreplied after their "
                    "reply deadline passed (reply_overdue kind=reply)",
    "face_to_face_rate": "replied items whose every replying unit gave an accepted reply face to face (面复) / replied",
    "principal_head_rate": "replied items whose every replying unit's accepted reply was given face to face by its "
                           "principal head (as in principal_head_rule) / replied (主要负责人面复率)",
    "meeting_rate": "见面率: replied items in which every replying unit met the deputy in person — a face-to-face "
                    "reply, or a contact by visit, meeting or at a liaison station (contact_logged) — / replied",
    "standard_rate": "规范化率: replied items whose every replying unit's accepted first-round reply was signed off by "
                     "the unit head (reply_signed_off), on time (late=false) and drafted after a contact with the "
                     "deputy (contact_logged before reply_drafted: 办前沟通) / replied",
    "three_rates_one_standard": "三率一化: 见面率 (meeting_rate), 办复率 (reply_rate), 满意率 (satisfaction_rate) and "
                                "规范化 (standard_rate), for the year and each unit",
    "key_supervision_line": "the items designated for key supervision at as_of (重点督办件), counted as a line of their "
                            "own with every figure and rate",
    "class_movement": "each counted item's class at `from` and at as_of (its least solved replying unit's, as in "
                      "classes; 'none': no class yet, not replied or not registered): the counts at both instants and "
                      "how many items moved from each class to each other",
    "delegations": "one line per delegation (代表团) of the lead deputy, as registered with the item",
    "principal_head_rule": "a unit with ≤ 3 suggestions: its principal head replies to all of them face to face; "
                           "more: to at least 3. A reply is by the principal head when it was face to face and its "
                           "replied_by contains the unit's registered head_name (units.head_name, spaces ignored); "
                           "a unit without a head_name cannot meet the rule",
    "classes": "replied items by result class at as_of: the class of the least solved replying unit, from the last "
               "reply_accepted / progress_reported / reclassification_disputed of each unit",
    "feedback": "per replying unit: the lead deputy's latest rating (feedback_given) or 'none' when a feedback "
                "window closed without one (no_feedback) after it; units not yet rated are not counted",
    "satisfaction_rate": "(satisfied + basically_satisfied) / (satisfied + basically_satisfied + unsatisfied)",
    "solved_rate": "replied items of class A / replied",
    "overdue": "items: items with a reply deadline (first or second reply) that passed unreplied (reply_overdue); "
               "open: of those, still unreplied at as_of; days: calendar days (Beijing dates) from each missed "
               "deadline's day to the sign-off of the reply, or to as_of when none yet, summed; max_days: the longest",
    "second_handling": "items: re-handling ordered (rehandling_ordered); replied: every re-handled unit's second reply "
                       "accepted; satisfied/basically_satisfied/unsatisfied/none: the lead deputy's latest rating of "
                       "each re-handled unit's second reply; pending: re-handled units not rated yet",
    "key_supervision": "items by their key-supervision status at as_of (the last key_supervision_proposed / "
                       "designated / declined); progress_reports: key_progress_reported events",
    "carried_in": "items carried into this year's carry-over ledger (跨年度跟踪督办台账, ledger.carry_over)",
    "carried_converted": "carried B/C items that became A during the year (up to as_of)",
    "carry_over_conversion_rate": "carried_converted / carried B and C items",
}



# --- instants ---------------------------------------------------------------------------------------


def year_start(year: int) -> datetime:
    """00:00 Beijing time on 1 January, as a UTC instant."""
    return datetime.combine(date(year, 1, 1), time(0), SHANGHAI).astimezone(timezone.utc)


def year_end(year: int) -> datetime:
    """The last instant of the year, Beijing time."""
    return year_start(year + 1) - timedelta(microseconds=1)


def as_of_instant(value: date | datetime) -> datetime:
    """A date means the end of that day (its last instant), Beijing time; an instant without a zone is
    Beijing time."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    return datetime.combine(value + timedelta(days=1), time(0), SHANGHAI).astimezone(timezone.utc) - timedelta(microseconds=1)


def month_ends(year: int, until: datetime) -> list[datetime]:
    """The last instant of each month of `year` up to `until`, then `until` itself."""
    points = []
    for month in range(1, 13):
        first_next = date(year + (month == 12), month % 12 + 1, 1)
        end = as_of_instant(first_next - timedelta(days=1))
        if end > until:
            break
        points.append(end)
    if not points or points[-1] < until:
        points.append(until)
    return points


# --- the report's lines ------------------------------------------------------------------------------


class Rate(BaseModel):
    numerator: int
    denominator: int
    value: float | None

    @classmethod
    def of(cls, numerator: int, denominator: int) -> "Rate":
        return cls(numerator=numerator, denominator=denominator,
                   value=round(numerator / denominator, 4) if denominator else None)


class CarriedItem(BaseModel):
    id: str
    number: str
    title: str
    origin_year: int
    field: str
    unit: str | None
    class_at_carry_over: str | None
    class_now: str | None  # at the end of the year, or now if the year is still running
    overdue_at_carry_over: bool
    converted: bool  # a carried B/C item that became A during the year
    stage: str
    kind: str = "suggestion"  # domain.kinds.Kind


class CarryOverLedger(BaseModel):
    year: int
    as_of: datetime
    items: list[CarriedItem]
    by_origin_year: dict[int, int]
    by_unit: dict[str, int]
    by_class_at_carry_over: dict[str, int]
    conversion: Rate  # converted / carried B and C items


class Counts(BaseModel):
    satisfied: int = 0
    basically_satisfied: int = 0
    unsatisfied: int = 0
    none: int = 0


class OverdueTotals(BaseModel):
    items: int
    open: int
    days: int
    max_days: int


class SecondHandling(BaseModel):
    items: int
    replied: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    none: int
    pending: int


class KeySupervisionTotals(BaseModel):
    designated: int
    proposed: int
    declined: int
    progress_reports: int


class Totals(BaseModel):
    suggestions: int
    replied: int
    converted: int
    merged: int = 0  # merged into another item (并案) by as_of: counted once, with that item
    face_to_face_by_head: int  # replied items answered face to face by the principal head of every replying unit
    met: int  # replied items with an in-person meeting (见面) by every replying unit
    standard: int  # replied items complete in form (规范化)
    classes: dict[str, int]
    feedback: Counts
    overdue: OverdueTotals
    second_handling: SecondHandling
    key_supervision: KeySupervisionTotals
    carried_in: int
    carried_converted: int


class Rates(BaseModel):
    reply_rate: Rate
    on_time_rate: Rate
    face_to_face_rate: Rate
    principal_head_rate: Rate
    meeting_rate: Rate
    standard_rate: Rate
    satisfaction_rate: Rate
    solved_rate: Rate
    carry_over_conversion_rate: Rate


class PrincipalHead(BaseModel):
    """Laoshan's rule for one unit: how many face-to-face replies its principal head must give and gave."""

    head_name: str
    suggestions: int
    required: int
    actual: int
    satisfied: bool


class UnitLine(BaseModel):
    unit: str
    name: str
    totals: Totals
    rates: Rates
    principal_head: PrincipalHead


class FieldLine(BaseModel):
    field: str
    label: str
    totals: Totals
    rates: Rates


class DelegationLine(BaseModel):
    delegation: str  # as registered with the items; "" for items without one
    totals: Totals
    rates: Rates


class ProjectVotes(BaseModel):
    """The candidate livelihood projects of a year and the deputies' vote on them (民生实事项目票决)."""

    candidates: int  # registered by the instant (征集、三审)
    voted_in: int  # chosen by the deputies' vote (票决入选): the section's items
    voted_out: int  # not chosen
    awaiting_vote: int
    inspected: int  # chosen projects with a supervision action recorded (视察、座谈 …)


class KindLine(BaseModel):
    """Another kind of item than suggestions (domain.kinds: 问政交办函 …) as a section of its own: its published
    rates (办复率, 按时办复率, 满意率, 解决率 …) over its items, and per unit."""

    kind: str
    label: str
    totals: Totals
    rates: Rates
    units: list[UnitLine]
    exemplary: int | None = None  # the year's exemplary handled ones (优秀提案办理), for a kind that selects them
    votes: ProjectVotes | None = None  # the deputies' vote on the candidates (票决), for a kind chosen by it


class KeySupervisionLine(BaseModel):
    """The items designated for key supervision (重点督办件) as a line of their own."""

    items: list[str]  # their ids
    totals: Totals
    rates: Rates


class ClassMove(BaseModel):
    from_class: str  # A, B, C, D or "none"
    to_class: str
    items: int


class ClassMovement(BaseModel):
    """How the classes moved between two instants (e.g. A 167 → 261 between September and year end)."""

    from_at: datetime
    to_at: datetime
    at_from: dict[str, int]
    at_to: dict[str, int]
    moves: list[ClassMove]  # every pair with at least one item, "none" included, staying put included


class HeadRule(BaseModel):
    rule: str
    units_breaking: list[str]


class ClassPoint(BaseModel):
    at: datetime
    date: date
    classes: dict[str, int]


class ItemLine(BaseModel):
    """One item in the item sheet (its stage is the one it has now)."""

    id: str
    number: str
    title: str
    field: str
    units: list[str]
    stage: str
    stage_label: str
    result_class: str | None
    replied: bool
    on_time: bool | None
    face_to_face: bool
    ratings: dict[str, str | None]
    overdue_days: int
    second_handling: bool
    key_status: str | None


class AnnualReport(BaseModel):
    year: int
    as_of: datetime
    scope: str  # "all", or the unit code a unit role's report is limited to
    totals: Totals
    rates: Rates
    principal_head_rule: HeadRule
    units: list[UnitLine]
    fields: list[FieldLine]
    delegations: list[DelegationLine]
    key_supervision: KeySupervisionLine
    class_movement: ClassMovement
    classes_over_time: list[ClassPoint]
    definitions: dict[str, str]
    items: list[ItemLine] = []
    kinds: list[KindLine] = []  # the other kinds' sections; every line above counts suggestions only


@dataclass
class Carried:
    """The carry-over ledger's lines that a group of subjects covers."""

    items: int = 0
    converted: int = 0
    open_bc: int = 0


@dataclass
class Subject:
    """What one line counts once: an item (all its tracks) or one unit's track of an item."""

    item: ItemFacts
    tracks: list[Track]
    # Worked out once: a subject is counted on several lines (year, unit, field, delegation, key items),
    # and its tracks do not change after.
    replied: bool = field(init=False)
    result_class: str | None = field(init=False)
    on_time: bool = field(init=False)  # every track's first reply signed off in time
    face_to_face: bool = field(init=False)
    by_head: bool = field(init=False)
    met: bool = field(init=False)
    standard: bool = field(init=False)
    overdue: list[Overdue] = field(init=False)
    rehandled: list[Track] = field(init=False)

    def __post_init__(self) -> None:
        tracks = self.tracks
        self.replied = bool(tracks) and all(t.replied for t in tracks)
        self.result_class = joint_class(tracks)
        self.on_time = all(t.first_late is False for t in tracks)
        self.face_to_face = all(t.face_to_face for t in tracks)
        self.by_head = all(t.by_head for t in tracks)
        self.met = all(t.met_in_person for t in tracks)
        self.standard = all(t.standard for t in tracks)
        self.overdue = [o for t in tracks for o in t.overdue]
        self.rehandled = [t for t in tracks if t.rehandled]


def line_figures(subjects: list[Subject], instant: datetime, carried: Carried) -> tuple[Totals, Rates]:
    """Every count of a line in one pass over its subjects (a report makes some seventy lines)."""
    # long: every count in one pass over the subjects, which a report does some seventy times.
    converted = sum(1 for s in subjects if s.item.registered and s.item.converted)
    merged = sum(1 for s in subjects if s.item.registered and s.item.merged and not s.item.converted)
    counted = replied = on_time = due = face = by_head = met = standard = 0
    classes: dict[str, int] = {"A": 0, "B": 0, "C": 0}
    ratings: Counter[str | None] = Counter()
    overdue_items = overdue_open = overdue_days = max_days = 0
    second_items = second_replied = pending = 0
    second_ratings: Counter[str] = Counter()
    key_status: Counter[str | None] = Counter()
    progress_reports = 0
    for s in subjects:
        if not s.item.counted:
            continue
        counted += 1
        tracks = s.tracks
        if s.replied:
            replied += 1
            if s.result_class:
                classes[s.result_class] = classes.get(s.result_class, 0) + 1
            on_time += s.on_time
            face += s.face_to_face
            by_head += s.by_head
            met += s.met
            standard += s.standard
        elif any(o.round == 1 for o in s.overdue):
            due += 1  # unreplied after its first reply deadline passed
        if overdue := s.overdue:
            overdue_items += 1
            overdue_open += any(o.closed_at is None for o in overdue)
            for o in overdue:
                days = o.days(instant)
                overdue_days, max_days = overdue_days + days, max(max_days, days)
        if rehandled := s.rehandled:
            second_items += 1
            second_replied += all(t.second_replied for t in rehandled)
            for t in rehandled:
                if t.second_rating is None:
                    pending += 1
                else:
                    second_ratings[t.second_rating] += 1
        for t in tracks:
            ratings[t.rating] += 1
            progress_reports += t.key_reports
        key_status[s.item.key_status] += 1
    due += replied
    feedback = Counts(**{v: ratings[v] for v in (*VERDICTS, "none")})
    overdue = OverdueTotals(items=overdue_items, open=overdue_open, days=overdue_days, max_days=max_days)
    second = SecondHandling(
        items=second_items, replied=second_replied, **{v: second_ratings[v] for v in (*VERDICTS, "none")}, pending=pending,
    )
    key = KeySupervisionTotals(
        designated=key_status["designated"], proposed=key_status["proposed"], declined=key_status["declined"],
        progress_reports=progress_reports,
    )
    totals = Totals(
        suggestions=counted, replied=replied, converted=converted, merged=merged, face_to_face_by_head=by_head, met=met,
        standard=standard, classes=classes, feedback=feedback,
        overdue=overdue, second_handling=second, key_supervision=key,
        carried_in=carried.items, carried_converted=carried.converted,
    )
    rated = feedback.satisfied + feedback.basically_satisfied + feedback.unsatisfied
    rates = Rates(
        reply_rate=Rate.of(replied, counted),
        on_time_rate=Rate.of(on_time, due),
        face_to_face_rate=Rate.of(face, replied),
        principal_head_rate=Rate.of(by_head, replied),
        meeting_rate=Rate.of(met, replied),
        standard_rate=Rate.of(standard, replied),
        satisfaction_rate=Rate.of(feedback.satisfied + feedback.basically_satisfied, rated),
        solved_rate=Rate.of(classes.get("A", 0), replied),
        carry_over_conversion_rate=Rate.of(carried.converted, carried.open_bc),
    )
    return totals, rates


def head_rule(unit: str, head_name: str, subjects: list[Subject]) -> PrincipalHead:
    counted = [s for s in subjects if s.item.counted]
    n = len(counted)
    required = n if n <= HEAD_RULE_LIMIT else HEAD_RULE_LIMIT
    actual = sum(1 for s in counted for t in s.tracks if t.unit == unit and t.by_head)
    return PrincipalHead(head_name=head_name, suggestions=n, required=required, actual=actual, satisfied=actual >= required)


# --- the whole report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitInfo:
    """A unit as the report names it: its name and its principal head (主要负责人)."""

    name: str
    head_name: str


@dataclass(frozen=True)
class Marks:
    """The instants at which each walk noted the item's class (ascending), and which of them are the month ends
    of the classes line and which the start of the class movement."""

    instants: list[datetime]
    month_ends: list[int]  # indexes into instants
    movement_from: int


def marks_for(moments: Sequence[datetime], movement_from: datetime) -> Marks:
    instants = sorted({*moments, movement_from})
    return Marks(instants, [instants.index(m) for m in moments], instants.index(movement_from))


def annual_report_of(
    year: int, instant: datetime, only_unit: str | None, facts: list[ItemFacts], units: dict[str, UnitInfo],
    carried: list[CarriedItem], marks: Marks, with_items: bool = False, exemplary: frozenset[str] = frozenset(),
) -> AnnualReport:
    """The year's report from the walks over its items (`facts`, each noting its class at the `marks`) and the
    carry-over ledger's lines; `only_unit`: a unit role's report, which counts that unit's tracks only. The
    suggestions make the report's lines; each other kind (domain.kinds) a section of its own (`exemplary`: the ids
    of the year's exemplary handled items selected by `instant`)."""
    carried = [i for i in carried if only_unit is None or i.unit == only_unit]
    kinds = kind_lines_of(facts, instant, carried, units, only_unit, exemplary)
    facts = [f for f in facts if f.kind == Kind.suggestion]
    carried = [i for i in carried if i.kind == Kind.suggestion]
    subjects = subjects_of(facts, only_unit)
    totals, rates = line_figures(subjects, instant, carried_summary(carried))
    unit_lines = unit_lines_of(facts, instant, carried, units, only_unit)
    return AnnualReport(
        year=year, as_of=instant, scope=only_unit or "all", totals=totals, rates=rates,
        principal_head_rule=HeadRule(
            rule=DEFINITIONS["principal_head_rule"],
            units_breaking=[u.unit for u in unit_lines if not u.principal_head.satisfied],
        ),
        units=unit_lines, fields=field_lines_of(subjects, instant, carried),
        delegations=delegation_lines_of(subjects, instant),
        key_supervision=key_supervision_line(subjects, instant),
        class_movement=class_movement(facts, marks, instant),
        classes_over_time=classes_over_time(facts, [marks.instants[i] for i in marks.month_ends], marks.month_ends),
        definitions=DEFINITIONS, items=[item_line(s, instant) for s in subjects] if with_items else [], kinds=kinds,
    )


def kind_lines_of(facts: list[ItemFacts], instant: datetime, carried: list[CarriedItem], units: dict[str, UnitInfo],
                  only_unit: str | None, exemplary: frozenset[str] = frozenset()) -> list[KindLine]:
    """A section per kind other than suggestions that has items registered this year by `instant` (or carried
    into it)."""
    lines = []
    for kind, rules in KINDS.items():
        if kind == Kind.suggestion:
            continue
        mine, theirs = [f for f in facts if f.kind == kind], [i for i in carried if i.kind == kind]
        if not any(f.registered for f in mine) and not theirs:
            continue
        totals, rates = line_figures(subjects_of(mine, only_unit), instant, carried_summary(theirs))
        lines.append(KindLine(kind=kind.value, label=rules.label, totals=totals, rates=rates,
                              units=unit_lines_of(mine, instant, theirs, units, only_unit),
                              exemplary=sum(f.id in exemplary for f in mine) if rules.exemplary else None,
                              votes=project_votes(mine) if rules.deputies_vote else None))
    return lines


def project_votes(facts: list[ItemFacts]) -> ProjectVotes:
    candidates = [f for f in facts if f.registered]
    return ProjectVotes(candidates=len(candidates), voted_in=sum(f.voted_in is True for f in candidates),
                        voted_out=sum(f.voted_in is False for f in candidates),
                        awaiting_vote=sum(f.voted_in is None and not f.converted for f in candidates),
                        inspected=sum(bool(f.voted_in and f.inspected) for f in candidates))


def subjects_of(facts: list[ItemFacts], only_unit: str | None) -> list[Subject]:
    """The year line's subjects: every item with all its tracks, or a unit role's own tracks."""
    if only_unit is None:
        return [Subject(f, list(f.tracks.values())) for f in facts]
    return [Subject(f, [f.tracks[only_unit]]) for f in facts if only_unit in f.tracks]


def carried_summary(lines: list[CarriedItem]) -> Carried:
    """What the carry-over ledger's lines add to a report line."""
    bc = [i for i in lines if i.class_at_carry_over in ("B", "C")]
    return Carried(items=len(lines), converted=sum(i.converted for i in bc), open_bc=len(bc))


def _grouped(things: Iterable, key) -> dict:
    """Things by key, each group in the order given (one pass)."""
    groups: dict = defaultdict(list)
    for thing in things:
        groups[key(thing)].append(thing)
    return groups


def unit_lines_of(
    facts: list[ItemFacts], instant: datetime, carried: list[CarriedItem], units: dict[str, UnitInfo],
    only_unit: str | None,
) -> list[UnitLine]:
    """One line per replying unit (its tracks, in item order), with Laoshan's principal-head rule."""
    by_unit: dict[str, list[Subject]] = defaultdict(list)
    for f in facts:
        for code, track in f.tracks.items():
            by_unit[code].append(Subject(f, [track]))
    carried_by_unit = _grouped(carried, lambda i: i.unit)
    codes = [only_unit] if only_unit else sorted(set(by_unit) | {i.unit for i in carried if i.unit})
    lines = []
    for code in codes:
        mine = by_unit[code]
        totals, rates = line_figures(mine, instant, carried_summary(carried_by_unit.get(code, [])))
        unit = units.get(code)
        lines.append(UnitLine(unit=code, name=unit.name if unit else code, totals=totals, rates=rates,
                              principal_head=head_rule(code, unit.head_name if unit else "", mine)))
    return lines


def field_lines_of(subjects: list[Subject], instant: datetime, carried: list[CarriedItem]) -> list[FieldLine]:
    """One line per field (领域) of the items."""
    by_field = _grouped(subjects, lambda s: s.item.field)
    carried_by_field = _grouped(carried, lambda i: i.field)
    lines = []
    for code in sorted(set(by_field) | set(carried_by_field)):
        totals, rates = line_figures(by_field.get(code, []), instant, carried_summary(carried_by_field.get(code, [])))
        lines.append(FieldLine(field=code, label=FIELDS.get(code, code), totals=totals, rates=rates))
    return lines


def delegation_lines_of(subjects: list[Subject], instant: datetime) -> list[DelegationLine]:
    """One line per delegation (代表团) of the items' lead deputies."""
    lines = []
    for name, group in sorted(_grouped(subjects, lambda s: s.item.delegation).items()):
        totals, rates = line_figures(group, instant, Carried())
        lines.append(DelegationLine(delegation=name, totals=totals, rates=rates))
    return lines


def key_supervision_line(subjects: list[Subject], instant: datetime) -> KeySupervisionLine:
    """The items designated for key supervision at the instant, as a line of their own."""
    key = [s for s in subjects if s.item.key_status == "designated"]
    totals, rates = line_figures(key, instant, Carried())
    return KeySupervisionLine(items=[s.item.id for s in key], totals=totals, rates=rates)


def class_movement(facts: list[ItemFacts], marks: Marks, instant: datetime) -> ClassMovement:
    """Each counted item's class at the movement's start and at the end (the last mark, which is `instant`)."""
    pairs = Counter((f.classes_at[marks.movement_from] or "none", f.classes_at[-1] or "none")
                    for f in facts if f.counted and f.classes_at)
    at_from, at_to = Counter(), Counter()
    for (before, after), n in pairs.items():
        at_from[before] += n
        at_to[after] += n
    order = [*CLASS_ORDER, "none"]
    return ClassMovement(
        from_at=marks.instants[marks.movement_from], to_at=instant,
        at_from={c: at_from[c] for c in order if c != "D" or at_from[c]},
        at_to={c: at_to[c] for c in order if c != "D" or at_to[c]},
        moves=[ClassMove(from_class=a, to_class=b, items=n)
               for (a, b), n in sorted(pairs.items(), key=lambda p: (order.index(p[0][0]), order.index(p[0][1])))],
    )


def classes_over_time(facts: list[ItemFacts], moments: Sequence[datetime], at: Sequence[int]) -> list[ClassPoint]:
    """The A/B/C counts at each moment: each item's class there (noted by its walk at mark `at[i]`), counted at once."""
    at_each_moment = [[f.classes_at[i] for f in facts] for i in at]
    points = []
    for moment, classes in zip(moments, at_each_moment):
        counted = Counter(classes)
        counted.pop(None, None)  # items without a class then
        points.append(ClassPoint(at=moment, date=local_date(moment), classes={"A": 0, "B": 0, "C": 0, **counted}))
    return points


def item_line(s: Subject, instant: datetime) -> ItemLine:
    """One item of the item sheet."""
    late = [t.first_late for t in s.tracks]
    return ItemLine(
        id=s.item.id, number=s.item.number, title=s.item.title, field=s.item.field,
        units=[t.unit for t in s.tracks], stage=s.item.stage, stage_label=STAGE_LABELS.get(s.item.stage, s.item.stage),
        result_class=s.result_class, replied=s.replied,
        on_time=(all(x is False for x in late) if s.replied else None),
        face_to_face=s.replied and all(t.face_to_face for t in s.tracks),
        ratings={t.unit: t.rating for t in s.tracks},
        overdue_days=sum(o.days(instant) for t in s.tracks for o in t.overdue),
        second_handling=any(t.rehandled for t in s.tracks), key_status=s.item.key_status,
    )


def reply_outcome(state: dict, lead_deputy: str | None) -> dict:
    """An item's replies as its current state (the projection's JSON) tells them, for lists such as the
    key-supervision one: replied (every replying unit's reply accepted), on time (each unit's first accepted
    reply signed off in time), and the lead deputy's latest rating per unit."""
    units = [a["unit"] for a in state.get("assignments", [])
             if a.get("role") in ("lead", "separate") and a.get("status", "active") == "active"]
    accepted = [r for r in state.get("replies", []) if r.get("status") == "accepted"]
    first = {u: next((r for r in accepted if r["unit"] == u), None) for u in units}
    replied = bool(units) and all(first.values())
    ratings: dict[str, str | None] = {u: None for u in units}
    for f in state.get("feedback", []):
        if f.get("unit") in ratings and f.get("deputy") == lead_deputy and f.get("verdict"):
            ratings[f["unit"]] = f["verdict"]
    return {"replied": replied, "on_time": all(not r.get("late") for r in first.values()) if replied else None,
            "ratings": ratings}


# --- labels (Chinese, for the pages and the spreadsheet) ---------------------------------------------

RATE_LABELS = {
    "reply_rate": "办复率",
    "on_time_rate": "按时办复率",
    "face_to_face_rate": "面复率",
    "principal_head_rate": "主要负责人面复率",
    "meeting_rate": "见面率",
    "standard_rate": "规范化率",
    "satisfaction_rate": "满意率（满意＋基本满意）",
    "solved_rate": "解决率（A类占已答复）",
    "carry_over_conversion_rate": "结转B/C类转为A类比率",
}
FEEDBACK_LABELS = {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意", "none": "未反馈"}
THREE_RATES = {"meeting_rate": "见面率", "reply_rate": "办复率", "satisfaction_rate": "满意率",
               "standard_rate": "规范化率"}  # 三率一化, in the order offices name them
CLASS_NAMES = {"A": "A类", "B": "B类", "C": "C类", "D": "D类", "none": "未答复"}
KEY_LABELS = {"designated": "已列入重点督办", "proposed": "提议重点督办（待定）", "declined": "不予重点督办",
              "progress_reports": "重点督办进展报告（次）"}


def count_rows(totals: Totals) -> list[tuple[str, int]]:
    """The counts of a line, labelled in Chinese, in the order the report prints them."""
    t = totals
    rows = [("建议件数", t.suggestions), ("已答复", t.replied), ("转为参阅件", t.converted), ("并案（并入他件）", t.merged),
            ("主要负责人面复", t.face_to_face_by_head), ("见面答复", t.met), ("规范化答复", t.standard)]
    rows += [(f"{c}类", n) for c, n in t.classes.items()]
    rows += [(f"评价：{FEEDBACK_LABELS[k]}", getattr(t.feedback, k)) for k in FEEDBACK_LABELS]
    rows += [("超期件数", t.overdue.items), ("仍超期未答复", t.overdue.open), ("超期天数合计", t.overdue.days),
             ("最长超期天数", t.overdue.max_days)]
    s = t.second_handling
    rows += [("二次办理件数", s.items), ("二次办理已答复", s.replied)]
    rows += [(f"二次办理评价：{FEEDBACK_LABELS[k]}", getattr(s, k)) for k in FEEDBACK_LABELS]
    rows += [("二次办理待评价", s.pending)]
    rows += [(label, getattr(t.key_supervision, k)) for k, label in KEY_LABELS.items()]
    rows += [("结转入本年度台账", t.carried_in), ("结转件已转A类", t.carried_converted)]
    return rows
