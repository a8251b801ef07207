"""Bad input at the gateway's edge, against the real suite: every class gets
a clean French refusal with its status, never a 500, a dropped connection or
a body read whole."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.gateway.helpers import CLAIRE, LILAS, bearer
from tests.gateway.stack import Stack

PROBLEM = "application/problem+json"
LINES = f"/api/v1/sessions/demo/officines/{LILAS}/lines"
OFFICINE = f"/api/v1/officines/{LILAS}"


def _french_problem(response: httpx.Response, status: int, reason: str) -> dict[str, Any]:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert (body["status"], body["reason"]) == (status, reason), body
    assert body["detail"] and "Traceback" not in body["detail"]
    return body


async def test_a_body_declared_larger_than_the_limit_is_a_413_before_it_is_read(stack: Stack) -> None:
    limit = stack.gateway_settings.max_upload_bytes
    async with stack.client(headers=bearer(stack.psc.token_for(CLAIRE))) as client:
        response = await client.post(
            LINES, content=b"{" + b" " * limit + b"}", headers={"content-type": "application/json"}
        )
        body = _french_problem(response, 413, "PAYLOAD_TOO_LARGE")
        assert "taille autorisée" in body["detail"]


async def test_a_chunked_body_is_counted_while_it_streams_and_refused_past_the_limit(stack: Stack) -> None:
    async def thirty_megabytes() -> AsyncIterator[bytes]:  # no Content-Length: chunked
        chunk = b" " * (256 * 1024)
        for _ in range(120):
            yield chunk

    async with stack.client(headers=bearer(stack.psc.token_for(CLAIRE))) as client:
        try:
            response = await client.post(
                LINES, content=thirty_megabytes(), headers={"content-type": "application/json"}
            )
        except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
            pytest.fail("the gateway dropped the connection instead of answering 413")
        _french_problem(response, 413, "PAYLOAD_TOO_LARGE")


@pytest.mark.parametrize("depth", [33, 5_000, 200_000])
async def test_a_json_body_nested_deeper_than_the_limit_is_a_400_in_french(stack: Stack, depth: int) -> None:
    async with stack.client(headers=bearer(stack.psc.token_for(CLAIRE))) as client:
        for raw in (b"[" * depth + b"]" * depth, b'{"line":' * depth + b"1" + b"}" * depth):
            response = await client.post(LINES, content=raw, headers={"content-type": "application/json"})
            body = _french_problem(response, 400, "JSON_TOO_DEEP")
            assert "imbriqué" in body["detail"]


async def test_brackets_inside_json_strings_do_not_count_as_nesting(stack: Stack) -> None:
    async with stack.client(headers=bearer(stack.psc.token_for(CLAIRE))) as client:
        raw = b'{"requestId": "' + b"[{" * 100 + b'"}'
        response = await client.post(LINES, content=raw, headers={"content-type": "application/json"})
        assert response.status_code == 400, response.text
        assert response.json()["reason"] != "JSON_TOO_DEEP"


@pytest.mark.parametrize(
    "header",
    [
        b"Bearer caf\xc3\xa9",  # non-ASCII (UTF-8 bytes)
        b"Bearer \xe9t\xe9",  # non-ASCII (Latin-1 bytes)
        b"Bearer abc\x01def",  # a control byte
        b"Bearer abc\x7fdef",
        b"Bearer a b",
        b"Bearer " + b"a" * 16 * 1024,  # 16 KiB: over the backends' metadata limit
    ],
    ids=["utf8", "latin1", "control", "del", "space", "16kib"],
)
async def test_a_malformed_or_oversized_bearer_token_is_a_401_in_french(stack: Stack, header: bytes) -> None:
    async with stack.client() as client:
        request = client.build_request("GET", OFFICINE)
        request.headers["authorization"] = header.decode("latin-1")
        response = await client.send(request)
        body = _french_problem(response, 401, "BAD_AUTHORIZATION_HEADER")
        assert "jeton" in body["detail"].lower() or "Bearer" in body["detail"]


async def test_a_well_formed_but_unknown_token_is_still_the_backends_401(stack: Stack) -> None:
    async with stack.client(headers=bearer("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")) as client:
        response = await client.get(OFFICINE)
        assert response.status_code == 401, response.text


ENGLISH = ("invalid literal", "Failed to parse", "Expecting", "has no field", "codec", "Traceback", "int()")


def _all_french(body: dict[str, Any]) -> None:
    texts = [body["detail"], *(e["detail"] for e in body["errors"])]
    assert not any(word in text for text in texts for word in ENGLISH), texts


@pytest.mark.parametrize(
    "value", ["abc", "٣", "３", "1_000", " 5", "+5", "5.0", "99999999999999999999999", "-"], ids=repr
)
async def test_a_query_number_that_is_not_ascii_digits_is_a_french_field_violation(stack: Stack, value: str) -> None:
    async with stack.client(headers=bearer(stack.psc.token_for(CLAIRE))) as client:
        response = await client.get(f"{OFFICINE}/attachments", params={"pageSize": value})
        body = _french_problem(response, 400, "INVALID_ARGUMENT")
        assert [e["field"] for e in body["errors"]] == ["pageSize"]
        assert "nombre entier" in body["detail"]
        _all_french(body)


async def test_every_query_value_error_names_its_parameter_in_french(stack: Stack) -> None:
    async with stack.client(headers=bearer(stack.psc.token_for(CLAIRE))) as client:
        unknown = await client.get(f"{OFFICINE}/attachments", params={"taille": "3"})
        assert [e["field"] for e in _french_problem(unknown, 400, "INVALID_ARGUMENT")["errors"]] == ["taille"]


@pytest.mark.parametrize(
    ("raw", "reason", "field"),
    [
        (b'{"line": {"vials": \xff\xfe}}', "MALFORMED_JSON", None),  # invalid UTF-8
        (b'{"line": {"vials": 3,}}', "MALFORMED_JSON", None),  # syntax error
        (b"[1, 2]", "MALFORMED_JSON", None),
        (b'{"line": {"vials": "abc"}}', "INVALID_JSON_FIELD", "line.vials"),
        (b'{"line": {"vials": 1e40}}', "INVALID_JSON_FIELD", "line.vials"),
        (b'{"ligne": {}}', "INVALID_JSON_FIELD", "ligne"),
        (b'{"line": {"effecteurType": "PAS_UN_TYPE"}}', "INVALID_JSON_FIELD", "line.effecteurType"),
        (b'{"line": {"quantite": 3}}', "INVALID_JSON_FIELD", "line.quantite"),
    ],
    ids=["utf8", "syntax", "array", "string-for-int", "out-of-range", "unknown-field", "enum", "unknown-nested"],
)
async def test_a_malformed_json_body_is_a_french_400_with_the_field_when_there_is_one(
    stack: Stack, raw: bytes, reason: str, field: str | None
) -> None:
    async with stack.client(headers=bearer(stack.psc.token_for(CLAIRE))) as client:
        response = await client.post(LINES, content=raw, headers={"content-type": "application/json"})
        body = _french_problem(response, 400, reason)
        _all_french(body)
        if field is not None:
            assert [e["field"] for e in body["errors"]] == [field], body
            assert field in body["detail"]


async def test_a_lone_surrogate_in_a_json_string_is_refused_not_a_server_error(stack: Stack) -> None:
    async with stack.client(headers=bearer(stack.psc.token_for(CLAIRE))) as client:
        raw = b'{"line": {"effecteur": "\\ud800", "product": "products/moderna", "vials": 1}}'
        response = await client.post(LINES, content=raw, headers={"content-type": "application/json"})
        assert 400 <= response.status_code < 500, response.text
        _all_french(response.json())
