"""The HTTP API fuzzed from its own OpenAPI document with schemathesis, against the gateway and
the real services: no answer is a 5xx, and every answer conforms to the document (status
declared, content type, body schema). Requests go as an officine, an operator and a visitor
in turn.

The operations are those of the route table (the document is built from it, as the gateway
serves it): a route added later is fuzzed with no change here. `make fuzz` runs it longer."""

from __future__ import annotations

import itertools

import httpx
import schemathesis
from hypothesis import settings
from schemathesis import checks

from services.gateway.api.openapi import document
from services.gateway.api.routes import api_table
from tests.fuzz.conftest import HTTP_EXAMPLES, LONG, Caller, fuzz_settings
from tests.fuzz.running import BackgroundStack

PLACEHOLDER = "http://127.0.0.1:1"
schema = schemathesis.openapi.from_dict(document(api_table(), PLACEHOLDER))
if not LONG:
    # CI: the schema's examples and the random fuzzing phase; `make fuzz` adds the coverage
    # phase (every boundary value and undeclared method of every operation: minutes).
    schema.config.phases.update(phases=["examples", "fuzzing"])
_turns = itertools.count()
# Every schemathesis check runs but two that do not apply here:
# - positive_data_acceptance expects any schema-valid request to succeed; the services refuse
#   what no schema says (an unknown FINESS, a date out of range, a closed session) with a 4xx;
# - ignored_auth re-sends a request without the credentials it knows of, but the callers'
#   tokens are passed explicitly (to rotate officine, operator, visitor), so it would resend them
#   (authentication is checked by tests/gateway and by the visitor's turn here).
NOT_APPLICABLE = [checks.positive_data_acceptance, checks.ignored_auth]


def test_the_fuzzed_document_is_the_one_the_gateway_serves(suite: BackgroundStack) -> None:
    served = httpx.get(f"{suite.stack.base_url}/api/v1/openapi.json", timeout=30).json()
    # The paths hold /api/v1: server URL + path is where the operation answers.
    assert served["servers"] == [{"url": suite.stack.base_url}]
    assert {**served, "servers": []} == {**schema.raw_schema, "servers": []}


@schema.parametrize()
@settings(parent=fuzz_settings(HTTP_EXAMPLES))
def test_no_request_gets_a_server_error_and_every_answer_follows_the_document(
    case: schemathesis.Case, suite: BackgroundStack, callers: list[Caller]
) -> None:
    caller = callers[next(_turns) % len(callers)]
    headers = dict(caller.metadata())
    case.call_and_validate(base_url=suite.stack.base_url, headers=headers, excluded_checks=NOT_APPLICABLE, timeout=30)
