"""The report's charts are SVG with their labels as text (the browser's fonts set the Chinese): bars in
proportion, every label present and escaped, an empty chart saying so."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from api.render import charts

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # well-formed XML, or this raises


def texts(svg: ET.Element) -> list[str]:
    return [t.text for t in svg.iter(f"{SVG}text")]


def widths(svg: ET.Element) -> list[float]:
    return [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]


def test_on_time_rates_are_bars_in_proportion_labelled_by_unit_name():
    svg = parsed(charts.on_time_by_unit([("U1", "市教育局", 0.8), ("U2", "市交通运输局", 0.4), ("U3", "市<测试>局", None)]))
    assert svg.find(f"{SVG}title").text == "各承办单位按时办复率"
    assert {"市教育局", "市交通运输局", "市<测试>局", "80.0%", "40.0%", "—"} <= set(texts(svg))  # escaped, read back
    first, second, none = widths(svg)
    assert abs(first - 2 * second) < 0.2 and none == 0


def test_satisfaction_names_each_verdict_in_chinese_with_its_count():
    svg = parsed(charts.satisfaction({"satisfied": 7, "basically_satisfied": 1, "unsatisfied": 2, "none": 0}))
    labels = texts(svg)
    assert ["满意", "7件", "基本满意", "1件", "不满意", "2件", "未反馈", "0件"] == [t for t in labels if t][1:]
    satisfied, basically, unsatisfied, none = widths(svg)
    assert satisfied > unsatisfied > basically > none == 0


def test_classes_over_time_stack_each_month_and_show_a_legend():
    svg = parsed(charts.classes_over_time([("01-31", {"A": 0, "B": 0, "C": 0}), ("02-28", {"A": 3, "B": 2, "C": 1})]))
    assert {"01-31", "02-28", "A类", "B类", "C类"} <= set(texts(svg))
    bars = widths(svg)[:6]  # the columns' segments (the legend's squares follow)
    heights = [float(r.get("height")) for r in list(svg.iter(f"{SVG}rect"))[:6]]
    assert heights[:3] == [0, 0, 0] and heights[3] == 3 * heights[5] and len(bars) == 6


def test_an_empty_chart_says_there_is_nothing_yet():
    assert "（暂无数据）" in texts(parsed(charts.on_time_by_unit([])))
    assert "（暂无数据）" in texts(parsed(charts.classes_over_time([])))
