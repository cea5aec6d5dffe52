"""The Temporal UI behind the console's login (监督台): /temporal/… is passed on to the UI server at
HUIYIN_TEMPORAL_UI_URL (`make run` starts the dev server's UI under the path /temporal and points this at it).

Why a passage: the UI calls the codec endpoint from the browser. Served from the console's own origin, those
calls carry the console's session cookie (a cross-origin call would carry none unless every browser were set
to send credentials), so an operator who logged into the console sees items decoded in the UI — one login.
Staff only (a deputy has no business in the engine room); the codec endpoint still decides who sees plaintext.

The UI shows an item's summary and details (Markdown) in a frame from its /render page, which the UI server
(2.54) does not serve under a public path: this passage renders those itself (`render`), safely — raw HTML
is not passed through, only Markdown.
"""

from __future__ import annotations

from html import escape

import httpx
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from markdown_it import MarkdownIt
from starlette.background import BackgroundTask

from api.console.visitor import Visitor, page, visitor
from core.settings import Settings
from domain.enums import UNIT_ROLES
from ledger.queries import SEES_ALL

PATH = "/temporal"
STAFF = (*SEES_ALL, *UNIT_ROLES)  # the office, the supervisors and the units: not deputies
# Headers that belong to one hop, not to the message (RFC 9110 §7.6.1), and ours that the UI must not see.
HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding",
       "upgrade", "host", "cookie", "content-length"}
router = APIRouter(include_in_schema=False)
MARKDOWN = MarkdownIt("commonmark", {"html": False})  # raw HTML in a summary shows as text
# The frame's page: no script, styles inline, nothing loaded; the UI measures <main> to size the frame.
RENDERED = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><base target="_blank">
<style>*{{margin:0;padding:0}}body{{font:14px/20px system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;
color:{ink};padding:{pad}}}main p,main ul,main ol{{margin:0 0 .4em}}main ul,main ol{{padding-left:1.4em}}
code{{font-family:monospace}}</style></head><body class="{mode}"><main>{html}</main></body></html>"""
RENDER_CSP = ("default-src 'none'; style-src 'unsafe-inline'; base-uri 'self'; frame-ancestors 'self'; "
              "form-action 'none'; sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox")


def _request_headers(request: Request) -> list[tuple[str, str]]:
    headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP]
    theirs = "; ".join(f"{k}={v}" for k, v in request.cookies.items() if not k.startswith("huiyin_"))
    return headers + ([("cookie", theirs)] if theirs else [])


@router.get(PATH)
def ui_root() -> RedirectResponse:
    return RedirectResponse(PATH + "/", status_code=307)


@router.get(PATH + "/render", response_class=HTMLResponse)
def render(request: Request, who: Visitor = Depends(visitor), content: str = Query("", max_length=20_000),
           theme: str = "light", compact: bool = False) -> HTMLResponse:
    """The UI's Markdown frame (an item's summary and current details), rendered here (see the module's note)."""
    if who.actor.role not in STAFF:
        return HTMLResponse("", status_code=403)
    html = MARKDOWN.render(content) if content else ""
    page_html = RENDERED.format(html=html, ink="#e5e7eb" if theme.startswith("dark") else "#111827",
                                pad="0" if compact else "8px 12px", mode=escape("compact" if compact else "prose"))
    return HTMLResponse(page_html, headers={"content-security-policy": RENDER_CSP, "x-frame-options": "SAMEORIGIN"})


@router.api_route(PATH + "/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])
async def ui(rest: str, request: Request, who: Visitor = Depends(visitor)) -> Response:
    if who.actor.role not in STAFF:
        return page(request, "missing.html", who, 403, what="Temporal 监督台",
                    why="Temporal 监督台供交办督办机构、督办人和承办单位使用；代表请在“待办”中查看本人建议的办理情况。")
    client: httpx.AsyncClient | None = request.app.state.temporal_ui
    if client is None:
        return page(request, "missing.html", who, 404, what="Temporal 监督台",
                    why="本系统未配置 Temporal 界面（HUIYIN_TEMPORAL_UI_URL）：请联系系统管理员。")
    target = rest + (f"?{request.url.query}" if request.url.query else "")  # the query as sent, not re-encoded
    upstream_request = client.build_request(request.method, target, headers=_request_headers(request),
                                            content=await request.body())
    try:
        upstream = await client.send(upstream_request, stream=True)
    except httpx.HTTPError:
        return page(request, "missing.html", who, 502, what="Temporal 监督台",
                    why="暂时连不上 Temporal 界面：请稍后刷新；如持续出现，请联系系统管理员检查 Temporal 服务。")
    response = StreamingResponse(upstream.aiter_raw(), status_code=upstream.status_code,
                                 background=BackgroundTask(upstream.aclose))
    response.raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in upstream.headers.multi_items()
                            if k.lower() not in HOP - {"content-length"}]
    return response


def install(app: FastAPI, settings: Settings) -> None:
    """The passage, when the UI's address is configured; its client is closed with the app."""
    url = settings.huiyin_temporal_ui_url
    app.state.temporal_ui = httpx.AsyncClient(base_url=url.rstrip("/") + "/", timeout=60) if url else None
    app.include_router(router)
