"""Every error as RFC 9457 problem JSON (application/problem+json); bad input never becomes a 500."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from core.errors import Problem

log = logging.getLogger("huiyin.api")
MEDIA_TYPE = "application/problem+json"


def problem_response(problem: Problem) -> JSONResponse:
    return JSONResponse(problem.as_dict(), status_code=problem.status, media_type=MEDIA_TYPE, headers=problem.headers)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, problem: Problem) -> JSONResponse:
        return problem_response(problem)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in error.errors()
        ]
        detail = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in errors)
        return problem_response(Problem(422, "Invalid input", detail, errors=errors))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        title = {404: "Not found", 405: "Method not allowed", 401: "Unauthorized"}.get(error.status_code, "Error")
        return problem_response(Problem(error.status_code, title, str(error.detail), headers=error.headers))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem_response(Problem(500, "Internal error", "an unexpected error occurred; it has been logged"))
