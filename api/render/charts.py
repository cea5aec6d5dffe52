"""Charts of the annual report as PNG (matplotlib, Agg backend, no display needed).

Labels are Chinese when a CJK font is installed (Noto Sans CJK, WenQuanYi, Source Han, SimHei …,
e.g. Debian's fonts-noto-cjk or fonts-wqy-microhei); without one the charts are labelled in
English with unit and field codes, so no label turns into empty boxes. `CHART_LANGUAGE` says which.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Noto Serif CJK SC", "Source Han Sans SC",
    "Source Han Sans CN", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei",
    "PingFang SC", "Heiti SC", "STHeiti", "AR PL UMing CN", "AR PL UKai CN", "Droid Sans Fallback",
)
CLASS_COLOURS = {"A": "#2e7d32", "B": "#f9a825", "C": "#c62828", "D": "#6d4c41"}

TEXT = {
    "zh": {
        "classes_title": "A/B/C 类答复件数（各月末）", "classes_y": "件数",
        "satisfaction_title": "代表满意度（领衔代表最新评价）",
        "satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意", "none": "未反馈",
        "on_time_title": "各承办单位按时办复率", "on_time_x": "按时办复率",
    },
    "en": {
        "classes_title": "Replies by class A/B/C (month ends)", "classes_y": "items",
        "satisfaction_title": "Deputies' ratings (lead deputy, latest)",
        "satisfied": "satisfied", "basically_satisfied": "basically satisfied", "unsatisfied": "unsatisfied",
        "none": "no feedback",
        "on_time_title": "On-time reply rate by unit", "on_time_x": "on-time rate",
    },
}


CJK_FILES = ("wqy", "notosanscjk", "notoserifcjk", "notosanssc", "sourcehan", "simhei", "msyh", "droidsansfallback",
             "uming", "ukai", "pingfang")


@lru_cache
def cjk_font() -> str | None:
    """The family name of an installed CJK font, or None. Fonts installed after matplotlib built
    its font cache are found by their file names and added."""
    manager = font_manager.fontManager
    found = _known_family({f.name for f in manager.ttflist})
    if found:
        return found
    for path in font_manager.findSystemFonts():
        name = path.rsplit("/", 1)[-1].lower().replace("-", "").replace("_", "")
        if any(marker in name for marker in CJK_FILES):
            try:
                manager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # an unreadable font file: skip it
                continue
    return _known_family({f.name for f in manager.ttflist})


def _known_family(installed: set[str]) -> str | None:
    return next((family for family in CJK_FAMILIES if family in installed), None)


def chart_language() -> str:
    return "zh" if cjk_font() else "en"


def _figure(width: float = 7.0, height: float = 3.6) -> Figure:
    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def _font_kwargs() -> dict:
    font = cjk_font()
    return {"fontfamily": [font, "DejaVu Sans"]} if font else {}


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def classes_over_time(points: list[tuple[str, dict[str, int]]]) -> bytes:
    """Stacked bars: items of each class at each date (label, {class: count})."""
    text, kw = TEXT[chart_language()], _font_kwargs()
    figure = _figure()
    axes = figure.add_subplot()
    labels = [label for label, _ in points]
    classes = sorted({c for _, counts in points for c in counts}) or ["A", "B", "C"]
    bottom = [0] * len(points)
    for cls in classes:
        values = [counts.get(cls, 0) for _, counts in points]
        axes.bar(labels, values, bottom=bottom, label=cls, color=CLASS_COLOURS.get(cls))
        bottom = [b + v for b, v in zip(bottom, values)]
    axes.set_title(text["classes_title"], **kw)
    axes.set_ylabel(text["classes_y"], **kw)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="upper left", fontsize=8)
    axes.tick_params(axis="x", labelsize=7, labelrotation=45)
    return _png(figure)


def satisfaction(counts: dict[str, int]) -> bytes:
    """Horizontal bars of the ratings."""
    text, kw = TEXT[chart_language()], _font_kwargs()
    figure = _figure(6.0, 2.8)
    axes = figure.add_subplot()
    keys = ["satisfied", "basically_satisfied", "unsatisfied", "none"]
    values = [counts.get(k, 0) for k in keys]
    bars = axes.barh([text[k] for k in keys], values, color=["#2e7d32", "#7cb342", "#c62828", "#9e9e9e"])
    axes.bar_label(bars, fontsize=8)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.invert_yaxis()
    axes.set_title(text["satisfaction_title"], **kw)
    for label in axes.get_yticklabels():
        if kw:
            label.set_fontfamily(kw["fontfamily"])
    return _png(figure)


def on_time_by_unit(rows: list[tuple[str, str, float | None]]) -> bytes:
    """Horizontal bars: each unit's on-time reply rate, rows of (code, name, rate); labelled by name
    when Chinese can be drawn, else by code. A unit with nothing due shows 0 and '–'."""
    language = chart_language()
    text, kw = TEXT[language], _font_kwargs()
    rates = [(name if language == "zh" else code, value) for code, name, value in rows]
    figure = _figure(6.5, max(2.2, 0.4 * len(rates) + 1.2))
    axes = figure.add_subplot()
    names = [name for name, _ in rates] or ["-"]
    values = [value * 100 if value is not None else 0 for _, value in rates] or [0]
    bars = axes.barh(names, values, color="#1565c0")
    axes.bar_label(bars, labels=[f"{v * 100:.1f}%" if v is not None else "–" for _, v in rates] or ["–"], fontsize=8)
    axes.set_xlim(0, 110)
    axes.invert_yaxis()
    axes.set_title(text["on_time_title"], **kw)
    axes.set_xlabel(text["on_time_x"] + " (%)", **kw)
    for label in axes.get_yticklabels():
        if kw:
            label.set_fontfamily(kw["fontfamily"])
    return _png(figure)
