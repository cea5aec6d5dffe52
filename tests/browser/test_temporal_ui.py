"""The Temporal UI as the oversight desk (监督台), in a real browser against the real dev server's UI, as
`make run` runs it: passed on behind the console's login, decoding with the console's session, payloads
encrypted. An operator sees items decoded; a unit handler sees the same pages without plaintext."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.browser.test_console import DESK, browser, shots, signed_in  # noqa: F401 (fixtures)
from tests.system import running_system

TITLE = "关于加快城区停车设施建设的建议"
UI_WAIT = 20_000  # ms: the UI is a single-page application that loads its data after the page


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    with running_system(tmp_path_factory.mktemp("temporal-ui"), ui=True) as running:
        yield running


@pytest.fixture(scope="module")
def item(system) -> str:
    """An item registered and assigned to U01, waiting on its clocks."""
    headers = {"Authorization": f"Bearer {system.token('coord')}"}
    new = {"year": 2026, "period": "session", "title": TITLE, "body": "建议在老城区挖潜建设立体停车库。",
           "field": "urban_management", "lead_deputy": "D001", "co_signers": ["D002"], "received_on": "2026-12-01"}
    with httpx.Client(base_url=f"{system.base}/api/v1", headers=headers, timeout=30) as api:
        created = api.post("/suggestions", json=new)
        assert created.status_code == 201, created.text
        workflow_id = created.json()["workflow_id"]
        assert api.post(f"/suggestions/{workflow_id}/accept", json={}).status_code == 200
        assert api.post(f"/suggestions/{workflow_id}/assign", json={"lead_unit": "U01"}).status_code == 200
    return workflow_id


def test_an_operator_reaches_the_ui_from_the_console_and_reads_every_item_decoded(browser, system, shots, item):  # noqa: F811
    page = signed_in(browser, system, "coord")
    page.get_by_role("link", name="在 Temporal 中查看").click()
    page.wait_for_url(f"{system.base}/console/temporal")
    page.screenshot(path=str(shots / "temporal-views.png"), full_page=True)
    # One click from a saved view to the UI's list, filtered by its query.
    page.get_by_role("link", name="本年度全部在办件").click()
    page.wait_for_url(re.compile(r".*/temporal/namespaces/default/workflows\?query=.*"))
    page.get_by_role("link", name=item).first.wait_for(timeout=UI_WAIT)
    # The list reads in Chinese once its ItemLine column is added (the browser keeps the choice).
    page.get_by_role("button", name="Configure Columns").click()
    page.get_by_role("button", name="Add ItemLine column").click()
    for column in ("Run ID", "Type", "End"):  # room for it
        page.get_by_role("button", name=f"Remove {column} column").click()
    page.reload()  # the drawer closed; the column stays (the browser keeps it)
    number = item.rsplit("-", 1)[1]
    page.get_by_text(f"2026年第{number}号 · 办理中 · 正常 · 主办U01").wait_for(timeout=UI_WAIT)
    assert TITLE not in page.inner_text("body")  # the title stays in the encrypted summary, not in the list
    page.screenshot(path=str(shots / "temporal-list.png"))

    page.get_by_role("link", name=item).first.click()
    # The timeline: each timer says which clock, its last day, which rung — decoded through the console's session.
    page.get_by_text(re.compile(r"申请调整期限 \d{4}-\d{2}-\d{2} · 橙色预警（U01）")).first.wait_for(timeout=UI_WAIT)
    page.screenshot(path=str(shots / "temporal-item.png"))
    page.get_by_text("User Metadata").first.click()
    summary = page.frame_locator("#user-metadata-summary").get_by_text(re.compile(rf"2026年第\d+号 {TITLE}"))
    summary.wait_for(timeout=UI_WAIT)
    details = page.frame_locator("iframe").nth(1)
    details.get_by_text("办理阶段：办理中").wait_for(timeout=UI_WAIT)
    details.get_by_text("当前承办：承办单位 U01").wait_for(timeout=UI_WAIT)
    page.screenshot(path=str(shots / "temporal-details.png"))
    page.context.close()


def test_a_unit_handler_sees_the_same_page_without_plaintext(browser, system, shots, item):  # noqa: F811
    page = signed_in(browser, system, "h-u01")
    refused = []
    page.on("response", lambda r: refused.append(r.status) if "/codec/decode" in r.url else None)
    page.goto(f"{system.base}/temporal/namespaces/default/workflows/{item}")
    page.get_by_text("Event History").first.wait_for(timeout=UI_WAIT)
    page.wait_for_timeout(3000)  # the UI's decode calls and the frames
    assert refused and set(refused) == {403}  # the codec refused this session every time
    text = page.inner_text("body") + "".join(frame.inner_text("body") for frame in page.frames[1:])
    assert TITLE not in text and "申请调整期限" not in text and "办理阶段" not in text
    page.screenshot(path=str(shots / "temporal-no-plaintext.png"))
    page.context.close()


def test_a_deputy_is_not_let_into_the_engine_room(browser, system):  # noqa: F811
    page = signed_in(browser, system, "dep1")
    response = page.goto(f"{system.base}/temporal/namespaces/default/workflows")
    assert response.status == 403
    assert "Temporal 监督台供交办督办机构、督办人和承办单位使用" in page.inner_text("main")
    page.context.close()
