"""A refused request, described the RFC 9457 way (type, title, status, detail)."""

from __future__ import annotations


class Problem(Exception):
    """Raised by services; the API renders it as application/problem+json, the CLI prints it."""

    def __init__(self, status: int, title: str, detail: str, type_: str | None = None,
                 headers: dict[str, str] | None = None, zh: str | None = None, code: str | None = None, **extra):
        super().__init__(detail)
        self.status, self.title, self.detail, self.headers = status, title, detail, headers
        self.type = type_ or f"https://huiyin.example/problems/{title.lower().replace(' ', '-')}"
        self.zh, self.code = zh, code  # the reason in Chinese, when it has been written; a stable machine code
        self.extra = extra

    def as_dict(self, language: str = "en") -> dict:
        """RFC 9457 fields; `detail` in Chinese (language "zh", when written) or English, both kept beside."""
        chinese = language == "zh" and self.zh
        body = {"type": self.type, "title": TITLES_ZH.get(self.title, self.title) if chinese else self.title,
                "status": self.status, "detail": self.zh if chinese else self.detail, **self.extra}
        if self.code:
            body["code"] = self.code
        if self.zh:
            body["detail_zh"], body["detail_en"] = self.zh, self.detail
        if chinese:
            body["title_en"] = self.title  # metrics and logs count problems by their English title
        return body


TITLES_ZH = {"Conflict": "当前不能办理", "Forbidden": "无权办理", "Invalid input": "输入有误", "Not found": "未找到",
             "Try again": "请稍后重试", "Unauthorized": "请先登录", "Payload too large": "内容过大",
             "Too many attempts": "尝试次数过多", "Not ready": "服务未就绪", "Internal error": "系统错误"}


def not_found(what: str, what_zh: str | None = None) -> Problem:
    return Problem(404, "Not found", f"{what} does not exist or is not visible to you",
                   zh=f"{what_zh or what}不存在，或您无权查看", code="not_found")


def conflict(detail: str, zh: str | None = None, code: str | None = None) -> Problem:
    return Problem(409, "Conflict", detail, zh=zh, code=code)


def forbidden(detail: str, zh: str | None = None, code: str | None = None) -> Problem:
    return Problem(403, "Forbidden", detail, zh=zh, code=code)


def invalid(detail: str, zh: str | None = None, code: str | None = None, **extra) -> Problem:
    return Problem(422, "Invalid input", detail, zh=zh, code=code, **extra)
