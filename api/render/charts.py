"""Charts of the annual report as inline SVG: bars as rectangles and every label as text, so the reader's
browser (or printer) sets the Chinese in its own fonts — the server needs no font, and nothing is drawn as
pixels. Three small bar charts do not need a charting library; each function returns markup ready for a
template (`markupsafe.Markup`), with a <title> for screen readers.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from domain.labels import VERDICT_LABELS

CLASS_COLOURS = {"A": "#2e7d32", "B": "#f9a825", "C": "#c62828", "D": "#6d4c41"}
FEEDBACK = [("satisfied", "#2e7d32"), ("basically_satisfied", "#7cb342"), ("unsatisfied", "#c62828"), ("none", "#9e9e9e")]
WIDTH = 640  # the drawing's own units; it scales to the page's width
LABEL_WIDTH = 170  # room for a unit's name on the left of its bar
ROW = 26  # one horizontal bar's height with its gap


def _svg(title: str, height: int, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
        f'<text x="{WIDTH / 2}" y="18" text-anchor="middle" class="chart-title">{escape(title)}</text>'
        + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, words: str, anchor: str = "start", css: str = "") -> str:
    css_attribute = f' class="{css}"' if css else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{css_attribute}>{escape(words)}</text>'


def _bar(x: float, y: float, width: float, height: float, colour: str) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{height:.1f}" fill="{colour}"/>'


def horizontal_bars(title: str, rows: list[tuple[str, float, str, str]], top: float) -> Markup:
    """Rows of (label, value, the value as written, colour), longest bar `top`."""
    height = 34 + ROW * max(len(rows), 1) + 8
    room = WIDTH - LABEL_WIDTH - 70
    body = []
    for i, (label, value, written, colour) in enumerate(rows):
        y = 34 + i * ROW
        width = room * value / top if top else 0
        body += [_text(LABEL_WIDTH - 8, y + 15, label, "end"), _bar(LABEL_WIDTH, y + 2, width, ROW - 8, colour),
                 _text(LABEL_WIDTH + width + 6, y + 15, written, css="value")]
    if not rows:
        body.append(_text(WIDTH / 2, 50, "（暂无数据）", "middle", "value"))
    return _svg(title, height, body)


def satisfaction(counts: dict[str, int]) -> Markup:
    """The deputies' ratings (满意度): one bar per verdict, with "no feedback" last."""
    names = {**VERDICT_LABELS, "none": "未反馈"}
    rows = [(names[key], counts.get(key, 0), f"{counts.get(key, 0)}件", colour) for key, colour in FEEDBACK]
    return horizontal_bars("代表满意度（领衔代表最新评价）", rows, max([v for _, v, _, _ in rows] + [1]))


def on_time_by_unit(rows: list[tuple[str, str, float | None]]) -> Markup:
    """Each unit's on-time reply rate (按时办复率), rows of (code, name, rate); '—' for a unit with nothing due."""
    bars = [(name or code, (rate or 0) * 100, f"{rate * 100:.1f}%" if rate is not None else "—", "#1565c0")
            for code, name, rate in rows]
    return horizontal_bars("各承办单位按时办复率", bars, 100)


def classes_over_time(points: list[tuple[str, dict[str, int]]]) -> Markup:
    """Stacked columns: the replies of each class (A/B/C类) at each month end, with a legend."""
    classes = sorted({c for _, counts in points for c in counts}) or ["A", "B", "C"]
    height, bottom, left = 260, 220, 40
    top = max([sum(counts.values()) for _, counts in points] + [1])
    step = (WIDTH - left - 10) / max(len(points), 1)
    body = [f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - 10}" y2="{bottom}" stroke="#999"/>',
            _text(left - 6, bottom, "0", "end", "value"), _text(left - 6, 44, str(top), "end", "value")]
    for i, (label, counts) in enumerate(points):
        x, y = left + i * step + step * 0.15, bottom
        for cls in classes:
            h = (bottom - 40) * counts.get(cls, 0) / top
            y -= h
            body.append(_bar(x, y, step * 0.7, h, CLASS_COLOURS.get(cls, "#607d8b")))
        body.append(_text(x + step * 0.35, bottom + 16, label, "middle", "value"))
    for i, cls in enumerate(classes):  # the legend, top left
        body += [_bar(left + 10 + i * 60, 30, 12, 12, CLASS_COLOURS.get(cls, "#607d8b")),
                 _text(left + 26 + i * 60, 41, f"{cls}类", css="value")]
    if not points:
        body.append(_text(WIDTH / 2, 130, "（暂无数据）", "middle", "value"))
    return _svg("A/B/C类答复件数（各月末）", height, body)
