"""SMS through a webhook (the SMS gateway's HTTP endpoint), with httpx.

POSTs JSON {"to": phone, "text": ..., "items": [{"year", "number", "title", "due_at"}]} to
HUIYIN_WEBHOOK_URL (unset = channel not configured), with an Idempotency-Key header (the
message id) and, when HUIYIN_WEBHOOK_TOKEN is set, "Authorization: Bearer <token>".
2xx is sent; 408, 429 and 5xx are retried; other 4xx are permanent failures.
"""

from __future__ import annotations

import httpx

from core.settings import Settings
from notify.channels import Outgoing, PermanentError


class WebhookChannel:
    name = "sms"

    def __init__(self, url: str, token: str = "", timeout: float = 10.0):
        self.url, self.token, self.timeout = url, token, timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> "WebhookChannel":
        token = settings.huiyin_webhook_token
        return cls(settings.huiyin_webhook_url, token.get_secret_value() if token is not None else "",
                   settings.huiyin_webhook_timeout)

    def not_configured(self) -> str | None:
        return None if self.url else "channel not configured: HUIYIN_WEBHOOK_URL is not set"

    @staticmethod
    def payload(message: Outgoing) -> dict:
        return {
            "to": message.to,
            "text": message.short,
            "items": [
                {"year": i.year, "number": i.number, "title": i.title,
                 "due_at": i.due_at.isoformat() if i.due_at else None}
                for i in message.items
            ],
        }

    def send(self, message: Outgoing) -> None:
        headers = {"Idempotency-Key": message.message_id}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        response = httpx.post(self.url, json=self.payload(message), headers=headers, timeout=self.timeout)
        if response.is_success:
            return
        error = f"webhook answered HTTP {response.status_code}: {response.text[:200]}"
        if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
            raise PermanentError(error)
        raise RuntimeError(error)
