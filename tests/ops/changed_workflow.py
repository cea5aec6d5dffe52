"""A SuggestionWorkflow whose code changed incompatibly: its first command is a timer, not the ledger write."""

from datetime import timedelta

from temporalio import workflow


@workflow.defn(name="SuggestionWorkflow")
class ChangedSuggestionWorkflow:
    @workflow.run
    async def run(self, new: dict) -> None:
        await workflow.sleep(timedelta(days=1))
