"""Every recorded history in tests/histories/ still replays with the current workflow code.

A change to the workflow's command sequence that is not guarded by workflow.patched(...)
fails here (non-determinism), before it can break items that have been running for years.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workflows.by_kind import ALL_WORKFLOWS
from workflows.sandbox import sandbox_runner

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_there_are_histories_of_every_stage_and_a_carried_item():
    names = {p.stem for p in HISTORIES}
    assert any("carried_over" in n and n.endswith("run2") for n in names)
    assert len(names) >= 8


def test_there_are_histories_of_every_kind():
    """Each kind's workflow type (domain.kinds) has recorded histories, a carried one among them."""
    types = {}
    for path in HISTORIES:
        started = json.loads(path.read_text(encoding="utf-8"))["events"][0]["workflowExecutionStartedEventAttributes"]
        types.setdefault(started["workflowType"]["name"], []).append(path.stem)
    assert set(types) == {w.__name__ for w in ALL_WORKFLOWS}
    assert any(n.endswith("run2") for n in types["InquiryWorkflow"]) and any(n.endswith("run2") for n in types["ProposalWorkflow"])
    assert types["DeliberationWorkflow"]


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_history_replays(path: Path):
    workflow_id = json.loads(path.read_text(encoding="utf-8"))["events"][0]["workflowExecutionStartedEventAttributes"].get(
        "workflowId", path.stem
    )
    history = WorkflowHistory.from_json(workflow_id, path.read_text(encoding="utf-8"))
    replayer = Replayer(
        workflows=ALL_WORKFLOWS,
        data_converter=pydantic_data_converter,
        workflow_runner=sandbox_runner(),
    )
    await replayer.replay_workflow(history)  # raises on non-determinism


def _actions(path: Path) -> list[str]:
    return [e["eventType"] for e in json.loads(path.read_text(encoding="utf-8"))["events"]]


def _patches(path: Path) -> list[str]:
    """The patch ids whose markers a history holds (markers named core_patch)."""
    ids = []
    for event in json.loads(path.read_text(encoding="utf-8"))["events"]:
        marker = event.get("markerRecordedEventAttributes", {})
        if marker.get("markerName") == "core_patch":
            payload = marker["details"]["patch-data"]["payloads"][0]["data"]
            ids.append(json.loads(base64.b64decode(payload))["id"])
    return ids


def test_the_patch_demo_old_history_takes_the_old_path_new_one_the_new():
    """workflow.patched("co-signers-rate-after-closing"): an item recorded before the change ended as
    soon as it closed; one recorded after waits for its co-signers — and both replay above."""
    old = Path(__file__).parent / "histories" / "v1-closed_after_satisfied.json"
    new = Path(__file__).parent / "histories" / "v2-co_signer_rates_after_closing.json"
    assert _actions(old)[-1] == "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED"
    assert "EVENT_TYPE_MARKER_RECORDED" in _actions(new)
    assert _patches(old) == [] and _patches(new) == ["co-signers-rate-after-closing"]
