"""Report charts render as PNG with or without a CJK font (English labels and codes without one)."""

from __future__ import annotations

import pytest

from api.render import charts

PNG = b"\x89PNG\r\n\x1a\n"


def draw_all() -> list[bytes]:
    return [
        charts.classes_over_time([("01-31", {"A": 0, "B": 0, "C": 0}), ("02-28", {"A": 3, "B": 2, "C": 1})]),
        charts.satisfaction({"satisfied": 7, "basically_satisfied": 1, "unsatisfied": 1, "none": 0}),
        charts.on_time_by_unit([("U1", "市教育局", 0.8), ("U2", "市交通运输局", None)]),
        charts.on_time_by_unit([]),
    ]


def test_without_a_cjk_font_charts_are_labelled_in_english(monkeypatch):
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    assert charts.chart_language() == "en"
    assert all(png.startswith(PNG) for png in draw_all())
    assert charts.data_uri(b"abc") == "data:image/png;base64,YWJj"


def test_with_a_cjk_font_charts_are_labelled_in_chinese():
    if charts.cjk_font() is None:
        pytest.skip("no CJK font installed (e.g. apt-get install fonts-wqy-microhei)")
    assert charts.chart_language() == "zh"
    assert all(png.startswith(PNG) for png in draw_all())
