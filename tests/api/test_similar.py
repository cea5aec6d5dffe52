"""Similar suggestions (相似建议) through the API (GET /suggestions/{id}/similar) and on the console's item
page: found, ranked, and only what the reader may open."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from tests.api.conftest import PASSWORD

BODY = "建议在滨江绿道沿线增设夜间照明设施，保障市民夜跑安全。"


def unlike_any(number: str) -> str:
    """Chinese text no other item resembles: eight characters drawn by the test's number from the 20,000 of the
    CJK block (from a small alphabet, two tests' texts shared enough pairs to be found alike)."""
    digest = hashlib.sha256(number.encode()).digest()
    return "".join(chr(0x4E00 + int.from_bytes(digest[i:i + 2], "big") % 20000) for i in range(0, 16, 2))


@pytest.fixture
async def items(http, number) -> dict[str, str]:
    """Ours (U01), its twin handled and answered by U02 (class A), and an unrelated one of U01."""
    mine = await http.register(number, title=f"关于{number}滨江绿道夜间照明改造的建议", body=BODY)
    twin = await http.register(f"{number}-2", title=f"关于滨江绿道{number}夜间照明设施改造的建议", body=BODY)
    unrelated = await http.register(f"{number}-3", title=f"关于{unlike_any(number)}的建议", body=f"{unlike_any(number)}。")
    for sid, unit in ((mine, "U01"), (twin, "U02"), (unrelated, "U01")):
        await http.to_handling(sid, lead=unit)
    await http.prepare(twin, handler="h-u02")
    await http.reply(twin, handler="h-u02", head="head-u02", result_class="A")
    return {"mine": mine, "twin": twin, "unrelated": unrelated}


async def test_the_api_lists_similar_items_the_reader_may_open(http, items):
    found = await http.get("coord", f"/suggestions/{items['mine']}/similar")
    ids = [f["id"] for f in found]
    assert ids[0] == items["twin"] and items["unrelated"] not in ids and items["mine"] not in ids
    assert found[0]["score"] > 0.5 and found[0]["lead_unit"] == "U02" and found[0]["result_class"] == "A"
    assert items["twin"] not in [f["id"] for f in await http.get("h-u01", f"/suggestions/{items['mine']}/similar")]
    seen_by_u02 = {f["id"] for f in await http.get("h-u02", f"/suggestions/{items['twin']}/similar")}
    assert not seen_by_u02 & {items["mine"], items["unrelated"]}  # U01's: not theirs
    await http.get("h-u02", f"/suggestions/{items['mine']}/similar", status=404)  # an item they may not open
    assert len(await http.get("coord", f"/suggestions/{items['mine']}/similar", limit=1)) == 1
    for limit in (0, 21):
        await http.get("coord", f"/suggestions/{items['mine']}/similar", status=422, limit=limit)


async def console_page(api, username: str, path: str) -> str:
    """A console page as a user signed in on a client of their own (the shared one keeps no cookie)."""
    async with httpx.AsyncClient(transport=api._transport, base_url="http://test") as client:
        response = await client.post("/console/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 303, response.text
        page = await client.get(path)
        assert page.status_code == 200
        return page.text


async def test_the_item_page_shows_the_similar_items_the_reader_may_open(api, items):
    page = await console_page(api, "coord", f"/console/items/{items['mine']}")
    card = page.split("<h2>相似建议</h2>", 1)[1].split("</section>", 1)[0]
    assert f'href="/console/items/{items["twin"]}"' in card and items["unrelated"] not in card
    number = items["twin"].split("-", 2)[2]
    assert f"年第{number}号" in card and "市财政局" in card and "A类（已解决或基本解决）" in card and "%</td>" in card
    assert "待代表反馈" in card  # the twin's stage, in Chinese
    handler_page = await console_page(api, "h-u01", f"/console/items/{items['mine']}")
    card = handler_page.split("<h2>相似建议</h2>", 1)[1].split("</section>", 1)[0]
    assert items["twin"] not in card and "市财政局" not in card  # U02's twin is not listed to U01
    alone = await console_page(api, "h-u01", f"/console/items/{items['unrelated']}")
    assert "<h2>相似建议</h2>" in alone and "未发现您可查看的相似建议" in alone and "<th>相似度</th>" not in alone
