"""Numbers allocated at registration: one above the year's highest all-digit number."""

from __future__ import annotations

from datetime import datetime, timezone

from domain import process
from ledger.queries import next_number
from tests.helpers import new_suggestion
from tests.ledger.test_search import write

YEAR = 2088  # a year no other test registers in (nor the next)


def register(sessions, number: str, year: int = YEAR) -> None:
    new = new_suggestion(number).model_copy(update={"year": year})
    write(sessions, process.register(new, f"suggestion-{year}-{number}", datetime(year, 3, 1, tzinfo=timezone.utc)))


def allocated(sessions, year: int = YEAR) -> str:
    with sessions() as session:
        return next_number(session, year)


def test_numbers_count_up_from_the_highest_all_digit_number_of_the_year(sessions):
    assert allocated(sessions) == "0001"  # an empty year starts at one
    for number in ("0007", "12", "0100", "A999", "2025-9", "99x"):
        register(sessions, number)
    assert allocated(sessions) == "0101"  # by value, not text ("12" < "0100"); numbers with other characters ignored
    register(sessions, "99999", year=YEAR + 1)
    assert allocated(sessions) == "0101"  # another year's numbers do not count
    assert allocated(sessions, YEAR + 1) == "100000"  # past four digits, no padding needed
    register(sessions, "9999")
    assert allocated(sessions) == "10000"
