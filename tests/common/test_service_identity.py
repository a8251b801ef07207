"""Service identity through real gRPC servers: a job's token is accepted for the RPCs
granted to it and refused (PERMISSION_DENIED, before the servicer runs) for any
other; every kind of bad service token is UNAUTHENTICATED; a PSC token never
becomes a SERVICE principal.

The server is built by the real bootstrap (start_service, the real interceptor and
authenticators) around recording servicers of the real generated services, so the
rules are tested whatever the services' own code does."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest

from services.common import context as ctx
from services.common.bootstrap import Runtime, ServiceSpec, start_service
from services.common.channels import Channels
from services.common.clock import ManualClock
from services.common.context import Principal
from services.common.grants import GRANTS
from services.common.grpc_errors import ErrorDetails
from services.common.server import RunningServer
from services.common.service_authn import PscOrServiceAuthenticator
from services.common.service_identity import (
    MAX_LIFETIME_SECONDS,
    ServiceTokenSource,
    ServiceTokenVerifier,
)
from services.common.service_identity import main as service_identity_main
from services.common.service_keys import PrivateKey, ServiceKeyError, generate_key_pair, load_private_key
from services.common.settings import CommonSettings, ServiceSettings
from tests.conftest import log_events
from tests.support.polling import eventually
from tests.support.psc import _hand_signed
from tests.support.service_identity import ServiceIdentityKeys, make_keys
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as effecteurs_pb
from vaxorders.effecteurs.v1 import effecteurs_service_pb2_grpc as effecteurs_grpc
from vaxorders.mailer.v1 import mailer_service_pb2 as mailer_pb
from vaxorders.mailer.v1 import mailer_service_pb2_grpc as mailer_grpc
from vaxorders.mailer.v1 import stock_alerts_service_pb2 as stock_alerts_pb
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb
from vaxorders.orders.v1 import orders_service_pb2_grpc as orders_grpc
from vaxorders.orders.v1 import stock_service_pb2 as stock_pb
from vaxorders.sessions.v1 import sessions_service_pb2 as sessions_pb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as sessions_grpc

OPERATOR = "899700000906"
CLAIRE = "899700000013"  # titulaire of Pharmacie des Lilas
NOW = datetime(2022, 3, 11, 9, 0, tzinfo=UTC)


@dataclass
class Seen:
    """Who each servicer method saw, in call order."""

    calls: list[tuple[str, Principal | None]] = field(default_factory=list)

    def record(self, method: str) -> None:
        self.calls.append((method, ctx.current_principal()))


class Orders(orders_grpc.OrderServiceServicer):
    def __init__(self, seen: Seen) -> None:
        self.seen = seen

    async def ListDeliveries(self, request, context):  # type: ignore[no-untyped-def]
        self.seen.record("ListDeliveries")
        return orders_pb.ListDeliveriesResponse()

    async def CreateOrderLine(self, request, context):  # type: ignore[no-untyped-def]
        self.seen.record("CreateOrderLine")
        return orders_pb.CreateOrderLineResponse()

    async def GetOfficineSummary(self, request, context):  # type: ignore[no-untyped-def]
        self.seen.record("GetOfficineSummary")
        return orders_pb.GetOfficineSummaryResponse()

    async def PublishAllocation(self, request, context):  # type: ignore[no-untyped-def]
        self.seen.record("PublishAllocation")
        return orders_pb.PublishAllocationResponse()


class Sessions(sessions_grpc.SessionServiceServicer):
    def __init__(self, seen: Seen) -> None:
        self.seen = seen

    async def GetSession(self, request, context):  # type: ignore[no-untyped-def]
        self.seen.record("GetSession")
        return sessions_pb.GetSessionResponse()

    async def PublishQuotaTable(self, request, context):  # type: ignore[no-untyped-def]
        self.seen.record("PublishQuotaTable")
        return sessions_pb.PublishQuotaTableResponse()


class Mailer(mailer_grpc.MailerServiceServicer):
    def __init__(self, seen: Seen) -> None:
        self.seen = seen

    async def SendDeliveryConfirmations(self, request, context):  # type: ignore[no-untyped-def]
        self.seen.record("SendDeliveryConfirmations")
        return mailer_pb.SendDeliveryConfirmationsResponse()


@dataclass
class Stack:
    running: RunningServer
    runtime: Runtime
    channel: grpc.aio.Channel
    seen: Seen
    clock: ManualClock

    @property
    def orders(self) -> orders_grpc.OrderServiceStub:
        return orders_grpc.OrderServiceStub(self.channel)

    @property
    def sessions(self) -> sessions_grpc.SessionServiceStub:
        return sessions_grpc.SessionServiceStub(self.channel)

    @property
    def mailer(self) -> mailer_grpc.MailerServiceStub:
        return mailer_grpc.MailerServiceStub(self.channel)

    @property
    def effecteurs(self) -> effecteurs_grpc.EffecteurServiceStub:
        return effecteurs_grpc.EffecteurServiceStub(self.channel)


def _spec(seen: Seen) -> ServiceSpec:
    async def build(runtime: Runtime) -> list[Any]:
        return [
            lambda s: orders_grpc.add_OrderServiceServicer_to_server(Orders(seen), s),
            lambda s: sessions_grpc.add_SessionServiceServicer_to_server(Sessions(seen), s),
            lambda s: mailer_grpc.add_MailerServiceServicer_to_server(Mailer(seen), s),
            lambda s: effecteurs_grpc.add_EffecteurServiceServicer_to_server(
                effecteurs_grpc.EffecteurServiceServicer(), s
            ),
        ]

    return ServiceSpec(
        name="orders",
        service_names=[
            "vaxorders.orders.v1.OrderService",
            "vaxorders.sessions.v1.SessionService",
            "vaxorders.mailer.v1.MailerService",
            "vaxorders.effecteurs.v1.EffecteurService",
        ],
        build=build,
    )


@pytest.fixture
async def start_stack(psc) -> AsyncIterator[Any]:  # type: ignore[no-untyped-def]
    started: list[Stack] = []

    async def start(**overrides: Any) -> Stack:
        clock = ManualClock(NOW)
        seen = Seen()
        settings = ServiceSettings(service="orders", environment="test", **{**psc.settings_overrides(), **overrides})
        running, runtime = await start_service(
            _spec(seen), settings, address="127.0.0.1:0", clock=clock, authenticator=psc.authenticator(clock)
        )
        stack = Stack(running, runtime, grpc.aio.insecure_channel(f"127.0.0.1:{running.port}"), seen, clock)
        started.append(stack)
        return stack

    yield start
    for stack in started:
        await stack.channel.close()
        await stack.running.stop(0)


@pytest.fixture
async def stack(start_stack) -> Stack:  # type: ignore[no-untyped-def]
    return await start_stack()


def bearer(token: str) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {token}")]


def at(moment: datetime) -> float:
    return moment.timestamp()


async def refused(call: Any) -> ErrorDetails:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return ErrorDetails.from_rpc_error(caught.value)


# --------------------------------------------------------------------------- granted and not granted


async def test_a_job_token_is_accepted_for_a_granted_rpc_as_a_service_principal(stack: Stack, service_token) -> None:  # type: ignore[no-untyped-def]
    await stack.orders.ListDeliveries(
        orders_pb.ListDeliveriesRequest(), metadata=bearer(service_token("friday-confirmations")), timeout=5
    )
    await stack.sessions.GetSession(
        sessions_pb.GetSessionRequest(), metadata=bearer(service_token("mailer")), timeout=5
    )
    await stack.mailer.SendDeliveryConfirmations(
        mailer_pb.SendDeliveryConfirmationsRequest(), metadata=bearer(service_token("friday-confirmations")), timeout=5
    )

    assert [(method, p.national_id if p else None) for method, p in stack.seen.calls] == [
        ("ListDeliveries", "service:friday-confirmations"),
        ("GetSession", "service:mailer"),
        ("SendDeliveryConfirmations", "service:friday-confirmations"),
    ]
    principal = stack.seen.calls[0][1]
    assert principal is not None and principal.is_service and principal.reads_everything
    assert not principal.is_operator and principal.acts_for == ()


@pytest.mark.parametrize(
    ("identity", "call"),
    [
        ("friday-confirmations", lambda s: s.orders.CreateOrderLine(orders_pb.CreateOrderLineRequest())),
        ("friday-confirmations", lambda s: s.orders.GetOfficineSummary(orders_pb.GetOfficineSummaryRequest())),
        ("friday-confirmations", lambda s: s.orders.PublishAllocation(orders_pb.PublishAllocationRequest())),
        ("friday-confirmations", lambda s: s.sessions.PublishQuotaTable(sessions_pb.PublishQuotaTableRequest())),
        ("mailer", lambda s: s.mailer.SendDeliveryConfirmations(mailer_pb.SendDeliveryConfirmationsRequest())),
        ("mailer", lambda s: s.sessions.PublishQuotaTable(sessions_pb.PublishQuotaTableRequest())),
        ("mailer", lambda s: s.effecteurs.ImportAttachments(iter(()))),
    ],
    ids=[
        "cron-writes-an-order-line",
        "cron-reads-an-officine-summary",
        "cron-publishes-an-allocation",
        "cron-publishes-a-quota-table",
        "notifier-starts-the-friday-run",
        "notifier-publishes-a-quota-table",
        "notifier-imports-attachments",
    ],
)
async def test_an_rpc_not_granted_to_the_identity_is_permission_denied_before_the_servicer_runs(
    stack: Stack, service_identity: ServiceIdentityKeys, identity: str, call: Any
) -> None:
    details = await refused(call(_MetadataStack(stack, service_identity.metadata_for(identity))))
    assert details.code == grpc.StatusCode.PERMISSION_DENIED
    assert details.reason == "SERVICE_NOT_GRANTED"
    assert "n'est pas autorisée" in details.message and identity in details.message
    assert details.domain == "orders.vaxorders.sante.gouv.fr"
    assert stack.seen.calls == []


class _MetadataStack:
    """A Stack whose stubs add `metadata` and a timeout to every call."""

    def __init__(self, stack: Stack, metadata: list[tuple[str, str]]) -> None:
        self._stack, self._metadata = stack, metadata

    def __getattr__(self, name: str) -> Any:
        return _MetadataStub(getattr(self._stack, name), self._metadata)


class _MetadataStub:
    def __init__(self, stub: Any, metadata: list[tuple[str, str]]) -> None:
        self._stub, self._metadata = stub, metadata

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._stub, name)
        return lambda request: method(request, metadata=self._metadata, timeout=5)


def test_every_granted_rpc_exists_in_the_protos() -> None:
    known = set()
    for module in (orders_pb, sessions_pb, mailer_pb, effecteurs_pb, stock_pb, stock_alerts_pb):
        for service in module.DESCRIPTOR.services_by_name.values():
            known |= {f"/{service.full_name}/{m.name}" for m in service.methods}
    for identity, methods in GRANTS.items():
        assert methods <= known, (identity, sorted(methods - known))


# --------------------------------------------------------------------------- bad service tokens


@pytest.fixture(scope="module")
def other_key(tmp_path_factory: pytest.TempPathFactory) -> PrivateKey:
    private, _ = generate_key_pair(tmp_path_factory.mktemp("other-service-key"), bits=2048)
    return load_private_key(str(private))


def _b64url_json(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


BAD_TOKENS: dict[str, tuple[Any, str]] = {
    "expired": (lambda k, o: k.token("mailer", now=at(NOW - timedelta(minutes=10)), lifetime=300), "TOKEN_EXPIRED"),
    "wrong_audience": (lambda k, o: k.token("mailer", now=at(NOW), aud="vaxorders-gateway"), "WRONG_AUDIENCE"),
    "no_audience": (lambda k, o: k.token("mailer", now=at(NOW), aud=k.REMOVE), "WRONG_AUDIENCE"),
    # Another issuer is not a service token at all: PSC refuses it (its key is not PSC's).
    "wrong_issuer": (lambda k, o: k.token("mailer", now=at(NOW), iss="vaxorders-services"), "UNKNOWN_KID"),
    "hs256_with_the_public_key": (
        lambda k, o: _hand_signed(
            k.claims_for("mailer", now=at(NOW)),
            {"alg": "HS256", "typ": "JWT", "kid": k.key.kid},
            k.public_key_file.read_text(),
        ),
        "UNSUPPORTED_ALGORITHM",
    ),
    "alg_none": (
        lambda k, o: (
            f"{_b64url_json({'alg': 'none', 'kid': k.key.kid})}.{_b64url_json(k.claims_for('mailer', now=at(NOW)))}."
        ),
        "UNSUPPORTED_ALGORITHM",
    ),
    "signed_by_another_key": (lambda k, o: k.token("mailer", now=at(NOW), key=o), "UNKNOWN_KID"),
    "signed_by_another_key_under_our_kid": (
        lambda k, o: k.token("mailer", now=at(NOW), key=replace(o, kid=k.key.kid)),
        "BAD_SIGNATURE",
    ),
    "unknown_identity": (lambda k, o: k.token("backup-job", now=at(NOW)), "UNKNOWN_SERVICE_IDENTITY"),
    "identity_of_a_person": (lambda k, o: k.token(OPERATOR, now=at(NOW)), "UNKNOWN_SERVICE_IDENTITY"),
    "lifetime_over_ten_minutes": (
        lambda k, o: k.token("mailer", now=at(NOW), lifetime=MAX_LIFETIME_SECONDS + 1),
        "LIFETIME_TOO_LONG",
    ),
    "exp_before_iat": (lambda k, o: k.token("mailer", now=at(NOW), lifetime=-60), "LIFETIME_TOO_LONG"),
    "missing_exp": (lambda k, o: k.token("mailer", now=at(NOW), exp=k.REMOVE), "INVALID_TOKEN_CLAIMS"),
    "missing_jti": (lambda k, o: k.token("mailer", now=at(NOW), jti=k.REMOVE), "MISSING_JTI"),
    "tampered_identity": (
        lambda k, o: _swap_payload(k.token("mailer", now=at(NOW)), k.token("friday-confirmations", now=at(NOW))),
        "BAD_SIGNATURE",
    ),
}


def _swap_payload(token: str, other: str) -> str:
    header, _, signature = token.split(".")
    return f"{header}.{other.split('.')[1]}.{signature}"


@pytest.mark.parametrize("kind", sorted(BAD_TOKENS))
async def test_a_bad_service_token_is_unauthenticated(
    stack: Stack, service_identity: ServiceIdentityKeys, other_key: PrivateKey, kind: str
) -> None:
    make, reason = BAD_TOKENS[kind]
    details = await refused(
        stack.orders.ListDeliveries(
            orders_pb.ListDeliveriesRequest(), metadata=bearer(make(service_identity, other_key)), timeout=5
        )
    )
    assert details.code == grpc.StatusCode.UNAUTHENTICATED
    assert details.reason == reason
    assert stack.seen.calls == []


async def test_a_token_just_inside_the_leeway_is_accepted_and_refused_past_it(stack: Stack, service_identity) -> None:  # type: ignore[no-untyped-def]
    token = service_identity.token("mailer", now=at(NOW - timedelta(seconds=300 + 20)), lifetime=300)
    await stack.orders.ListDeliveries(orders_pb.ListDeliveriesRequest(), metadata=bearer(token), timeout=5)
    stack.clock.advance(timedelta(seconds=15))
    details = await refused(
        stack.orders.ListDeliveries(orders_pb.ListDeliveriesRequest(), metadata=bearer(token), timeout=5)
    )
    assert (details.code, details.reason) == (grpc.StatusCode.UNAUTHENTICATED, "TOKEN_EXPIRED")


async def test_without_a_public_key_every_service_token_is_refused(start_stack, service_token) -> None:  # type: ignore[no-untyped-def]
    stack = await start_stack(service_public_key_file="")
    details = await refused(
        stack.orders.ListDeliveries(
            orders_pb.ListDeliveriesRequest(), metadata=bearer(service_token("mailer")), timeout=5
        )
    )
    assert (details.code, details.reason) == (grpc.StatusCode.UNAUTHENTICATED, "SERVICE_IDENTITY_DISABLED")
    assert "identité de service" in details.message


# --------------------------------------------------------------------------- PSC never gives SERVICE


async def test_a_psc_token_claiming_the_service_issuer_is_verified_as_a_service_token_and_refused(
    stack: Stack, psc
) -> None:  # type: ignore[no-untyped-def]
    token = psc.token_for(OPERATOR, iss="vaxorders-service", aud="vaxorders", sub="mailer")
    details = await refused(
        stack.orders.ListDeliveries(orders_pb.ListDeliveriesRequest(), metadata=bearer(token), timeout=5)
    )
    assert (details.code, details.reason) == (grpc.StatusCode.UNAUTHENTICATED, "UNKNOWN_KID")


async def test_a_psc_token_naming_a_service_or_a_role_is_still_a_person(stack: Stack, psc) -> None:  # type: ignore[no-untyped-def]
    token = psc.token_for(OPERATOR, roles=["SERVICE"], sub="mailer", SubjectNameID="service:mailer")
    await stack.orders.ListDeliveries(orders_pb.ListDeliveriesRequest(), metadata=bearer(token), timeout=5)
    [(_, principal)] = stack.seen.calls
    assert principal is not None and not principal.is_service and "SERVICE" not in principal.roles


async def test_an_authenticator_giving_service_to_a_psc_token_is_not_trusted(service_identity) -> None:  # type: ignore[no-untyped-def]
    class Lying:
        async def authenticate(self, token: str) -> Principal:
            return Principal(national_id="service:mailer", roles=frozenset({"SERVICE"}))

    verifier = ServiceTokenVerifier(CommonSettings(**service_identity.settings_overrides()), ManualClock(NOW))
    authenticator = PscOrServiceAuthenticator(Lying(), verifier)
    with pytest.raises(Exception) as caught:
        await authenticator.authenticate("a.b.c")
    assert getattr(caught.value, "reason", "") == "SERVICE_ROLE_FROM_PSC"


async def test_people_keep_their_own_rules_next_to_service_identity(stack: Stack, psc) -> None:  # type: ignore[no-untyped-def]
    # A PSC operator is not limited by any grant table: the servicer decides.
    await stack.orders.PublishAllocation(
        orders_pb.PublishAllocationRequest(), metadata=psc.metadata_for(OPERATOR), timeout=5
    )
    await stack.orders.CreateOrderLine(orders_pb.CreateOrderLineRequest(), metadata=psc.metadata_for(CLAIRE), timeout=5)
    assert [(m, p.national_id if p else None) for m, p in stack.seen.calls] == [
        ("PublishAllocation", OPERATOR),
        ("CreateOrderLine", CLAIRE),
    ]


# --------------------------------------------------------------------------- minting side


async def test_a_token_source_signs_the_outgoing_calls_of_its_block_only(stack: Stack, service_identity) -> None:  # type: ignore[no-untyped-def]
    settings = CommonSettings(**service_identity.minting_overrides())
    source = ServiceTokenSource(settings, stack.clock, identity="mailer")
    channels = Channels(default_timeout=5)
    target = f"127.0.0.1:{stack.running.port}"
    try:
        with source.acting():
            await channels.stub(orders_grpc.OrderServiceStub, target).ListDeliveries(orders_pb.ListDeliveriesRequest())
        assert ctx.token_var.get() == ""
        details = await refused(
            channels.stub(orders_grpc.OrderServiceStub, target).ListDeliveries(orders_pb.ListDeliveriesRequest())
        )
        assert details.code == grpc.StatusCode.UNAUTHENTICATED
    finally:
        await channels.close()
    assert [(m, p.national_id if p else None) for m, p in stack.seen.calls] == [("ListDeliveries", "service:mailer")]


async def test_a_token_source_mints_again_before_its_token_expires(stack: Stack, service_identity) -> None:  # type: ignore[no-untyped-def]
    source = ServiceTokenSource(CommonSettings(**service_identity.minting_overrides()), stack.clock, identity="mailer")
    first = source.token()
    assert source.token() == first
    stack.clock.advance(timedelta(minutes=3))  # more than half of the 5-minute lifetime
    second = source.token()
    assert second != first
    stack.clock.advance(timedelta(minutes=4))  # `first` has expired, `second` is still fresh
    for token, code in ((first, grpc.StatusCode.UNAUTHENTICATED), (second, None)):
        call = stack.orders.ListDeliveries(orders_pb.ListDeliveriesRequest(), metadata=bearer(token), timeout=5)
        if code is None:
            await call
        else:
            assert (await refused(call)).code == code


def test_a_token_source_refuses_an_identity_missing_from_the_grants(service_identity) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=r"grants\.py"):
        ServiceTokenSource(
            CommonSettings(**service_identity.minting_overrides()), ManualClock(NOW), identity="backup-job"
        )


def test_a_process_without_the_private_key_cannot_mint(service_identity) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ServiceKeyError, match="VAXORDERS_SERVICE_KEY_FILE"):
        ServiceTokenSource(CommonSettings(**service_identity.settings_overrides()), ManualClock(NOW), identity="mailer")


# --------------------------------------------------------------------------- keys and rotation


async def test_during_a_rotation_tokens_of_both_keys_are_accepted(start_stack, service_identity, tmp_path) -> None:  # type: ignore[no-untyped-def]
    new = make_keys(tmp_path / "new")
    bundle = tmp_path / "bundle.pem"
    bundle.write_text(new.public_key_file.read_text() + service_identity.public_key_file.read_text())
    stack = await start_stack(service_public_key_file=str(bundle))
    for keys in (new, service_identity):
        await stack.orders.ListDeliveries(
            orders_pb.ListDeliveriesRequest(), metadata=keys.metadata_for("mailer"), timeout=5
        )
    # After the rotation, only the new key.
    after = await start_stack(service_public_key_file=str(new.public_key_file))
    await after.orders.ListDeliveries(orders_pb.ListDeliveriesRequest(), metadata=new.metadata_for("mailer"), timeout=5)
    details = await refused(
        after.orders.ListDeliveries(
            orders_pb.ListDeliveriesRequest(), metadata=service_identity.metadata_for("mailer"), timeout=5
        )
    )
    assert (details.code, details.reason) == (grpc.StatusCode.UNAUTHENTICATED, "UNKNOWN_KID")


def test_generate_keys_writes_a_private_key_only_its_owner_reads_and_keeps_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    service_identity_main(["generate-keys", str(tmp_path / "keys")])
    private = tmp_path / "keys" / "service-identity.key"
    public = tmp_path / "keys" / "service-identity.pub"
    assert private.stat().st_mode & 0o777 == 0o600
    assert "BEGIN PUBLIC KEY" in public.read_text() and "PRIVATE" not in public.read_text()
    before = private.read_bytes()
    service_identity_main(["generate-keys", str(tmp_path / "keys")])
    assert private.read_bytes() == before
    service_identity_main(["generate-keys", str(tmp_path / "keys"), "--overwrite"])
    assert private.read_bytes() != before


async def test_no_log_line_contains_a_service_token(stack: Stack, service_identity, json_logs) -> None:  # type: ignore[no-untyped-def]
    good = service_identity.token("mailer", now=time.time())
    bad = service_identity.token("mailer", now=at(NOW), aud="elsewhere")
    await stack.orders.ListDeliveries(orders_pb.ListDeliveriesRequest(), metadata=bearer(good), timeout=5)
    await refused(stack.orders.CreateOrderLine(orders_pb.CreateOrderLineRequest(), metadata=bearer(good), timeout=5))
    await refused(stack.orders.ListDeliveries(orders_pb.ListDeliveriesRequest(), metadata=bearer(bad), timeout=5))
    events = await eventually(
        lambda: len(evs := [e for e in log_events(json_logs) if e["event"] == "rpc"]) == 3 and evs
    )
    assert [e["caller"] for e in events] == ["service:mailer", "service:mailer", "anonymous"]
    text = json_logs.getvalue()
    for token in (good, bad):
        assert token not in text and token.split(".")[2] not in text
