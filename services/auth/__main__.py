"""python -m services.auth            serve AuthService (gRPC 50051)
python -m services.auth migrate      alembic upgrade head
python -m services.auth issuer       the local PSC issuer (HTTP 127.0.0.1:8090), never in production
python -m services.auth rotate-keys  a new signing key for the local issuer; the previous one stays published
"""

from __future__ import annotations

import sys

from services.auth.settings import AuthSettings
from services.auth.spec import SPEC
from services.common.bootstrap import migrate_service, run
from services.common.logging import configure_logging


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "serve"
    if command == "serve":
        run(SPEC, AuthSettings)
        return 0
    settings = AuthSettings(service=SPEC.name)
    configure_logging(
        "psc-dev-issuer" if command in ("issuer", "rotate-keys") else SPEC.name, settings.log_format, settings.log_level
    )
    if command == "migrate":
        migrate_service(SPEC, settings)
        return 0
    if command in ("issuer", "rotate-keys"):
        from services.auth.dev_issuer.keys import KeyStore  # noqa: PLC0415 (dev-only code stays off the service path)
        from services.auth.dev_issuer.server import ProductionRefused, refuse_production, serve  # noqa: PLC0415

        try:
            refuse_production(settings)
        except ProductionRefused as refused:
            print(f"refused: {refused}", file=sys.stderr)
            return 2
        if command == "issuer":
            serve(settings)
        else:
            key = KeyStore(settings.issuer_keys_dir).rotate()
            print(f"new signing key {key.kid} in {settings.issuer_keys_dir}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
