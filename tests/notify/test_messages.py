"""The Chinese texts: item number and title, the deadline in Beijing time, what the recipient must do."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from domain.notices import ItemRef, beijing_time, digest_key, item_label, render, render_digest, short_text

DUE = datetime(2026, 6, 5, 15, 59, 59, tzinfo=timezone.utc)  # 23:59:59 in Beijing
ITEM = ItemRef(2026, "0123", "关于加强老旧小区加装电梯的建议", DUE)
DUE_TEXT = "2026-06-05 23:59（北京时间）"


def test_item_label_and_beijing_time():
    assert item_label(2026, "0123") == "2026年第0123号建议"
    assert beijing_time(DUE) == DUE_TEXT
    assert beijing_time(datetime(2026, 6, 5, 16, 30, tzinfo=timezone.utc)) == "2026-06-06 00:30（北京时间）"


def _says(message, *parts):
    text = message.subject + "\n" + message.body
    for part in parts:
        assert part in text, f"{part!r} not in:\n{text}"


def test_blue_reminder_to_the_unit():
    m = render("reminder_blue", ITEM, role="unit_handler", kind="reply", level="blue", now=DUE - timedelta(days=15))
    assert m.subject == "【回音】2026年第0123号建议答复期限提醒"
    _says(m, "2026年第0123号建议", "《关于加强老旧小区加装电梯的建议》", f"答复期限为{DUE_TEXT}", "还有15天", "请抓紧办理")
    assert m.short.startswith("【回音】") and "还有15天" in m.short and "\n" not in m.short


def test_orange_reminder_to_the_head_and_to_the_coordinator():
    now = DUE - timedelta(days=5)
    head = render("reminder_orange", ITEM, role="unit_head", kind="reply", now=now)
    _says(head, "答复期限临近", "仅剩5天", DUE_TEXT, "报单位负责人审签", "务必于期限前")
    coord = render("reminder_orange", ITEM, role="coordinator", kind="reply", now=now)
    _says(coord, "仅剩5天", "请督促承办单位按时办理")


def test_overdue():
    m = render("reply_overdue", ITEM, role="unit_head", kind="reply", level="red", now=DUE + timedelta(seconds=1))
    assert m.subject == "【回音】2026年第0123号建议已超期（答复期限已届满）"
    _says(m, f"答复期限已于{DUE_TEXT}届满", "已超期", "请立即办理并说明超期原因")
    red = render("reminder_red", ITEM, role="coordinator")
    _says(red, "已超期", "请督促承办单位立即办理")
    # Any "<kind>_late" or "_missed" outcome reads as overdue of that kind.
    _says(render("co_opinion_late", ITEM, role="unit_handler"), "协办意见期限已于", "已超期")
    _says(render("rehandling_order_late", ITEM, role="coordinator"), "二次办理交办期限", "请及时交办二次办理")
    _says(render("key_report_missed", ITEM, role="unit_head"), "重点督办进展报告期限", "已超期")


def test_assigned():
    lead = render("assigned", ITEM, role="unit_handler", kind="reply")
    _says(lead, "交办通知", "已交办贵单位办理", f"请于{DUE_TEXT}前签收并答复")
    co = render("assigned", ITEM, role="unit_handler", kind="co_opinion")
    _says(co, "协办", f"于{DUE_TEXT}前向主办单位提交协办意见")
    no_due = render("assigned", ItemRef(2026, "0123", "标题"), role="unit_handler")
    assert "期限待定" not in no_due.body and "请及时签收" in no_due.body


def test_reply_accepted_asks_the_deputy_to_rate():
    m = render("reply_accepted", ITEM, role="deputy", kind="feedback")
    _says(m, "答复已送达", f"请于{DUE_TEXT}前对答复作出满意度评价", "满意/基本满意/不满意")
    unit = render("reply_accepted", ITEM, role="unit_head", kind="feedback")
    _says(unit, "请关注代表评价")


def test_other_actions():
    _says(render("extension_approved", ITEM, role="unit_handler"), "延期答复申请已获批准", f"延长至{DUE_TEXT}")
    _says(render("extension_refused", ITEM, role="unit_handler", detail={"reason": "理由不充分"}),
          "未获批准", "理由不充分", f"仍为{DUE_TEXT}", "请按原期限答复代表")
    _says(render("no_feedback", ITEM, role="coordinator"), "未反馈")
    _says(render("deadline_moved", ITEM, role="unit_handler", kind="reply",
                 detail={"reason": "holiday calendar 2026 revised"}), "答复期限调整为", DUE_TEXT, "节假日")
    _says(render("key_supervision_proposed", ITEM, role="coordinator", detail={"source": "overdue"}),
          "提请列为重点督办", "约谈", "主任会议")
    _says(render("key_supervision_designated", ITEM, role="unit_head"), "已列为重点督办件", "按月报送")
    _says(render("key_report_due", ITEM, role="unit_handler"), f"应于{DUE_TEXT}前报送")


def test_unknown_action_gets_a_generic_message():
    m = render("something_new_happened", ITEM, role="unit_handler")
    assert m.subject.startswith("【回音】2026年第0123号建议")
    _says(m, "《关于加强老旧小区加装电梯的建议》", "有新的办理动态", "请登录系统查看详情")


def test_digest_lists_every_item():
    items = [ItemRef(2026, f"{n:04d}", f"建议{n}", DUE + timedelta(days=n % 4)) for n in range(1, 13)]
    m = render_digest("reminder_blue", items, role="unit_handler", kind="reply", level="blue")
    assert m.subject == "【回音】12件建议答复期限提醒"
    for item in items:
        assert f"2026年第{item.number}号建议《{item.title}》" in m.body
    assert DUE_TEXT in m.body and "请抓紧办理" in m.body
    assert "12件" in m.short and DUE_TEXT in m.short
    one = render_digest("reminder_blue", items[:1], role="unit_handler", kind="reply", level="blue")
    assert one.subject == "【回音】2026年第0001号建议答复期限提醒"


def test_digest_key_and_sms_text():
    assert digest_key("reminder_blue", "reply", "blue") != digest_key("reminder_blue", "co_opinion", "blue")
    m = render("reminder_blue", ITEM, role="unit_handler", kind="reply", now=DUE - timedelta(days=15))
    assert short_text(m.subject, m.body) == m.short


def test_merging_tells_the_deputies_of_both_items_where_the_handling_goes():
    merged = render("merged", ITEM, role="deputy", detail={"into": "suggestion-2026-0100", "into_number": "0100"})
    _says(merged, "2026年第0123号建议已并案", "已并入第0100号建议，由该件一并办理、答复", "答复后请在该件中评价")
    main = render("item_absorbed", ITEM, role="deputy", detail={"item": "suggestion-2026-0123", "number": "0123"})
    _says(main, "与第0123号建议并案，由本件一并办理、答复", "各位领衔和联名代表可分别评价")
    undone = render("merge_undone", ITEM, role="deputy", detail={"from_number": "0100"})
    _says(undone, "撤销并案", "已撤销与第0100号建议的并案，恢复单独办理")
