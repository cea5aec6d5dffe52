"""Logging in and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import SessionDep, SettingsDep, UserDep, unauthorized
from api.schemas import Token, UserOut
from api.security import create_token
from ledger.directory import user_named
from services.users import verify_password

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=Token)
def login(form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, settings: SettingsDep) -> Token:
    user = user_named(session, form.username)
    if user is None or not user.active or not verify_password(user.password_hash, form.password):
        raise unauthorized("wrong username or password")
    return Token(access_token=create_token(user.username, settings.huiyin_secret_key), token_type="bearer")


@router.get("/me", response_model=UserOut)
def me(user: UserDep) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)
