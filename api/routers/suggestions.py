"""Suggestions: register, list, read, and one POST per action (each a workflow update)."""


from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, File, Form, Query, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from pydantic import Field, StringConstraints, create_model

from api.deps import SessionDep, SettingsDep, TemporalDep, UserDep, actor_of, require_roles
from api.params import PRINTABLE, SUGGESTION_ID, Code, KindFilter, PageNo, SimilarLimit, SuggestionId, YearOrAll
from api.schemas import EventOut, ImportReport, Page, SimilarOut, SuggestionSummary
from core.errors import conflict, invalid
from core.logs import item_context
from domain import commands as c
from domain.actions import ACTIONS, Action
from domain.enums import DEPUTY_ROLES, Period, Role, Stage
from domain.guards import stage_zh
from domain.limits import TEXT, TEXT_LIMITS, in_chinese, in_english, input_problems
from domain.models import Actor, Model
from ledger import queries
from ledger.rows import SuggestionRow
from ledger.similar import similar_items
from services import merge_items
from services.act import migrate_policy, perform
from services.importing import import_suggestions
from services.reading import item_view, visible_item, visible_stage
from services.register import SuggestionInput, register, registration_refusal

router = APIRouter(prefix="/suggestions", tags=["suggestions"])
Registrar = Depends(require_roles(Role.coordinator, Role.deputy, Role.proposal_committee, Role.member))
ENDED = (Stage.converted.value, Stage.closed.value)


def _visible(session, user, workflow_id: str) -> SuggestionRow:
    return visible_item(session, actor_of(user), workflow_id)


def _visible_stage(session, user, workflow_id: str) -> str:
    """Before an action: the item's stage, if the user may see it (one column, not the whole row)."""
    return visible_stage(session, actor_of(user), workflow_id)


@router.post("", status_code=status.HTTP_201_CREATED, dependencies=[Registrar])
async def create_suggestion(
    data: SuggestionInput, session: SessionDep, settings: SettingsDep, temporal: TemporalDep, user: UserDep
) -> dict[str, Any]:
    actor = actor_of(user)
    if refusal := registration_refusal(actor, data.kind, data.lead_deputy):
        raise refusal
    outcome = await register(temporal, session, settings, data, actor)
    return await run_in_threadpool(_recorded_view, session, outcome.workflow_id, actor)


@router.post("/import", response_model=ImportReport, dependencies=[Depends(require_roles(Role.coordinator))])
async def import_file(
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalDep,
    user: UserDep,
    file: Annotated[UploadFile, File(description=".xlsx or .csv with 编号, 标题, 内容, 领域, 领衔代表, 附议代表, 收到日期")],
    year: Annotated[int, Form(ge=2000, le=2100)],
    period: Annotated[Period, Form()] = Period.session,
) -> ImportReport:
    result = await import_suggestions(
        temporal, session, settings,
        filename=file.filename or "", content=await file.read(), year=year, period=period, actor=actor_of(user),
    )
    return ImportReport.model_validate(result, from_attributes=True)


@router.get("", response_model=Page[SuggestionSummary])
def list_suggestions(
    session: SessionDep,
    user: UserDep,
    kind: KindFilter = None,
    year: YearOrAll = None,
    stage: Stage | None = None,
    unit: Code = None,
    field: Code = None,
    result_class: Annotated[str | None, Query(pattern=r"^[A-D]$")] = None,
    overdue: bool | None = None,
    key_supervision: bool | None = None,
    deputy: Code = None,
    q: Annotated[str | None, Query(max_length=100, pattern=PRINTABLE, description="text found in the title, body or number, as typed "
                                   "(no wildcards; on SQLite ASCII letters in either case)")] = None,
    page: PageNo = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
):
    filters = queries.SuggestionFilters(
        kind=kind.value if kind else None, year=year, stage=stage.value if stage else None, unit=unit, field=field, result_class=result_class,
        overdue=overdue, key_supervision=key_supervision, deputy=deputy, q=q,
    )
    rows, total = queries.list_suggestions(session, actor_of(user), filters, page, page_size)
    return {"items": [SuggestionSummary.model_validate(r) for r in rows], "total": total, "page": page, "page_size": page_size}


@router.get("/{suggestion_id}")
def get_suggestion(suggestion_id: SuggestionId, session: SessionDep, user: UserDep) -> dict[str, Any]:
    """The whole state, as the workflow's query gives it, with the timeline from the ledger."""
    return _view(session, _visible(session, user, suggestion_id), actor_of(user))


def _view(session, row: SuggestionRow, actor: Actor) -> dict[str, Any]:
    return item_view(session, row, actor)


def _recorded_view(session, workflow_id: str, actor: Actor) -> dict[str, Any]:
    """After an action: the item as the workflow has just recorded it in the ledger (as GET shows it).
    Run in the thread pool: it takes a pooled connection again, which must never block the event loop."""
    return _view(session, queries.just_recorded(session, workflow_id), actor)


@router.get("/{suggestion_id}/events", response_model=list[EventOut])
def get_events(suggestion_id: SuggestionId, session: SessionDep, user: UserDep):
    _visible_stage(session, user, suggestion_id)
    actor = actor_of(user)
    events = queries.events_of(session, suggestion_id)
    if actor.role in DEPUTY_ROLES:
        events = [e for e in events if e.action != "feedback_given" or e.actor_deputy == actor.deputy]
    return [EventOut.model_validate(e) for e in events]


@router.get("/{suggestion_id}/similar", response_model=list[SimilarOut])
def get_similar(suggestion_id: SuggestionId, session: SessionDep, user: UserDep, limit: SimilarLimit = 5):
    """Similar suggestions (相似建议) of the item's year and the years before that the user may open, the closest
    first: by the character pairs of title and body; a duplicate before assigning, an earlier answer."""
    row = _visible(session, user, suggestion_id)
    return [SimilarOut.model_validate({**found._mapping, "score": round(score, 3)})
            for found, score in similar_items(session, actor_of(user), row, limit)]


def _body_model(command: type[c.Command]) -> type[Model]:
    """The request body of an action: its command without the actor, who comes from the token; each text
    field with its length limit (domain.limits), so the OpenAPI document states it."""
    fields = {}
    for name, f in command.model_fields.items():
        if name == "actor":
            continue
        annotation = f.annotation
        if annotation in (str, str | None):
            annotation = Annotated[annotation, StringConstraints(max_length=TEXT_LIMITS.get(name, TEXT))]
        fields[name] = (annotation, f)
    return create_model(f"{command.__name__}Body", __base__=Model, __doc__=command.__doc__, **fields)


def _input_checked(cmd: c.Command) -> c.Command:
    """The limits of every field, nested ones too (the workflow's validator checks them again)."""
    problems = input_problems(cmd)  # the horizon is the workflow's: its clock is the item's
    if problems:
        raise invalid(in_english(problems), zh=in_chinese(problems), code="input.limit")
    return cmd


def _unknown_units(session, action: Action, body: Model) -> None:
    """Refuse unknown unit codes before they reach the workflow, which does not know the registers."""
    units: list[str] = []
    for name in action.unit_fields:
        value = getattr(body, name)
        units += [u for u in (value if isinstance(value, list) else [value]) if u]
    missing = queries.unknown_units(session, units)
    if missing:
        raise invalid(f"unknown units: {', '.join(missing)}", f"没有这些单位：{'、'.join(missing)}", "unit.unknown")


def _empty_body(body_model: type[Model]) -> Model:
    required = [name for name, f in body_model.model_fields.items() if f.is_required()]
    if required:
        raise invalid(f"a JSON body is required with: {', '.join(required)}", f"请提供：{'、'.join(required)}", "input.body_missing")
    return body_model()


def _action_route(action: Action):
    body_model = _body_model(action.command)

    async def act(
        suggestion_id: SuggestionId,
        session: SessionDep,
        temporal: TemporalDep,
        user: UserDep,
        body: Annotated[body_model | None, Body()] = None,  # type: ignore[valid-type]
    ) -> dict[str, Any]:
        stage = _visible_stage(session, user, suggestion_id)
        # A closed item still takes co-signers' ratings and a withdrawal from publication during its
        # feedback window (action.after_end): the workflow decides.
        if stage in ENDED and not action.after_end:
            raise conflict(f"suggestion {suggestion_id} has ended ({stage}); it takes no more actions",
                           f"本件建议已{stage_zh(stage)}，不再办理", "item.ended")
        body = body if body is not None else _empty_body(body_model)
        _unknown_units(session, action, body)
        actor = actor_of(user)
        cmd = _input_checked(action.command(actor=actor, **body.model_dump()))
        session.commit()  # give the connection back while the workflow works
        with item_context(suggestion_id, actor):  # every log line about this action names the item and actor
            await perform(temporal, suggestion_id, cmd)
        return await run_in_threadpool(_recorded_view, session, suggestion_id, actor)

    act.__name__ = action.update
    act.__doc__ = f"{action.label}: {action.command.__doc__ or ''}".rstrip(": ")
    return act


def _body_required(action: Action) -> dict:
    """An action whose command has required fields is documented with a required body (a missing one is a 422
    naming them: _empty_body)."""
    required = any(f.is_required() for name, f in action.command.model_fields.items() if name != "actor")
    return {"requestBody": {"required": True}} if required else {}


class MigratePolicyBody(Model):
    policy: str = Field(max_length=64, description="a profile's name; its current version is loaded")
    reason: str = Field(min_length=1, max_length=TEXT)


@router.post("/{suggestion_id}/migrate-policy", dependencies=[Depends(require_roles(Role.admin))])
async def migrate_policy_route(
    suggestion_id: SuggestionId, body: MigratePolicyBody, session: SessionDep, temporal: TemporalDep, user: UserDep
) -> dict[str, Any]:
    """Move a running item to another policy version with a recorded reason; its future deadlines are recomputed."""
    stage = _visible_stage(session, user, suggestion_id)
    if stage in ENDED:
        raise conflict(f"suggestion {suggestion_id} has ended ({stage}); it takes no more actions",
                       f"本件建议已{stage_zh(stage)}，不再办理", "item.ended")
    session.commit()  # give the connection back while the workflow works
    await migrate_policy(temporal, suggestion_id, body.policy, body.reason, actor_of(user))
    return await run_in_threadpool(_recorded_view, session, suggestion_id, actor_of(user))


class MergeBody(Model):
    item: str = Field(pattern=SUGGESTION_ID, max_length=64, description="the workflow id of the other item")


@router.post("/{suggestion_id}/merge", dependencies=[Depends(require_roles(Role.coordinator, Role.proposal_committee))])
async def merge_route(suggestion_id: SuggestionId, body: MergeBody, session: SessionDep, temporal: TemporalDep,
                      user: UserDep) -> dict[str, Any]:
    """并案: merge `item` into this item, both not yet assigned; its deputies become this item's signers, and it
    keeps its number and shows where it went. Undone with /unmerge until this item is assigned."""
    for workflow_id in (suggestion_id, body.item):
        _visible_stage(session, user, workflow_id)
    with item_context(suggestion_id, actor_of(user)):
        await merge_items.merge(temporal, session, actor_of(user), suggestion_id, body.item)
    return await run_in_threadpool(_recorded_view, session, suggestion_id, actor_of(user))


@router.post("/{suggestion_id}/unmerge", dependencies=[Depends(require_roles(Role.coordinator, Role.proposal_committee))])
async def unmerge_route(suggestion_id: SuggestionId, body: MergeBody, session: SessionDep, temporal: TemporalDep,
                        user: UserDep) -> dict[str, Any]:
    """撤销并案: `item` is handled on its own again (only before this item is assigned)."""
    for workflow_id in (suggestion_id, body.item):
        _visible_stage(session, user, workflow_id)
    with item_context(suggestion_id, actor_of(user)):
        await merge_items.undo(temporal, session, actor_of(user), suggestion_id, body.item)
    return await run_in_threadpool(_recorded_view, session, suggestion_id, actor_of(user))


for _action in ACTIONS:
    if not _action.own_route:
        router.add_api_route(
            "/{suggestion_id}/" + _action.name, _action_route(_action), methods=["POST"], name=_action.name,
            summary=f"{_action.label} ({_action.name})", openapi_extra=_body_required(_action),
        )
