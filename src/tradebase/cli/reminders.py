"""``tradebase reminders send``: every reminder of the platform, each sent at most once.

For cron or the job runner (daily is enough): it applies certification lapses, reminds
enterprises of enquiries left unanswered and of certifications about to expire, and tells
enterprises of open requests that fit their catalog. Safe to run any number of times, also
two at once: a reminder already sent is skipped (``reminders/service.py``). Prints what it
sent and exits 0.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

import typer

from tradebase.cli.common import console, user_errors

reminders_app = typer.Typer(help="Reminders sent by mail and to the inbox, each once.",
                            no_args_is_help=True)


def _day(value: str | None) -> date:
    if value is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date (YYYY-MM-DD)") from None


@reminders_app.command("send")
def send(
    today: Annotated[str | None, typer.Option(
        "--today", help="The day to remind for, YYYY-MM-DD (default: today, UTC).")] = None,
    unanswered_after_days: Annotated[int, typer.Option(
        "--unanswered-after-days", min=1,
        help="Remind an enterprise of an enquiry unanswered for this many days.")] = 3,
    certificate_days: Annotated[int, typer.Option(
        "--certificate-days", min=0,
        help="Remind an enterprise of a certification lapsing within this many days.")] = 30,
    match_requests: Annotated[bool, typer.Option(
        "--match-requests/--no-match-requests",
        help="Tell enterprises of open requests that fit their catalog.")] = True,
) -> None:
    """Send the reminders that are due and were never sent; print each one sent."""
    from tradebase.accounts.mail import mail_sender
    from tradebase.db import get_engine
    from tradebase.docking.index_store import ListingIndex
    from tradebase.migrate import upgrade
    from tradebase.notifications.channels import MailChannel, use_channels
    from tradebase.reminders.service import send_reminders
    from tradebase.settings import get_settings
    from tradebase.uow import unit_of_work
    from tradebase.web.pages.inbox import mail_renderer

    day = _day(today)
    settings = get_settings()
    engine = get_engine()
    with user_errors():
        upgrade(engine)
        with unit_of_work(engine=engine) as session:
            use_channels(session, [MailChannel(mail_sender(settings), mail_renderer(settings))])
            report = send_reminders(
                session=session, today=day, unanswered_after_days=unanswered_after_days,
                certificate_days=certificate_days,
                index=ListingIndex() if match_requests else None,
            )
    for line in report.sent:
        console.print(f"sent {line.kind.value} {line.key} to {line.recipients} user(s)",
                      highlight=False, markup=False)
    console.print(
        f"Reminders for {day.isoformat()}: {len(report.sent)} sent, "
        f"{report.already_sent} sent before, {report.nobody_to_tell} with nobody to tell; "
        f"{report.lapsed_listings} listings refreshed for lapsed certifications.",
        highlight=False, markup=False,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(reminders_app, name="reminders")
