"""Copy the front-end files the gateway serves out of node_modules (after
`npm install`): the DSFR's compiled CSS/JS, its fonts, icons and favicons
into services/gateway/static/dsfr/ (git-ignored), keeping dist/'s layout so
the CSS's relative url()s resolve; and axe-core's axe.min.js into
tests/gateway/vendor/ (git-ignored) for the accessibility checks of the
browser tests. Run as `python -m tools.copy_assets` (the Makefile's `assets`).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DSFR = ROOT / "node_modules" / "@gouvfr" / "dsfr"
AXE = ROOT / "node_modules" / "axe-core"
STATIC = ROOT / "services" / "gateway" / "static" / "dsfr"
VENDOR = ROOT / "tests" / "gateway" / "vendor"

# Paths under dsfr/dist the pages use.
FILES = [
    "dsfr.min.css",
    "dsfr.module.min.js",
    "dsfr.nomodule.min.js",
    "utility/icons/icons.min.css",
]
DIRECTORIES = ["fonts", "icons", "favicon"]


def _version(package: Path) -> str:
    return json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]


def copy(static: Path = STATIC, vendor: Path = VENDOR) -> None:
    for package in (DSFR, AXE):
        if not (package / "package.json").exists():
            sys.exit(f"{package.relative_to(ROOT)} is missing: run `npm install` first")
    dist = DSFR / "dist"
    if static.exists():
        shutil.rmtree(static)
    for name in FILES:
        target = static / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(dist / name, target)
    for name in DIRECTORIES:
        shutil.copytree(dist / name, static / name, ignore=shutil.ignore_patterns("*.map", "*.md"))
    (static / "VERSION").write_text(_version(DSFR) + "\n", encoding="utf-8")
    vendor.mkdir(parents=True, exist_ok=True)
    shutil.copy2(AXE / "axe.min.js", vendor / "axe.min.js")
    (vendor / "AXE_VERSION").write_text(_version(AXE) + "\n", encoding="utf-8")
    print(
        f"DSFR {_version(DSFR)} -> {static.relative_to(ROOT)}; axe-core {_version(AXE)} -> {vendor.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    copy()
