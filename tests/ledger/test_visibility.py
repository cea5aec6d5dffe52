"""Who may see one item: the unit roles of its active units, its signers, and the roles that see all."""

from __future__ import annotations

import uuid

from domain.enums import Role
from domain.models import Actor
from ledger.queries import visible_stage, visible_suggestion
from tests.ledger.test_search import an_item


def test_one_item_is_visible_to_its_unit_and_signers_only_even_when_they_have_other_items(sessions):
    tag = f"V{uuid.uuid4().hex[:6].upper()}"
    first = an_item(sessions, tag, 1, "第一件", "正文", unit="U01", deputy="D001")
    second = an_item(sessions, tag, 2, "第二件", "正文", unit="U02", deputy="D004")
    readers = {
        "coordinator": (Actor(user="c", role=Role.coordinator), {1, 2}),
        "supervisor": (Actor(user="s", role=Role.supervisor), {1, 2}),
        "U01 handler": (Actor(user="h1", role=Role.unit_handler, unit="U01"), {1}),
        "U02 head": (Actor(user="h2", role=Role.unit_head, unit="U02"), {2}),
        "U03 handler": (Actor(user="h3", role=Role.unit_handler, unit="U03"), set()),
        "lead deputy D001": (Actor(user="d1", role=Role.deputy, deputy="D001"), {1}),
        "lead deputy D004": (Actor(user="d4", role=Role.deputy, deputy="D004"), {2}),
        "co-signer D002": (Actor(user="d2", role=Role.deputy, deputy="D002"), {1, 2}),
    }
    with sessions() as session:
        for name, (actor, sees) in readers.items():
            for n, item in ((1, first), (2, second)):
                expected = n in sees
                stage = visible_stage(session, actor, item.workflow_id)
                row = visible_suggestion(session, actor, item.workflow_id)
                assert (stage == item.stage.value) is expected, (name, item.number)
                assert (row is not None and row.workflow_id == item.workflow_id) is expected, (name, item.number)
