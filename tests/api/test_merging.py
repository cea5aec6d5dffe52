"""Merging (并案) through HTTP: a coordinator merges a suggestion into another on the same matter before
assignment — its deputy becomes a signer of the main item and still rates the reply, it keeps its number and
shows where it went, and it ends once the main item is assigned; a merge is undone until then; every refusal
says why."""

from __future__ import annotations

import asyncio


async def registered_pair(http, number: str) -> tuple[str, str]:
    main = await http.register(number, title="关于规范校外培训机构收费的建议", lead_deputy="D001", co_signers=[])
    other = await http.register(f"{number}B"[:12], title="关于加强校外培训机构预收费监管的建议", lead_deputy="D003",
                                co_signers=["D002"])
    return main, other


async def settled(http, workflow_id: str) -> dict:
    """The merged item once the main item's signal has ended it (it arrives just after the assignment)."""
    for _ in range(100):
        item = await http.get("coord", f"/suggestions/{workflow_id}")
        if item["merge_settled"]:
            return item
        await asyncio.sleep(0.1)
    raise AssertionError(f"{workflow_id} was not settled")


async def test_a_merged_suggestion_is_handled_and_rated_with_its_main_item(http, number):
    main, other = await registered_pair(http, number)
    await http.problem("h-u01", f"/suggestions/{main}/merge", {"item": other}, 403, "")
    state = await http.post("coord", f"/suggestions/{main}/merge", {"item": other})
    assert state["co_signers"] == ["D003", "D002"] and [m["workflow_id"] for m in state["merged"]] == [other]
    merged = await http.get("coord", f"/suggestions/{other}")
    assert merged["stage"] == "merged" and merged["merged_into"] == main and merged["number"] == f"{number}B"[:12]
    # Merged, it takes no action of its own; its deputy sees the main item now.
    problem = await http.problem("coord", f"/suggestions/{other}/accept", None, 409, "merged into")
    assert problem["code"] == "merge.merged" and "请在该件上办理" in problem["detail_zh"]
    assert (await http.get("dep3", f"/suggestions/{main}"))["id"] == main

    await http.post("coord", f"/suggestions/{main}/accept")
    await http.post("coord", f"/suggestions/{main}/assign", {"lead_unit": "U01"})
    assert (await settled(http, other))["stage"] == "merged"
    undo = await http.problem("coord", f"/suggestions/{main}/unmerge", {"item": other}, 409, "before the main item")
    assert undo["code"] == "merge.settled" and "并案已生效" in undo["detail_zh"]

    await http.prepare(main)
    await http.reply(main)
    state = await http.post("dep1", f"/suggestions/{main}/give-feedback", {"verdict": "satisfied"})
    assert state["stage"] == "closed"
    # Each deputy still rates: the merged item's deputies, as signers of the main item.
    await http.post("dep3", f"/suggestions/{main}/give-feedback", {"verdict": "basically_satisfied"})
    await http.post("dep2", f"/suggestions/{main}/give-feedback", {"verdict": "satisfied"})
    rated = {f["deputy"]: f["verdict"] for f in (await http.get("coord", f"/suggestions/{main}"))["feedback"]}
    assert rated == {"D001": "satisfied", "D003": "basically_satisfied", "D002": "satisfied"}


async def test_a_merge_is_undone_before_assignment(http, number):
    main, other = await registered_pair(http, number)
    await http.post("coord", f"/suggestions/{main}/merge", {"item": other})
    await http.post("coord", f"/suggestions/{main}/merge", {"item": other})  # asked twice: still one merge
    state = await http.post("coord", f"/suggestions/{main}/unmerge", {"item": other})
    assert state["co_signers"] == [] and state["merged"] == []
    again = await http.get("coord", f"/suggestions/{other}")
    assert again["stage"] == "registered" and again["merged_into"] is None
    await http.post("coord", f"/suggestions/{other}/accept")  # handled on its own again
    await http.problem("coord", f"/suggestions/{main}/unmerge", {"item": other}, 409, "not merged")


async def test_merge_refusals_say_why(http, number):
    main, other = await registered_pair(http, number)
    itself = await http.problem("coord", f"/suggestions/{main}/merge", {"item": main}, 422, "into itself")
    assert itself["code"] == "merge.same_item"
    inquiry = await http.register(f"WZ{number[1:]}", kind="inquiry", hearing="第二期“阳光问政”", period="closed",
                                  co_signers=[])
    kinds = await http.problem("coord", f"/suggestions/{main}/merge", {"item": inquiry}, 422, "cannot be merged")
    assert "并案只在同一种事项之间进行" in kinds["detail_zh"]
    await http.post("coord", f"/suggestions/{other}/accept")
    await http.post("coord", f"/suggestions/{other}/assign", {"lead_unit": "U02"})
    late = await http.problem("coord", f"/suggestions/{main}/merge", {"item": other}, 409, "not yet assigned")
    assert late["code"] == "merge.not_before_assignment" and "并案只在交办前进行" in late["detail_zh"]
    third = await http.register(f"{number}C"[:12], lead_deputy="D002", co_signers=[])
    await http.post("coord", f"/suggestions/{main}/merge", {"item": third})
    fourth = await http.register(f"{number}D"[:12], lead_deputy="D002", co_signers=[])
    chained = await http.problem("coord", f"/suggestions/{fourth}/merge", {"item": main}, 409, "has items merged")
    assert chained["code"] == "merge.has_merged"
    converted = await http.problem("coord", f"/suggestions/{main}/convert", {"reason": "转来信"}, 409, "undo those")
    assert "请先撤销并案" in converted["detail_zh"]
    await http.problem("coord", f"/suggestions/{main}/merge", {"item": "suggestion-2020-9999"}, 404, "")
