"""Generate Python code and .pyi stubs from protos/ into gen/.

The generated files are committed; `make protos-check` (run by CI) fails when
they differ from what the protos generate, so the two never drift.

Stubs: `--pyi_out` (grpcio-tools) types the `_pb2` message modules and
mypy-protobuf's `protoc-gen-mypy_grpc` (pinned in the dev extra, installed
next to this interpreter) types the `_pb2_grpc` modules: typed stubs, whose
methods take and answer the message classes, and servicer base classes.

The protos import the google.api annotations (field_behavior, resource). They
are read from the pinned googleapis-common-protos wheel, which also ships
their generated code, so only our own files are generated here and the
`google.api` imports of the generated code resolve at run time.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import google.api.field_behavior_pb2
import grpc_tools
from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
# protoc-gen-mypy_grpc, the console script mypy-protobuf installs beside the interpreter.
MYPY_GRPC = Path(sys.executable).parent / "protoc-gen-mypy_grpc"
PROTOS = ROOT / "protos"
# The folder holding google/api/*.proto in the googleapis-common-protos wheel.
GOOGLEAPIS = Path(google.api.field_behavior_pb2.__file__).resolve().parent.parent.parent


def generate(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    if not MYPY_GRPC.exists():
        sys.exit(f"{MYPY_GRPC} not found: install the dev extra (make install), it pins mypy-protobuf")
    well_known = Path(grpc_tools.__file__).parent / "_proto"
    files = sorted(str(p.relative_to(PROTOS)) for p in PROTOS.rglob("*.proto"))
    code = protoc.main(
        [
            "grpc_tools.protoc",
            f"-I{PROTOS}",
            f"-I{well_known}",
            f"-I{GOOGLEAPIS}",
            f"--python_out={out}",
            f"--pyi_out={out}",
            f"--grpc_python_out={out}",
            f"--plugin=protoc-gen-mypy_grpc={MYPY_GRPC}",
            # Every server and client of ours is grpc.aio: async-only stubs; quiet: no "Writing" lines.
            "--mypy_grpc_opt=only_async,quiet",
            f"--mypy_grpc_out={out}",
            *files,
        ]
    )
    if code != 0:
        sys.exit(f"protoc failed with exit code {code}")
    # Every directory becomes a regular package so setuptools and mypy find it.
    for directory in [out, *(p for p in out.rglob("*") if p.is_dir())]:
        if directory != out:
            (directory / "__init__.py").touch()


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "gen")
