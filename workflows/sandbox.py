"""The strict workflow sandbox, where recorded and live histories are replayed (tests/test_replay.py,
`huiyin replay-check`): the workflow module is loaded inside it, so a non-deterministic call in workflow
code (the clock, random, I/O) fails the replay before it ships. The running worker does not sandbox its
items (worker.py says why)."""

from __future__ import annotations

from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

# Deterministic modules shared with the sandbox instead of re-imported per workflow run.
PASSTHROUGH = ("domain", "pydantic", "pydantic_core", "annotated_types", "chinese_calendar")


def sandbox_runner() -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH))
