"""A private ledger per test module, so a year's figures hold only the items the test wrote."""

from __future__ import annotations

import pytest

from ledger.db import session_factory
from ledger.rows import UnitRow
from ledger.schema import upgrade_database

HEADS = {"U1": ("市教育局", "张三"), "U2": ("市交通运输局", "李四"), "U3": ("市卫生健康委", ""), "U4": ("市发展改革委", "赵六")}


@pytest.fixture(scope="module")
def private_sessions(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('reports') / 'ledger.db'}"
    upgrade_database(url)
    sessions = session_factory(url)
    with sessions() as session:
        session.add_all(UnitRow(code=code, name=name, head_name=head) for code, (name, head) in HEADS.items())
        session.commit()
    return sessions


# The API in-process against the real worker and the shared test ledger (tests/api/conftest.py).
from tests.api.conftest import api, api_settings, http, registers, tokens  # noqa: E402,F401
