import shutil
from pathlib import Path

import pytest

from core.config_files import available_policies, load_policy
from domain.policy import Duration, PolicyError, parse_policy

CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"
NATIONAL = (CONFIG_DIR / "policies" / "national.toml").read_text(encoding="utf-8")


def d(text: str) -> Duration:
    return Duration.parse(text)


# --- durations ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, amount, unit, shown",
    [
        ("3 months", 3, "months", "3 months"),
        ("1 month", 1, "months", "1 month"),
        ("1 months", 1, "months", "1 month"),
        ("20 days", 20, "days", "20 days"),
        ("5 working_days", 5, "working_days", "5 working_days"),
        ("1 working_day", 1, "working_days", "1 working_day"),
    ],
)
def test_duration_parses_and_prints(text, amount, unit, shown):
    duration = d(text)
    assert (duration.amount, duration.unit) == (amount, unit)
    assert str(duration) == shown
    assert d(str(duration)) == duration


@pytest.mark.parametrize(
    "text, message",
    [
        ("0 months", "at least 1"),
        ("-2 days", "at least 1"),
        ("3 monts", "not a duration: '3 monts'"),
        ("three months", "not a duration"),
        ("5 working days", "not a duration"),
    ],
)
def test_bad_duration_refused(text, message):
    with pytest.raises(ValueError, match=message):
        d(text)


# --- the shipped profiles -----------------------------------------------------


def test_national_profile_numbers():
    profile = load_policy("national", CONFIG_DIR)
    assert profile.ref == "national@2025.1"
    assert profile.title == "全国默认（代表法第五十一、五十二条）"
    assert profile.result_classes == ["A", "B", "C"]
    assert profile.no_feedback_deemed_satisfied is False
    clocks = profile.clocks
    assert clocks.assignment_between_sessions == d("5 working_days")
    assert clocks.adjustment_window == d("5 working_days")
    assert clocks.co_opinion == d("1 month")
    assert clocks.reply == d("3 months")
    assert clocks.reply_extended == d("6 months")
    assert clocks.reply_between_sessions is None
    assert clocks.feedback == d("15 working_days")
    assert clocks.rehandling_order == d("5 working_days")
    assert clocks.second_reply == d("1 month")


def test_city_example_differs_from_national():
    national = load_policy("national", CONFIG_DIR)
    city = load_policy("city_example", CONFIG_DIR)
    assert city.ref == "city_example@2025.1"
    assert city.clocks.adjustment_window == d("3 working_days")
    assert city.clocks.co_opinion == d("20 days")
    assert city.clocks.reply_between_sessions == d("1 month")
    assert city.clocks.second_reply == d("2 months")
    assert city.clocks.feedback == d("10 working_days")
    assert city.clocks != national.clocks
    assert "D" in city.result_classes


def test_available_policies():
    names = available_policies(CONFIG_DIR)
    assert "national" in names and "city_example" in names
    assert names == sorted(names)


def test_profile_is_frozen():
    profile = load_policy("national", CONFIG_DIR)
    with pytest.raises(ValueError):
        profile.version = "9"


# --- refusals -----------------------------------------------------------------


def test_unknown_profile_lists_available_names():
    with pytest.raises(PolicyError) as err:
        load_policy("atlantis", CONFIG_DIR)
    message = str(err.value)
    assert "unknown policy 'atlantis'" in message
    assert "city_example" in message and "national" in message


@pytest.mark.parametrize("name", ["../national", "national.toml", "/etc/passwd", "National", ""])
def test_unsafe_profile_names_refused(name):
    with pytest.raises(PolicyError, match="is not allowed"):
        load_policy(name, CONFIG_DIR)


def test_malformed_toml_refused():
    with pytest.raises(PolicyError, match="policy 'national': not valid TOML"):
        parse_policy('name = "national"\n[clocks\n', "national")


def test_unknown_key_refused():
    text = NATIONAL.replace("[clocks]", "[clocks]\nreplay = \"3 months\"")
    with pytest.raises(PolicyError, match=r"policy 'national': clocks\.replay: unknown key"):
        parse_policy(text, "national")


def test_unknown_top_level_key_refused():
    with pytest.raises(PolicyError, match="policy 'national': colour: unknown key"):
        parse_policy('colour = "red"\n' + NATIONAL, "national")


def test_missing_clocks_refused():
    text = 'name = "national"\nversion = "1"\ntitle = "全国"\n'
    with pytest.raises(PolicyError, match="policy 'national': clocks: missing required key"):
        parse_policy(text, "national")


def test_missing_clock_refused():
    text = NATIONAL.replace('feedback = "15 working_days"', "")
    with pytest.raises(PolicyError, match=r"clocks\.feedback: missing required key"):
        parse_policy(text, "national")


def test_bad_duration_in_profile_names_the_key():
    text = NATIONAL.replace('reply = "3 months"', 'reply = "3 moons"')
    with pytest.raises(PolicyError) as err:
        parse_policy(text, "national")
    assert "policy 'national': clocks.reply: not a duration: '3 moons'" in str(err.value)


def test_zero_duration_in_profile_refused():
    text = NATIONAL.replace('feedback = "15 working_days"', 'feedback = "0 working_days"')
    with pytest.raises(PolicyError, match=r"clocks\.feedback\.amount: duration must be at least 1"):
        parse_policy(text, "national")


@pytest.mark.parametrize("extended", ["3 months", "2 months", "60 days"])
def test_extension_must_be_longer_than_reply(extended):
    text = NATIONAL.replace('reply_extended = "6 months"', f'reply_extended = "{extended}"')
    with pytest.raises(PolicyError, match=r"reply_extended \(.+\) must be longer than reply \(3 months\)"):
        parse_policy(text, "national")


def test_name_mismatch_refused():
    with pytest.raises(PolicyError, match="policy 'city': file declares name = 'national'"):
        parse_policy(NATIONAL, "city")


def test_missing_name_taken_from_the_file_name():
    text = NATIONAL.replace('name = "national"', "")
    assert parse_policy(text, "national").name == "national"


def test_result_classes_must_include_abc():
    text = NATIONAL.replace('result_classes = ["A", "B", "C"]', 'result_classes = ["A", "B"]')
    with pytest.raises(PolicyError, match="result_classes: result_classes must include A, B and C; missing C"):
        parse_policy(text, "national")


def test_load_policy_reports_errors_from_the_file(tmp_path):
    (tmp_path / "policies").mkdir()
    shutil.copy(CONFIG_DIR / "policies" / "national.toml", tmp_path / "policies" / "broken.toml")
    with pytest.raises(PolicyError, match="policy 'broken': file declares name = 'national'"):
        load_policy("broken", tmp_path)
