"""A refused request, described the RFC 9457 way (type, title, status, detail)."""

from __future__ import annotations


class Problem(Exception):
    """Raised by services; the API renders it as application/problem+json, the CLI prints it."""

    def __init__(self, status: int, title: str, detail: str, type_: str | None = None,
                 headers: dict[str, str] | None = None, **extra):
        super().__init__(detail)
        self.status, self.title, self.detail, self.headers = status, title, detail, headers
        self.type = type_ or f"https://huiyin.example/problems/{title.lower().replace(' ', '-')}"
        self.extra = extra

    def as_dict(self) -> dict:
        return {"type": self.type, "title": self.title, "status": self.status, "detail": self.detail, **self.extra}


def not_found(what: str) -> Problem:
    return Problem(404, "Not found", f"{what} does not exist or is not visible to you")


def conflict(detail: str) -> Problem:
    return Problem(409, "Conflict", detail)


def forbidden(detail: str) -> Problem:
    return Problem(403, "Forbidden", detail)


def invalid(detail: str, **extra) -> Problem:
    return Problem(422, "Invalid input", detail, **extra)
