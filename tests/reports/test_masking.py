"""Contact details are removed from text before it goes public (domain.masking)."""

from __future__ import annotations

import pytest

from domain.masking import ACCOUNT_MARK, EMAIL_MARK, ID_MARK, PHONE_MARK, has_contacts, mask_contacts

REPLY = (
    "尊敬的张伟代表：您提出的《关于加强老旧小区加装电梯的建议》收悉。经研究，我局已将加装电梯纳入2025年度民生实事，"
    "补贴标准提高至每台20万元，全年计划完成120台。如有疑问，请联系城建科王科长，联系电话：0374-2961234，"
    "手机13937451234，或发送邮件至 wangkz@xcjs.gov.cn。代表本人身份证号41100219800101123X，"
    "联系手机 139 3745 1235。办理单位：许昌市住房和城乡建设局，2025年6月30日。"
)


def test_a_realistic_reply_keeps_its_substance_and_loses_contacts():
    masked = mask_contacts(REPLY)
    for secret in ("0374-2961234", "13937451234", "wangkz@xcjs.gov.cn", "41100219800101123X", "139 3745 1235"):
        assert secret not in masked
    assert masked.count(PHONE_MARK) == 3 and masked.count(EMAIL_MARK) == 1 and masked.count(ID_MARK) == 1
    # Amounts, counts, years and dates stay.
    for kept in ("2025年度民生实事", "每台20万元", "120台", "2025年6月30日", "王科长", "许昌市住房和城乡建设局"):
        assert kept in masked
    assert has_contacts(REPLY) and not has_contacts(masked)


@pytest.mark.parametrize("number", [
    "13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "+8613812345678", "0086-13812345678",
    "１３８１２３４５６７８", "199-0000-1111", "166 6666 0000",
])
def test_mobile_numbers(number):
    assert mask_contacts(f"请拨打{number}咨询") == f"请拨打{PHONE_MARK}咨询"


@pytest.mark.parametrize("number", [
    "0374-2961234", "010-65123456", "(010)65123456", "(0371) 6512 3456", "0371 6512 3456", "021-6512-3456",
    "0371-65123456-8012", "0371-65123456转8012", "（０３７１）６５１２３４５６",
])
def test_landlines_with_area_codes(number):
    assert mask_contacts(f"办公室{number}。") == f"办公室{PHONE_MARK}。"


@pytest.mark.parametrize("text, masked", [
    ("联系电话：6512345", f"联系电话：{PHONE_MARK}"),
    ("值班电话 65123456", f"值班电话 {PHONE_MARK}"),
    ("传真：0371-65123457", f"传真：{PHONE_MARK}"),
    ("Tel: 65123456", f"Tel: {PHONE_MARK}"),
    ("QQ：12345678", f"QQ：{ACCOUNT_MARK}"),
    ("微信号：zhang_wei88", f"微信号：{ACCOUNT_MARK}"),
    ("邮箱：Zhang.Wei+jy@163.com。", f"邮箱：{EMAIL_MARK}。"),
    ("身份证号码110105199912310021", f"身份证号码{ID_MARK}"),
    ("身份证 11010519991231002x，", f"身份证 {ID_MARK}，"),
])
def test_labelled_numbers_accounts_emails_and_ids(text, masked):
    assert mask_contacts(text) == masked


@pytest.mark.parametrize("text", [
    "市民可拨打12345政务服务便民热线反映问题。",
    "全年投入资金120000000元，惠及36000户。",
    "文号：许政办〔2025〕12号，2025年3月10日印发。",
    "共办理建议158件，面复率93.5%，满意率100%。",
    "项目编号2025031012345678901。",  # a 19-digit number is not an ID
    "第二季度完成投资3.5亿元，同比增长13.8%。",
    "一是加快审批，二是提高补贴，三是协调低层住户，四五六月份完成首批。",
    "",
])
def test_ordinary_numbers_stay(text):
    assert mask_contacts(text) == text


@pytest.mark.parametrize("disguised", [
    "138.0013.8004", "138 0013 8004", "1 3 8 0 0 1 3 8 0 0 4", "138/0013/8004", "138_0013_8004",
    "1\u200b3\u200b8\u200b0\u200b0\u200b1\u200b3\u200b8\u200b0\u200b0\u200b4", "138\u20600013\u20608004",
    "(138)00138004", "138·0013·8004", "138\u30000013\u30008004", "1３８.００１３.８００４",
    "一三八零零一三八零零四", "壹叁捌〇〇壹叁捌〇〇肆", "一三八 零零一三 八零零四",
])
def test_numbers_disguised_by_what_stands_between_their_digits(disguised):
    assert mask_contacts(f"我的手机{disguised}，欢迎来电") == f"我的手机{PHONE_MARK}，欢迎来电"


@pytest.mark.parametrize("disguised", [
    "110105 19991231 002X", "110105-19991231-0021", "1101 0519 9912 3100 21", "110105\u200b19991231\u200b0021",
])
def test_an_id_number_in_groups(disguised):
    assert mask_contacts(f"身份证{disguised}。") == f"身份证{ID_MARK}。"


def test_a_landline_with_dots():
    assert mask_contacts("请致电0371.6512.3456。") == f"请致电{PHONE_MARK}。"
