"""Bearer tokens: a token names its user until it expires; a forged or altered one names nobody."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt

from api.security import ALGORITHM, TOKEN_LIFETIME, create_token, token_subject

SECRET = "token-test-secret-" + "s" * 32
ISSUED = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)


def test_a_token_names_its_user_until_it_expires_also_when_checked_again():
    token = create_token("h-u01", SECRET, now=datetime.now(timezone.utc))
    later = datetime.now(timezone.utc) + TOKEN_LIFETIME - timedelta(seconds=5)
    assert token_subject(token, SECRET) == "h-u01"
    assert token_subject(token, SECRET, now=later) == "h-u01"  # the second check reuses the verified signature
    assert token_subject(token, SECRET, now=later + timedelta(seconds=10)) is None  # but not past its expiry


def test_an_expired_forged_altered_or_incomplete_token_names_nobody():
    assert token_subject(create_token("h-u01", SECRET, now=ISSUED), SECRET) is None  # expired long ago
    token = create_token("h-u01", SECRET)
    assert token_subject(token, "another-secret-" + "o" * 32) is None
    header, claims, signature = token.split(".")
    assert token_subject(f"{header}.{claims}.{signature[:-2]}xx", SECRET) is None
    assert token_subject("not a token", SECRET) is None
    without_expiry = jwt.encode({"sub": "h-u01"}, SECRET, algorithm=ALGORITHM)
    assert token_subject(without_expiry, SECRET) is None
