"""Logging in (throttled), who am I, and changing one's own password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import Field

from api.deps import SessionDep, SettingsDep, UserDep, unauthorized
from api.schemas import Token, UserOut
from api.security import create_token
from core.errors import Problem
from domain.models import Model
from services.users import PASSWORD_MAX, authenticate, change_password

router = APIRouter(tags=["auth"])


def _throttled(request: Request, username: str) -> None:
    wait = request.app.state.login_throttle.wait(username, _address(request))
    if wait:
        raise Problem(429, "Too many attempts", f"too many failed logins for this account or from this address; "
                      f"try again in {wait} seconds", headers={"Retry-After": str(wait)})


def _address(request: Request) -> str:
    return request.client.host if request.client else "-"


@router.post("/auth/token", response_model=Token)
def login(
    request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, settings: SettingsDep
) -> Token:
    """A bearer token for 12 hours. Failed attempts are limited per account and per address (429, Retry-After)."""
    _throttled(request, form.username)
    user = authenticate(session, form.username, form.password)
    if user is None:
        request.app.state.login_throttle.failed(form.username, _address(request))
        raise unauthorized("wrong username or password", "用户名或密码不正确", "login.failed")
    request.app.state.login_throttle.succeeded(form.username)
    token = create_token(user.username, settings.huiyin_secret_key, user.token_version)
    return Token(access_token=token, token_type="bearer")


@router.get("/me", response_model=UserOut)
def me(user: UserDep) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


class PasswordChange(Model):
    current_password: str = Field(max_length=PASSWORD_MAX)
    new_password: str = Field(min_length=8, max_length=PASSWORD_MAX)


@router.post("/me/password", response_model=Token)
def new_password(
    request: Request, body: PasswordChange, user: UserDep, session: SessionDep, settings: SettingsDep
) -> Token:
    """Change my password: every token issued before stops working; a new one comes back."""
    _throttled(request, user.username)
    try:
        user = change_password(session, user, body.current_password, body.new_password)
    except Problem as problem:
        if problem.status == 403:
            request.app.state.login_throttle.failed(user.username, _address(request))
        raise
    token = create_token(user.username, settings.huiyin_secret_key, user.token_version)
    return Token(access_token=token, token_type="bearer")
