"""Bearer tokens (JWT signed with HUIYIN_SECRET_KEY), each carrying its user's token version, and the login
throttle. Passwords and users: services.users."""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import NamedTuple

import jwt

TOKEN_LIFETIME = timedelta(hours=12)
ALGORITHM = "HS256"


class Claims(NamedTuple):
    username: str
    version: int  # the user's token_version when issued: a newer one (password changed, disabled) voids it


def create_token(username: str, secret: str, version: int = 0, now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    claims = {"sub": username, "ver": version, "iat": now, "exp": now + TOKEN_LIFETIME}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def token_claims(token: str, secret: str, now: datetime | None = None) -> Claims | None:
    """Who a valid, unexpired token was issued to and at which version; None for anything else."""
    verified = _verified(token, secret)
    if verified is None or verified[1] <= (now or datetime.now(timezone.utc)).timestamp():
        return None
    return Claims(verified[0], verified[2])


def token_subject(token: str, secret: str, now: datetime | None = None) -> str | None:
    """The username a valid token was issued to, or None for an invalid or expired one."""
    claims = token_claims(token, secret, now)
    return claims.username if claims else None


@lru_cache(maxsize=4096)
def _verified(token: str, secret: str) -> tuple[str, float, int] | None:
    """A token's subject, expiry and version, if its signature holds. Kept for the token's next requests (each is
    checked twice: for the log line and for the user), so that only its expiry is checked again."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]})
    except jwt.PyJWTError:
        return None
    subject, expiry, version = claims["sub"], claims["exp"], claims.get("ver", 0)
    # Signed by us, but typed anyway: a claim of the wrong type is an invalid token, not an error.
    if not isinstance(subject, str) or isinstance(expiry, bool) or not isinstance(expiry, (int, float)):
        return None
    if isinstance(version, bool) or not isinstance(version, int):
        return None
    return subject, float(expiry), version


class LoginThrottle:
    """Failed logins counted per account and per client address over a window; past the limit a login is
    refused (429) until the oldest failure leaves the window. In memory, per API process."""

    def __init__(self, per_account: int = 5, per_address: int = 30, window: float = 900.0):
        self.limits = {"account": per_account, "address": per_address}
        self.window = window
        self.failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self.lock = threading.Lock()

    def _keys(self, username: str, address: str) -> list[tuple[str, str]]:
        return [("account", username.strip().lower()), ("address", address)]

    def wait(self, username: str, address: str, now: float | None = None) -> int:
        """Seconds to wait before the next attempt may be made (0: go ahead)."""
        now = time.monotonic() if now is None else now
        longest = 0.0
        with self.lock:
            for key in self._keys(username, address):
                times = self.failures[key]
                while times and times[0] <= now - self.window:
                    times.popleft()
                if len(times) >= self.limits[key[0]]:
                    longest = max(longest, times[0] + self.window - now)
        return math.ceil(longest)

    def failed(self, username: str, address: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self.lock:
            for key in self._keys(username, address):
                self.failures[key].append(now)

    def succeeded(self, username: str) -> None:
        with self.lock:
            self.failures.pop(("account", username.strip().lower()), None)
