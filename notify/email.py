"""Email over SMTP (stdlib smtplib): UTF-8 Chinese subjects and bodies.

Settings: HUIYIN_SMTP_HOST (unset = channel not configured), HUIYIN_SMTP_PORT,
HUIYIN_SMTP_USERNAME / HUIYIN_SMTP_PASSWORD (login when a username is set),
HUIYIN_SMTP_FROM, HUIYIN_SMTP_STARTTLS, HUIYIN_SMTP_TIMEOUT.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime

from core.settings import Settings
from notify.channels import Outgoing, PermanentError


class EmailChannel:
    name = "email"

    def __init__(self, host: str, port: int = 25, sender: str = "huiyin@localhost", username: str = "",
                 password: str = "", starttls: bool = False, timeout: float = 30.0):
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls, self.timeout = username, password, starttls, timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> "EmailChannel":
        password = settings.huiyin_smtp_password
        return cls(
            host=settings.huiyin_smtp_host,
            port=settings.huiyin_smtp_port,
            sender=settings.huiyin_smtp_from,
            username=settings.huiyin_smtp_username,
            password=password.get_secret_value() if password is not None else "",
            starttls=settings.huiyin_smtp_starttls,
            timeout=settings.huiyin_smtp_timeout,
        )

    def not_configured(self) -> str | None:
        return None if self.host else "channel not configured: HUIYIN_SMTP_HOST is not set"

    def build(self, message: Outgoing) -> EmailMessage:
        mail = EmailMessage()  # default policy: RFC 2047 encoded UTF-8 headers
        mail["Subject"] = message.subject
        mail["From"] = self.sender
        mail["To"] = message.to
        mail["Date"] = format_datetime(datetime.now(timezone.utc))
        mail["Message-ID"] = message.message_id
        mail.set_content(message.body, charset="utf-8", cte="base64")  # 7-bit safe through any relay
        return mail

    def send(self, message: Outgoing) -> None:
        mail = self.build(message)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)
            try:
                smtp.send_message(mail)
            except smtplib.SMTPRecipientsRefused as refused:
                codes = [code for code, _ in refused.recipients.values()]
                if codes and all(500 <= code < 600 for code in codes):
                    raise PermanentError(f"recipient refused: {refused.recipients}") from refused
                raise
