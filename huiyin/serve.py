"""Serve the API as production does: `python -m huiyin.serve` (uvicorn on HUIYIN_API_HOST:HUIYIN_API_PORT).

Logging is left to the app (core.logs: JSON lines); uvicorn's own access log is
replaced by the app's request lines, which name the item and the actor.
"""

from __future__ import annotations

import uvicorn

from core.settings import get_settings


def main() -> None:
    settings = get_settings()
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=settings.huiyin_api_host,
        port=settings.huiyin_api_port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
    )


if __name__ == "__main__":
    main()
