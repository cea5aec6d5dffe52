"""ItemWorkflow: the engine every kind of item runs on (domain.kinds), from registration until it is settled.

Its timers are the deadlines, its updates the staff's and deputies' actions,
its history the audit trail. The rules live in `domain.process`; this class
only sequences them: apply an action, compute the new clocks, record the
change in the ledger, show it in the search attributes, and wait for the next
action or the next clock. Each kind is a workflow type of its own (workflows/suggestion.py,
workflows/inquiry.py) whose run is this one.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from pydantic import TypeAdapter
from temporalio import workflow
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.recording import RecordingActivities
    from activities.scheduling import DueRequest, SchedulingActivities
    from domain import commands as c
    from domain import follow_up, merging, oversight_text, process, supervision
    from domain.actions import ACTIONS, office_refusal, trial
    from domain.clocks import set_schedule
    from domain.guards import Refusal
    from domain.limits import STATE_BUDGET, in_chinese, in_english, input_problems
    from domain.models import (
        CalendarRevision,
        Event,
        ItemChanges,
        NewSuggestion,
        Outcome,
        SuggestionState,
    )
    from workflows import search_attributes as sa

LOCAL_ACTIVITY_TIMEOUT = timedelta(seconds=30)
# Start a fresh run long before Temporal's limits (51,200 events, 2,000 updates per run).
HISTORY_EVENTS_PER_RUN = 10_000
UPDATES_PER_RUN = 500
# Patches (see docs/versioning.md): each guards a change of the command sequence for items already running.
# 2026-11: a closed item stays open for its co-signers to rate until the feedback window ends.
CO_SIGNERS_RATE_AFTER_CLOSING = "co-signers-rate-after-closing"
# 2026-12: the item's timers and activities carry a summary in Chinese for the Temporal UI (监督台).
OVERSIGHT_SUMMARIES = "oversight-summaries"
# 2026-12: the item shows its kind (Kind search attribute) beside suggestions of other kinds.
ITEM_KINDS = "item-kinds"
# 2026-12: a main item tells the items merged into it (并案) when it is assigned (signals to other workflows).
MERGES = "merges"
EVENTS_KEPT = 200  # the timeline's recent part stays in the state; all of it is in the ledger
STATE_JSON, EVENTS_JSON = TypeAdapter(SuggestionState), TypeAdapter(list[Event])  # their JSON, in bytes


def search_attributes_of(state: SuggestionState, with_line: bool = True, with_kind: bool = True) -> TypedSearchAttributes:
    """Oversight view of an item for the Temporal UI: no personal data. `with_line`: its line for the list
    (ItemLine), which items running since before OVERSIGHT_SUMMARIES do not show; `with_kind`: its Kind, which
    items running since before ITEM_KINDS do not show."""
    pairs = [
        SearchAttributePair(sa.SUGGESTION_YEAR, state.handling_year),
        SearchAttributePair(sa.ORIGIN_YEAR, state.origin_year),
        SearchAttributePair(sa.STAGE, state.stage.value),
        SearchAttributePair(sa.FIELD, state.field),
        SearchAttributePair(sa.UNITS, state.unit_codes()),
        SearchAttributePair(sa.OVERDUE, state.overdue),
        SearchAttributePair(sa.KEY_SUPERVISION, state.key_supervision),
        SearchAttributePair(sa.WARNING_LEVEL, state.warning_level.value),
        SearchAttributePair(sa.CARRY_OVER_COUNT, state.carry_over_count),
    ]
    if lead := state.lead_unit():
        pairs.append(SearchAttributePair(sa.LEAD_UNIT, lead))
    if result_class := state.result_class():
        pairs.append(SearchAttributePair(sa.RESULT_CLASS, result_class.value))
    if reply_due := state.reply_due_at():
        pairs.append(SearchAttributePair(sa.REPLY_DUE_AT, reply_due))
    if with_line:
        pairs.append(SearchAttributePair(sa.ITEM_LINE, oversight_text.item_line(state)))
    if with_kind:
        pairs.append(SearchAttributePair(sa.KIND, state.kind.value))
    return TypedSearchAttributes(pairs)


def starting_search_attributes(new: NewSuggestion, workflow_id: str, now: datetime) -> TypedSearchAttributes:
    """What a starter gives a new item: its search attributes as registered, so that its first workflow task
    has none to upsert."""
    return search_attributes_of(process.register(new, workflow_id, now))


class ItemWorkflow:
    """The engine; a kind's workflow type (@workflow.defn) subclasses it with a run that calls `live`."""

    @workflow.init
    def __init__(self, new: NewSuggestion) -> None:
        # A new item is registered; a carried one (continue-as-new) goes on with its whole state.
        carried = new.carried
        self.state = carried or process.register(new, workflow.info().workflow_id, workflow.now())
        self.lock = asyncio.Lock()  # one action or clock at a time, even across activity awaits
        self.recorded_seq = self.state.last_event_seq if carried else 0  # events up to here are in the ledger
        self.recorded_contacts = len(self.state.contacts) if carried else 0  # and contacts
        self.revision = 0  # bumped on every change, so the main loop re-reads the clocks
        # Search attributes as last shown. A new item starts with the ones its starter gave (starting_search_attributes),
        # a carried run with the ones its previous run showed, so only changes are upserted: an upsert is the server's
        # dearest step. No patch: no earlier history started with attributes, and no earlier carried run was told
        # it had them (carried_attributes), so those replay as they ran, upserting all at the first showing.
        self.shown: dict[str, object] = self._started_with() if not carried or new.carried_attributes else {}
        self.switching = False  # moving to a new run: actions are refused with "try again"
        self.updates = 0  # actions taken in this run
        self.validated: tuple[tuple, SuggestionState] | None = None  # the validator's trial, for its handler
        self.summaries = False  # timers and activities carry summaries (run: patched)
        self.kinds = False  # the Kind search attribute is shown (run: patched)
        # One update per action (domain.actions), named as recorded histories have them; each validator runs
        # the action's rule on a copy (_check), its handler applies it (_act).
        for action in ACTIONS:
            workflow.set_update_handler(action.update, self._handler_for(action.command), validator=self._check)

    @staticmethod
    def _started_with() -> dict[str, object]:
        """The search attributes this run was started with. The server leaves out an empty list (the units
        of an item not yet assigned), which the starter did give."""
        given: dict[str, object] = {pair.key.name: pair.value for pair in workflow.info().typed_search_attributes}
        if given:
            given.setdefault(sa.UNITS.name, [])
        return given

    async def live(self, new: NewSuggestion) -> SuggestionState:
        """The item's life: each kind's run (the SDK wants it on the workflow type's own class) is this."""
        self.summaries = workflow.patched(OVERSIGHT_SUMMARIES)
        self.kinds = workflow.patched(ITEM_KINDS)
        async with self.lock:
            await self._publish()
        while not self.state.ended:
            if self._time_for_a_new_run():
                await self._continue_as_new(new)
            await self._wait_for_change_or_deadline()
        if workflow.patched(CO_SIGNERS_RATE_AFTER_CLOSING):
            await self._wait_for_co_signers()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.state

    async def _wait_for_co_signers(self) -> None:
        """Each co-signing deputy may rate separately (docs/process.md, step 7): a closed item waits for
        them until its feedback window ends, instead of ending the moment the lead deputy rates."""
        window_end = process.co_signers_window_end(self.state)
        if window_end is None or window_end <= workflow.now():
            return
        try:
            await workflow.wait_condition(
                lambda: process.co_signers_have_rated(self.state), timeout=window_end - workflow.now(),
                timeout_summary=self._summary(oversight_text.co_signers_window_summary(window_end)))
        except asyncio.TimeoutError:
            pass

    def _time_for_a_new_run(self) -> bool:
        info = workflow.info()
        return (
            workflow.now() >= follow_up.year_end(self.state)
            or info.is_continue_as_new_suggested()
            or info.get_current_history_length() > HISTORY_EVENTS_PER_RUN
            or self.updates > UPDATES_PER_RUN
        )

    async def _continue_as_new(self, new: NewSuggestion) -> None:
        """Into the next handling year (跨年度结转), or just a fresh history: same id, whole state."""
        self.switching = True
        await workflow.wait_condition(workflow.all_handlers_finished)
        async with self.lock:
            if workflow.now() >= follow_up.year_end(self.state):
                follow_up.carry_over(self.state, workflow.now())
                await self._publish()
        workflow.continue_as_new(new.model_copy(update={"carried": self.state, "carried_attributes": True}))

    async def _wait_for_change_or_deadline(self) -> None:
        seen = self.revision
        year_end = follow_up.year_end(self.state)
        due = min(filter(None, [self.state.next_wake_at(), year_end]))
        remaining = due - workflow.now()
        if remaining > timedelta(0):
            try:
                await workflow.wait_condition(lambda: self.revision != seen, timeout=remaining, timeout_summary=self._summary(
                    oversight_text.wait_summary(self.state, due, year_end)))
                return
            except asyncio.TimeoutError:
                pass
        async with self.lock:
            process.on_time_passed(self.state, workflow.now())
            await self._publish()

    @workflow.query
    def get_state(self) -> SuggestionState:
        return self.state

    @workflow.signal
    async def calendar_revised(self, revision: CalendarRevision) -> None:
        """Official holidays were loaded or corrected: compute every running clock again."""
        async with self.lock:
            supervision.calendar_revised(self.state, revision.year, workflow.now())
            await self._publish()

    # A registration that fails at its start ends the run with this update still waiting: its caller is told.
    @workflow.signal
    async def merge_settled(self, main_id: str) -> None:
        """The item this one was merged into (并案) was assigned (or ended unassigned): the merge is final, and this
        item ends."""
        async with self.lock:
            if merging.settle_merge(self.state, main_id, workflow.now()):
                await self._publish()

    async def _settle_merges(self) -> None:
        """Tell each item merged into this one that it is assigned now: their merges are final (MERGES)."""
        for merged in self.state.merged:
            try:
                await workflow.get_external_workflow_handle(merged.workflow_id).signal(
                    ItemWorkflow.merge_settled, self.state.workflow_id)
            except Exception as error:  # e.g. the merged item's workflow was terminated by an operator
                workflow.logger.warning("could not settle the merge of %s: %s", merged.workflow_id, error)

    @workflow.update(unfinished_policy=workflow.HandlerUnfinishedPolicy.ABANDON)
    async def current_state(self) -> Outcome:
        """Returns once every change in hand is recorded in the ledger (callers that just started an item wait on this)."""
        await workflow.wait_condition(lambda: self.revision > 0)
        async with self.lock:
            return self._outcome(since=0)

    # --- the actions: validated on a copy, then applied ---------------------------------------------

    def _handler_for(self, command: type[c.Command]):
        async def act(cmd: c.Command) -> Outcome:
            return await self._act(cmd)

        act.__annotations__ = {"cmd": command, "return": Outcome}  # the SDK decodes an update's input by this type
        return act

    def _trial(self, cmd: c.Command) -> SuggestionState:
        """The action applied to a copy of the state (domain.actions.trial)."""
        try:
            return trial(self.state, cmd, workflow.now())
        except Refusal as refusal:  # the reason in English (the message), in Chinese and as a code (the details)
            raise ApplicationError(refusal.message, {"zh": refusal.zh, "code": refusal.code}, type=refusal.kind,
                                   non_retryable=True) from None

    def _check(self, cmd: c.Command) -> None:
        if self.switching:
            raise ApplicationError(
                f"suggestion {self.state.number} is moving into a new run (year end); try again in a moment",
                {"zh": f"第{self.state.number}号建议正在转入新的办理年度，请稍候再试", "code": "item.switching"},
                type="retry",
            )
        # The limits are checked here only: a validator does not run on replay, so an old history is never
        # judged by a newer limit (docs/limits.md).
        problems = input_problems(cmd, workflow.now())
        if problems:
            raise ApplicationError(in_english(problems), {"zh": in_chinese(problems), "code": "input.limit"},
                                   type="invalid", non_retryable=True)
        if refusal := office_refusal(self.state, cmd.actor):  # the kind's own office acts on it (same: on replay)
            raise ApplicationError(refusal.message, {"zh": refusal.zh, "code": refusal.code}, type=refusal.kind,
                                   non_retryable=True)
        trial = self._trial(cmd)
        self._within_budget(trial)
        # Kept for the handler that follows: it reuses the trial while nothing has changed meanwhile.
        self.validated = (self._trial_key(), trial)

    def _within_budget(self, trial: SuggestionState) -> None:
        """The item's record after the action (its state and the recent timeline it carries) fits its budget."""
        size = len(STATE_JSON.dump_json(trial)) + len(EVENTS_JSON.dump_json(self.state.events + trial.events))  # bytes
        if size > STATE_BUDGET:
            raise ApplicationError(
                f"suggestion {self.state.number}'s record would grow to {size:,} bytes, past its budget of "
                f"{STATE_BUDGET:,}: shorten the text, or keep long documents outside and refer to them",
                {"zh": f"第{self.state.number}号建议的办理记录将达到{size:,}字节，超过上限{STATE_BUDGET:,}字节："
                       f"请精简文字，长篇材料可另行保存并注明出处", "code": "item.budget"},
                type="invalid", non_retryable=True,
            )

    def _trial_key(self) -> tuple:
        update = workflow.current_update_info()
        return (update.id if update else None, self.revision, workflow.now())

    async def _act(self, cmd: c.Command) -> Outcome:
        async with self.lock:
            # Applied to a copy and swapped in, so a refusal leaves nothing half done.
            before = self.state.last_event_seq
            validated, self.validated = self.validated, None
            changed = validated[1] if validated and validated[0] == self._trial_key() else self._trial(cmd)
            self.state = changed.model_copy(update={"events": self.state.events + changed.events})
            self.updates += 1
            await self._publish()
            outcome = self._outcome(since=before)
        # The merges are settled by the main item's assignment, or by its end before one (a candidate project the
        # deputies did not choose takes the projects merged into it along).
        settled = isinstance(cmd, c.Assign) or (self.state.ended and not self.state.assignments)
        if self.state.merged and settled and workflow.patched(MERGES):
            await self._settle_merges()
        return outcome

    def _outcome(self, since: int) -> Outcome:
        return Outcome(
            workflow_id=self.state.workflow_id,
            stage=self.state.stage,
            last_event_seq=self.state.last_event_seq,
            events=[e for e in self.state.events if e.seq > since],
        )

    def _summary(self, text: str) -> str | None:
        """A timer's or an activity's summary, for items that carry them (OVERSIGHT_SUMMARIES)."""
        return text if self.summaries else None

    async def _publish(self) -> None:
        """Compute new clocks, write the ledger, show the change in the Temporal UI."""
        await self._schedule_clocks()
        await self._record()
        self._show_search_attributes()
        workflow.set_current_details(oversight_text.current_details(self.state))  # not a command: no patch
        self.revision += 1
        # The whole timeline is in the ledger; the state keeps its recent part, so it stays small.
        del self.state.events[:-EVENTS_KEPT]

    async def _record(self) -> None:
        changes = ItemChanges.since(self.state, self.recorded_seq, self.recorded_contacts)
        if changes.events:
            await workflow.execute_local_activity_method(
                RecordingActivities.record_changes, changes, start_to_close_timeout=LOCAL_ACTIVITY_TIMEOUT,
                summary=self._summary(oversight_text.RECORD_SUMMARY),
            )
            self.recorded_seq, self.recorded_contacts = changes.events[-1].seq, changes.contact_count

    async def _schedule_clocks(self) -> None:
        """Compute the instants of new clocks, and of clocks whose basis changed, with the item's policy."""
        todo = [d for d in self.state.deadlines if d.due_at is None or d.reschedule]
        if not todo:
            return
        policy = self.state.policy
        schedules = await workflow.execute_local_activity_method(
            SchedulingActivities.compute_schedules,
            [
                DueRequest(
                    start=d.start, rule=None if d.on else d.rule, on=d.on, ladder=policy.ladders.get(d.kind),
                    pauses=d.pauses, drill=policy.drill,
                )
                for d in todo
            ],
            start_to_close_timeout=LOCAL_ACTIVITY_TIMEOUT,
            summary=self._summary(oversight_text.SCHEDULE_SUMMARY),
        )
        for deadline, schedule in zip(todo, schedules):
            set_schedule(self.state, deadline, schedule.due_at, schedule.ladder, workflow.now())

    def _show_search_attributes(self) -> None:
        wanted = search_attributes_of(self.state, with_line=self.summaries, with_kind=self.kinds)
        changed = [
            pair.key.value_set(pair.value)
            for pair in wanted
            if self.shown.get(pair.key.name) != pair.value
        ]
        if changed:
            workflow.upsert_search_attributes(changed)
            self.shown.update({pair.key.name: pair.value for pair in wanted})
