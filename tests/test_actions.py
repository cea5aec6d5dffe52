"""One action, declared once (domain/actions.py): the workflow's updates, the API's routes, the README and
docs/process.md all follow the table, and every update name a recorded history holds is still there."""

from __future__ import annotations

import json
import re
from pathlib import Path

from api.app import create_app
from core.settings import Settings
from domain import commands as c
from domain.actions import ACTIONS, BY_COMMAND, action_of
from domain.enums import Role
from domain.models import Actor

ROOT = Path(__file__).resolve().parent.parent
NAMES = [a.name for a in ACTIONS]


def test_every_command_has_exactly_one_action_and_names_are_unique():
    commands = [cls for cls in vars(c).values() if isinstance(cls, type) and issubclass(cls, c.Command) and cls is not c.Command]
    assert sorted(cls.__name__ for cls in commands) == sorted(a.command.__name__ for a in ACTIONS)
    assert len(set(NAMES)) == len(NAMES) == len(BY_COMMAND)
    assert action_of(c.Accept(actor=Actor(user="x", role=Role.coordinator))).update == "accept"
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", name) for name in NAMES)


def test_every_update_in_the_recorded_histories_is_still_an_action():
    """Renaming an update would strand every running item that used it: the names are history."""
    updates = {a.update for a in ACTIONS} | {"current_state"}
    recorded = set()
    for path in (ROOT / "tests" / "histories").glob("*.json"):
        for event in json.loads(path.read_text(encoding="utf-8"))["events"]:
            accepted = event.get("workflowExecutionUpdateAcceptedEventAttributes")
            if accepted:
                recorded.add(accepted["acceptedRequest"]["input"]["name"])
    assert recorded and recorded <= updates, recorded - updates


def test_the_api_has_one_post_route_per_action():
    """Each action has its route; the halves of a merge are sent by the merge's own routes (merge, unmerge)."""
    paths = create_app(Settings(huiyin_secret_key="test")).openapi()["paths"]
    for action in ACTIONS:
        route = paths.get(f"/api/v1/suggestions/{{suggestion_id}}/{action.via or action.name}", {})
        assert "post" in route, action.name
        if not action.own_route:
            assert route["post"]["summary"] == f"{action.label} ({action.name})"


def test_the_readme_lists_every_action():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"^Actions \(.*?\n\n", readme, re.S | re.M).group(0)
    assert re.findall(r"`([a-z-]+)`", listed) == NAMES


def test_docs_process_describes_every_action_with_its_label():
    process = (ROOT / "docs" / "process.md").read_text(encoding="utf-8")
    section = process.split("## The actions", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z-]+)` \| ([^|]+) \|", section, re.M)
    assert [(name, label.strip()) for name, label in rows] == [(a.name, a.label) for a in ACTIONS]
