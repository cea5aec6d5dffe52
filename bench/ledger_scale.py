"""4. Ledger at scale: N suggestions (default 200,000) in the ledger — SQLite, and PostgreSQL when
HUIYIN_BENCH_POSTGRES_URL is set (its schema is dropped and recreated!) — then p95 of the overdue
list for one unit, of a text search, of an item's similar suggestions (相似建议) and of every console page
(工作台) as a coordinator, a unit handler and a supervisor open it, and the time of the annual report and the carry-over ledger.

    .venv/bin/python -m bench.ledger_scale                    # 200,000 items on SQLite (+ PostgreSQL if set)
    .venv/bin/python -m bench.ledger_scale --items 20000      # quick

The rows are what the workflows write (ledger.writes): each item's state is built by the domain
functions under the national policy (bench.items.build) from one of a few histories — closed A,
closed A after an overdue reply, B in follow-up carried over every year end since, and in the
current year also open, overdue and awaiting-rating items — for each unit and year, then cloned
with a fresh number, title and body; projection rows (suggestions with the state JSON, signers,
assignments, deadlines, replies, feedback, contacts) and every event (≈ 10-16 an item) go in with
SQLAlchemy Core bulk inserts. Items are spread over 5 handling years and 60 units.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, insert, select, text

from bench.common import log, machine, summary, write_results
from bench.items import COORDINATOR, HANDLER, HEAD, LEAD_DEPUTY, build, new_suggestion  # noqa: F401
from core.config_files import load_policy
from domain import actions, follow_up, process
from domain import commands as c
from domain.enums import ContactWay, ResultClass, Role, Verdict
from domain.models import Actor, Commitment
from ledger.db import make_engine
from ledger.queries import SuggestionFilters, list_suggestions
from ledger.rows import (
    AssignmentRow,
    ContactRow,
    DeadlineRow,
    EventRow,
    FeedbackRow,
    ReplyRow,
    SignerRow,
    SuggestionRow,
    UnitRow,
)
from ledger.schema import upgrade_database
from ledger.search import add_to_index

YEARS = [2022, 2023, 2024, 2025, 2026]
CURRENT = 2026
UNITS = [f"U{i:02d}" for i in range(1, 61)]
TOPICS = [
    ("关于加快老旧小区加装电梯的建议", "建议简化加装电梯审批流程，加大财政补贴力度，建立后续维护资金。"),
    ("关于规范校外培训机构收费的建议", "建议建立预收费资金监管制度，明确退费规则，加强联合执法。"),
    ("关于改善城区交通拥堵的建议", "建议优化信号灯配时，增设公交专用道，推进错峰上下班。"),
    ("关于加强农村饮用水安全保障的建议", "建议加快农村供水管网改造，完善水质检测，落实管护责任。"),
    ("关于推进垃圾分类工作的建议", "建议完善分类收运体系，加强宣传引导，建立激励机制。"),
    ("关于支持中小企业融资的建议", "建议设立风险补偿资金，推广应收账款融资，降低担保费率。"),
    ("关于加强养老服务体系建设的建议", "建议增加社区养老服务设施，培养专业护理人员，发展智慧养老。"),
    ("关于优化义务教育学位供给的建议", "建议科学规划学校布局，扩大优质学位供给，推进集团化办学。"),
    ("关于提升基层医疗服务能力的建议", "建议加强全科医生培养，推进医联体建设，提高基层诊疗水平。"),
    ("关于加强河道综合治理的建议", "建议落实河长制，加快截污纳管，开展生态修复。"),
    ("关于完善停车设施规划建设的建议", "建议挖潜共享停车资源，建设立体停车库，规范占道停车收费。"),
    ("关于促进农产品品牌建设的建议", "建议扶持地理标志产品，搭建电商销售平台，完善冷链物流。"),
]
SEARCH_TERMS = ["加装电梯", "校外培训", "交通拥堵", "饮用水", "垃圾分类", "养老服务", "停车"]


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 2, 0, tzinfo=timezone.utc)  # 10:00 Beijing time


def _reply(result_class: ResultClass, publish: bool = True) -> dict:
    extra = {"commitments": [Commitment(what="完成首批改造", due_on=date(CURRENT + 3, 6, 30))]} if result_class == ResultClass.B else {}
    return dict(text="经研究，已纳入年度工作计划并推进落实。", result_class=result_class, face_to_face=True, replied_by="局长 王某",
                publish=publish, public_text="已纳入年度工作计划。" if publish else "",
                no_publish_reason="" if publish else "涉及未公开的预算安排", **extra)


def template(kind: str, year: int, unit: str):
    """One item's state, built by the domain functions (national policy), as it stands now."""
    policy = load_policy("national")
    handler = Actor(user=f"h-{unit.lower()}", role=Role.unit_handler, unit=unit)
    head = Actor(user=f"head-{unit.lower()}", role=Role.unit_head, unit=unit)
    steps = [(at(year, 1, 12), c.Accept(actor=COORDINATOR)), (at(year, 1, 15), c.Assign(actor=COORDINATOR, lead_unit=unit))]
    if kind == "open":
        steps += [(at(year, 1, 16), c.SignForReceipt(actor=handler)),
                  (at(year, 2, 1), c.LogContact(actor=handler, when=at(year, 1, 30), way=ContactWay.phone, summary="电话沟通办理思路"))]
    if kind in ("closed_a", "closed_a_late", "b_follow_up", "awaiting_feedback"):
        late = kind == "closed_a_late"
        reply_on = at(year, 5, 6) if late else at(year, 3, 20)
        result = ResultClass.B if kind == "b_follow_up" else ResultClass.A
        steps += [(at(year, 1, 16), c.SignForReceipt(actor=handler)),
                  (at(year, 2, 1), c.LogContact(actor=handler, when=at(year, 1, 30), way=ContactWay.visit, summary="上门走访代表")),
                  (reply_on, c.DraftReply(actor=handler, **_reply(result, publish=result == ResultClass.A))),
                  (reply_on + timedelta(days=1), c.SignOffReply(actor=head)),
                  (reply_on + timedelta(days=2), c.CheckReply(actor=COORDINATOR, accept=True))]
        if kind != "awaiting_feedback":
            verdict = Verdict.basically_satisfied if late else Verdict.satisfied
            steps.append((reply_on + timedelta(days=12), c.GiveFeedback(actor=LEAD_DEPUTY, verdict=verdict)))
    state = build("NUMBER", policy, steps[:2], at(year, 1, 10), year)
    if kind in ("closed_a_late", "overdue"):
        process.on_time_passed(state, state.reply_due_at() + timedelta(hours=1))  # the reply clock ran out
    for instant, cmd in steps[2:]:
        actions.apply(state, cmd, instant)
        from bench.items import schedule_clocks

        schedule_clocks(state, instant)
    # Year ends since: open items are carried into each following year (B follow-up, overdue, open).
    if not state.ended and year < CURRENT:
        follow_up.carry_over(state, at(CURRENT, 1, 2))
    return state


def mix(year: int) -> list[tuple[str, float]]:
    if year < CURRENT:
        return [("closed_a", 0.75), ("closed_a_late", 0.10), ("b_follow_up", 0.15)]
    return [("closed_a", 0.30), ("closed_a_late", 0.05), ("awaiting_feedback", 0.10), ("b_follow_up", 0.10),
            ("open", 0.35), ("overdue", 0.10)]


class Rows:
    """The ledger rows of one template state, with the item's identity patched in per clone."""

    def __init__(self, state):
        self.state = state
        self.state_json = state.model_dump(mode="json", exclude={"events", "contacts"})
        self.events = [e.model_dump() for e in state.events]

    def clone(self, wid: str, number: str, title: str, body: str, now: datetime) -> dict[str, list[dict]]:
        s = self.state
        state_json = {**self.state_json, "workflow_id": wid, "number": number, "title": title, "body": body}
        suggestion = dict(
            workflow_id=wid, year=s.year, number=number, period=s.period.value, title=title, body=body, field=s.field,
            lead_deputy=s.lead_deputy, co_signers=s.co_signers, delegation=s.delegation, received_on=s.received_on,
            policy=s.policy.ref, stage=s.stage.value, result_class=s.result_class().value if s.result_class() else None,
            lead_unit=s.lead_unit(), co_units=[], overdue=s.overdue, key_supervision=s.key_supervision,
            warning_level=s.warning_level.value, next_due_at=s.next_due_at(), reply_due_at=s.reply_due_at(),
            origin_year=s.origin_year, handling_year=s.handling_year, carry_over_count=s.carry_over_count,
            key_status=None, key_theme="", interview_due=s.interview_due, consultation_due=s.consultation_due,
            last_event_seq=s.last_event_seq, state=state_json, updated_at=now,
        )
        events = []
        for e in self.events:
            payload = e["detail"] if e["action"] != "registered" else {**e["detail"], "number": number}
            actor = e["actor"]
            events.append(dict(
                id=f"{wid}:{e['seq']}", workflow_id=wid, seq=e["seq"], at=e["at"], action=e["action"],
                actor_user=actor["user"], actor_role=actor["role"].value, actor_unit=actor["unit"],
                actor_deputy=actor["deputy"], unit=e["unit"], payload=payload, recorded_at=e["at"],
            ))
        return {
            "suggestions": [suggestion],
            "signers": [dict(workflow_id=wid, deputy=s.lead_deputy, lead=True)]
            + [dict(workflow_id=wid, deputy=d, lead=False) for d in s.co_signers],
            "assignments": [dict(workflow_id=wid, unit=a.unit, role=a.role.value, status=a.status.value,
                                 assigned_at=a.assigned_at, signed_at=a.signed_at, stage=a.stage.value if a.stage else None,
                                 round=a.round, overdue=a.overdue) for a in s.assignments],
            "deadlines": [dict(workflow_id=wid, key=d.key, kind=d.kind.value, unit=d.unit, start=d.start, rule=d.rule,
                               policy=d.policy, due_at=d.due_at, status=d.status.value, closed_at=d.closed_at,
                               replaces=d.replaces) for d in s.deadlines],
            "replies": [dict(workflow_id=wid, unit=r.unit, round=r.round, result_class=r.result_class.value,
                             status=r.status.value, face_to_face=r.face_to_face, replied_by=r.replied_by, publish=r.publish,
                             text=r.text, public_text=r.public_text, no_publish_reason=r.no_publish_reason,
                             drafted_at=r.drafted_at, signed_off_at=r.signed_off_at, checked_at=r.checked_at, late=r.late)
                        for r in s.replies],
            "feedback": [dict(workflow_id=wid, unit=f.unit, round=f.round, deputy=f.deputy,
                              verdict=f.verdict.value if f.verdict else None, reasons=f.reasons, at=f.at) for f in s.feedback],
            "contacts": [dict(workflow_id=wid, unit=x.unit, when=x.when, way=x.way.value, summary=x.summary,
                              logged_by=x.logged_by) for x in s.contacts],
            "events": events,
        }


TABLES = {"suggestions": SuggestionRow, "signers": SignerRow, "assignments": AssignmentRow, "deadlines": DeadlineRow,
          "replies": ReplyRow, "feedback": FeedbackRow, "contacts": ContactRow, "events": EventRow}


def fill(engine, items: int, batch: int = 2000) -> dict:
    """Bulk-insert `items` suggestions with their projection rows and events."""
    began = time.perf_counter()
    templates: dict[tuple[str, int, str], Rows] = {}
    for year in YEARS:
        for kind, _ in mix(year):
            for unit in UNITS:
                templates[(kind, year, unit)] = Rows(template(kind, year, unit))
    built = time.perf_counter() - began
    log(f"{len(templates)} template items built in {built:.1f}s")
    per_year = items // len(YEARS)
    plan = []  # (year, serial, kind)
    for year in YEARS:
        cumulative, acc = [], 0.0
        for kind, share in mix(year):
            acc += share
            cumulative.append((acc, kind))
        for k in range(per_year):
            x = (k + 0.5) / per_year
            plan.append((year, k + 1, next(kind for limit, kind in cumulative if x <= limit + 1e-9)))
    now = datetime.now(timezone.utc)
    counts = {name: 0 for name in TABLES}
    with engine.begin() as connection:
        connection.execute(insert(UnitRow), [dict(code=u, name=f"单位{u}", head_name="王某", email="") for u in UNITS])
    for start in range(0, len(plan), batch):
        rows = {name: [] for name in TABLES}
        for year, serial, kind in plan[start:start + batch]:
            unit = UNITS[serial % len(UNITS)]
            number = f"{serial:06d}"
            title, body = TOPICS[(serial * 7 + year) % len(TOPICS)]
            cloned = templates[(kind, year, unit)].clone(f"suggestion-{year}-{number}", number, f"{title}（{number}）",
                                                         body, now)
            for name, values in cloned.items():
                rows[name].extend(values)
        with engine.begin() as connection:
            for name, table in TABLES.items():
                if rows[name]:
                    connection.execute(insert(table), rows[name])
                    counts[name] += len(rows[name])
            if engine.dialect.name == "sqlite":  # the text search index (ledger.search), as the worker keeps it
                add_to_index(connection, start + 1, rows["suggestions"])
        if (start // batch) % 10 == 0:
            log(f"  {start + batch}/{len(plan)} items inserted ({time.perf_counter() - began:.0f}s)")
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    return {"rows": counts, "build_templates_s": round(built, 1), "insert_s": round(time.perf_counter() - began - built, 1)}


def timed(sessions, fn, repeats: int, warm_up: bool = True) -> tuple[list[float], object]:
    times, result = [], None
    if warm_up:
        with sessions() as session:  # a first read fills the caches
            fn(session, 0)
    for i in range(repeats):
        with sessions() as session:
            began = time.perf_counter()
            result = fn(session, i)
            times.append(time.perf_counter() - began)
    return times, result


SIMILAR_UNIT = UNITS[7]  # the unit whose items the similar lookups and item pages are timed on (serial ≡ 7 mod 60)


def sampled_items(items: int, repeats: int) -> list[str]:
    """Items of SIMILAR_UNIT spread over the years and the numbers (fill's numbering)."""
    groups = max(items // len(YEARS) // len(UNITS), 1)
    return [f"suggestion-{YEARS[i % len(YEARS)]}-{len(UNITS) * ((i * 37) % groups) + 7:06d}" for i in range(repeats + 1)]


def measure_similar(sessions, items: int, repeats: int) -> dict:
    """ledger.similar.similar_items on an item's row, as a coordinator and as the item's unit handler."""
    from ledger.similar import similar_items

    sample = sampled_items(items, repeats)
    handler = Actor(user=f"h-{SIMILAR_UNIT.lower()}", role=Role.unit_handler, unit=SIMILAR_UNIT)
    figures = {}
    for name, actor in (("similar", COORDINATOR), ("similar_as_unit_handler", handler)):
        times, found = timed(sessions, lambda s, i: similar_items(s, actor, s.get(SuggestionRow, sample[i])), repeats)
        figures[name] = {**summary(times), "found": len(found), "best": round(found[0][1], 3) if found else None}
        log(f"  {name}: p50 {figures[name]['p50'] * 1000:.1f} ms, p95 {figures[name]['p95'] * 1000:.1f} ms ({len(found)} found)")
    return figures


# The console's pages by who opens them ({item} = one of the sampled items of SIMILAR_UNIT, another each time).
# A deputy's pages list the deputy's own items (tens, not thousands): the bench's items all name one lead
# deputy, so a deputy's pages are not timed here.
CONSOLE_PAGES = {
    "coord": ["/console", "/console/items", "/console/items?q=加装电梯", f"/console/items?year={CURRENT}&stage=handling",
              "/console/items/{item}", "/console/oversight", "/console/reports", "/console/register", "/console/import",
              "/console/registers/units", "/console/registers/deputies", "/console/users"],
    "h-unit": ["/console", "/console/items", "/console/items?q=加装电梯", "/console/items/{item}", "/console/reports"],
    "sup": ["/console", "/console/oversight", "/console/reports"],
}


# Reports opened from the console (报告): a report's own target, < 5 s, not a page's.
REPORT_PAGES = {"coord": ["/console/reports/carry-over"]}
CARRY_OVER_PAGE = "report page coord /console/reports/carry-over"


def measure_console_pages(url: str, items: int, repeats: int) -> dict:
    """Every console page as the app serves it (in-process, over ASGI: the server's time from request to the
    whole page), signed in as a coordinator, as a handler of SIMILAR_UNIT and as a supervisor."""
    import asyncio

    from bench.huiyin_api import PASSWORD, api_settings
    from ledger.db import session_factory
    from services.users import new_user

    with session_factory(url)() as session:
        session.add_all([new_user("coord", PASSWORD, Role.coordinator), new_user("sup", PASSWORD, Role.supervisor),
                         new_user("h-unit", PASSWORD, Role.unit_handler, unit_code=SIMILAR_UNIT)])
        session.commit()
    sample = sampled_items(items, repeats)
    figures = {}
    for kind, pages, runs in (("page", CONSOLE_PAGES, sample), ("report page", REPORT_PAGES, sample[:3])):
        for user, paths in pages.items():
            timings = asyncio.run(_pages(api_settings(url, "bench", "-"), user, paths, runs))
            for path, times in timings.items():
                line = figures[f"{kind} {user} {path}"] = summary(times)
                log(f"  {kind} {path} as {user}: p50 {line['p50'] * 1000:.1f} ms, p95 {line['p95'] * 1000:.1f} ms")
    return figures


async def _pages(settings, username: str, paths: list[str], sample: list[str]) -> dict[str, list[float]]:
    import httpx

    from api.app import create_app
    from bench.huiyin_api import PASSWORD

    app = create_app(settings, temporal=object())  # no console page that only shows calls Temporal
    timings = {}
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            signed_in = await client.post("/console/login", data={"username": username, "password": PASSWORD})
            assert signed_in.status_code == 303, signed_in.text
            for path in paths:
                times = []
                for wid in sample:  # the first one warms the templates and caches: not counted
                    began = time.perf_counter()
                    page = await client.get(path.format(item=wid))
                    times.append(time.perf_counter() - began)
                    assert page.status_code == 200 and "<main" in page.text, (path, wid, page.status_code)
                timings[path] = times[1:]
    return timings


def measure(engine, repeats: int) -> dict:
    from sqlalchemy.orm import sessionmaker

    sessions = sessionmaker(engine, expire_on_commit=False)
    figures: dict = {}

    def overdue_list(session, i):
        return list_suggestions(session, COORDINATOR, SuggestionFilters(unit=UNITS[(i * 7) % len(UNITS)], overdue=True), 1, 50)

    def overdue_list_as_unit(session, i):
        unit = UNITS[(i * 7) % len(UNITS)]
        actor = Actor(user=f"h-{unit.lower()}", role=Role.unit_handler, unit=unit)
        return list_suggestions(session, actor, SuggestionFilters(overdue=True), 1, 50)

    def search(session, i):
        return list_suggestions(session, COORDINATOR, SuggestionFilters(q=SEARCH_TERMS[i % len(SEARCH_TERMS)]), 1, 50)

    def search_in_year(session, i):
        return list_suggestions(session, COORDINATOR, SuggestionFilters(year=CURRENT, q=SEARCH_TERMS[i % len(SEARCH_TERMS)]), 1, 50)

    for name, fn in [("overdue_list_unit_filter", overdue_list), ("overdue_list_as_unit_handler", overdue_list_as_unit),
                     ("text_search", search), ("text_search_one_year", search_in_year)]:
        times, (rows, total) = timed(sessions, fn, repeats)
        figures[name] = {**summary(times), "last_total": total, "page": len(rows)}
        log(f"  {name}: p50 {figures[name]['p50'] * 1000:.1f} ms, p95 {figures[name]['p95'] * 1000:.1f} ms (total {total})")

    with sessions() as session:
        items = session.scalar(select(func.count()).select_from(SuggestionRow))
    figures |= measure_similar(sessions, items, repeats)
    figures |= measure_console_pages(engine.url.render_as_string(hide_password=False), items, repeats)

    from ledger.carry_over import carry_over_ledger

    times, book = timed(sessions, lambda s, i: carry_over_ledger(s, COORDINATOR, CURRENT - 1), 2, warm_up=False)
    figures["carry_over_ledger"] = {**summary(times), "items": len(book.items)}
    log(f"  carry-over ledger {CURRENT - 1}: {max(times):.2f}s ({len(book.items)} items)")
    try:
        from ledger.annual_report import annual_report
    except ImportError:
        figures["annual_report"] = "ledger/annual_report.py not present"
    else:
        from domain.figures import year_end

        as_of = year_end(CURRENT - 1)
        times, report = timed(sessions, lambda s, i: annual_report(s, COORDINATOR, CURRENT - 1, as_of=as_of), 2, warm_up=False)
        figures["annual_report"] = {**summary(times), "suggestions": report.totals.suggestions}
        log(f"  annual report {CURRENT - 1}: {max(times):.2f}s ({report.totals.suggestions} suggestions)")
    return figures


def run(url: str, items: int, repeats: int, label: str) -> dict:
    log(f"{label}: {url.split('@')[-1]}")
    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade_database(url)
    engine = make_engine(url)
    filled = fill(engine, items)
    log(f"{label}: filled {filled}")
    with engine.connect() as connection:
        suggestions = connection.scalar(select(func.count()).select_from(SuggestionRow))
    figures = {"suggestions": suggestions, **filled, **measure(engine, repeats)}
    if url.startswith("sqlite"):
        figures["db_size_mib"] = round(os.path.getsize(url.split("///", 1)[1]) / 2**20)
    engine.dispose()
    return figures


def main() -> None:
    import tempfile
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    info = machine()
    results = {}
    directory = Path(tempfile.mkdtemp(prefix="huiyin-bench-ledger-"))
    try:
        results["sqlite"] = run(f"sqlite:///{directory / 'ledger.db'}", args.items, args.repeats, "SQLite")
    finally:
        if not args.keep:
            import shutil

            shutil.rmtree(directory, ignore_errors=True)
    if os.environ.get("HUIYIN_BENCH_POSTGRES_URL"):
        results["postgresql"] = run(os.environ["HUIYIN_BENCH_POSTGRES_URL"], args.items, args.repeats, "PostgreSQL")

    def ms(db, name):
        value = results.get(db, {}).get(name)
        return round(value["p95"] * 1000, 1) if isinstance(value, dict) else None

    def s(db, name):
        value = results.get(db, {}).get(name)
        return round(value["max"], 2) if isinstance(value, dict) else value

    def page_ms(db):
        return max(ms(db, name) for name in results.get(db, {}) if name.startswith("page "))

    def slowest_page(db):
        name = max((n for n in results.get(db, {}) if n.startswith("page ")), key=lambda n: results[db][n]["p95"])
        return f"{name.removeprefix('page ')} {ms(db, name)}"

    targets = {db: {"list_p95_ms": ms(db, "overdue_list_unit_filter"), "search_p95_ms": ms(db, "text_search"),
                    "console_page_p95_ms": page_ms(db), "report_s": s(db, "annual_report"),
                    "met": bool(ms(db, "overdue_list_unit_filter") is not None and ms(db, "overdue_list_unit_filter") < 100
                                and ms(db, "text_search") < 100 and page_ms(db) < 150
                                and isinstance(s(db, "annual_report"), float) and s(db, "annual_report") < 5
                                and s(db, CARRY_OVER_PAGE) < 5)}
               for db in results}
    figures = {"items": args.items, "repeats": args.repeats, "results": results, "targets": targets,
               "target": "list and search p95 < 100 ms, each console page p95 < 150 ms, report < 5 s"}
    for db in results:
        write_results("ledger_scale", info, figures, {
            "db": db, "N": results[db]["suggestions"],
            "overdue list p95 ms (unit filter / as unit)": f"{ms(db, 'overdue_list_unit_filter')} / {ms(db, 'overdue_list_as_unit_handler')}",
            "search p95 ms (all / one year)": f"{ms(db, 'text_search')} / {ms(db, 'text_search_one_year')}",
            "annual report s": s(db, "annual_report"),
            "carry-over ledger s": s(db, "carry_over_ledger"),
            "targets met": targets[db]["met"],
            "similar p95 ms (coordinator / unit)": f"{ms(db, 'similar')} / {ms(db, 'similar_as_unit_handler')}",
            "console pages p95 ms (slowest: who, page, ms)": slowest_page(db),
            "carry-over page s": s(db, CARRY_OVER_PAGE),
        })


if __name__ == "__main__":
    main()
