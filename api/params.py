"""The API's query and path parameters, each bounded and typed once (docs/limits.md): a value out of range
is a 422 that says which and why, never a 500."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from domain import limits
from domain.kinds import Kind

MAX_PAGE = 10_000  # pages beyond this are never useful: narrow the filters instead
# An item of any kind (domain.kinds): <kind>-<year>-<number>.
SUGGESTION_ID = rf"^(?:{'|'.join(kind.value for kind in Kind)})-[0-9]{{4}}-[A-Za-z0-9-]{{1,12}}$"
CODE = r"^[A-Za-z0-9_-]{1,32}$"

Year = Annotated[int, Query(ge=2000, le=2100, description="the suggestions' year (2000–2100)")]
YearOrAll = Annotated[int | None, Query(ge=2000, le=2100, description="the suggestions' year (2000–2100)")]
PageNo = Annotated[int, Query(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Query(ge=1, le=500)]
SimilarLimit = Annotated[int, Query(ge=1, le=20, description="how many similar suggestions at most")]
Code = Annotated[str | None, Query(pattern=CODE, description="a unit's, deputy's or field's code")]
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"  # no control characters: they end up in SQL parameters
SearchText = Annotated[str | None, Query(max_length=100, pattern=PRINTABLE)]
AsOf = Annotated[str | None, Query(
    max_length=40, description="a date (figures at the end of that day, Beijing time) or an ISO 8601 instant, "
                               "within 2000–2100; default: now")]
SuggestionId = Annotated[str, Path(pattern=SUGGESTION_ID, max_length=64,
                                   description="<kind>-<year>-<number>: suggestion-2026-0001, inquiry-2026-0001")]
KindFilter = Annotated[Kind | None, Query(description="only items of this kind: suggestion (建议), inquiry (问政交办函)")]
UnitCode = Annotated[str, Path(pattern=CODE)]
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]  # a database id: a signed 64-bit integer
ShortText = Annotated[str, Query(max_length=limits.NAME)]
Username = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.@-]{3,100}$")]
