"""DeliberationWorkflow: the standing committee's deliberation opinions (审议意见) on a report of the government:
rectified within three months, rated by the committee members' vote (满意度测评), what is open followed up.

The engine is workflows/item.py; what differs is in domain.kinds and domain.kind_steps and the deliberation profile.
"""

from __future__ import annotations

from temporalio import workflow

from workflows.item import ItemWorkflow

with workflow.unsafe.imports_passed_through():
    from domain.models import NewSuggestion, SuggestionState


@workflow.defn
class DeliberationWorkflow(ItemWorkflow):
    @workflow.run
    async def run(self, new: NewSuggestion) -> SuggestionState:
        return await self.live(new)
