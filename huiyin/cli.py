"""The operators' command line (运维命令行): `huiyin import`, `huiyin demo-data`, `huiyin create-user`.

Each command brings the ledger's schema up to date first. A refusal (Problem) is
printed as one clear line and exits with code 2.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session
from temporalio.client import Client

from core.errors import Problem, invalid
from core.settings import Settings, with_embedded_codec_keys
from core.temporal import connect
from domain.enums import Period, Role
from domain.models import Actor
from huiyin import demo
from ledger.db import session_factory
from ledger.queries import running_items_with_policy
from ledger.schema import upgrade_database
from services import holidays, replay
from services.act import migrate_policy as migrate
from services.export import ExportFormat
from services.export import export_ledger as write_export
from services.importing import import_suggestions, importing_actor, read_rows
from services.users import UserIn, add_user

app = typer.Typer(help="Huiyin (回音) operator commands.", no_args_is_help=True)


def cli_settings() -> Settings:
    """From the environment; beside `make run`, with the payload key it keeps in var/."""
    return with_embedded_codec_keys(Settings())


@contextmanager
def reported() -> Iterator[None]:
    """Print a refusal as one line and exit 2, instead of a traceback."""
    try:
        yield
    except Problem as problem:
        typer.secho(f"{problem.title}: {problem.detail}", err=True, fg=typer.colors.RED)
        raise typer.Exit(2) from None


def open_ledger(settings: Settings) -> Session:
    upgrade_database(settings.huiyin_database_url)
    return session_factory(settings.huiyin_database_url)()


async def connect_temporal(settings: Settings) -> Client:
    try:
        return await connect(settings)
    except RuntimeError as error:  # the SDK's "failed client connect"
        raise Problem(503, "Temporal unavailable", f"cannot reach Temporal at {settings.temporal_address}: {error}") from None


# --- import -------------------------------------------------------------------------------


@app.command("import")
def import_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help=".xlsx or .csv file"),
    year: int = typer.Option(..., min=2000, max=2100, help="the year the suggestions belong to"),
    period: Period = typer.Option(Period.session, help="session (会议期间) or closed (闭会期间)"),
    as_user: str | None = typer.Option(None, "--as", help="coordinator username to record as the registrar"),
) -> None:
    """Import a session's suggestions (批量导入); rows already imported are skipped."""
    settings = cli_settings()
    content = file.read_bytes()
    with reported():
        total = len(read_rows(file.name, content))
        result = asyncio.run(_import(settings, file.name, content, year, period, as_user, total))
    typer.echo(f"created {len(result.created)}, skipped {len(result.skipped)} (already there), "
               f"rows with errors {len(result.errors)}")
    for error in result.errors:
        typer.secho(f"row {error['row']} ({error['number'] or 'no number'}): {'; '.join(error['errors'])}",
                    err=True, fg=typer.colors.YELLOW)
    if result.errors:
        raise typer.Exit(1)


async def _import(settings: Settings, filename: str, content: bytes, year: int, period: Period,
                  as_user: str | None, total: int):
    client = await connect_temporal(settings)
    with open_ledger(settings) as session:
        actor = importing_actor(session, as_user)
        with typer.progressbar(length=total, label="importing") as bar:
            return await import_suggestions(
                client, session, settings, filename=filename, content=content,
                year=year, period=period, actor=actor, progress=lambda done, _total: bar.update(done - bar.pos),
            )


# --- demo data ----------------------------------------------------------------------------


@app.command("demo-data")
def demo_data(year: int = typer.Option(2026, min=2000, max=2100, help="the demo year")) -> None:
    """Load a living demo year (about 2½ minutes): 12 units, 30 deputies, demo users, 50 suggestions of this
    year, last year and the year before, 6 inquiry letters and 6 CPPCC proposals, played through a year on the
    demo's rehearsal clock; safe to run again."""
    settings = cli_settings()
    with reported():
        result, counts = asyncio.run(_demo(settings, year))
    typer.echo(f"added {result.units} units, {result.deputies} deputies, {result.users} users, "
               f"{result.suggestions} suggestions ({result.driven} moved forward) in {result.seconds:.0f} s")
    if counts:
        typer.echo("the README's oversight queries now find (Temporal UI search box):")
        for (what, query), count in counts.items():
            typer.echo(f"  {count:4d}  {what}: {query}")
    if result.passwords:
        typer.echo("new demo users (passwords shown only now; also in var/demo-users.txt):")
        for username, password in result.passwords.items():
            typer.echo(f"  {username}\t{password}")


async def _demo(settings: Settings, year: int) -> tuple[demo.DemoResult, dict[tuple[str, str], int]]:
    client = await connect_temporal(settings)
    with open_ledger(settings) as session, typer.progressbar(length=100, label="演示数据", width=30) as bar:
        def progress(step: str, share: float) -> None:
            bar.label = f"演示数据：{step}"
            bar.update(round(share * 100) - bar.pos)

        result = await demo.load_demo(client, session, settings, year=year, progress=progress)
    if not result.suggestions:
        return result, {}
    await asyncio.sleep(2)  # the visibility store catches up with the last search-attribute changes
    return result, {(what, query): (await client.count_workflows(query)).count
                    for what, query in demo.oversight_queries(year)}


# --- users --------------------------------------------------------------------------------


@app.command("create-user")
def create_user(
    username: str,
    role: Role = typer.Option(..., help="deputy, coordinator, unit_handler, unit_head, supervisor or admin"),
    unit: str | None = typer.Option(None, help="unit code, for unit_handler and unit_head"),
    deputy: str | None = typer.Option(None, help="deputy code, for deputies"),
    email: str = typer.Option("", help="e-mail address for notices"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="read the password from standard input"),
) -> None:
    """Create a user; the password is asked for twice (hidden) unless --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with reported():
        try:
            body = UserIn(username=username, password=password, role=role, unit_code=unit, deputy_code=deputy,
                          email=email)
        except ValidationError as error:
            raise invalid("; ".join(_message(e) for e in error.errors())) from None
        with open_ledger(cli_settings()) as session:
            add_user(session, body)
    typer.echo(f"created user {username} ({role.value})")


def _message(error: dict) -> str:
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]


# --- operations: holidays, replay check, ledger export ---------------------------------------


@app.command("load-holidays")
def load_holidays(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="one year's holiday override (TOML)"),
    announce: bool = typer.Option(False, "--announce", help="also tell every running item now (calendar_revised)"),
) -> None:
    """Check a year's official holidays (节假日安排) and install them into the config's holidays/ folder."""
    settings = cli_settings()
    with reported():
        installed = holidays.install_holidays(file, settings.huiyin_config_dir)
    override = installed.override
    typer.echo(f"{'replaced' if installed.replaced else 'installed'} {installed.path}: {override.year}, "
               f"{len(override.holidays)} holidays, {len(override.workdays)} weekend workdays"
               f"{' (provisional)' if override.provisional else ''}")
    if not announce:
        typer.echo("running items keep their deadlines until told: run again with --announce "
                   "(workers read the new file on their next deadline computation)")
        return
    async def tell() -> int:
        return await holidays.announce_calendar_revision(await connect_temporal(settings), override.year)

    with reported():
        told = asyncio.run(tell())
    typer.echo(f"told {told} running items to recompute their {override.year} deadlines")


@app.command("migrate-policy")
def migrate_policy(
    from_ref: str = typer.Option(..., "--from", help="the version items run under now, e.g. national@2025.1"),
    to: str = typer.Option(..., "--to", help="the profile whose current version they move to, e.g. national"),
    reason: str = typer.Option(..., help="why (recorded on every item)"),
) -> None:
    """Move every running item of one policy version to another profile's current version (recorded per item)."""
    settings = cli_settings()
    operator = Actor(user="cli", role=Role.admin)

    async def run() -> tuple[int, list[str]]:
        client = await connect_temporal(settings)
        with open_ledger(settings) as session:
            ids = running_items_with_policy(session, from_ref)
        failed = []
        with typer.progressbar(ids, label=f"{from_ref} -> {to}") as bar:
            for workflow_id in bar:
                try:
                    await migrate(client, workflow_id, to, reason, operator)
                except Problem as problem:
                    failed.append(f"{workflow_id}: {problem.detail}")
        return len(ids), failed

    with reported():
        total, failed = asyncio.run(run())
    for line in failed:
        typer.secho(f"not migrated {line}", err=True, fg=typer.colors.YELLOW)
    typer.echo(f"migrated {total - len(failed)} of {total} running items from {from_ref} to {to}")
    if failed:
        raise typer.Exit(1)


@app.command("replay-check")
def replay_check(
    query: str | None = typer.Option(None, help="visibility query (default: every running item of every kind)"),
    workflow_id: list[str] = typer.Option([], "--id", help="replay only these workflow ids (repeatable)"),
    save: Path | None = typer.Option(None, help="also write each history as JSON into this folder (e.g. tests/histories)"),
    limit: int | None = typer.Option(None, min=1, help="at most this many executions"),
) -> None:
    """Replay live workflow histories against this code; exit 1 if any no longer replays (non-determinism)."""
    settings = cli_settings()

    async def run() -> replay.ReplayReport:
        client = await connect_temporal(settings)
        return await replay.replay_check(
            client, query=query, workflow_ids=workflow_id, save_dir=save, limit=limit,
        )

    with reported():
        report = asyncio.run(run())
    for failed, why in report.failures.items():
        typer.secho(f"FAILED {failed}: {why}", err=True, fg=typer.colors.RED)
    typer.echo(f"replayed {len(report.checked)} histories: {len(report.failures)} failed")
    if not report.ok:
        raise typer.Exit(1)


@app.command("export-ledger")
def export_ledger(
    fmt: ExportFormat = typer.Option(..., "--format", help="csv (a folder of two files) or xlsx (one workbook)"),
    out: Path | None = typer.Option(None, help="where to write (default: ledger-export-<date>[.xlsx])"),
    year: int | None = typer.Option(None, min=2000, max=2100, help="only this year's suggestions"),
) -> None:
    """Export the ledger (台账): the suggestions projection and every event."""
    target = out or Path(f"ledger-export-{date.today():%Y%m%d}{'.xlsx' if fmt == ExportFormat.xlsx else ''}")
    with reported():
        with open_ledger(cli_settings()) as session:
            counts = write_export(session, fmt, target, year)
    typer.echo(f"wrote {counts['suggestions']} suggestions and {counts['events']} events to {target}")


def main() -> None:
    """The `huiyin` command. The process ends without the interpreter's teardown, in which the Temporal client's
    threads may still run and abort it ("PyGILState_Release", temporalio/sdk-python#300) after the work is done."""
    try:
        app()
        code = 0
    except SystemExit as done:
        code = done.code
    if isinstance(code, str):  # sys.exit("why") would print it at teardown
        print(code, file=sys.stderr)
        code = 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)
