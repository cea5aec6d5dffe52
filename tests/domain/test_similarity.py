"""Similar suggestions (相似建议, domain.similarity): character pairs, the words every suggestion shares left
out, and a score that puts a near-duplicate above an unrelated item."""

from __future__ import annotations

from domain.similarity import MIN_SCORE, STOP_WORDS, bigrams, content_pairs, key_pairs, profile, score

ELEVATORS = ("关于加快老旧小区加装电梯的建议", "建议简化加装电梯审批流程，加大财政补贴力度，建立后续维护资金。")
ELEVATORS_AGAIN = ("关于推进老旧小区加装电梯工作的建议", "建议优化加装电梯审批，加大补贴力度，解决后续维护难题。")
SCHOOLS = ("关于规范校外培训机构收费的建议", "建议建立预收费资金监管制度，明确退费规则，加强联合执法。")
ELDERLY = ("关于加强养老服务体系建设的建议", "建议增加社区养老服务设施，培养专业护理人员，发展智慧养老。")


def test_bigrams_are_neighbouring_characters_within_runs_of_letters_and_digits():
    assert bigrams("加装电梯") == ["加装", "装电", "电梯"]
    assert bigrams("停车，收费") == ["停车", "收费"]  # no pair across punctuation
    assert bigrams("停车 收费\n") == ["停车", "收费"]  # nor across whitespace
    assert bigrams("5G Small") == ["5g", "sm", "ma", "al", "ll"]  # ASCII folded to lower case
    assert bigrams("停") == [] and bigrams("") == [] and bigrams(None) == []


def test_stop_words_joining_characters_and_digits_are_left_out():
    assert {"关于", "建议", "进一步", "加强", "问题"} <= set(STOP_WORDS)
    # 关于, 加强, 的, 建议 out; and no pair straddles them (强停, 理的, 的建)
    assert content_pairs("关于加强停车管理的建议") == ["停车", "车管", "管理"]
    assert content_pairs("加快推进城市更新") == ["城市", "市更", "更新"]  # not 快推, 进城
    assert content_pairs("进一步规范2026年收费") == ["规范", "范2", "6年", "年收", "收费"]  # 20, 02, 26 out
    assert content_pairs("停车停车") == ["停车", "车停"]  # each once
    assert content_pairs("关于问题的建议") == []


def test_key_pairs_come_from_the_title_spread_over_it():
    assert key_pairs(*ELEVATORS) == ["老旧", "旧小", "小区", "区加", "加装", "装电", "电梯"]
    long_title = "关于加快推进城市更新中老旧小区加装电梯和无障碍设施改造工作的建议"
    assert key_pairs(long_title, "", limit=4) == ["城市", "旧小", "电梯", "改造"]  # from its start to its end
    short = key_pairs("关于停车的建议", "车位不足，停车收费偏高。")  # a short title: the body's first pairs help
    assert short[0] == "停车" and "车位" in short and len(short) <= 8
    assert key_pairs("关于问题的建议", "") == []


def test_a_near_duplicate_scores_above_an_unrelated_item():
    mine = profile(*ELEVATORS)
    duplicate = score(mine, profile(*ELEVATORS_AGAIN))
    unrelated = [score(mine, profile(*other)) for other in (SCHOOLS, ELDERLY)]
    assert duplicate > 0.5 > MIN_SCORE > max(unrelated) >= 0.0
    assert score(mine, mine) == 1.0
    assert score(profile(*ELEVATORS_AGAIN), mine) == duplicate  # symmetric


def test_the_title_weighs_more_than_the_body():
    same_title = score(profile(ELEVATORS[0], SCHOOLS[1]), profile(*ELEVATORS))
    same_body = score(profile(SCHOOLS[0], ELEVATORS[1]), profile(*ELEVATORS))
    assert same_title > 0.7 and same_body < 0.35 and same_title > same_body
    assert score(profile(ELEVATORS[0], ""), profile(*ELEVATORS)) == 1.0  # a body missing: the title alone
