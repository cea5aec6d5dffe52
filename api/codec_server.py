"""The codec endpoint (Temporal codec-server protocol) so the Temporal UI shows plaintext to authorised operators only.

    POST /codec/decode   {"payloads": [{"metadata": {"encoding": "<base64>", ...}, "data": "<base64>"}]}
    POST /codec/encode   same shape, the other way
    POST /codec/session  (bearer token) -> sets an HttpOnly cookie the browser sends with the UI's codec calls
    DELETE /codec/session

Only coordinators, supervisors and admins may call it. The caller is identified by
``Authorization: Bearer <token from POST /api/v1/auth/token>`` or by the
``huiyin_codec`` cookie set by ``POST /codec/session``; the Temporal UI sends the
cookie when its codec setting "include cross-origin credentials" is on
(TEMPORAL_CODEC_INCLUDE_CREDENTIALS=true). CORS answers only the UI origins in
HUIYIN_CODEC_CORS_ORIGINS. See README "Payload encryption".
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Cookie, Depends, FastAPI, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads

from api.console.visitor import signed_in
from api.deps import SessionDep, SettingsDep, unauthorized, user_of_token
from api.security import TOKEN_LIFETIME
from core.codec import CodecError, PlainPayloadsOnly, codec_for
from core.errors import Problem, forbidden, invalid
from core.settings import Settings
from domain.enums import Role
from domain.labels import ROLE_LABELS
from ledger.rows import UserRow

COOKIE = "huiyin_codec"
ALLOWED = (Role.coordinator, Role.supervisor, Role.admin)
bearer = HTTPBearer(auto_error=False)
router = APIRouter(prefix="/codec", tags=["codec"])


def codec_operator(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    cookie: Annotated[str | None, Cookie(alias=COOKIE)] = None,
) -> UserRow:
    """Who asks: a Bearer token (the CLI), the codec cookie, or — from the Temporal UI in the same browser — the
    console's own session: one login for both."""
    token = credentials.credentials if credentials else cookie
    if token:
        user = user_of_token(session, settings, token)
    elif console := signed_in(request, session, settings):
        user = console.user
    else:
        raise unauthorized("the codec endpoint needs 'Authorization: Bearer <token>', the console's session "
                           "(log in at /console) or the huiyin_codec cookie (POST /codec/session)",
                           zh="解密需要先登录工作台（/console），或提供访问令牌")
    if Role(user.role) not in ALLOWED:
        allowed = "、".join(ROLE_LABELS[r.value] for r in ALLOWED)
        raise forbidden(f"decoding workflow payloads needs one of the roles: {', '.join(r.value for r in ALLOWED)}; "
                        f"you are {user.role}",
                        zh=f"只有{allowed}可以查看解密后的办理数据；您的身份是{ROLE_LABELS.get(user.role, user.role)}")
    return user


Operator = Annotated[UserRow, Depends(codec_operator)]


async def _payloads(request: Request) -> Payloads:
    body = await request.body()
    try:
        return json_format.Parse(body or b"{}", Payloads())
    except json_format.ParseError as error:
        raise invalid(f'expected {{"payloads": [{{"metadata": {{...}}, "data": "<base64>"}}]}}: {error}') from None


def _answer(payloads: list) -> Response:
    text = json_format.MessageToJson(Payloads(payloads=payloads))
    return Response(text, media_type="application/json")


@router.post("/decode", summary="decode payloads for the Temporal UI")
async def decode(request: Request, _user: Operator) -> Response:
    payloads = await _payloads(request)
    try:
        return _answer(await request.app.state.codec.decode(list(payloads.payloads)))
    except CodecError as error:
        raise Problem(422, "Cannot decode", str(error)) from None


@router.post("/encode", summary="encode payloads (inputs typed into the Temporal UI)")
async def encode(request: Request, _user: Operator) -> Response:
    payloads = await _payloads(request)
    return _answer(await request.app.state.codec.encode(list(payloads.payloads)))


@router.post("/session", status_code=204, summary="keep the bearer token in an HttpOnly cookie for the Temporal UI")
def open_session(
    request: Request, user: Operator, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Response:
    if credentials is None:
        raise unauthorized("send the token as 'Authorization: Bearer <token>' to open a codec session")
    response = Response(status_code=204)
    response.set_cookie(
        COOKIE, credentials.credentials, max_age=int(TOKEN_LIFETIME.total_seconds()), path="/codec",
        httponly=True, samesite="lax", secure=request.url.scheme == "https",
    )
    return response


@router.delete("/session", status_code=204, summary="forget the codec cookie")
def close_session() -> Response:
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/codec")
    return response


def install(app: FastAPI, settings: Settings) -> None:
    """The codec from HUIYIN_CODEC_KEYS (a bad key list stops the app here, at start) and the routes."""
    app.state.codec = codec_for(settings) or PlainPayloadsOnly()
    app.include_router(router)
