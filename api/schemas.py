"""Request and response bodies of the API that are not domain models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from domain.enums import Role
from services.registers import DeputyIn, UnitIn

T = TypeVar("T")


class Token(BaseModel):
    access_token: str
    token_type: str


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


class UnitOut(UnitIn):
    model_config = ConfigDict(from_attributes=True)


class DeputyOut(DeputyIn):
    model_config = ConfigDict(from_attributes=True)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    role: Role
    unit_code: str | None
    deputy_code: str | None
    email: str
    active: bool


class SuggestionSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str = Field(validation_alias="workflow_id")
    kind: str  # domain.kinds.Kind: suggestion, inquiry
    year: int
    number: str
    period: str
    title: str
    field: str
    lead_deputy: str
    received_on: date
    stage: str
    result_class: str | None
    lead_unit: str | None
    co_units: list[str]
    overdue: bool
    key_supervision: bool
    warning_level: str
    next_due_at: datetime | None
    reply_due_at: datetime | None
    origin_year: int
    handling_year: int
    carry_over_count: int
    key_status: str | None
    key_theme: str


class SimilarOut(BaseModel):
    """A similar suggestion (相似建议) and how alike it is, 0..1 (domain.similarity.score)."""

    model_config = ConfigDict(from_attributes=True)
    id: str = Field(validation_alias="workflow_id")
    year: int
    number: str
    title: str
    stage: str
    lead_unit: str | None
    result_class: str | None
    score: float = Field(ge=0, le=1)


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    seq: int
    at: datetime
    action: str
    actor_user: str
    actor_role: str
    actor_unit: str | None
    unit: str | None
    payload: dict


class ImportReport(BaseModel):
    created: list[str]
    skipped: list[str]
    errors: list[dict]
