"""Every error as RFC 9457 problem JSON (application/problem+json); bad input never becomes a 500."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from core.errors import Problem
from domain.limits import schema_error_zh

log = logging.getLogger("huiyin.api")
MEDIA_TYPE = "application/problem+json"


class BodyTooLarge(Exception):
    """Raised while a body is read past its limit (api.edge.BodyLimit)."""

    def __init__(self, limit: int):
        super().__init__(f"the request body is larger than {limit:,} bytes")
        self.limit = limit


def too_large(limit: int) -> Problem:
    return Problem(413, "Payload too large", f"the request body is larger than {limit:,} bytes; send less (docs/limits.md)",
                   zh=f"提交的内容超过{limit / 2**20:g} MB的上限：请减少内容，或将表格拆分后分批上传", code="request.too_large")


def language(request: Request | None) -> str:
    """Chinese unless the caller's first choice is English (Accept-Language: en…)."""
    wanted = (request.headers.get("accept-language", "") if request is not None else "").strip().lower()
    return "en" if wanted.startswith("en") else "zh"


def problem_response(problem: Problem, request: Request | None = None) -> JSONResponse:
    return JSONResponse(problem.as_dict(language(request)), status_code=problem.status, media_type=MEDIA_TYPE,
                        headers=problem.headers)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, problem: Problem) -> JSONResponse:
        return problem_response(problem, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in error.errors()
        ]
        detail = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in errors)
        zh = "输入有误：" + "；".join(schema_error_zh(e) for e in error.errors())
        return problem_response(Problem(422, "Invalid input", detail, zh=zh, code="input.schema", errors=errors), request)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        if isinstance(error.__cause__, BodyTooLarge):  # FastAPI reports a body it could not read as a 400
            return problem_response(too_large(error.__cause__.limit), request)
        title = {400: "Bad request", 401: "Unauthorized", 404: "Not found", 405: "Method not allowed"}.get(
            error.status_code, "Error")
        zh = {404: "没有这个地址", 405: "不支持这种请求方式"}.get(error.status_code)
        return problem_response(Problem(error.status_code, title, str(error.detail), headers=error.headers, zh=zh,
                                        code=f"http.{error.status_code}"), request)


class ProblemDetails(BaseModel):
    """RFC 9457 problem details: what every refusal answers with (application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str  # in Chinese by default, in English on Accept-Language: en
    code: str | None = None  # stable, for programs
    title_en: str | None = None  # beside a Chinese title
    detail_zh: str | None = None
    detail_en: str | None = None
    errors: list[dict] | None = None  # 422 from schema validation: each field's error


_WHY = {
    400: "the request cannot be read", 401: "not logged in, or the token is invalid or expired",
    403: "your role or unit may not do this", 404: "no such item, or not visible to you",
    409: "the item's state does not allow it now", 413: "the body is larger than the limit (docs/limits.md)",
    422: "the input is wrong: which field and why", 429: "too many attempts: wait as Retry-After says",
    503: "a dependency is busy or down: try again",
}
# Documented on every route (api.app): the statuses a route may answer besides its success, as problem JSON.
PROBLEM_RESPONSES = {
    status: {"description": why, "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}}
    for status, why in _WHY.items()
}


def document_problems(app: FastAPI) -> None:
    """The OpenAPI document states, on every operation, the problem statuses it may answer and their
    application/problem+json body (FastAPI's own 422 entry, application/json, is replaced)."""
    original = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        schema.setdefault("components", {}).setdefault("schemas", {})["ProblemDetails"] = ProblemDetails.model_json_schema()
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation.setdefault("responses", {}).update({str(s): spec for s, spec in PROBLEM_RESPONSES.items()})
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
