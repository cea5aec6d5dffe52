"""GET /api/v1/me/notifications and marking read, on the shared ledger the API serves."""

from __future__ import annotations

from tests.notify.conftest import BLUE_AT, DUE, emit, new_item


async def _inbox(api, tokens, user: str, **params) -> dict:
    response = await api.get("/api/v1/me/notifications", params={"page_size": 500, **params}, headers=tokens[user])
    assert response.status_code == 200, response.text
    return response.json()


def _mine(page: dict, workflow_id: str) -> list[dict]:
    return [n for n in page["items"] if n["workflow_id"] == workflow_id]


async def test_inbox_list_read_and_read_all(api, tokens, sessions):
    first, second = new_item(), new_item()
    for state in (first, second):
        emit(sessions, state, "reminder_blue", "U01", at=BLUE_AT, deadline="reply:U01:1", kind="reply", level="blue",
             due_at=DUE.isoformat(), notify={"roles": ["unit_handler", "coordinator"], "units": ["U01"], "deputies": []})
    emit(sessions, second, "reply_overdue", "U01", deadline="reply:U01:1", kind="reply", level="red",
         due_at=DUE.isoformat(), notify={"roles": ["unit_handler"], "units": ["U01"], "deputies": []})

    page = await _inbox(api, tokens, "h-u01", unread="true")
    assert {"items", "total", "page", "page_size"} <= page.keys() and page["page"] == 1 and page["page_size"] == 500
    mine = _mine(page, second.workflow_id)
    assert [n["action"] for n in mine] == ["reply_overdue", "reminder_blue"]  # newest first
    overdue = mine[0]
    assert overdue["read_at"] is None and overdue["number"] == second.number and overdue["title"] == second.title
    assert overdue["subject"] == f"【回音】2026年第{second.number}号建议已超期（答复期限已届满）"
    assert "2026-06-05 23:59（北京时间）" in overdue["body"]
    assert len(_mine(page, first.workflow_id)) == 1
    assert not _mine(await _inbox(api, tokens, "h-u02"), first.workflow_id)  # another unit hears nothing
    paged = await _inbox(api, tokens, "h-u01", page_size=1, page=2)
    assert len(paged["items"]) == 1 and paged["total"] == (await _inbox(api, tokens, "h-u01"))["total"]

    # Read one: it leaves the unread list, and keeps the time it was first read.
    response = await api.post(f"/api/v1/me/notifications/{overdue['id']}/read", headers=tokens["h-u01"])
    assert response.status_code == 200 and response.json()["read_at"]
    again = await api.post(f"/api/v1/me/notifications/{overdue['id']}/read", headers=tokens["h-u01"])
    assert again.json()["read_at"] == response.json()["read_at"]
    unread = await _inbox(api, tokens, "h-u01", unread="true")
    assert [n["action"] for n in _mine(unread, second.workflow_id)] == ["reminder_blue"]
    assert [n["id"] for n in _mine(await _inbox(api, tokens, "h-u01", unread="false"), second.workflow_id)] == [overdue["id"]]

    # Someone else's notification is not there for you (404 problem JSON), and stays unread.
    [coords] = _mine(await _inbox(api, tokens, "coord"), first.workflow_id)
    stolen = await api.post(f"/api/v1/me/notifications/{coords['id']}/read", headers=tokens["h-u01"])
    assert stolen.status_code == 404 and stolen.headers["content-type"].startswith("application/problem+json")
    assert stolen.json()["status"] == 404 and "notification" in stolen.json()["detail"]
    missing = await api.post("/api/v1/me/notifications/999999999/read", headers=tokens["h-u01"])
    assert missing.status_code == 404

    # Read all: mine only.
    response = await api.post("/api/v1/me/notifications/read-all", headers=tokens["h-u01"])
    assert response.status_code == 200 and response.json()["updated"] >= 2
    assert (await _inbox(api, tokens, "h-u01", unread="true"))["total"] == 0
    [coords] = _mine(await _inbox(api, tokens, "coord", unread="true"), first.workflow_id)
    assert coords["read_at"] is None


async def test_inbox_needs_a_login(api):
    response = await api.get("/api/v1/me/notifications")
    assert response.status_code == 401 and response.headers["content-type"].startswith("application/problem+json")
