"""python -m services.mailer [migrate | sink | send-confirmations --session current|sessions/{id} [--dry-run]
                            | send-stock-notices]

No argument: serve MailerService (gRPC 50055) and run the outbox dispatcher.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from services.common.bootstrap import migrate_service, run
from services.common.logging import configure_logging
from services.mailer.settings import MailerSettings
from services.mailer.spec import SPEC


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.mailer")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve MailerService and deliver the outbox (default)")
    commands.add_parser("migrate", help="bring the mailer database to the latest schema")
    commands.add_parser("sink", help="dev SMTP sink on 127.0.0.1:1025, its mails on http://127.0.0.1:8025")
    confirm = commands.add_parser("send-confirmations", help="queue the Friday delivery confirmations")
    confirm.add_argument("--session", default="current", help='"current" (today\'s confirmations) or sessions/{id}')
    confirm.add_argument("--dry-run", action="store_true", help="list recipients and counts, queue nothing")
    commands.add_parser("send-stock-notices", help="queue the due stock alerts, uncollected notices, certificates")
    args = parser.parse_args(argv)

    if args.command in (None, "serve"):
        run(SPEC, MailerSettings)
        return 0
    settings = MailerSettings(service=SPEC.name)
    configure_logging(SPEC.name, settings.log_format, settings.log_level)
    if args.command == "migrate":
        migrate_service(SPEC, settings)
        return 0
    if args.command == "sink":
        from services.mailer.sink import run_sink  # noqa: PLC0415 (dev only: keeps the server's imports lean)

        asyncio.run(run_sink(settings.sink_dir, settings.sink_host, settings.sink_smtp_port, settings.sink_http_port))
        return 0
    if args.command == "send-stock-notices":
        from services.mailer.stock_alerts_cli import send_stock_notices  # noqa: PLC0415

        return asyncio.run(send_stock_notices(settings))
    from services.mailer.cli import send_confirmations  # noqa: PLC0415

    return asyncio.run(send_confirmations(settings, args.session, dry_run=args.dry_run))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
