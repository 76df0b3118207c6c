"""``tradebase users create|list|disable|enable|grant|reset-2fa``. The password is the first line of
standard input, so it never appears in the shell history or the process list."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from tradebase.cli.common import console, user_errors

users = typer.Typer(help="Manage user accounts and their roles.", no_args_is_help=True)

ROLE_HELP = "admin, base_admin, enterprise, buyer, supplier or officer"


def _role(value: str | None) -> object:
    from tradebase.accounts.roles import Role

    if value is None:
        return None
    try:
        return Role(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a role; use {ROLE_HELP}") from None


@users.command("create")
def create(
    email: Annotated[str, typer.Argument(help="The user's e-mail, used to log in")],
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
    base: Annotated[list[int] | None, typer.Option("--base", help="Base id (repeatable)")] = None,
    enterprise: Annotated[
        list[int] | None, typer.Option("--enterprise", help="Enterprise id (repeatable)")
    ] = None,
    organisation: Annotated[
        str, typer.Option("--organisation", help="A buyer's or supplier's organisation")
    ] = "",
) -> None:
    """Create a user; reads the password from the first line of standard input."""
    from tradebase.accounts import service
    from tradebase.uow import unit_of_work

    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        console.print("[red]error (password):[/red] give the password on standard input")
        raise typer.Exit(1)
    with user_errors(), unit_of_work() as session:
        user = service.create_user(
            session=session, email=email, password=password, role=_role(role),  # type: ignore[arg-type]
            base_ids=base or [], enterprise_ids=enterprise or [], organisation=organisation,
        )
        console.print(f"Created user {user.id} {user.email} ({user.role})")


@users.command("list")
def list_users() -> None:
    """List users with their roles, bases and enterprises."""
    from tradebase.accounts import service
    from tradebase.uow import unit_of_work

    with user_errors(), unit_of_work() as session:
        table = Table("id", "email", "role", "bases", "enterprises", "organisation", "active")
        for user in service.list_users(session=session):
            table.add_row(
                str(user.id), user.email, user.role, ",".join(map(str, user.base_ids)),
                ",".join(map(str, user.enterprise_ids)), user.organisation,
                "yes" if user.is_active else "no",
            )
        console.print(table)


@users.command("disable")
def disable(email: str) -> None:
    """Disable a user: ends their sessions and revokes their API tokens."""
    from tradebase.accounts import service
    from tradebase.uow import unit_of_work

    with user_errors(), unit_of_work() as session:
        service.set_active(session=session, email=email, active=False)
    console.print(f"Disabled {email}")


@users.command("enable")
def enable(email: str) -> None:
    """Enable a disabled user again."""
    from tradebase.accounts import service
    from tradebase.uow import unit_of_work

    with user_errors(), unit_of_work() as session:
        service.set_active(session=session, email=email, active=True)
    console.print(f"Enabled {email}")


@users.command("grant")
def grant(
    email: str,
    role: Annotated[str | None, typer.Option("--role", help=ROLE_HELP)] = None,
    base: Annotated[list[int] | None, typer.Option("--base", help="Base id (repeatable)")] = None,
    enterprise: Annotated[
        list[int] | None, typer.Option("--enterprise", help="Enterprise id (repeatable)")
    ] = None,
    organisation: Annotated[str | None, typer.Option("--organisation")] = None,
) -> None:
    """Change a user's role or add bases and enterprises they act for."""
    from tradebase.accounts import service
    from tradebase.uow import unit_of_work

    with user_errors(), unit_of_work() as session:
        user = service.grant(
            session=session, email=email, role=_role(role),  # type: ignore[arg-type]
            base_ids=base or [], enterprise_ids=enterprise or [], organisation=organisation,
        )
        console.print(
            f"{user.email}: {user.role}; bases {user.base_ids or '-'}; "
            f"enterprises {user.enterprise_ids or '-'}"
        )


@users.command("reset-2fa")
def reset_two_factor(email: str) -> None:
    """Turn a user's two-factor sign-in off (a lost phone): deletes the secret and the
    recovery codes and ends the user's sessions; a role that requires it enrols again at the
    next sign-in."""
    from tradebase.accounts import service, two_factor
    from tradebase.uow import unit_of_work

    with user_errors(), unit_of_work() as session:
        user = service.get_user_by_email(session=session, email=email)
        two_factor.reset_two_factor(session=session, user=user)
        service.revoke_credentials(session=session, user=user)
    console.print(f"Two-factor sign-in of {email} is reset; it is set up again at next login")


def register(app: typer.Typer) -> None:
    app.add_typer(users, name="users")
