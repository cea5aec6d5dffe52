"""Public pages (答复公开), no login: published replies with contact details removed, and the
year's aggregate statistics. Only what ledger.published lets out is served here."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.deps import SessionDep, parse_as_of
from api.params import AsOf, PageNo, SearchText, Year, YearOrAll
from api.render.pages import render_page
from api.schemas import Page
from domain.calendar import SHANGHAI
from domain.fields import FIELDS
from ledger.directory import unit_names
from ledger.published import PublicReply, public_replies, public_statistics

router = APIRouter(tags=["public"])
PublicPageSize = Annotated[int, Query(ge=1, le=100)]
Text = SearchText
FormYear = Annotated[str | None, Query(max_length=4, pattern=r"^([0-9]{4})?$", description="empty: any year")]


@router.get("/public/v1/replies", response_model=Page[PublicReply])
def replies(session: SessionDep, year: YearOrAll = None, unit: Text = None, field: Text = None, q: Text = None,
            page: PageNo = 1, page_size: PublicPageSize = 20) -> dict[str, Any]:
    """Published replies, newest first; filters year, unit (code), field (code), q (words in the title
    or the published text)."""
    items, total = public_replies(session, year, unit, field, q, page, page_size)
    return {"items": items, "total": total, "page": page, "page_size": page_size}


@router.get("/public/v1/statistics")
def statistics(session: SessionDep, year: Year, as_of: AsOf = None) -> dict[str, Any]:
    """The year's aggregate figures (counts and rates, per unit and field); no item, no person."""
    return public_statistics(session, year, parse_as_of(as_of))


@router.get("/public/replies", response_class=HTMLResponse)
def replies_page(session: SessionDep, year: FormYear = None, unit: Text = None, field: Text = None, q: Text = None,
                 page: PageNo = 1) -> HTMLResponse:
    """The published replies as a plain page (the same data as /public/v1/replies); the search form
    sends empty fields, which mean "any"."""
    page_size = 20
    year = int(year) if year and 2000 <= int(year) <= 2100 else None
    items, total = public_replies(session, year, unit or None, field or None, q or None, page, page_size)
    query = {k: v for k, v in {"year": year, "unit": unit, "field": field, "q": q}.items() if v}

    def link(n: int) -> str:
        return "?" + urlencode({**query, "page": n})

    shown = [
        {**r.model_dump(), "published_on": r.published_at.astimezone(SHANGHAI).strftime("%Y-%m-%d")} for r in items
    ]
    html = render_page(
        "public_replies.html",
        items=shown, total=total, page=page, year=year, unit=unit, field=field, q=q,
        units=list(unit_names(session).items()),
        fields=list(FIELDS.items()),
        prev_url=link(page - 1) if page > 1 else None,
        next_url=link(page + 1) if page * page_size < total else None,
    )
    return HTMLResponse(html)
