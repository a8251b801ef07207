"""PSC outage at the token level (services/common/psc_outage.py, psc_reachability.py,
psc_tokens.py): an expired PSC token is accepted only while the local issuer is
really stopped, in GRACE then READ_ONLY, and never when PSC answers or when
anything but the expiry is wrong."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from services.common.clock import ManualClock
from services.common.context import Principal
from services.common.errors import FailedPrecondition, Unauthenticated
from services.common.psc_outage import OutagePolicy, PscMode, check_outage_mode, is_read
from services.common.psc_reachability import PscReachability
from services.common.psc_tokens import PscAuthenticator
from services.common.settings import CommonSettings
from tests.support.psc import Psc, start_psc

NOW = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)
CLAIRE = "899700000013"
GRACE = timedelta(minutes=30)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def own_psc(tmp_path: Path, clock: ManualClock) -> Iterator[Psc]:
    """An issuer of this test only, on the test's clock: stopping it stops nobody else's."""
    with start_psc(tmp_path / "issuer", clock=clock) as psc:
        yield psc


def authenticator(psc: Psc, clock: ManualClock) -> PscAuthenticator:
    # A probe per call (the interval is tiny) so the test sees the issuer's state at once.
    settings = CommonSettings(environment="test", psc_probe_interval_seconds=0.001, **psc.settings_overrides())
    return PscAuthenticator(settings, clock)


def test_the_policy_gives_grace_then_read_only_then_nothing() -> None:
    policy = OutagePolicy(grace=GRACE, read_only=timedelta(hours=4))
    expired = NOW
    assert policy.mode(expired, NOW + timedelta(minutes=1)) == PscMode.GRACE
    assert policy.mode(expired, NOW + GRACE) == PscMode.GRACE
    assert policy.mode(expired, NOW + GRACE + timedelta(seconds=1)) == PscMode.READ_ONLY
    assert policy.mode(expired, NOW + timedelta(hours=4)) == PscMode.READ_ONLY
    assert policy.mode(expired, NOW + timedelta(hours=4, seconds=1)) is None
    assert policy.grace_until(expired) == NOW + GRACE


def test_the_default_settings_give_thirty_minutes_of_grace_and_four_hours_of_reading() -> None:
    policy = OutagePolicy.from_settings(CommonSettings(environment="test"))
    assert (policy.grace, policy.read_only) == (timedelta(minutes=30), timedelta(hours=4))


@pytest.mark.parametrize(
    "method",
    [
        "/vaxorders.orders.v1.OrderService/GetOrderLine",
        "/vaxorders.orders.v1.OrderService/ListOrderLines",
        "/vaxorders.effecteurs.v1.EffecteurService/BatchGetOfficines",
        "/vaxorders.orders.v1.OrderService/ExportSessionOrders",
        "/vaxorders.orders.v1.OrderService/PreviewAllocation",
        "/vaxorders.sessions.v1.SessionService/ResolveQuota",
        "/vaxorders.effecteurs.v1.EffecteurService/LookupAttachment",
        "/vaxorders.effecteurs.v1.EffecteurService/CheckIdentifier",
    ],
)
def test_reads_stay_open_in_read_only(method: str) -> None:
    assert is_read(method)
    check_outage_mode(Principal("1", psc_mode=PscMode.READ_ONLY), method)  # no refusal


@pytest.mark.parametrize(
    "method",
    [
        "/vaxorders.orders.v1.OrderService/CreateOrderLine",
        "/vaxorders.orders.v1.OrderService/UpdateOrderLine",
        "/vaxorders.orders.v1.OrderService/DeleteOrderLine",
        "/vaxorders.orders.v1.OrderService/BatchWriteOrderLines",
        "/vaxorders.orders.v1.OrderService/ConfirmVialRequest",
        "/vaxorders.orders.v1.OrderService/PublishAllocation",
        "/vaxorders.effecteurs.v1.EffecteurService/AttachEffecteur",
        "/vaxorders.effecteurs.v1.EffecteurService/ImportAttachments",
        "/vaxorders.sessions.v1.SessionService/PublishQuotaTable",
        "/vaxorders.mailer.v1.MailerService/CreateSupportRequest",
        "/vaxorders.mailer.v1.MailerService/SendDeliveryConfirmations",
    ],
)
def test_writes_are_refused_in_read_only_in_french_and_allowed_under_grace(method: str) -> None:
    assert not is_read(method)
    until = NOW + GRACE
    with pytest.raises(FailedPrecondition) as refused:
        check_outage_mode(Principal("1", psc_mode=PscMode.READ_ONLY, psc_grace_until=until), method)
    assert refused.value.reason == "PSC_UNAVAILABLE_READ_ONLY"
    assert "Pro Santé Connect ne répond pas" in refused.value.message
    assert "lundi 7 mars 2022 à 10\u00a0h\u00a030" in refused.value.message  # the end of the grace, in Paris time
    check_outage_mode(Principal("1", psc_mode=PscMode.GRACE, psc_grace_until=until), method)


def test_every_rpc_of_every_service_is_a_read_or_one_of_the_known_writes() -> None:
    """A new verb must be thought about: it would be refused in READ_ONLY until it is."""
    import importlib  # noqa: PLC0415

    write_verbs = (
        "Create", "Update", "Delete", "Attach", "Detach", "Import", "Publish", "Confirm", "Decline",
        "Cancel", "Set", "Clear", "Send", "Record", "Begin", "Exchange", "Refresh", "Logout",
        "Answer", "Close", "Use", "Claim", "HandOver", "Declare", "BatchWrite",
    )  # fmt: skip
    seen = 0
    # Every generated module, so a service added in a new .proto file is covered too.
    gen = Path(__file__).resolve().parents[2] / "gen"
    for path in sorted(gen.glob("vaxorders/*/v1/*_pb2.py")):
        module = importlib.import_module(".".join(path.relative_to(gen).with_suffix("").parts))
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                seen += 1
                full = f"/{service.full_name}/{method.name}"
                assert is_read(full) or method.name.startswith(write_verbs), full
    assert seen > 60


async def test_an_expired_token_is_refused_while_psc_answers(own_psc: Psc, clock: ManualClock) -> None:
    auth = authenticator(own_psc, clock)
    token = own_psc.token_for(CLAIRE, lifetime=120)
    assert (await auth.authenticate(token)).psc_mode == PscMode.VERIFIED
    clock.advance(timedelta(minutes=5))
    with pytest.raises(Unauthenticated) as refused:
        await auth.authenticate(token)
    assert refused.value.reason == "TOKEN_EXPIRED"


async def test_an_expired_token_gets_grace_then_read_only_while_the_issuer_is_stopped_and_nothing_after(
    own_psc: Psc, clock: ManualClock
) -> None:
    auth = authenticator(own_psc, clock)
    token = own_psc.token_for(CLAIRE, lifetime=120)
    expiry = NOW + timedelta(seconds=120)
    await auth.authenticate(token)  # validated once while PSC answered
    own_psc.running.stop()

    clock.advance(timedelta(minutes=10))
    principal = await auth.authenticate(token)
    assert (principal.national_id, principal.psc_mode) == (CLAIRE, PscMode.GRACE)
    assert principal.under_psc_grace and principal.psc_grace_until == expiry + GRACE
    assert principal.officines == ("officines/759900111",)  # same rights as before the outage

    clock.set(expiry + GRACE + timedelta(seconds=1))
    assert (await auth.authenticate(token)).psc_mode == PscMode.READ_ONLY

    clock.set(expiry + timedelta(hours=4, seconds=1))
    with pytest.raises(Unauthenticated) as refused:
        await auth.authenticate(token)
    assert refused.value.reason == "TOKEN_EXPIRED_DURING_PSC_OUTAGE"
    assert "reconnectez-vous" in refused.value.message

    own_psc.running.restart()
    clock.set(expiry + timedelta(minutes=10))
    with pytest.raises(Unauthenticated) as back:
        await auth.authenticate(token)  # PSC answers again: it renews or refuses, no grace
    assert back.value.reason == "TOKEN_EXPIRED"


async def test_a_token_first_seen_during_the_outage_gets_grace_with_the_cached_keys(
    own_psc: Psc, clock: ManualClock
) -> None:
    """Another replica, or another token of a user, first seen after PSC went away."""
    auth = authenticator(own_psc, clock)
    await auth.authenticate(own_psc.token_for(CLAIRE, lifetime=120))  # keys fetched
    token = own_psc.token_for(CLAIRE, lifetime=120, now=NOW.timestamp() + 60)
    own_psc.running.stop()
    clock.advance(timedelta(minutes=5))
    assert (await auth.authenticate(token)).psc_mode == PscMode.GRACE


@pytest.mark.parametrize("forgery", ["foreign_key", "wrong_audience", "weak_acr", "wrong_issuer"])
async def test_no_grace_for_a_token_that_fails_any_other_check(own_psc: Psc, clock: ManualClock, forgery: str) -> None:
    auth = authenticator(own_psc, clock)
    await auth.authenticate(own_psc.token_for(CLAIRE, lifetime=120))  # keys fetched
    token = {
        "foreign_key": lambda: own_psc.sign(own_psc.claims_for(CLAIRE, lifetime=120), key=own_psc.foreign_key()),
        "wrong_audience": lambda: own_psc.token_for(CLAIRE, lifetime=120, aud="another-client", azp="another-client"),
        "weak_acr": lambda: own_psc.token_for(CLAIRE, lifetime=120, acr="eidas0"),
        "wrong_issuer": lambda: own_psc.token_for(CLAIRE, lifetime=120, iss="https://evil.example/realm"),
    }[forgery]()
    own_psc.running.stop()
    clock.advance(timedelta(minutes=5))
    with pytest.raises(Unauthenticated) as refused:
        await auth.authenticate(token)
    assert refused.value.reason != "TOKEN_EXPIRED"
    assert not refused.value.reason.startswith("TOKEN_EXPIRED")


@pytest.mark.parametrize(
    ("answer", "reachable"),
    [(200, True), (404, True), (401, True), (500, False), (502, False), (503, False), (504, False)],
)
async def test_psc_answering_5xx_is_unreachable_any_other_answer_is_psc_being_there(
    answer: int, reachable: bool
) -> None:
    # PSC is not ours: its answers are played by httpx's transport, our watcher runs as it is.
    transport = httpx.MockTransport(lambda request: httpx.Response(answer))
    watch = PscReachability(
        "https://psc.example/.well-known/openid-configuration", ManualClock(NOW), transport=transport
    )
    assert await watch.reachable() is reachable
    assert (watch.unreachable_since is None) is reachable


async def test_one_failed_attempt_followed_by_an_answer_is_not_an_outage() -> None:
    answers = iter([httpx.ConnectTimeout("slow"), httpx.Response(200)])

    def flaky(request: httpx.Request) -> httpx.Response:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    watch = PscReachability(
        "https://psc.example/.well-known/openid-configuration", ManualClock(NOW), transport=httpx.MockTransport(flaky)
    )
    assert await watch.reachable() is True
    assert watch.unreachable_since is None


async def test_a_timeout_is_unreachable_and_one_probe_serves_a_whole_interval() -> None:
    calls = 0

    def hang(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ReadTimeout("no answer", request=request)

    watch = PscReachability(
        "https://psc.example/.well-known/openid-configuration",
        ManualClock(NOW),
        interval=3600,
        transport=httpx.MockTransport(hang),
    )
    assert [await watch.reachable() for _ in range(20)] == [False] * 20
    assert calls == 2  # one probe, its attempt repeated once at once
    assert watch.unreachable_since == NOW


async def test_a_login_asks_psc_again_once_its_last_no_is_a_second_old_not_the_whole_interval() -> None:
    up = False

    def psc(request: httpx.Request) -> httpx.Response:
        if not up:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200)

    watch = PscReachability(
        "https://psc.example/.well-known/openid-configuration",
        ManualClock(NOW),
        interval=3600,
        transport=httpx.MockTransport(psc),
    )
    assert await watch.reachable() is False
    up = True
    # Token checks keep the "no" for the interval (a flood must not probe a hanging PSC) ...
    assert await watch.reachable() is False
    # ... a login within the second keeps it too, a login after it asks PSC and goes through.
    assert await watch.reachable_for_login(max_age=3600) is False
    assert await watch.reachable_for_login(max_age=0) is True
    assert watch.unreachable_since is None
