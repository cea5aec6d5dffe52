"""Refusals and the checks every action starts with: who may act, and on what."""

from __future__ import annotations

from domain.enums import UNIT_ROLES, Role, Stage
from domain.models import Actor, Assignment, SuggestionState


class Refusal(Exception):
    """An action the state or the actor does not allow; `kind` tells the API which 4xx."""

    kind = "conflict"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Conflict(Refusal):
    """The state does not allow it now (409)."""

    kind = "conflict"


class Forbidden(Refusal):
    """This actor may not do it (403)."""

    kind = "forbidden"


class Invalid(Refusal):
    """The input itself is wrong (422)."""

    kind = "invalid"


def require_role(actor: Actor, action: str, *roles: Role) -> None:
    if actor.role not in roles:
        allowed = " or ".join(r.value for r in roles)
        raise Forbidden(f"{action} is done by the {allowed}, not by a {actor.role.value}")


def own_assignment(state: SuggestionState, actor: Actor, action: str) -> Assignment:
    """The actor's unit's part in this item; another unit's item is not theirs to touch."""
    require_role(actor, action, *UNIT_ROLES)
    assignment = state.assignment(actor.unit)
    if assignment is None:
        raise Forbidden(f"suggestion {state.number} is not assigned to unit {actor.unit}")
    return assignment


def require_open(state: SuggestionState, action: str) -> None:
    if state.ended:
        raise Conflict(f"{action}: suggestion {state.number} has ended ({state.stage.value})")


def require_assigned(state: SuggestionState, action: str) -> None:
    require_open(state, action)
    if state.stage in (Stage.registered, Stage.returned_for_revision):
        raise Conflict(f"{action}: suggestion {state.number} has not been assigned yet")


def pick_track(
    state: SuggestionState,
    candidates: list[Assignment],
    unit: str | None,
    nothing: str,
) -> Assignment:
    """Choose the unit a coordinator's or deputy's action is about."""
    if unit is not None:
        candidates = [a for a in candidates if a.unit == unit]
    if not candidates:
        raise Conflict(nothing + (f" for unit {unit}" if unit else ""))
    if len(candidates) > 1:
        units = ", ".join(a.unit for a in candidates)
        raise Invalid(f"several units qualify ({units}): name the unit")
    return candidates[0]
