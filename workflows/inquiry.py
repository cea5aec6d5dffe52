"""InquiryWorkflow: a letter from a public hearing (问政交办函), answered within a month and followed through.

The engine is workflows/item.py; what differs is in domain.kinds (no review) and the inquiry profile.
"""

from __future__ import annotations

from temporalio import workflow

from workflows.item import ItemWorkflow

with workflow.unsafe.imports_passed_through():
    from domain.models import NewSuggestion, SuggestionState


@workflow.defn
class InquiryWorkflow(ItemWorkflow):
    @workflow.run
    async def run(self, new: NewSuggestion) -> SuggestionState:
        return await self.live(new)
