"""HTML pages (Jinja2 templates in api/render/templates, autoescaped): the printable annual report and the
public replies page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.render import charts
from domain.calendar import SHANGHAI
from domain.figures import CLASS_NAMES, RATE_LABELS, THREE_RATES, AnnualReport

STATIC = Path(__file__).resolve().parent / "static"
TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=select_autoescape(["html"]),
)


def render_page(template: str, **context: Any) -> str:
    return TEMPLATES.get_template(template).render(**context)


def _pct(rate: dict) -> str:
    return "—" if rate["value"] is None else f"{rate['value'] * 100:.1f}%"


def _frac(rate: dict) -> str:
    return "—" if rate["value"] is None else f"{rate['numerator']}/{rate['denominator']}"


def _local(instant: str) -> str:
    """An instant of the report (ISO text) as a Beijing date, or date and minute when not a day's end."""
    moment = datetime.fromisoformat(instant).astimezone(SHANGHAI)
    return moment.strftime("%Y-%m-%d") if moment.strftime("%H:%M") == "23:59" else moment.strftime("%Y-%m-%d %H:%M")


def annual_report_page(report: AnnualReport) -> str:
    """The report as a printable page in Chinese, with its charts inline (SVG, labelled by the browser's fonts)."""
    r = report.model_dump(mode="json", exclude={"items"})
    class_keys = sorted({c for p in r["classes_over_time"] for c in p["classes"]} | {"A", "B", "C"})
    pictures = {
        "classes": charts.classes_over_time([(p["date"][5:], p["classes"]) for p in r["classes_over_time"]]),
        "satisfaction": charts.satisfaction(r["totals"]["feedback"]),
        "on_time": charts.on_time_by_unit([(u["unit"], u["name"], u["rates"]["on_time_rate"]["value"]) for u in r["units"]]),
    }
    return render_page(
        "annual_report.html",
        r=r, t=r["totals"], rates=r["rates"], rate_labels=RATE_LABELS, class_keys=class_keys, charts=pictures,
        pct=_pct, frac=_frac, three_rates=THREE_RATES, class_names=CLASS_NAMES, local=_local,
        as_of=report.as_of.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
    )
