"""Copy the google/api protos that protos/ imports into .protos-deps/ for buf.

buf cannot fetch googleapis from the Buf Schema Registry here, and needs no
network for it: the same files ship in the pinned googleapis-common-protos
wheel that tools/gen_protos.py compiles against. They are copied (not
committed) into a second module of the buf workspace (buf.yaml), which the
lint ignores: only our own protos are linted.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from tools.gen_protos import GOOGLEAPIS, PROTOS, ROOT

DEST = ROOT / ".protos-deps" / "googleapis"
_IMPORT = re.compile(r'^import "(google/api/[^"]+\.proto)";', re.MULTILINE)


def imported() -> set[str]:
    """google/api files imported by protos/, with what they import in turn."""
    todo = {m for p in PROTOS.rglob("*.proto") for m in _IMPORT.findall(p.read_text())}
    found: set[str] = set()
    while todo:
        path = todo.pop()
        found.add(path)
        todo |= set(_IMPORT.findall((GOOGLEAPIS / path).read_text())) - found
    return found


def copy(dest: Path = DEST) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    for path in sorted(imported()):
        (dest / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(GOOGLEAPIS / path, dest / path)


if __name__ == "__main__":
    copy(Path(sys.argv[1]) if len(sys.argv) > 1 else DEST)
