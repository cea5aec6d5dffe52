"""What every outward channel gets and may raise."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from domain.notices import ItemRef


@dataclass(frozen=True)
class Outgoing:
    """One message to one address: a single notification or a digest of several."""

    to: str
    subject: str
    body: str  # plain text (email)
    short: str  # one paragraph (SMS)
    message_id: str  # stable for the same deliveries: a receiver can drop a resend after a crash
    items: list[ItemRef] = field(default_factory=list)


class PermanentError(Exception):
    """The channel refused for good (bad address, rejected request): retrying will not help."""


class Channel(Protocol):
    name: str

    def not_configured(self) -> str | None:
        """Why this channel cannot send at all (None when it can)."""

    def send(self, message: Outgoing) -> None:
        """Send, or raise (PermanentError when a retry cannot help)."""
