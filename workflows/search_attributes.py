"""Typed custom search attributes for oversight in the Temporal UI.

No personal data here: search attribute values are not encrypted.
"""

from temporalio.common import SearchAttributeKey

from domain.kinds import KINDS

SUGGESTION_YEAR = SearchAttributeKey.for_int("SuggestionYear")
ORIGIN_YEAR = SearchAttributeKey.for_int("OriginYear")
STAGE = SearchAttributeKey.for_keyword("Stage")
LEAD_UNIT = SearchAttributeKey.for_keyword("LeadUnit")
UNITS = SearchAttributeKey.for_keyword_list("Units")
FIELD = SearchAttributeKey.for_keyword("Field")
RESULT_CLASS = SearchAttributeKey.for_keyword("ResultClass")
OVERDUE = SearchAttributeKey.for_bool("Overdue")
KEY_SUPERVISION = SearchAttributeKey.for_bool("KeySupervision")
REPLY_DUE_AT = SearchAttributeKey.for_datetime("ReplyDueAt")
WARNING_LEVEL = SearchAttributeKey.for_keyword("WarningLevel")
CARRY_OVER_COUNT = SearchAttributeKey.for_int("CarryOverCount")
# One line in Chinese for the UI's list (a column to add): number, stage, warning, lead unit — nothing personal
# (the title stays in the encrypted summary). Items that took the patch oversight-summaries carry it.
ITEM_LINE = SearchAttributeKey.for_keyword("ItemLine")
# The item's kind (domain.kinds.Kind: suggestion, inquiry …); items that took the patch item-kinds carry it.
KIND = SearchAttributeKey.for_keyword("Kind")

ALL = [
    SUGGESTION_YEAR,
    ORIGIN_YEAR,
    STAGE,
    LEAD_UNIT,
    UNITS,
    FIELD,
    RESULT_CLASS,
    OVERDUE,
    KEY_SUPERVISION,
    REPLY_DUE_AT,
    WARNING_LEVEL,
    CARRY_OVER_COUNT,
    ITEM_LINE,
    KIND,
]

# The visibility query for every item still running (what a calendar revision tells, what replay-check replays).
RUNNING_SUGGESTIONS = (
    f"WorkflowType IN ({', '.join(repr(rules.workflow_type) for rules in KINDS.values())}) AND ExecutionStatus = 'Running'"
)
