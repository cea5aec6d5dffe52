"""ProposalWorkflow: a CPPCC member's proposal (政协提案), reviewed at three levels, filed, answered and rated.

The engine is workflows/item.py; what differs is in domain.kinds and domain.kind_steps and the proposal profile.
"""

from __future__ import annotations

from temporalio import workflow

from workflows.item import ItemWorkflow

with workflow.unsafe.imports_passed_through():
    from domain.models import NewSuggestion, SuggestionState


@workflow.defn
class ProposalWorkflow(ItemWorkflow):
    @workflow.run
    async def run(self, new: NewSuggestion) -> SuggestionState:
        return await self.live(new)
