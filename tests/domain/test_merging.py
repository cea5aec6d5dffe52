"""The rules of merging (并案) on plain states: who becomes a signer and who leaves again, what a settled merge
means, and a settlement that comes after the merge was undone changing nothing."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from domain import commands as c
from domain import merging, process
from domain.actions import apply
from domain.enums import Stage
from domain.guards import Conflict
from tests.helpers import COORDINATOR, new_suggestion

NOW = datetime(2026, 3, 10, 2, tzinfo=timezone.utc)


def item(number: str, lead: str, co_signers: list[str]):
    new = new_suggestion(number).model_copy(update={"lead_deputy": lead, "co_signers": co_signers})
    return process.register(new, f"suggestion-2026-{number}", NOW)


def absorb(main, other):
    apply(main, c.AbsorbItem(actor=COORDINATOR, item=other.workflow_id, number=other.number,
                             lead_deputy=other.lead_deputy, co_signers=other.co_signers), NOW)
    apply(other, c.MergeInto(actor=COORDINATOR, into=main.workflow_id, into_number=main.number), NOW)


def test_signers_come_with_a_merged_item_and_leave_with_it_unless_another_brought_them():
    main, b, c2 = item("0001", "D001", ["D002"]), item("0002", "D003", ["D002"]), item("0003", "D004", ["D003"])
    absorb(main, b)
    assert main.co_signers == ["D002", "D003"]  # D002 signed already: only D003 is new
    absorb(main, c2)
    assert main.co_signers == ["D002", "D003", "D004"] and main.merged[1].signers_added == ["D004"]
    # 0002 leaves: D003 came with it, but stays, as a co-signer of 0003, still merged; D002 signed the main item.
    apply(main, c.ReleaseItem(actor=COORDINATOR, item=b.workflow_id), NOW)
    assert main.co_signers == ["D002", "D003", "D004"] and main.merged[0].signers_added == ["D004", "D003"]
    apply(main, c.ReleaseItem(actor=COORDINATOR, item=c2.workflow_id), NOW)
    assert main.co_signers == ["D002"] and main.merged == []


def test_a_merged_item_takes_no_action_but_the_undo_and_ends_when_settled():
    main, other = item("0001", "D001", []), item("0002", "D003", [])
    absorb(main, other)
    with pytest.raises(Conflict, match="act on that item"):
        apply(other, c.Accept(actor=COORDINATOR), NOW)
    assert not other.ended and other.stage == Stage.merged
    assert merging.settle_merge(other, main.workflow_id, NOW) and other.ended
    with pytest.raises(Conflict, match="only a merge not yet settled"):
        apply(other, c.UndoMerge(actor=COORDINATOR), NOW)


def test_a_settlement_after_the_undo_changes_nothing():
    main, other = item("0001", "D001", []), item("0002", "D003", [])
    absorb(main, other)
    apply(other, c.UndoMerge(actor=COORDINATOR), NOW)
    seq = other.last_event_seq
    assert not merging.settle_merge(other, main.workflow_id, NOW)
    assert other.stage == Stage.registered and other.last_event_seq == seq and not other.ended
