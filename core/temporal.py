"""Connecting to Temporal the same way everywhere: pydantic payloads, encrypted when keys are set, one task queue."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter
from temporalio.runtime import Runtime

from core.codec import codec_for, data_converter
from core.settings import Settings, get_settings


def converter_for(settings: Settings) -> DataConverter:
    """The pydantic converter with the payload codec of HUIYIN_CODEC_KEYS (core.codec)."""
    return data_converter(pydantic_data_converter, codec_for(settings))


async def connect(settings: Settings | None = None, runtime: Runtime | None = None) -> Client:
    """A client on TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE; ``runtime`` carries metrics (the worker's)."""
    settings = settings or get_settings()
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=converter_for(settings),
        runtime=runtime,
    )
