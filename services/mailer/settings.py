"""Settings of the mailer (VAXORDERS_* environment variables)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator

from services.common.settings import ServiceSettings

_DEV_DOMAIN = "@vaxorders.localhost"


class MailerSettings(ServiceSettings):
    # The SMTP relay every message goes through (dev: the sink of `python -m services.mailer sink`).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=1025, ge=1, le=65535)
    # "starttls" upgrades a plain connection; "tls" is implicit TLS (port 465).
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_timeout_seconds: float = Field(default=30.0, gt=0, le=300)

    # Sender of every message, and where support requests go.
    mail_from: str = f"Commande de vaccins en officine <ne-pas-repondre{_DEV_DOMAIN}>"
    support_address: str = f"support{_DEV_DOMAIN}"
    # The support desk: the queue's page (named in the mail to the support team), and how
    # many requests one client (a logged-in user, else an address) may file per hour.
    support_queue_url: str = "http://127.0.0.1:8080/support"
    support_requests_per_hour: int = Field(default=5, ge=1, le=1000)
    # SpF's quality mailbox, which receives every destruction certificate
    # (production: qualite_covid19@santepubliquefrance.fr, set in deploy/).
    quality_address: str = f"qualite{_DEV_DOMAIN}"

    # Delivery attempts before a message is FAILED, and the backoff between them:
    # base * 2^(attempt-1) seconds, capped.
    mail_max_attempts: int = Field(default=8, ge=1, le=100)
    mail_retry_base_seconds: float = Field(default=30.0, ge=0)
    mail_retry_max_seconds: float = Field(default=3600.0, ge=0)
    # A claimed message not recorded as sent within this time (the process died
    # mid-send) is delivered again: at-least-once. Must exceed one SMTP exchange.
    mail_claim_seconds: float = Field(default=120.0, gt=0)
    # How often the dispatcher looks for due messages when it found none.
    mail_poll_seconds: float = Field(default=2.0, gt=0, le=300)
    mail_batch_size: int = Field(default=20, ge=1, le=1000)

    # Friday confirmations: recipients queued per transaction (a crash leaves a whole prefix).
    confirmation_batch_size: int = Field(default=200, ge=1, le=1000)
    # How often the notifier asks orders for new delivery-date changes.
    date_change_poll_seconds: float = Field(default=30.0, gt=0, le=3600)
    # How often the notifier asks orders for new vial-request events (arrivals, decisions).
    request_poll_seconds: float = Field(default=15.0, gt=0, le=3600)
    # The site's address, for the links in e-mails ("/officines/{finess}/demandes"): the
    # gateway's VAXORDERS_PUBLIC_BASE_URL, shared by every service in deploy/ (vaxorders-config).
    public_base_url: str = "http://127.0.0.1:8080"

    # Dev SMTP sink (`python -m services.mailer sink`).
    sink_host: str = "127.0.0.1"
    sink_smtp_port: int = Field(default=1025, ge=0, le=65535)
    sink_http_port: int = Field(default=8025, ge=0, le=65535)

    @model_validator(mode="after")
    def _consistent(self) -> MailerSettings:
        if self.mail_claim_seconds <= self.smtp_timeout_seconds:
            raise ValueError(
                "mail_claim_seconds must exceed smtp_timeout_seconds (a send still running would be sent twice)"
            )
        if self.smtp_password.get_secret_value() and not self.smtp_username:
            raise ValueError("smtp_password is set without smtp_username")
        if self.environment == "production" and (_DEV_DOMAIN in self.mail_from or _DEV_DOMAIN in self.support_address):
            raise ValueError("set VAXORDERS_MAIL_FROM and VAXORDERS_SUPPORT_ADDRESS in production")
        if self.environment == "production" and _DEV_DOMAIN in self.quality_address:
            raise ValueError("set VAXORDERS_QUALITY_ADDRESS in production")
        return self

    @property
    def sink_dir(self) -> Path:
        return self.data_dir / "mail-sink"
