"""Driving an item through HTTP in tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


class Http:
    def __init__(self, api, tokens, year: int):
        self.api, self.tokens = api, tokens
        self.year = year  # the handling year now, on the (time-skipping) server's clock

    async def post(self, user: str, path: str, body: dict | None = None, status: int = 200) -> dict:
        response = await self.api.post(f"/api/v1{path}", json=body, headers=self.tokens[user])
        assert response.status_code == status, response.text
        return response.json()

    async def get(self, user: str, path: str, status: int = 200, **params) -> dict:
        response = await self.api.get(f"/api/v1{path}", params=params, headers=self.tokens[user])
        assert response.status_code == status, response.text
        return response.json()

    async def problem(self, user: str, path: str, body: dict | None, status: int, text: str) -> dict:
        response = await self.api.post(f"/api/v1{path}", json=body, headers=self.tokens[user])
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert {"type", "title", "status", "detail"} <= problem.keys() and problem["status"] == status
        assert text in problem["detail"], problem["detail"]
        return problem

    async def register(self, number: str, user: str = "coord", **extra) -> str:
        body = {
            "year": self.year, "period": "session", "number": number,
            "title": "关于规范校外培训机构收费的建议", "body": "建议建立预收费资金监管制度。",
            "field": "education", "lead_deputy": "D001", "co_signers": ["D002"], "received_on": f"{self.year}-01-06",
            **extra,
        }
        return (await self.post(user, "/suggestions", body, status=201))["id"]

    async def to_handling(self, sid: str, lead: str = "U01", co: list[str] = ()) -> dict:
        await self.post("coord", f"/suggestions/{sid}/accept")
        return await self.post("coord", f"/suggestions/{sid}/assign", {"lead_unit": lead, "co_units": list(co)})

    async def prepare(self, sid: str, handler: str = "h-u01") -> None:
        await self.post(handler, f"/suggestions/{sid}/sign-for-receipt")
        when = (datetime.now(timezone.utc) - timedelta(days=400)).isoformat()
        await self.post(handler, f"/suggestions/{sid}/log-contact", {"when": when, "way": "phone", "summary": "电话沟通办理思路"})

    async def reply(self, sid: str, handler: str = "h-u01", head: str = "head-u01", result_class: str = "A") -> dict:
        body = {"text": "已建立资金监管平台。", "result_class": result_class, "face_to_face": True, "replied_by": "局长",
                "publish": True, "public_text": "已建立资金监管平台。"}
        if result_class == "B":
            body["commitments"] = [{"what": "年底前覆盖全部机构", "due_on": f"{self.year + 5}-12-31"}]
        await self.post(handler, f"/suggestions/{sid}/draft-reply", body)
        await self.post(head, f"/suggestions/{sid}/sign-off-reply")
        return await self.post(self.staff(sid), f"/suggestions/{sid}/check-reply", {"accept": True})

    @staticmethod
    def staff(sid: str) -> str:
        """Who files and oversees the item: the proposals committee a proposal, the coordinator the rest."""
        return "committee" if sid.startswith("proposal-") else "coord"
