"""Running the real embedded dev server (temporal server start-dev) in tests."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

from huiyin.devserver import devserver_command


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def dev_server(db: Path, port: int, ui_port: int | None = None, codec_endpoint: str | None = None
               ) -> Iterator[subprocess.Popen]:
    """The dev server; with `ui_port`, its UI too, under /temporal as `make run` starts it."""
    if ui_port:
        cmd = devserver_command(db, port=port, ui_port=ui_port, ui_public_path="/temporal",
                                ui_codec_endpoint=codec_endpoint)
    else:
        cmd = devserver_command(db, port=port, headless=True)
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def connect_when_ready(port: int, timeout: float = 30.0, **options) -> "Client":
    """A client, once the dev server answers (its port opens a little before its frontend is healthy)."""
    import asyncio

    from temporalio.client import Client
    from temporalio.contrib.pydantic import pydantic_data_converter

    options.setdefault("data_converter", pydantic_data_converter)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            return await Client.connect(f"127.0.0.1:{port}", **options)
        except RuntimeError:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.3)
