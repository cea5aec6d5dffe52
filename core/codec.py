"""Encrypting workflow payloads (AES-GCM), so deputies' names and texts never sit in Temporal in the clear.

Keys come from the environment only: ``HUIYIN_CODEC_KEYS="k2:<base64 key>,k1:<base64 key>"``.
The first key encrypts; any listed key decrypts, so rotation is: put a new key
first, keep the old ones after it until no live history needs them (``huiyin
replay-check`` reads every live history). Each encrypted payload carries the id of
its key in its metadata; the id is also bound to the ciphertext (associated data).

With no key configured (the embedded default, tests) payloads stay plain. Payloads
that were never encrypted decode as they are, so encryption can be switched on in a
running system. Search attributes and workflow ids are never encrypted: they hold
no personal data (workflows/search_attributes.py).

    python -m core.codec new-key k3     # print a fresh key entry to put first in HUIYIN_CODEC_KEYS
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import DataConverter, PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class CodecError(ValueError):
    """A key list that cannot be used, or a payload that cannot be decrypted."""


@dataclass(frozen=True)
class CodecKey:
    id: str
    key: bytes


def parse_keys(text: str) -> list[CodecKey]:
    """``"k2:base64,k1:base64"`` -> keys, newest first. Raises CodecError with the reason."""
    keys: list[CodecKey] = []
    for n, entry in enumerate((e.strip() for e in text.split(",")), start=1):
        if not entry:
            continue
        key_id, sep, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not sep:
            raise CodecError(f"HUIYIN_CODEC_KEYS entry {n} is not 'id:base64key'")
        if not KEY_ID_PATTERN.match(key_id):
            raise CodecError(f"HUIYIN_CODEC_KEYS entry {n}: key id {key_id!r} must be 1-64 of A-Z a-z 0-9 _ . -")
        try:
            raw = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise CodecError(f"HUIYIN_CODEC_KEYS key {key_id!r} is not valid base64") from None
        if len(raw) not in (16, 24, 32):
            raise CodecError(
                f"HUIYIN_CODEC_KEYS key {key_id!r} is {len(raw)} bytes; AES-GCM needs 16, 24 or 32 (32 recommended)"
            )
        if any(k.id == key_id for k in keys):
            raise CodecError(f"HUIYIN_CODEC_KEYS lists key id {key_id!r} twice")
        keys.append(CodecKey(key_id, raw))
    if not keys:
        raise CodecError("HUIYIN_CODEC_KEYS is set but holds no key")
    return keys


def new_key_entry(key_id: str) -> str:
    """A fresh 256-bit key as an ``id:base64`` entry."""
    if not KEY_ID_PATTERN.match(key_id):
        raise CodecError(f"key id {key_id!r} must be 1-64 of A-Z a-z 0-9 _ . -")
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


class EncryptionCodec(PayloadCodec):
    """AES-GCM over each whole serialized payload; the first key encrypts, every key decrypts."""

    def __init__(self, keys: Sequence[CodecKey]):
        if not keys:
            raise CodecError("an encryption codec needs at least one key")
        self.keys = list(keys)
        self.current = self.keys[0]
        self._ciphers = {k.id: AESGCM(k.key) for k in self.keys}

    @property
    def key_ids(self) -> list[str]:
        return [k.id for k in self.keys]

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(p) for p in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        key_id = self.current.id.encode()
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.current.id].encrypt(nonce, payload.SerializeToString(), key_id)
        return Payload(metadata={"encoding": ENCODING, KEY_ID: key_id}, data=nonce + sealed)

    def decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload  # never encrypted (written before encryption was switched on)
        key_id = payload.metadata.get(KEY_ID, b"").decode(errors="replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            known = ", ".join(self.key_ids)
            raise CodecError(
                f"payload was encrypted with key {key_id!r}, which is not configured "
                f"(HUIYIN_CODEC_KEYS has: {known}); add that key after the current one"
            )
        data = payload.data
        try:
            plain = cipher.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], key_id.encode())
        except InvalidTag:
            raise CodecError(
                f"payload does not decrypt with key {key_id!r}: the configured key of that id is not the one "
                "it was encrypted with, or the payload was altered"
            ) from None
        return Payload.FromString(plain)


class PlainPayloadsOnly(PayloadCodec):
    """For a process with no keys: refuses encrypted payloads with a clear message instead of a converter error."""

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return list(payloads)

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        for p in payloads:
            if p.metadata.get("encoding") == ENCODING:
                key_id = p.metadata.get(KEY_ID, b"").decode(errors="replace")
                raise CodecError(
                    f"payload is encrypted (key {key_id!r}) but HUIYIN_CODEC_KEYS is not set in this process"
                )
        return list(payloads)


def codec_from_keys(text: str | None) -> EncryptionCodec | None:
    return EncryptionCodec(parse_keys(text)) if text and text.strip() else None


def codec_for(settings) -> EncryptionCodec | None:
    """The codec the settings ask for (None: payloads stay plain)."""
    secret = settings.huiyin_codec_keys
    return codec_from_keys(secret.get_secret_value() if secret is not None else None)


def data_converter(base: DataConverter, codec: PayloadCodec | None) -> DataConverter:
    """``base`` (the pydantic converter) with the codec applied; plain but guarded when there is none."""
    return replace(base, payload_codec=codec or PlainPayloadsOnly())


def _main(argv: Iterable[str]) -> int:
    args = list(argv)
    if len(args) == 2 and args[0] == "new-key":
        print(new_key_entry(args[1]))
        return 0
    print("usage: python -m core.codec new-key KEY_ID", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
