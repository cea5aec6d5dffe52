"""7. Console import (issue 18): a session's N-row spreadsheet imported through the console, each item accepted
and assigned to a lead unit through the API, until every unit handler's worklist shows all of its items —
one clock from the upload to the last worklist. Target: 1,000 rows within 60 s on 2 cores.

    .venv/bin/python -m bench.console_import               # 1,000 rows
    .venv/bin/python -m bench.console_import --rows 200    # quick

The system as in production, on one machine: the embedded dev server, the real `worker.py` process, a
SQLite ledger in the temp directory and the app in-process (httpx over ASGI). The registers are made
through the API first (the admin creates the coordinator's login; the coordinator the units, the deputies
and one handler's login per unit). Then, from one clock start:

  1. registered: the coordinator, signed in to the console (session cookie, CSRF token from the page), posts
     the .xlsx to /console/import; the import runs beside the page and the benchmark follows its progress
     page (/console/import/{id}) as the browser does, until it reads 导入完成 with every row registered;
  2. assigned: the coordinator accepts and assigns each item through the JSON API (accept, then assign with
     a lead unit; the units taken in turn), a bounded number of items in flight;
  3. visible: each unit handler's worklist page (/console, signed in as that handler) is read until its
     count (共 N 件在办建议) is every item assigned to that unit.

The spreadsheet is made before the clock starts (the office has it), as are the logins.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import random
import re
import time
from datetime import date, timedelta

import httpx
from openpyxl import Workbook

from bench.common import (
    CpuMeter,
    bounded,
    connect,
    dev_server,
    huiyin_worker,
    ledger_url,
    log,
    machine,
    started,
    summary,
    workdir,
    write_results,
)
from bench.huiyin_api import PASSWORD, Http, api_settings
from domain.fields import FIELDS
from domain.models import suggestion_workflow_id
from services import importing
from services.importing import COLUMNS

TARGET_S = 60.0
BASE = "http://bench"
TASK_QUEUE = "huiyin-import"
COORDINATOR = "coord"

UNITS = ["市发展和改革委员会", "市教育局", "市公安局", "市人力资源和社会保障局", "市住房和城乡建设局", "市交通运输局",
         "市农业农村局", "市文化广电旅游局", "市卫生健康委员会", "市生态环境局", "市财政局", "市城市管理局"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "华", "建国",
         "志强", "桂英", "晓东", "海燕", "红梅", "文博", "子涵", "国平", "玉兰", "德胜"]
DELEGATIONS = ["城区代表团", "东区代表团", "西区代表团", "开发区代表团", "县代表团"]
PLACES = ["", "城区", "老城区", "东部新区", "开发区", "农村地区", "城乡结合部", "中心城区", "各街道"]

# What a session's suggestions are about, per field: the title's subject and the measures a body proposes.
TOPICS = {
    "economy": ["优化营商环境", "支持中小微企业融资", "发展数字经济", "促进民营经济健康发展", "盘活闲置低效用地"],
    "urban_management": ["加快老旧小区改造", "推进既有住宅加装电梯", "规范共享单车停放", "治理城市内涝", "完善社区停车设施"],
    "health": ["加强基层医疗卫生服务", "推进家庭医生签约服务", "缓解儿科看病难", "完善医养结合服务", "加强心理健康服务"],
    "education": ["规范校外培训机构收费", "增加公办幼儿园学位", "推进义务教育优质均衡", "加强课后服务", "保障随迁子女入学"],
    "agriculture": ["加强高标准农田建设", "发展特色农业产业", "完善农村人居环境", "培育新型职业农民", "提升农产品冷链物流"],
    "transport": ["优化公交线路", "缓解学校周边交通拥堵", "建设慢行交通系统", "完善农村公路养护", "增设充电桩"],
    "environment": ["加强河道水环境治理", "推进垃圾分类", "治理餐饮油烟扰民", "保护城市绿地", "减少建筑工地扬尘"],
    "social_security": ["完善养老服务体系", "扩大灵活就业人员参保", "提高困难群众救助水平", "发展社区嵌入式托育", "保障新就业形态劳动者权益"],
    "culture_tourism": ["保护历史文化街区", "发展全域旅游", "建设城市书房", "扶持非物质文化遗产传承", "丰富群众文化生活"],
    "public_safety": ["加强电动自行车充电安全管理", "整治电信网络诈骗", "提升食品安全监管水平", "加强燃气安全管理", "完善应急避难场所"],
    "governance": ["推进政务服务一网通办", "减轻基层负担", "规范行政执法", "加强社区工作者队伍建设", "推进数据共享"],
    "other": ["加强人大代表联络站建设", "改进代表建议办理工作", "关心关爱退役军人", "做好民族宗教工作", "推进对口支援"],
}
BACKGROUND = ["近年来，{place}{topic}工作取得了一定成效，但群众反映的问题仍然较多。",
              "在走访选民过程中，不少群众反映{place}{topic}方面存在短板，期盼早日解决。",
              "{place}{topic}关系群众切身利益，是社会关注的热点问题。经调研，目前主要存在统筹不够、投入不足、机制不全等问题。"]
MEASURES = ["加强统筹规划，明确牵头部门和责任分工", "加大财政投入，设立专项资金并向基层倾斜", "简化审批流程，推行一站式办理",
            "建立长效管理机制，定期开展检查评估", "引导社会力量参与，形成多元投入格局", "加强宣传引导，提高群众知晓率和参与度",
            "完善考核办法，将落实情况纳入年度绩效考核", "开展试点示范，总结经验后逐步推广", "畅通群众反映渠道，及时回应群众关切"]


# --- the registers and the spreadsheet ------------------------------------------------------------------


def unit_codes(count: int) -> list[str]:
    return [f"U{i + 1:02d}" for i in range(count)]


def deputy_names(count: int) -> list[str]:
    """Distinct names (the import finds a deputy by a name only one deputy has)."""
    names = [s + g for g in GIVEN for s in SURNAMES]
    return random.Random(7).sample(names, count)


def handler_of(unit: str) -> str:
    return f"h-{unit.lower()}"


def suggestion_row(rng: random.Random, number: str, deputies: list[str], session_days: list[date]) -> list:
    field = rng.choice(list(FIELDS))
    topic, place = rng.choice(TOPICS[field]), rng.choice(PLACES)
    measures = rng.sample(MEASURES, 3)
    body = (rng.choice(BACKGROUND).format(place=place, topic=topic) + "为此建议：一是" + measures[0] + "；二是" + measures[1]
            + "；三是" + measures[2] + "。希望有关部门高度重视，切实解决群众的急难愁盼问题。")
    signers = rng.sample(deputies, 1 + rng.randint(0, 3))
    return [number, f"关于{place}{topic}的建议", body, FIELDS[field], signers[0], "、".join(signers[1:]),
            rng.choice(session_days)]


def spreadsheet(rows: int, deputies: list[str], year: int) -> bytes:
    """The session's suggestions as the office keeps them: the import's columns, Chinese names and labels,
    the received dates (date cells) in the session's fortnight."""
    rng = random.Random(18)
    session_days = [date(year, 1, 6) + timedelta(days=d) for d in range(14)]
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for i in range(rows):
        sheet.append(suggestion_row(rng, f"{i + 1:04d}", deputies, session_days))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the console, as a browser uses it -------------------------------------------------------------------


class Console:
    """One user's browser: its own cookie jar (the session cookie) over the app's transport."""

    def __init__(self, transport: httpx.ASGITransport, username: str):
        self.username = username
        self.client = httpx.AsyncClient(transport=transport, base_url=BASE, timeout=600)

    async def login(self) -> None:
        response = await self.client.post("/console/login", data={"username": self.username, "password": PASSWORD})
        if response.status_code != 303 or "huiyin_session" not in self.client.cookies:
            raise RuntimeError(f"console login as {self.username}: {response.status_code} {response.text[:300]}")

    async def page(self, path: str) -> str:
        response = await self.client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} as {self.username}: {response.status_code} {response.text[:300]}")
        return response.text

    async def csrf(self, path: str) -> str:
        return re.search(r'name="csrf" value="([^"]+)"', await self.page(path)).group(1)

    async def upload(self, csrf: str, filename: str, content: bytes, year: int) -> str:
        """The import form posted; returns the progress page's address."""
        response = await self.client.post("/console/import", data={"csrf": csrf, "year": str(year), "period": "session"},
                                          files={"file": (filename, content, "application/octet-stream")})
        if response.status_code != 303:
            raise RuntimeError(f"POST /console/import: {response.status_code} {response.text[:500]}")
        return response.headers["location"]

    async def worklist_total(self) -> int:
        return int(re.search(r"共 (\d+) 件在办建议", await self.page("/console")).group(1))

    async def aclose(self) -> None:
        await self.client.aclose()


async def token(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    response = await client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def make_registers(http: Http, units: list[str], deputies: list[str]) -> None:
    """Through the API, as the office does: the admin makes the coordinator's login, the coordinator the rest."""
    await http.post("root", "/users", {"username": COORDINATOR, "password": PASSWORD, "role": "coordinator"}, 201)
    http.tokens[COORDINATOR] = await token(http.client, COORDINATOR)
    for i, code in enumerate(units):
        await http.post(COORDINATOR, "/units", {"code": code, "name": UNITS[i % len(UNITS)], "head_name": "局长"}, 201)
        await http.post(COORDINATOR, "/users", {"username": handler_of(code), "password": PASSWORD,
                                                "role": "unit_handler", "unit_code": code}, 201)
    for i, name in enumerate(deputies):
        await http.post(COORDINATOR, "/deputies", {"code": f"D{i + 1:03d}", "name": name,
                                                   "delegation": DELEGATIONS[i % len(DELEGATIONS)]}, 201)
    http.timings.clear()


# --- the three steps ---------------------------------------------------------------------------------------


async def imported(console: Console, progress: str, rows: int) -> dict:
    """Follow the progress page (the browser reloads it each second; we read it twice as often) until done."""
    reads = 0
    while True:
        text = await console.page(progress)
        reads += 1
        if "导入完成" in text:
            break
        if "导入未完成" in text:
            raise RuntimeError(f"the import stopped: {re.sub(r'<[^>]+>', ' ', text)[-800:]}")
        await asyncio.sleep(0.5)
    created = int(re.search(r"新登记 (\d+) 件", text).group(1))
    if created != rows:
        raise RuntimeError(f"{created} of {rows} rows registered: {re.sub(r'<[^>]+>', ' ', text)[-1500:]}")
    return {"created": created, "progress_page_reads": reads}


async def assign_all(http: Http, ids: list[str], units: list[str], concurrency: int) -> dict[str, int]:
    """Accept and assign every item, the units taken in turn; returns how many each unit got."""
    lead = {sid: units[i % len(units)] for i, sid in enumerate(ids)}

    async def one(sid: str) -> None:
        await http.post(COORDINATOR, f"/suggestions/{sid}/accept")
        await http.post(COORDINATOR, f"/suggestions/{sid}/assign", {"lead_unit": lead[sid]})

    await bounded([lambda sid=sid: one(sid) for sid in ids], concurrency)
    return {unit: list(lead.values()).count(unit) for unit in units}


async def visible(handlers: dict[str, Console], expected: dict[str, int]) -> dict:
    """Read every handler's worklist until each counts all its unit's items."""
    reads = 0
    while True:
        totals = await asyncio.gather(*(handlers[unit].worklist_total() for unit in expected))
        reads += 1
        if list(totals) == list(expected.values()):
            return {"worklist_reads": reads, "per_unit": dict(zip(expected, totals, strict=True))}
        await asyncio.sleep(0.25)


# --- the run ---------------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def running_app(settings, temporal):
    """The real app (its lifespan makes the first admin, `root`) and the transport every client shares."""
    from api.app import create_app

    app = create_app(settings, temporal=temporal)
    async with app.router.lifespan_context(app):
        yield httpx.ASGITransport(app=app)


async def run(args, directory) -> dict:
    from ledger.schema import upgrade_database

    year = date.today().year
    units, deputies = unit_codes(args.units), deputy_names(args.deputies)
    content = spreadsheet(args.rows, deputies, year)
    log(f"spreadsheet: {args.rows} rows, {len(content) / 1024:.0f} KiB")
    url = ledger_url(directory)
    upgrade_database(url)
    async with dev_server(directory) as server:
        client = await connect(server.address)
        worker = await started(client, huiyin_worker(server, TASK_QUEUE, url))
        async with running_app(api_settings(url, TASK_QUEUE, server.address), client) as transport:
            api = httpx.AsyncClient(transport=transport, base_url=BASE, timeout=600)
            http = Http(api, {"root": await token(api, "root")}, year)
            await make_registers(http, units, deputies)
            coordinator = Console(transport, COORDINATOR)
            handlers = {unit: Console(transport, handler_of(unit)) for unit in units}
            for console in [coordinator, *handlers.values()]:
                await console.login()
            csrf = await coordinator.csrf("/console/import")
            log(f"registers made: {len(units)} units with a handler each, {len(deputies)} deputies; clock starts")
            figures = await timed(args, http, coordinator, handlers, csrf, content, year, units,
                                  {"server": server.proc.pid, "worker": worker.pid, "api+driver": os.getpid()})
            worker.check()
            for console in [coordinator, *handlers.values()]:
                await console.aclose()
            await api.aclose()
        worker.stop()
    return figures


async def timed(args, http, coordinator, handlers, csrf, content, year, units, pids) -> dict:
    """The three steps from one clock start, with the CPU each process used in each."""
    load = [round(x, 2) for x in os.getloadavg()]
    cpu, began = {}, time.monotonic()
    meter = CpuMeter(pids).start()
    progress = await coordinator.upload(csrf, f"{year}年大会代表建议.xlsx", content, year)
    import_figures = await imported(coordinator, progress, args.rows)
    registered, cpu["import"] = time.monotonic() - began, meter.stop()
    log(f"registered: {args.rows} rows in {registered:.1f}s; cpu {cpu['import']}")
    meter = CpuMeter(pids).start()
    ids = [suggestion_workflow_id(year, f"{i + 1:04d}") for i in range(args.rows)]
    expected = await assign_all(http, ids, units, args.concurrency)
    assigned, cpu["assign"] = time.monotonic() - began, meter.stop()
    log(f"assigned: at {assigned:.1f}s; cpu {cpu['assign']}")
    meter = CpuMeter(pids).start()
    shown = await visible(handlers, expected)
    total, cpu["visible"] = time.monotonic() - began, meter.stop()
    log(f"visible in every worklist: at {total:.1f}s ({shown['worklist_reads']} reads)")
    return {
        "rows": args.rows, "units": len(units), "deputies": args.deputies, "import_in_flight": importing.IN_FLIGHT,
        "accept_assign_in_flight": args.concurrency,
        "loadavg_at_clock_start": load,
        "registered_s": round(registered, 2), "assigned_s": round(assigned, 2), "visible_s": round(total, 2),
        "total_s": round(total, 2), "steps_s": {"import": round(registered, 2), "accept_assign": round(assigned - registered, 2),
                                                "worklists": round(total - assigned, 2)},
        "per_row_import_ms": round(1000 * registered / args.rows, 1),
        "accept_assign_items_per_s": round(args.rows / (assigned - registered), 2),
        "import": import_figures, "worklists": shown,
        "accept_s": summary(http.timings["accept"]), "assign_s": summary(http.timings["assign"]),
        "retries_503": http.retries, "cpu_s": cpu,
        "target": f"total <= {TARGET_S:g} s", "met": total <= TARGET_S,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1000, help="rows in the spreadsheet (default 1,000)")
    parser.add_argument("--units", type=int, default=10, help="lead units, a handler each (default 10)")
    parser.add_argument("--deputies", type=int, default=30, help="deputies named as lead and co-signers (default 30)")
    parser.add_argument("--concurrency", type=int, default=20, help="items being accepted and assigned at once (default 20)")
    parser.add_argument("--import-in-flight", type=int, help="rows the import registers at once "
                        "(default: the product's, services.importing.IN_FLIGHT)")
    parser.add_argument("--keep", action="store_true", help="keep the temp directory (server db, ledger, logs)")
    args = parser.parse_args()
    if args.import_in_flight:  # the app runs in this process: its import reads the module's value
        importing.IN_FLIGHT = args.import_in_flight
    info = machine()
    with workdir(args.keep) as directory:
        log(f"{args.rows} rows, {args.units} units, {args.deputies} deputies; in flight: {importing.IN_FLIGHT} rows "
            f"of the import, {args.concurrency} items accepted and assigned")
        f = await run(args, directory)
    write_results("console_import", info, f, {
        "rows": f["rows"], "registered s": f["registered_s"], "assigned s": f["assigned_s"],
        "visible s": f["visible_s"], f"total s (≤ {TARGET_S:g})": f["total_s"], "met": "yes" if f["met"] else "no",
        "import ms/row": f["per_row_import_ms"],
        "assign p50/p95 s": f"{f['assign_s']['p50']:.3f} / {f['assign_s']['p95']:.3f}",
        "load at clock start": f["loadavg_at_clock_start"][0],
    })


if __name__ == "__main__":
    asyncio.run(main())
