"""Settings from the environment (pydantic-settings); secrets never come from files in the repo."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"
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


@lru_cache
def get_settings() -> Settings:
    return Settings()
