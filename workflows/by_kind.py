"""Each kind's workflow type (domain.kinds), for the starter, the worker and the replayer."""

from __future__ import annotations

from domain.kinds import Kind
from workflows.deliberation import DeliberationWorkflow
from workflows.inquiry import InquiryWorkflow
from workflows.item import ItemWorkflow
from workflows.livelihood import LivelihoodWorkflow
from workflows.proposal import ProposalWorkflow
from workflows.suggestion import SuggestionWorkflow

WORKFLOW_FOR: dict[Kind, type[ItemWorkflow]] = {
    Kind.suggestion: SuggestionWorkflow, Kind.inquiry: InquiryWorkflow, Kind.proposal: ProposalWorkflow,
    Kind.deliberation: DeliberationWorkflow, Kind.livelihood: LivelihoodWorkflow,
}
ALL_WORKFLOWS = list(WORKFLOW_FOR.values())
