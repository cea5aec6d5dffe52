"""The demo year through the real worker, and the operator CLI's create-user."""

from __future__ import annotations

import asyncio
import stat
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from core.settings import Settings
from huiyin.cli import app
from huiyin.demo import load_demo
from ledger.db import session_factory
from ledger.rows import DeputyRow, EventRow, SuggestionRow, UnitRow, UserRow
from ledger.schema import upgrade_database
from services.users import verify_password

DEMO_YEAR = 2031  # a year no other test uses: workflow ids never meet theirs


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory) -> Settings:
    """A ledger of its own: the demo's units and deputies must not meet other tests' registers."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'ledger.db'}"
    upgrade_database(url)
    return Settings(huiyin_database_url=url, temporal_task_queue=f"huiyin-demo-{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="module")
async def demo_client(tmp_path_factory):
    """The real dev server (temporal server start-dev), of the demo's own, as `make run` runs it: the year plays
    on the real clock, in about two and a half minutes. Not the time-skipping test server: it strands a run whose
    workflow task cancels a timer that fired while the task was with the worker (it refuses the completion,
    "invalid history builder state for action", temporalio/sdk-java#3088), which the demo's parallel actions on
    a thirty-second month met now and then."""
    from tests.devserver import connect_when_ready, dev_server, free_port

    port = free_port()
    with dev_server(tmp_path_factory.mktemp("demo-temporal") / "temporal.db", port):
        yield await connect_when_ready(port)


@pytest.fixture(scope="module")
async def demo_worker(demo_client, demo_settings):
    from worker import build_worker

    with ThreadPoolExecutor(max_workers=8) as executor:
        async with build_worker(demo_client, demo_settings, executor) as running:
            yield running


def counts(session) -> dict[str, int]:
    return {
        "units": session.scalar(select(func.count()).select_from(UnitRow)),
        "deputies": session.scalar(select(func.count()).select_from(DeputyRow)),
        "users": session.scalar(select(func.count()).select_from(UserRow)),
        "suggestions": session.scalar(select(func.count()).select_from(SuggestionRow)),
        "events": session.scalar(select(func.count()).select_from(EventRow)),
    }


DEMO_TIMEOUT = 420  # seconds; the year plays in about 160


async def test_the_demo_year_lives_and_loads_once(demo_client, demo_worker, demo_settings, tmp_path):
    """One run gives a real year: items at every stage, blue, orange and red, escalated and key items, last year's
    carried over (some now A), the year before's twice, second handling, progress, public replies — and every
    line of the report with figures. A second run adds nothing."""

    from domain.figures import as_of_instant  # noqa: F401  (the report is read at the demo's end)
    from huiyin.demo_year import REAL_CLOCK, STORIES
    from ledger.annual_report import annual_report
    from tests.helpers import COORDINATOR

    clock = REAL_CLOCK
    sessions = session_factory(demo_settings.huiyin_database_url)
    steps = []
    with sessions() as session:
        first = await asyncio.wait_for(  # a stuck year fails here, named, instead of holding the suite
            load_demo(demo_client, session, demo_settings, year=DEMO_YEAR, var_dir=tmp_path, clock=clock,
                      progress=lambda step, share: steps.append((step, share))), timeout=DEMO_TIMEOUT)
    # 52 suggestions (two merged), 6 inquiry letters, 6 proposals, 3 deliberation opinions, 4 livelihood projects
    assert (first.units, first.deputies, first.suggestions) == (12, 30, len(STORIES)) == (12, 30, 71)
    assert first.users == len(first.passwords) == 65  # 57, the proposals committee and 7 members
    assert steps[0][0] == "登记建议、问政交办函、政协提案、审议意见和民生实事候选项目" and steps[-1] == ("完成", 1.0)
    kept = tmp_path / "demo-users.txt"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and len(kept.read_text().splitlines()) == 65
    assert len(set(first.passwords.values())) == 65  # random, never a shared default

    with sessions() as session:
        before = counts(session)
        rows = list(session.scalars(select(SuggestionRow)))
        coordinator = session.scalar(select(UserRow).where(UserRow.username == "demo-coordinator"))
        report = annual_report(session, COORDINATOR, DEMO_YEAR, as_of=await clock.now())
    this_year = [r for r in rows if r.year == DEMO_YEAR]
    stages = Counter(r.stage for r in this_year)
    assert {"registered", "returned_for_revision", "converted", "handling", "reply_review", "awaiting_feedback",
            "rehandling", "follow_up", "closed", "merged"} <= set(stages), stages
    levels = Counter(r.warning_level for r in this_year if r.stage not in ("closed", "converted"))
    assert levels["red"] >= 4 and levels["orange"] >= 1 and levels["blue"] >= 1, levels
    assert sum(r.overdue for r in this_year) >= 4
    keys = Counter(r.key_status for r in this_year if r.key_status)
    # 3 suggestions and the 3 chosen livelihood projects (key items from their assignment); the second reply overdue
    assert keys["designated"] == 6 and keys["declined"] == 1 and keys["proposed"] >= 1
    carried = [r for r in rows if r.year < DEMO_YEAR]
    assert len(carried) == 12 and {r.handling_year for r in carried if r.stage != "closed"} == {DEMO_YEAR}
    # Last year's open items carried over once, the year before's twice; the two closed last year stay there.
    assert Counter(r.carry_over_count for r in carried) == {0: 2, 1: 8, 2: 2}
    assert verify_password(coordinator.password_hash, first.passwords["demo-coordinator"])

    # Every line the report states has figures.
    t, rates = report.totals, report.rates
    assert t.suggestions >= 30 and t.replied >= 10 and t.classes["A"] and t.classes["B"] and t.classes["C"]
    assert t.carried_in == 10 and t.carried_converted >= 3 and rates.carry_over_conversion_rate.numerator >= 3
    for rate in ("reply_rate", "on_time_rate", "face_to_face_rate", "principal_head_rate", "meeting_rate",
                 "standard_rate", "satisfaction_rate", "solved_rate"):
        assert getattr(rates, rate).numerator > 0, rate
    assert t.second_handling.items >= 2 and t.second_handling.replied >= 1 and t.overdue.items >= 4
    key = report.key_supervision
    assert len(key.items) == 3 and key.rates.on_time_rate.numerator >= 1 and key.rates.satisfaction_rate.numerator >= 1
    assert len(report.delegations) == 5 and {m.to_class for m in report.class_movement.moves} >= {"A", "B", "C"}
    # The hearing's letters (问政交办函): a section of their own, with figures; never in the suggestions' lines.
    assert t.suggestions == 52 - 12 - 1 - 1 and t.merged == 1  # less the converted one and the merged one
    inquiries, proposals, deliberations, livelihoods = report.kinds
    assert inquiries.kind == "inquiry" and inquiries.totals.suggestions == 6 and inquiries.totals.replied >= 3
    for rate in ("reply_rate", "on_time_rate", "satisfaction_rate", "solved_rate"):
        assert getattr(inquiries.rates, rate).numerator > 0, rate
    assert inquiries.totals.overdue.items >= 1
    # The members' proposals (政协提案): filed after three levels of review, one still under review.
    assert proposals.kind == "proposal" and proposals.totals.suggestions == 6 and proposals.totals.replied >= 3
    assert proposals.rates.face_to_face_rate.numerator > 0 and proposals.totals.second_handling.items == 1
    assert proposals.exemplary == 1
    # The committee's deliberation opinions (审议意见), rated by the members' vote.
    assert deliberations.kind == "deliberation" and deliberations.totals.suggestions == 3
    assert deliberations.totals.replied >= 2 and deliberations.rates.satisfaction_rate.numerator >= 1
    # The livelihood projects (民生实事项目): three chosen by the vote, one not; monthly reports, inspections, rated.
    votes = livelihoods.votes
    assert (votes.candidates, votes.voted_in, votes.voted_out, votes.inspected) == (4, 3, 1, 3)
    assert livelihoods.totals.replied == 2 and livelihoods.totals.key_supervision.progress_reports >= 3
    assert livelihoods.rates.satisfaction_rate.numerator == 2
    # The merged suggestion (并案): ended with its main item's assignment; each of the two deputies rated.
    merged = next(r for r in this_year if r.stage == "merged")
    main = next(r for r in this_year if r.workflow_id == merged.state["merged_into"])
    assert merged.state["merge_settled"] and len({f["deputy"] for f in main.state["feedback"]}) >= 2
    with sessions() as session:
        published = session.scalar(select(func.count()).select_from(EventRow).where(EventRow.action == "reply_published"))
        progress = session.scalar(select(func.count()).select_from(EventRow).where(EventRow.action == "progress_reported"))
    assert published >= 5 and progress >= 8

    with sessions() as session:
        second = await load_demo(demo_client, session, demo_settings, year=DEMO_YEAR, var_dir=tmp_path, clock=clock)
    assert (second.units, second.deputies, second.users, second.suggestions, second.passwords) == (0, 0, 0, 0, {})
    with sessions() as session:
        assert counts(session)["suggestions"] == before["suggestions"]
    assert len(kept.read_text().splitlines()) == 65


# --- CLI: create-user (no Temporal needed) -----------------------------------------------


@pytest.fixture
def cli_database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("HUIYIN_DATABASE_URL", url)
    return url


def test_create_user_from_stdin_and_prompt(cli_database):
    runner = CliRunner()
    result = runner.invoke(app, ["create-user", "coord1", "--role", "coordinator", "--password-stdin"],
                           input="a-long-secret\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["create-user", "sup1", "--role", "supervisor", "--email", "sup@example.org"],
                           input="prompted-secret\nprompted-secret\n")
    assert result.exit_code == 0, result.output
    with session_factory(cli_database)() as session:
        users = {u.username: u for u in session.scalars(select(UserRow))}
    assert users["coord1"].role == "coordinator" and verify_password(users["coord1"].password_hash, "a-long-secret")
    assert users["sup1"].email == "sup@example.org" and verify_password(users["sup1"].password_hash, "prompted-secret")


@pytest.mark.parametrize("args, stdin, message", [
    (["--role", "unit_handler"], "a-long-secret\n", "unit_code is required"),
    (["--role", "deputy", "--deputy", "D404"], "a-long-secret\n", "unknown deputy D404"),
    (["--role", "admin"], "short\n", "at least 8 characters"),
])
def test_create_user_refusals_exit_2(cli_database, args, stdin, message):
    result = CliRunner().invoke(app, ["create-user", "someone", *args, "--password-stdin"], input=stdin)
    assert result.exit_code == 2 and message in result.output


def test_create_user_twice_is_a_conflict(cli_database):
    runner = CliRunner()
    args = ["create-user", "admin2", "--role", "admin", "--password-stdin"]
    assert runner.invoke(app, args, input="a-long-secret\n").exit_code == 0
    result = runner.invoke(app, args, input="another-secret\n")
    assert result.exit_code == 2 and "already exists" in result.output


def test_the_readme_lists_the_oversight_queries_the_demo_counts():
    """One list of queries: the README's table is the one `huiyin demo-data` counts after its run."""
    from datetime import date
    from pathlib import Path

    from huiyin.demo import oversight_queries

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for what, query in oversight_queries(2026, date(2026, 12, 6)):
        assert f"| {what} | `{query}` |" in readme, what
