"""What every request passes on its way in and out (docs/limits.md): a size limit on bodies, and the headers
that keep browsers from guessing types or framing our pages. Pure ASGI middleware."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import MEDIA_TYPE, BodyTooLarge, language, too_large
from api.render.pages import render_page
from core.errors import TITLES_ZH, Problem
from domain.limits import REQUEST_BYTES, UPLOAD_BYTES

UPLOAD_PATHS = ("/api/v1/suggestions/import", "/console/import")  # a session's spreadsheet
# Our own pages take scripts, styles and images from the app only (charts are inline data); nobody frames them.
# Swagger UI and ReDoc (served from the app's own copies) start with an inline script, and ReDoc runs a worker.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'")
DOCS = ("/docs", "/redoc")
TEMPORAL_UI = "/temporal"  # the Temporal UI's own pages, passed through (api/temporal_ui.py): its own headers


def limit_for(path: str) -> int:
    return UPLOAD_BYTES if path in UPLOAD_PATHS else REQUEST_BYTES


async def send_problem(send: Send, scope: Scope, problem: Problem) -> None:
    """A problem answered below the app: problem JSON in the caller's language, or on a console page's address
    a page in Chinese."""
    if scope.get("path", "").startswith("/console"):
        body, media_type = render_page("console/missing.html", who=None, why=problem.zh or problem.detail,
                                       heading=TITLES_ZH.get(problem.title)).encode(), "text/html; charset=utf-8"
    else:
        body = json.dumps(problem.as_dict(language(Request(scope))), ensure_ascii=False).encode()
        media_type = MEDIA_TYPE
    await send({"type": "http.response.start", "status": problem.status, "headers": [
        (b"content-type", media_type.encode()), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """413 for a body over its path's limit: at once from Content-Length, or as soon as the bytes read pass it."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope.get("path", ""))
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await send_problem(send, scope, too_large(limit))
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


class SecurityHeaders:
    """nosniff on every response; on our HTML pages a Content-Security-Policy that forbids framing them."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                headers.append((b"x-content-type-options", b"nosniff"))
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html") and not scope.get("path", "").startswith(TEMPORAL_UI):
                    policy = DOCS_CSP if scope.get("path", "").startswith(DOCS) else CSP
                    headers += [(b"content-security-policy", policy.encode()), (b"x-frame-options", b"DENY"),
                                (b"referrer-policy", b"same-origin")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
