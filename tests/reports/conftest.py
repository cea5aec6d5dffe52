"""A private ledger per test module, so a year's figures hold only the items the test wrote: a SQLite file, or
on PostgreSQL (CI's second pass) a schema of its own in the test database."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from ledger.db import session_factory
from ledger.rows import UnitRow
from ledger.schema import upgrade_database

HEADS = {"U1": ("市教育局", "张三"), "U2": ("市交通运输局", "李四"), "U3": ("市卫生健康委", ""), "U4": ("市发展改革委", "赵六")}


def _private_postgres(base: str) -> str:
    schema = f"reports_{uuid.uuid4().hex[:8]}"
    engine = create_engine(base)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="module")
def private_sessions(tmp_path_factory):
    postgres = os.environ.get("HUIYIN_TEST_POSTGRES_URL")
    url = _private_postgres(postgres) if postgres else f"sqlite:///{tmp_path_factory.mktemp('reports') / 'ledger.db'}"
    upgrade_database(url)
    sessions = session_factory(url)
    with sessions() as session:
        session.add_all(UnitRow(code=code, name=name, head_name=head) for code, (name, head) in HEADS.items())
        session.commit()
    return sessions


# The API in-process against the real worker and the shared test ledger (tests/api/conftest.py).
from tests.api.conftest import api, api_settings, http, registers, tokens  # noqa: E402,F401
