"""Payload encryption: the codec itself, key rotation, the codec endpoint, and ciphertext on a real server."""

from __future__ import annotations

import base64
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from temporalio.api.common.v1 import Payload
from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from core.codec import (
    ENCODING,
    CodecError,
    EncryptionCodec,
    PlainPayloadsOnly,
    codec_from_keys,
    data_converter,
    new_key_entry,
    parse_keys,
)
from domain.models import suggestion_workflow_id
from domain.oversight_text import item_summary
from tests.helpers import Item, new_suggestion
from tests.ops.conftest import CODEC_KEYS, KEY_NEW, KEY_OLD, PASSWORD, UI_ORIGIN
from workflows.suggestion import SuggestionWorkflow

TITLE = "关于加强老旧小区加装电梯的建议"


def plain(text: str) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(text, ensure_ascii=False).encode())


def as_json(payloads: list[Payload]) -> dict:
    return {"payloads": [{"metadata": {k: base64.b64encode(v).decode() for k, v in p.metadata.items()},
                          "data": base64.b64encode(p.data).decode()} for p in payloads]}


def from_json(body: dict) -> list[Payload]:
    return [Payload(metadata={k: base64.b64decode(v) for k, v in p.get("metadata", {}).items()},
                    data=base64.b64decode(p.get("data", ""))) for p in body["payloads"]]


# --- the codec --------------------------------------------------------------------------------


async def test_round_trip_hides_the_text_and_names_the_key():
    codec = codec_from_keys(CODEC_KEYS)
    original = [plain(TITLE), plain("张伟")]
    sealed = await codec.encode(original)
    for p in sealed:
        assert p.metadata["encoding"] == ENCODING and p.metadata["encryption-key-id"] == b"k2"
        assert TITLE.encode() not in p.data and "张伟".encode() not in p.data
    assert await codec.decode(sealed) == original


async def test_rotation_newest_encrypts_any_known_decrypts():
    before = codec_from_keys(f"k1:{KEY_OLD}")
    after = codec_from_keys(f"k2:{KEY_NEW},k1:{KEY_OLD}")
    old_payload = (await before.encode([plain(TITLE)]))[0]
    assert old_payload.metadata["encryption-key-id"] == b"k1"
    assert await after.decode([old_payload]) == [plain(TITLE)]  # old histories still read
    assert (await after.encode([plain(TITLE)]))[0].metadata["encryption-key-id"] == b"k2"
    # Never-encrypted payloads (before encryption was switched on) pass through.
    assert await after.decode([plain(TITLE)]) == [plain(TITLE)]


async def test_unknown_key_is_refused_clearly():
    sealed = await codec_from_keys(f"k1:{KEY_OLD}").encode([plain(TITLE)])
    with pytest.raises(CodecError, match=r"encrypted with key 'k1', which is not configured \(HUIYIN_CODEC_KEYS has: k2\)"):
        await codec_from_keys(f"k2:{KEY_NEW}").decode(sealed)


async def test_wrong_key_under_a_known_id_is_refused_clearly():
    sealed = await codec_from_keys(f"k1:{KEY_OLD}").encode([plain(TITLE)])
    with pytest.raises(CodecError, match="does not decrypt with key 'k1'"):
        await codec_from_keys(f"k1:{KEY_NEW}").decode(sealed)
    # Tampering with the ciphertext is caught the same way (AES-GCM authenticates).
    tampered = Payload(metadata=dict(sealed[0].metadata), data=sealed[0].data[:-1] + bytes([sealed[0].data[-1] ^ 1]))
    with pytest.raises(CodecError, match="altered"):
        await codec_from_keys(f"k1:{KEY_OLD}").decode([tampered])


async def test_no_keys_means_plain_and_encrypted_payloads_are_named():
    assert codec_from_keys(None) is None and codec_from_keys("  ") is None
    sealed = await codec_from_keys(f"k1:{KEY_OLD}").encode([plain(TITLE)])
    with pytest.raises(CodecError, match="HUIYIN_CODEC_KEYS is not set"):
        await PlainPayloadsOnly().decode(sealed)
    assert await PlainPayloadsOnly().encode([plain(TITLE)]) == [plain(TITLE)]


@pytest.mark.parametrize(
    "keys, message",
    [
        ("k1", "not 'id:base64key'"),
        ("k1:not base64!", "not valid base64"),
        (f"k1:{base64.b64encode(b'short').decode()}", "5 bytes"),
        (f"k1:{KEY_OLD},k1:{KEY_NEW}", "twice"),
        (f"bad id:{KEY_OLD}", "key id"),
        (",", "holds no key"),
    ],
)
def test_bad_key_lists_are_refused(keys, message):
    with pytest.raises(CodecError, match=message):
        parse_keys(keys)


def test_new_key_entry_is_usable():
    entry = new_key_entry("k9")
    assert parse_keys(entry)[0].id == "k9" and len(parse_keys(entry)[0].key) == 32


# --- on a real server: the history holds ciphertext ------------------------------------------------


async def test_history_on_the_server_is_not_plaintext(time_env, settings):
    """A suggestion started through an encrypting client: a codec-less client sees no title in the history."""
    from worker import build_worker

    codec = EncryptionCodec(parse_keys(CODEC_KEYS))
    config = time_env.client.config()
    config["data_converter"] = data_converter(pydantic_data_converter, codec)
    secret_client = Client(**config)
    task_queue = f"codec-{uuid.uuid4().hex[:8]}"
    number = f"C{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(4) as executor:
        async with build_worker(secret_client, settings.model_copy(update={"temporal_task_queue": task_queue}), executor):
            handle = await secret_client.start_workflow(  # with its summary for the Temporal UI, as registered
                SuggestionWorkflow.run, new_suggestion(number), id=suggestion_workflow_id(2026, number),
                task_queue=task_queue, static_summary=item_summary(2026, number, TITLE),
            )
            try:
                await _check_ciphertext(time_env, handle)
            finally:
                # Nobody polls this queue afterwards: end the item so its timers never stall time skipping.
                await handle.terminate("test over")


async def _check_ciphertext(time_env, handle) -> None:
    """The history on the server holds ciphertext; the encrypting side reads plaintext."""
    state = await Item(time_env, handle).accept_and_assign(lead="U01")
    assert state.title == TITLE  # the encrypting side reads it back

    history = await time_env.client.get_workflow_handle(handle.id).fetch_history()
    raw = history.to_json().encode() + b"".join(e.SerializeToString() for e in history.events)
    for secret in (TITLE, "建议简化审批流程", "城区代表团"):
        assert secret.encode() not in raw, f"{secret} is in the history in the clear"
        assert json.dumps(secret).encode() not in raw  # nor as \\u escapes
    assert b"binary/encrypted" in raw or base64.b64encode(b"binary/encrypted") in raw

    # What the Temporal UI shows of the item — its timers' summaries, its current details — is as sealed: the
    # server holds ciphertext, the encrypting side reads Chinese. (Its summary at start, too: this test server
    # does not keep it; tests/ops/test_run.py reads every payload of a history on the real dev server.)
    timers = [e.user_metadata.summary for e in history.events if e.HasField("user_metadata")]
    assert timers and all(p.metadata["encoding"] == b"binary/encrypted" for p in timers)
    details = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
    assert "办理阶段：办理中" in details.current_details

    # A client with no key is told why it cannot read the state, nor the details.
    plain_config = time_env.client.config()
    plain_config["data_converter"] = data_converter(pydantic_data_converter, None)
    plain_handle = Client(**plain_config).get_workflow_handle(handle.id)
    with pytest.raises(Exception, match="HUIYIN_CODEC_KEYS is not set"):
        await plain_handle.query(SuggestionWorkflow.get_state)
    with pytest.raises(Exception, match="HUIYIN_CODEC_KEYS is not set"):
        await plain_handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)


# --- the codec endpoint ------------------------------------------------------------------------------


async def test_codec_endpoint_decodes_for_operators(ops_api, ops_tokens):
    sealed = await codec_from_keys(f"k1:{KEY_OLD}").encode([plain(TITLE)])
    for user in ("ops-coord", "ops-sup", "ops-admin"):
        response = await ops_api.post("/codec/decode", json=as_json(sealed), headers=ops_tokens[user])
        assert response.status_code == 200, response.text
        assert from_json(response.json()) == [plain(TITLE)]

    response = await ops_api.post("/codec/encode", json=as_json([plain(TITLE)]), headers=ops_tokens["ops-coord"])
    assert response.status_code == 200, response.text
    encoded = from_json(response.json())
    assert encoded[0].metadata["encryption-key-id"] == b"k2" and TITLE.encode() not in encoded[0].data
    assert await codec_from_keys(CODEC_KEYS).decode(encoded) == [plain(TITLE)]


async def test_codec_endpoint_refuses_the_unauthenticated_and_other_roles(ops_api, ops_tokens):
    sealed = as_json(await codec_from_keys(CODEC_KEYS).encode([plain(TITLE)]))
    for path in ("/codec/decode", "/codec/encode"):
        response = await ops_api.post(path, json=sealed)
        assert response.status_code == 401 and response.headers["content-type"].startswith("application/problem+json")
        assert TITLE not in response.text
        response = await ops_api.post(path, json=sealed, headers={"Authorization": "Bearer not-a-token"})
        assert response.status_code == 401
    response = await ops_api.post("/codec/decode", json=sealed, headers=ops_tokens["ops-handler"])
    assert response.status_code == 403 and "coordinator, supervisor, admin" in response.json()["detail_en"]


async def test_codec_endpoint_names_an_unknown_key(ops_api, ops_tokens):
    foreign = await codec_from_keys(f"k0:{base64.b64encode(b'f' * 32).decode()}").encode([plain(TITLE)])
    response = await ops_api.post("/codec/decode", json=as_json(foreign), headers=ops_tokens["ops-coord"])
    assert response.status_code == 422
    assert "key 'k0', which is not configured" in response.json()["detail"]
    response = await ops_api.post("/codec/decode", content=b"{not json", headers=ops_tokens["ops-coord"])
    assert response.status_code == 422


async def test_codec_cookie_session_for_the_temporal_ui(ops_api, ops_tokens):
    """The UI sends cookies (TEMPORAL_CODEC_INCLUDE_CREDENTIALS=true) once an operator opened a codec session."""
    sealed = as_json(await codec_from_keys(CODEC_KEYS).encode([plain(TITLE)]))
    response = await ops_api.post("/codec/session", headers=ops_tokens["ops-sup"])
    assert response.status_code == 204
    cookie = response.headers["set-cookie"]
    assert "huiyin_codec=" in cookie and "HttpOnly" in cookie and "Path=/codec" in cookie
    token = ops_tokens["ops-sup"]["Authorization"].split()[1]
    ops_api.cookies.set("huiyin_codec", token)
    try:
        response = await ops_api.post("/codec/decode", json=sealed)
    finally:
        ops_api.cookies.clear()
    assert response.status_code == 200 and from_json(response.json()) == [plain(TITLE)]


async def test_the_consoles_own_session_decodes_for_those_allowed_and_no_one_else(ops_app):
    """The Temporal UI, passed on from the console's origin, calls the codec with the console's session: one login.
    A unit handler's session is refused with the rule in Chinese, and nothing is decoded."""
    sealed = as_json(await codec_from_keys(CODEC_KEYS).encode([plain(TITLE)]))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=ops_app), base_url="http://test") as browser:
        response = await browser.post("/codec/decode", json=sealed)
        assert response.status_code == 401 and "登录工作台" in response.json()["detail_zh"] and TITLE not in response.text
        for user, status in (("ops-sup", 200), ("ops-handler", 403)):
            browser.cookies.clear()
            signed_in = await browser.post("/console/login", data={"username": user, "password": PASSWORD})
            assert signed_in.status_code == 303 and "huiyin_session" in browser.cookies
            response = await browser.post("/codec/decode", json=sealed)
            assert response.status_code == status, response.text
            if status == 200:
                assert from_json(response.json()) == [plain(TITLE)]
            else:
                assert TITLE not in response.text and "承办单位经办人" in response.json()["detail_zh"]


async def test_codec_cors_only_for_the_ui_origin(ops_api):
    preflight = {"Origin": UI_ORIGIN, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type,x-namespace,authorization"}
    response = await ops_api.options("/codec/decode", headers=preflight)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == UI_ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "x-namespace" in response.headers["access-control-allow-headers"].lower()

    response = await ops_api.options("/codec/decode", headers={**preflight, "Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in response.headers
    # The rest of the API does not answer cross-origin calls at all.
    response = await ops_api.options("/api/v1/suggestions", headers=preflight)
    assert "access-control-allow-origin" not in response.headers
