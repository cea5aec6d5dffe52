"""SuggestionWorkflow: one deputy's suggestion (人大代表建议), from registration until it is settled.

The engine is workflows/item.py; this is the workflow type recorded histories name.
"""

from __future__ import annotations

from temporalio import workflow

from workflows.item import ItemWorkflow

with workflow.unsafe.imports_passed_through():
    from domain.models import NewSuggestion, SuggestionState


@workflow.defn
class SuggestionWorkflow(ItemWorkflow):
    @workflow.run
    async def run(self, new: NewSuggestion) -> SuggestionState:
        return await self.live(new)
