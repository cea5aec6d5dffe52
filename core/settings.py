"""Settings from the environment (pydantic-settings); secrets never come from files in the repo."""

import os
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The embedded default's state (dev server, SQLite ledger, generated keys); HUIYIN_VAR_DIR moves it (tests do).
VAR_DIR = Path(os.environ.get("HUIYIN_VAR_DIR") or PROJECT_ROOT / "var")
EMBEDDED_CODEC_KEYS = VAR_DIR / "codec-keys"  # made by `make run` (huiyin.run); production sets HUIYIN_CODEC_KEYS
EMBEDDED_ADDRESSES = ("localhost:7233", "127.0.0.1:7233")
CONFIG_DIR = PROJECT_ROOT / "config"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    temporal_address: str = "localhost:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "huiyin"

    huiyin_database_url: str = f"sqlite:///{VAR_DIR / 'ledger.db'}"
    huiyin_api_host: str = "127.0.0.1"
    huiyin_api_port: int = 8000
    huiyin_secret_key: str | None = None
    huiyin_admin_username: str | None = None
    huiyin_admin_password: str | None = None
    huiyin_policy: str = "national"
    huiyin_config_dir: Path = CONFIG_DIR
    # The rehearsal clock (演练) for items under a drill profile: the instant rehearsed time starts. `make run` sets
    # it once (var/drill-epoch); unset, the first process to register a drill item takes its own start.
    huiyin_drill_epoch: datetime | None = None

    # Operations (README "Operations"): logs, metrics, payload encryption.
    huiyin_log_level: str = "INFO"
    huiyin_log_format: str = "json"  # "json" (one object per line) or "text"
    huiyin_metrics_host: str = "127.0.0.1"  # where the metrics endpoints listen ("0.0.0.0" in containers)
    huiyin_worker_metrics_port: int = 9464  # worker: Temporal SDK metrics for Prometheus; 0 = off
    huiyin_api_metrics_port: int = 0  # API: 0 = GET /metrics on the API port itself, else its own port
    huiyin_codec_keys: SecretStr | None = None  # "newest-id:base64key,older-id:base64key"; unset = plain payloads
    # Where the API reaches the Temporal UI, with its public path (make run: http://127.0.0.1:8233/temporal); the
    # console passes /temporal/… on to it behind its login (api/temporal_ui.py). Unset: no passage.
    huiyin_temporal_ui_url: str | None = None

    @field_validator("huiyin_drill_epoch", "huiyin_temporal_ui_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value):
        """docker-compose passes an unset variable on as an empty string."""
        return None if value == "" else value
    huiyin_codec_cors_origins: str = "http://localhost:8233,http://127.0.0.1:8233"  # Temporal UI origins
    # Worker tuning (README "Scaling out").
    huiyin_worker_max_cached_workflows: int = 1000  # sticky cache; ≈ 200 KB of memory each
    huiyin_worker_workflow_task_polls: int = 0  # concurrent workflow task polls; 0 = SDK default
    # Workflow tasks worked on at once. They share the interpreter (one core at a time), so each is
    # slower the more run together; one taking over 2 s trips the SDK's deadlock detector (bench/README.md).
    huiyin_worker_workflow_tasks: int = 20
    huiyin_worker_activity_threads: int = 8  # threads for the (sync) ledger writes

    # Notifications (notify/): email over SMTP, SMS through a webhook, the outbox dispatcher.
    huiyin_smtp_host: str = ""  # unset = email channel not configured (deliveries marked undeliverable)
    huiyin_smtp_port: int = 25
    huiyin_smtp_username: str = ""  # login only when set
    huiyin_smtp_password: SecretStr | None = None
    huiyin_smtp_from: str = "回音 <huiyin@localhost>"
    huiyin_smtp_starttls: bool = False
    huiyin_smtp_timeout: float = 30.0
    huiyin_webhook_url: str = ""  # SMS gateway endpoint; unset = sms channel not configured
    huiyin_webhook_token: SecretStr | None = None  # sent as "Authorization: Bearer <token>" when set
    huiyin_webhook_timeout: float = 10.0
    huiyin_notify_enabled: bool = True  # the worker runs the dispatcher beside the Temporal worker
    huiyin_notify_interval: float = 5.0  # seconds between polls of the outbox
    huiyin_notify_max_attempts: int = 8  # then the delivery is marked failed
    huiyin_notify_backoff: float = 30.0  # seconds before the first retry; doubles each attempt (capped at 6 h)
    huiyin_notify_lease: float = 600.0  # a claim older than this (a dispatcher died mid-send) is taken back
    huiyin_notify_batch: int = 200  # deliveries claimed per poll
    huiyin_notify_digest_window: float = 60.0  # a new delivery waits this long, so items reaching a rung together share one digest


@lru_cache
def get_settings() -> Settings:
    return Settings()


def with_embedded_codec_keys(settings: Settings) -> Settings:
    """A command talking to the embedded dev server (`make run`'s, at its default address) uses the payload key
    `make run` keeps in var/ when HUIYIN_CODEC_KEYS is not set: its items are encrypted with it."""
    if settings.huiyin_codec_keys is None and settings.temporal_address in EMBEDDED_ADDRESSES \
            and EMBEDDED_CODEC_KEYS.is_file():
        return settings.model_copy(update={"huiyin_codec_keys": SecretStr(EMBEDDED_CODEC_KEYS.read_text().strip())})
    return settings
