"""Sending mail behind a small Protocol: the console for development, SMTP in production."""

from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage
from typing import Protocol

from tradebase.settings import Settings


class MailSender(Protocol):
    def send(self, *, to: str, subject: str, body: str) -> None: ...


class ConsoleMailSender:
    """Prints each message to the terminal (standard error), never into the application log,
    which may be shipped elsewhere and must not hold reset links."""

    def send(self, *, to: str, subject: str, body: str) -> None:
        sys.stderr.write(f"\n--- mail to {to}: {subject}\n{body}\n--- end of mail\n")
        sys.stderr.flush()


class SmtpMailSender:
    def __init__(self, host: str, port: int, sender: str) -> None:
        self.host, self.port, self.sender = host, port, sender

    def send(self, *, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            smtp.send_message(message)


class MemoryMailSender:
    """Keeps messages in a list, for tests."""

    def __init__(self) -> None:
        self.outbox: list[dict[str, str]] = []

    def send(self, *, to: str, subject: str, body: str) -> None:
        self.outbox.append({"to": to, "subject": subject, "body": body})


def mail_sender(settings: Settings) -> MailSender:
    if settings.mail_backend == "smtp":
        return SmtpMailSender(settings.smtp_host, settings.smtp_port, settings.mail_from)
    if settings.mail_backend == "memory":
        return MemoryMailSender()
    return ConsoleMailSender()
