"""`make run`: migrate every service, load the demo data, start the whole suite.

Processes are supervised by honcho: each in its own process group, all sent
SIGTERM on Ctrl-C (then SIGKILL after a few seconds), and the whole suite stops
if one process dies, so nothing is left behind.

    python -m tools.devrun migrate | seed | run
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shlex
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from honcho.manager import Manager

from services.common.service_keys import generate_key_pair

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "fixtures" / "reference-week.json"
# Services owning a database, in the order their seeds depend on each other.
DATA_SERVICES = ["auth", "sessions", "effecteurs", "orders", "mailer"]
GATEWAY_URL = "http://127.0.0.1:8080"


def dev_environment() -> dict[str, str]:
    """The embedded defaults: SQLite under ./var, dev PSC issuer, SMTP sink, dev service identity."""
    env = dict(os.environ)
    data_dir = Path(env.get("VAXORDERS_DATA_DIR", ROOT / "var")).resolve()
    dataset = json.loads(DATASET.read_text(encoding="utf-8"))
    env.setdefault("VAXORDERS_ENVIRONMENT", "dev")
    env.setdefault("VAXORDERS_LOG_FORMAT", "console")
    env["VAXORDERS_DATA_DIR"] = str(data_dir)
    env.setdefault("VAXORDERS_OPERATORS", json.dumps(dataset["operators"]))
    # The dataset (kept identical to the shared reference) names no agents: in the demo its
    # operators (Élise Marchand) also answer support requests, as issue #16 asks.
    env.setdefault("VAXORDERS_SUPPORT_AGENTS", json.dumps(dataset.get("support_agents") or dataset["operators"]))
    env["PYTHONUNBUFFERED"] = "1"
    # One process each: the fixed ports of the metrics and the cockpit assume it.
    env["VAXORDERS_WORKERS"] = "1"
    # Service identity (docs/service-identity.md): a dev key pair made once under the data dir.
    # Every service verifies with the public key; only the mailer gets the private key (see
    # process_environments), as in the cluster.
    _, public_key = service_identity_keys(data_dir)
    env.setdefault("VAXORDERS_SERVICE_PUBLIC_KEY_FILE", str(public_key))
    return env


def service_identity_keys(data_dir: Path) -> tuple[Path, Path]:
    """(private, public) PEM files under $VAXORDERS_DATA_DIR/service-identity/, made if missing."""
    return generate_key_pair(data_dir / "service-identity")


# Processes that mint service-identity tokens, hence get the private key (orders: its
# attachment mirror follows effecteurs' feed).
MINTING_PROCESSES = frozenset({"mailer", "orders"})


def process_environment(name: str, env: dict[str, str]) -> dict[str, str]:
    """The environment of one process: the private key only where tokens are minted.

    (To run the Friday job by hand against `make run`:
    VAXORDERS_SERVICE_KEY_FILE=var/service-identity/service-identity.key
    python -m services.mailer send-confirmations --session sessions/2022-03-07 --dry-run)
    """
    if name not in MINTING_PROCESSES:
        return {k: v for k, v in env.items() if k != "VAXORDERS_SERVICE_KEY_FILE"}
    private_key, _ = service_identity_keys(Path(env["VAXORDERS_DATA_DIR"]))
    return {**env, "VAXORDERS_SERVICE_KEY_FILE": env.get("VAXORDERS_SERVICE_KEY_FILE") or str(private_key)}


def migrate(env: dict[str, str]) -> None:
    for name in DATA_SERVICES:
        subprocess.run([sys.executable, "-m", f"services.{name}", "migrate"], env=env, cwd=ROOT, check=True)


def seed(env: dict[str, str]) -> None:
    """Each service loads its own part of the dataset; every seed is idempotent."""
    for name in DATA_SERVICES:
        if importlib.util.find_spec(f"services.{name}.seed") is not None:
            subprocess.run(
                [sys.executable, "-m", f"services.{name}", "seed", str(DATASET)], env=env, cwd=ROOT, check=True
            )


def processes() -> dict[str, list[str]]:
    python = sys.executable
    return {
        "psc-issuer": [python, "-m", "services.auth", "issuer"],
        "smtp-sink": [python, "-m", "services.mailer", "sink"],
        "auth": [python, "-m", "services.auth"],
        "sessions": [python, "-m", "services.sessions"],
        "effecteurs": [python, "-m", "services.effecteurs"],
        "orders": [python, "-m", "services.orders"],
        "mailer": [python, "-m", "services.mailer"],
        "gateway": [python, "-m", "services.gateway"],
    }


def _announce_when_ready(timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{GATEWAY_URL}/healthz", timeout=2) as response:
                if response.status == 200:
                    print(
                        "\n  vaxorders est prêt :\n"
                        f"    Accueil ............ {GATEWAY_URL}/\n"
                        f"    API (OpenAPI) ...... {GATEWAY_URL}/api/v1/docs\n"
                        "    Identités PSC ...... http://127.0.0.1:8090/authorize (via « S'identifier »)\n"
                        "    Courriels (sink) ... http://127.0.0.1:8025/\n"
                        "    gRPC ............... auth 50051, effecteurs 50052, sessions 50053, "
                        "orders 50054, mailer 50055\n"
                        "  Ctrl-C arrête tout.\n",
                        flush=True,
                    )
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    print(f"\n  The gateway did not report healthy within {timeout:.0f} s: see the logs above.\n", flush=True)


def run(env: dict[str, str]) -> int:
    migrate(env)
    seed(env)
    manager = Manager()
    for name, command in processes().items():
        manager.add_process(name, shlex.join(command), env=process_environment(name, env), cwd=str(ROOT))
    threading.Thread(target=_announce_when_ready, daemon=True).start()
    manager.loop()
    return manager.returncode or 0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.devrun")
    parser.add_argument("action", choices=["migrate", "seed", "run"])
    action = parser.parse_args().action
    env = dev_environment()
    if action == "migrate":
        migrate(env)
    elif action == "seed":
        migrate(env)
        seed(env)
    else:
        sys.exit(run(env))


if __name__ == "__main__":
    main()
