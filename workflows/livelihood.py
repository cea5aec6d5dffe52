"""LivelihoodWorkflow: a livelihood project chosen by the deputies' vote (民生实事项目票决): three reviews, the vote,
monthly progress as a key item (挂图作战), a completion report rated by the deputies' vote, carried over if unfinished.

The engine is workflows/item.py; what differs is in domain.kinds and domain.kind_steps and the livelihood profile.
"""

from __future__ import annotations

from temporalio import workflow

from workflows.item import ItemWorkflow

with workflow.unsafe.imports_passed_through():
    from domain.models import NewSuggestion, SuggestionState


@workflow.defn
class LivelihoodWorkflow(ItemWorkflow):
    @workflow.run
    async def run(self, new: NewSuggestion) -> SuggestionState:
        return await self.live(new)
