"""Recording an item's changes in the ledger (写入台账), as the workflows' local activity.

No SQLAlchemy here, so a workflow imports this module and calls the activity by its function: the
worker hands in the writer (ledger.writes.LedgerWriter), which owns the sessions.
"""

from __future__ import annotations

from collections.abc import Callable

from temporalio import activity

from domain.models import ItemChanges


class RecordingActivities:
    def __init__(self, write: Callable[[ItemChanges], int]):
        self.write = write

    @activity.defn(name="record_changes")  # the name recorded histories hold
    def record_changes(self, changes: ItemChanges) -> int:
        """Write the events and the state since the last write; returns how many events were new."""
        return self.write(changes)
