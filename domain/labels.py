"""Chinese labels of the process's stable English values (枚举值的中文名称), for pages, notices and reports.

Codes stay English in data and in the API; people read these. Stage labels are `enums.STAGE_LABELS`, the
fields' `fields.FIELDS`, the actions' `actions.ACTIONS` (`label`).
"""

from __future__ import annotations

# What people call each field of a command or form (字段名称); a field missing here shows its English name.
FIELD_LABELS = {
    "reason": "理由", "title": "标题", "body": "内容", "lead_unit": "主办单位", "co_units": "协办单位",
    "separate_units": "分办单位（两个以上，各自答复）", "unit": "单位", "approve": "同意", "new_unit": "改由以下单位承办",
    "when": "时间", "way": "方式", "summary": "情况摘要", "text": "正文", "result_class": "办理结果分类",
    "commitments": "承诺事项及完成时限", "face_to_face": "当面答复（面复）", "replied_by": "面复人（姓名、职务）",
    "publish": "同意公开答复", "public_text": "公开文本（联系方式将自动隐去）", "no_publish_reason": "不公开的理由",
    "accept": "审核通过", "verdict": "评价", "reasons": "不满意的理由", "leader_in_charge": "包案领导",
    "council_member": "领衔督办的主任会议成员", "government_leader": "领办的政府领导", "theme": "督办主题",
    "kind": "督办活动类型", "participants": "参加人员", "number": "编号", "year": "年度", "period": "提出时间",
    "received_on": "收到日期", "field": "领域", "lead_deputy": "领衔代表", "co_signers": "附议代表",
    "delegation": "代表团", "username": "用户名", "password": "密码", "new_password": "新密码", "email": "电子邮箱",
    "name": "名称", "code": "代码", "comment": "意见", "display_name": "姓名", "role": "角色", "due_on": "完成时限",
    "what": "承诺事项", "policy": "办理规则", "phase": "沟通环节（四沟通）", "head_name": "主要负责人", "phone": "电话",
    "unit_code": "单位代码", "deputy_code": "代表代码", "level": "审查环节", "opinion": "审查意见", "hearing": "问政会议",
    "satisfied": "满意（票）", "basically_satisfied": "基本满意（票）", "unsatisfied": "不满意（票）",
    "votes_for": "赞成（票）", "votes_against": "反对（票）", "abstentions": "弃权（票）",
}

ROLE_LABELS = {
    "deputy": "人大代表",
    "coordinator": "交办督办机构",
    "unit_handler": "承办单位经办人",
    "unit_head": "承办单位负责人",
    "supervisor": "督办人",
    "admin": "系统管理员",
    "system": "系统",
    "proposal_committee": "政协提案委员会",
    "member": "政协委员",
}

LEVEL_LABELS = {"none": "正常", "blue": "蓝色提醒", "orange": "橙色预警", "red": "红色（超期）"}
RUNG_LABELS = {"blue": "蓝色提醒", "orange": "橙色预警", "red": "到期", "escalation": "提议重点督办"}
PERIOD_LABELS = {"session": "会议期间", "closed": "闭会期间"}
UNIT_ROLE_LABELS = {"lead": "主办", "co_handling": "协办", "separate": "分办"}
VERDICT_LABELS = {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意"}
CLASS_LABELS = {"A": "已解决或基本解决", "B": "正在解决或列入计划逐步解决", "C": "条件不具备、暂时无法办理",
                "D": "留作参考"}
CONTACT_PHASE_LABELS = {"before": "办前沟通", "during": "办中沟通", "at_reply": "答复时沟通", "after": "办后沟通"}
CONTACT_WAY_LABELS = {"visit": "走访", "meeting": "座谈", "phone": "电话", "liaison_station": "代表联络站", "other": "其他"}
SUPERVISION_KIND_LABELS = {
    "field_inspection": "实地视察",
    "meeting": "代表与承办单位座谈",
    "interview": "约谈承办单位负责人",
    "consultation": "约见面商",
}
KEY_STATUS_LABELS = {"proposed": "提议重点督办（待定）", "designated": "重点督办", "declined": "不列为重点督办"}

DEADLINE_LABELS = {
    "assignment": "交办期限",
    "adjustment_window": "申请调整期限",
    "co_opinion": "协办意见期限",
    "reply": "答复期限",
    "feedback": "满意度评价期限",
    "rehandling_order": "二次办理交办期限",
    "second_reply": "二次办理答复期限",
    "key_report": "重点督办进展报告期限",
    "follow_up_report": "跟踪落实进展报告期限",
    "publication": "答复公开期限",
}
DEADLINE_STATUS_LABELS = {"pending": "计时中", "met": "已按时完成", "missed": "已超期", "expired": "已届满",
                          "superseded": "已由新期限替代", "cancelled": "已取消"}

# Every event an item records, as its timeline shows it.
EVENT_LABELS = {
    "registered": "已登记",
    "filing_reviewed": "已记录审查意见",
    "project_voted": "已记录代表票决结果",
    "item_absorbed": "已有建议并入本件（并案）",
    "item_released": "已撤销并案（并入件恢复单独办理）",
    "merged": "已并案（并入他件办理）",
    "merge_undone": "已撤销并案，恢复单独办理",
    "merge_settled": "主件已交办，并案生效",
    "satisfaction_vote": "满意度测评",
    "accepted": "已审查受理",
    "returned_for_revision": "已退回完善",
    "resubmitted": "已重新提交",
    "converted": "已转为参阅件",
    "assigned": "已交办",
    "signed_for_receipt": "承办单位已签收",
    "adjustment_requested": "承办单位申请调整",
    "adjustment_refused": "调整申请未获同意",
    "reassigned": "已调整承办单位",
    "adjustment_window_closed": "申请调整期限已届满",
    "contact_logged": "已记录与代表的沟通",
    "co_opinion_submitted": "协办单位已提交协办意见",
    "extension_requested": "承办单位申请延期答复",
    "extension_approved": "延期答复已同意",
    "extension_refused": "延期答复未获同意",
    "reply_drafted": "答复已起草",
    "reply_signed_off": "答复已经单位负责人审签",
    "reply_sent_back": "答复已退回修改",
    "reply_accepted": "答复已审核通过，送代表评价",
    "reply_published": "答复已公开",
    "reply_not_published": "答复不予公开",
    "publication_withdrawn": "答复已撤回公开",
    "feedback_given": "代表已作出评价",
    "no_feedback": "评价期限内代表未评价",
    "rehandling_ordered": "已交办二次办理",
    "consultation_due": "须约见面商",
    "interview_due": "须约谈承办单位负责人",
    "key_supervision_proposed": "提议列为重点督办",
    "key_supervision_designated": "已列为重点督办",
    "key_supervision_declined": "不列为重点督办",
    "key_progress_reported": "已报送重点督办进展",
    "supervision_action_recorded": "已记录督办活动",
    "supervision_opinion_added": "已提出督办意见",
    "progress_reported": "已报告落实进展",
    "reclassified": "已改为A类，请代表再次评价",
    "reclassification_disputed": "代表不认可改为A类，继续跟踪",
    "clock_paused": "办理期限已暂停计算",
    "clock_resumed": "办理期限已恢复计算",
    "deadline_set": "已设定期限",
    "deadline_moved": "期限已调整",
    "reminder_blue": "蓝色提醒：期限将至",
    "reminder_orange": "橙色预警：期限临近",
    "reply_overdue": "答复已超期",
    "assignment_overdue": "交办已超期",
    "co_opinion_late": "协办意见已逾期",
    "rehandling_order_late": "二次办理交办已逾期",
    "key_report_missed": "重点督办进展报告逾期",
    "follow_up_report_missed": "跟踪落实进展报告逾期",
    "carried_over": "已结转下一年度跟踪督办",
    "policy_migrated": "办理规则已迁移",
    "closed": "已办结",
}
