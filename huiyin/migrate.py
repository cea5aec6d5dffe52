"""Bring the ledger's schema up to date and exit: `python -m huiyin.migrate` (the compose file's one-shot `migrate`).

The worker and the API migrate at start too (a no-op once this has run); running it
once before them means several replicas never race to create the same tables.
"""

from __future__ import annotations

import logging

from core.logs import configure_logging
from core.settings import get_settings
from ledger.schema import upgrade_database

log = logging.getLogger("huiyin.migrate")


def main() -> None:
    settings = get_settings()
    configure_logging(settings.huiyin_log_level, settings.huiyin_log_format)
    upgrade_database(settings.huiyin_database_url)
    log.info("ledger schema is up to date")


if __name__ == "__main__":
    main()
