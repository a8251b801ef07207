"""A stateful model of an officine's week (hypothesis RuleBasedStateMachine) against the real
SessionService, EffecteurService and OrderService over gRPC (tests/support/stack.py).

Pharmacie des Lilas has two titulaires (Claire Moreau and a co-titulaire, Lucas Petit); Dr Dubois
(médecin, Jeanne's effecteur) asks it for vials; Traoré (sage-femme) is ordered for directly.
Random sequences of line writes and grid saves, requests and their decisions, attach and detach, a republished
cap on médecin × Moderna, retries and concurrent writes, then the session's close. The model
predicts every answer (accepted, or refused with which code) and, after every step, the
invariants are read back from the services: each line is its direct entries plus its confirmed
requests, no cap is exceeded, the audit trail of each line replays to the line, a detached
effecteur gains no vial, nothing changes after close, and Pharmacie du Confluent sees nothing.

`make test` runs a few short weeks per database; `make model` (VAXORDERS_MODEL=long) many
longer ones. The grid save (BatchWriteOrderLines) is one rule among the others: its cells are
predicted one by one, as the single-line writes are.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import grpc
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from services.common.bootstrap import ServiceSpec
from services.common.clock import ManualClock
from tests.orders.conftest import CLOSE_TIME, DURING
from tests.orders.stack import CLAIRE, JEANNE, KARIM, OPERATOR, SEED_TIME, rid
from tests.support.psc import Psc
from tests.support.stack import three_services
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as epb
from vaxorders.effecteurs.v1 import effecteurs_service_pb2_grpc as epb_grpc
from vaxorders.orders.v1 import orders_service_pb2 as pb
from vaxorders.orders.v1 import orders_service_pb2_grpc as pb_grpc
from vaxorders.sessions.v1 import sessions_service_pb2 as spb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as spb_grpc
from vaxorders.type.v1 import effecteur_type_pb2

LONG = os.environ.get("VAXORDERS_MODEL", "") == "long"
SESSION_ID = "2022-03-07"
LILAS = f"sessions/{SESSION_ID}/officines/759900111"
CONFLUENT = f"sessions/{SESSION_ID}/officines/699900122"
LUCAS = "899700000047"  # made co-titulaire of Lilas below (the dataset has him as adjoint)
DUBOIS, DUBOIS_RPPS = "effecteurs/rpps:99700000104", "99700000104"  # Jeanne's effecteur
TRAORE = "effecteurs/rpps:99700000120"
MODERNA, PFIZER = "products/moderna", "products/pfizer-adult"
CAPPED = (DUBOIS, MODERNA)  # médecin × Moderna: the cell whose cap is republished
Key = tuple[str, str]  # (effecteur, product)

ACCEPTED = grpc.StatusCode.OK
CLOSED = grpc.StatusCode.FAILED_PRECONDITION
OVER_CAP = grpc.StatusCode.RESOURCE_EXHAUSTED


@dataclass
class Line:
    """A line as the model knows it: what the officine typed, and what confirmed requests added."""

    name: str
    direct: int
    from_requests: int

    @property
    def vials(self) -> int:
        return self.direct + self.from_requests


@dataclass
class Request:
    name: str
    product: str
    vials: int
    state: str = "PENDING"
    confirmed: int = 0


@dataclass
class Week:
    """What Lilas' order must be: the model the services are compared with after every step."""

    lines: dict[Key, Line] = field(default_factory=dict)
    requests: dict[str, Request] = field(default_factory=dict)
    dubois_attached: bool = True
    cap: int | None = None  # None: unlimited (the reference week's rule)
    # What médecin × Moderna held when the cap was last lowered under it (existing lines stand).
    above_cap_allowed: int = 0
    closed: bool = False

    def vials(self, key: Key) -> int:
        line = self.lines.get(key)
        return line.vials if line else 0

    def refusal_for_raise(self, key: Key, new_total: int) -> grpc.StatusCode | None:
        """Why raising `key` to `new_total` vials is refused, None when it is accepted."""
        if self.closed:
            return CLOSED
        if key[0] == DUBOIS and not self.dubois_attached:
            return grpc.StatusCode.NOT_FOUND  # EFFECTEUR_NOT_ATTACHED
        if key == CAPPED and self.cap is not None and new_total > self.cap:
            return OVER_CAP
        return None

    def set_line(self, key: Key, name: str, vials: int) -> None:
        """A direct write of `vials`: what came from requests stays, up to the new quantity."""
        before = self.lines.get(key)
        from_requests = min(before.from_requests, vials) if before else 0
        self.lines[key] = Line(name, vials - from_requests, from_requests)

    def add_confirmed(self, key: Key, name: str, vials: int) -> None:
        before = self.lines.get(key)
        self.lines[key] = Line(name, before.direct if before else 0, (before.from_requests if before else 0) + vials)

    def withdraw(self, key: Key) -> None:
        del self.lines[key]


def _co_titulaire(psc: Psc) -> list[tuple[str, str]]:
    claims = psc.claims_for(LUCAS)
    activity = claims["SubjectRefPro"]["exercices"][0]["activities"][0]
    activity.update(codeModeExercice="L", codeSectionPharmacien="A")
    return [("authorization", f"Bearer {psc.sign(claims)}")]


@dataclass
class Fixtures:
    psc: Psc
    database_url_for: Callable[[ServiceSpec], str]
    dataset: dict


class OfficineWeek(RuleBasedStateMachine):
    fixtures: Fixtures  # set by the test: hypothesis builds the machine without arguments

    def __init__(self) -> None:
        super().__init__()
        self.week = Week()
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.clock = ManualClock(SEED_TIME)
        self.psc = self.fixtures.psc
        self.resources = contextlib.AsyncExitStack()
        services = self._run(
            self.resources.enter_async_context(
                three_services(
                    self.clock,
                    self.psc,
                    self.fixtures.database_url_for,
                    json.loads(json.dumps(self.fixtures.dataset)),
                    operator=OPERATOR,
                    directory_cache_seconds=0,
                )
            )
        )
        self.clock.set(DURING)

        async def channel(address: str) -> grpc.aio.Channel:
            # Made inside the machine's loop: a grpc.aio channel belongs to the loop it was made in.
            made = grpc.aio.insecure_channel(address)
            self.resources.push_async_callback(made.close)
            return made

        self.orders = pb_grpc.OrderServiceStub(self._run(channel(services.orders_address)))
        self.sessions = spb_grpc.SessionServiceStub(self._run(channel(services.sessions_address)))
        self.effecteurs = epb_grpc.EffecteurServiceStub(self._run(channel(services.effecteurs_address)))
        self.auth = {who: self.psc.metadata_for(who) for who in (CLAIRE, JEANNE, KARIM, OPERATOR)}
        self.auth[LUCAS] = _co_titulaire(self.psc)
        self.etags: dict[Key, str] = {}
        self.last_write: tuple[str, Any, str, Any] | None = None

    def teardown(self) -> None:
        self._run(self.resources.aclose())
        self.loop.close()
        asyncio.set_event_loop(None)

    def _run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    async def _call(self, stub: Any, method: str, request: Any, as_: str) -> tuple[grpc.StatusCode, Any]:
        try:
            answer = await getattr(stub, method)(request, metadata=self.auth[as_], timeout=30)
        except grpc.aio.AioRpcError as error:
            return error.code(), None
        return ACCEPTED, answer

    def call(self, method: str, request: Any, as_: str = CLAIRE) -> tuple[grpc.StatusCode, Any]:
        code, answer = self._run(self._call(self.orders, method, request, as_))
        if code is ACCEPTED and getattr(request, "request_id", ""):
            self.last_write = (method, request, as_, answer)
        return code, answer

    def _remember(self, key: Key, line: pb.OrderLine) -> None:
        self.etags[key] = line.etag

    # ------------------------------------------------------------------ line writes
    @rule(
        effecteur=st.sampled_from([DUBOIS, TRAORE]),
        product=st.sampled_from([MODERNA, PFIZER]),
        vials=st.integers(1, 12),
        titulaire=st.sampled_from([CLAIRE, LUCAS]),
    )
    def set_line(self, effecteur: str, product: str, vials: int, titulaire: str) -> None:
        key = (effecteur, product)
        line = self.week.lines.get(key)
        raising = vials > self.week.vials(key)
        expected = self.week.refusal_for_raise(key, vials) if raising else (CLOSED if self.week.closed else None)
        if line is None:
            request: Any = pb.CreateOrderLineRequest(
                parent=LILAS, line=pb.OrderLine(effecteur=effecteur, product=product, vials=vials), request_id=rid()
            )
            code, answer = self.call("CreateOrderLine", request, titulaire)
        else:
            request = pb.UpdateOrderLineRequest(
                line=pb.OrderLine(name=line.name, etag=self.etags[key], vials=vials), request_id=rid()
            )
            code, answer = self.call("UpdateOrderLine", request, titulaire)
        assert code == (expected or ACCEPTED), (key, vials, self.week)
        if code is ACCEPTED:
            self.week.set_line(key, answer.line.name, vials)
            self._remember(key, answer.line)

    @rule(
        cells=st.dictionaries(
            st.sampled_from([(e, p) for e in (DUBOIS, TRAORE) for p in (MODERNA, PFIZER)]),
            st.integers(0, 12),  # 0: withdraw the line (or leave the empty cell empty)
            min_size=1,
            max_size=4,
        ),
        titulaire=st.sampled_from([CLAIRE, LUCAS]),
    )
    def grid_submit(self, cells: dict[Key, int], titulaire: str) -> None:
        """One grid save (BatchWriteOrderLines): each cell saved or refused on its own, as the
        single-line writes would be; a closed session refuses the whole save."""
        writes, keys = [], []
        for key, vials in sorted(cells.items()):
            line = self.week.lines.get(key)
            if line is None and vials == 0:
                continue  # an empty cell left empty is not sent
            if line is None:
                write = pb.OrderLineWrite(create=pb.OrderLine(effecteur=key[0], product=key[1], vials=vials))
            elif vials == 0:
                write = pb.OrderLineWrite(delete=pb.OrderLine(name=line.name, etag=self.etags[key]))
            else:
                write = pb.OrderLineWrite(update=pb.OrderLine(name=line.name, etag=self.etags[key], vials=vials))
            writes.append(write)
            keys.append((key, vials))
        if not writes:
            return
        request = pb.BatchWriteOrderLinesRequest(parent=LILAS, writes=writes, request_id=rid())
        code, answer = self.call("BatchWriteOrderLines", request, titulaire)
        if self.week.closed:
            assert code == CLOSED
            return
        assert code is ACCEPTED, code
        for (key, vials), result in zip(keys, answer.results, strict=True):
            refusal = self.week.refusal_for_raise(key, vials) if vials > self.week.vials(key) else None
            reason = {None: "", OVER_CAP: "QUOTA_EXCEEDED", grpc.StatusCode.NOT_FOUND: "EFFECTEUR_NOT_ATTACHED"}
            assert (result.saved, result.reason) == (refusal is None, reason[refusal]), (key, vials, result)
            if not result.saved:
                assert result.message  # the French reason shown on the cell
            elif vials == 0:
                self.week.withdraw(key)
            else:
                self.week.set_line(key, result.line.name, vials)
                self._remember(key, result.line)

    @rule(data=st.data(), titulaire=st.sampled_from([CLAIRE, LUCAS]))
    def withdraw_line(self, data: st.DataObject, titulaire: str) -> None:
        if not self.week.lines:
            return
        key = data.draw(st.sampled_from(sorted(self.week.lines)))
        request = pb.DeleteOrderLineRequest(name=self.week.lines[key].name, etag=self.etags[key], request_id=rid())
        code, _ = self.call("DeleteOrderLine", request, titulaire)
        assert code == (CLOSED if self.week.closed else ACCEPTED)
        if code is ACCEPTED:
            self.week.withdraw(key)

    @rule(data=st.data())
    def two_titulaires_lower_the_same_line_at_once(self, data: st.DataObject) -> None:
        """Both send the etag they read: exactly one write wins, the other is told it lost (ABORTED)."""
        lowerable = sorted(k for k, line in self.week.lines.items() if line.vials >= 3)
        if not lowerable:
            return
        key = data.draw(st.sampled_from(lowerable))
        name, etag, current = self.week.lines[key].name, self.etags[key], self.week.vials(key)

        def update(vials: int, who: str) -> Any:
            request = pb.UpdateOrderLineRequest(line=pb.OrderLine(name=name, etag=etag, vials=vials), request_id=rid())
            return self._call(self.orders, "UpdateOrderLine", request, who), vials

        async def both() -> list[tuple[tuple[grpc.StatusCode, Any], int]]:
            claire, lucas = update(current - 1, CLAIRE), update(current - 2, LUCAS)
            outcomes = await asyncio.gather(claire[0], lucas[0])
            return [(outcomes[0], claire[1]), (outcomes[1], lucas[1])]

        outcomes = self._run(both())
        codes = sorted(code.value[0] for (code, _), _ in outcomes)
        if self.week.closed:
            assert codes == [CLOSED.value[0]] * 2
            return
        assert codes == sorted([ACCEPTED.value[0], grpc.StatusCode.ABORTED.value[0]]), outcomes
        (_, answer), vials = next(o for o in outcomes if o[0][0] is ACCEPTED)
        self.week.set_line(key, name, vials)
        self._remember(key, answer.line)

    @rule()
    def retry_the_last_write_with_its_request_id(self) -> None:
        """The first outcome comes back unchanged, even after close or a detach; nothing is written twice."""
        if self.last_write is None:
            return
        method, request, as_, first = self.last_write
        code, again = self._run(self._call(self.orders, method, request, as_))
        assert code is ACCEPTED
        assert again == first

    # ------------------------------------------------------------------ vial requests
    @rule(product=st.sampled_from([MODERNA, PFIZER]), vials=st.integers(1, 8))
    def dubois_asks_for_vials(self, product: str, vials: int) -> None:
        request = pb.CreateVialRequestRequest(
            parent=LILAS, vial_request=pb.VialRequest(effecteur=DUBOIS, product=product, vials=vials), request_id=rid()
        )
        code, answer = self.call("CreateVialRequest", request, JEANNE)
        key = (DUBOIS, product)
        if self.week.closed:
            expected = CLOSED
        elif not self.week.dubois_attached:
            expected = grpc.StatusCode.NOT_FOUND  # he has no current officine to ask
        elif key == CAPPED and self.week.cap is not None and vials > self.week.cap - self.week.vials(key):
            expected = OVER_CAP  # more than what remains is refused at once
        else:
            expected = ACCEPTED
        assert code == expected, (product, vials, self.week)
        if code is ACCEPTED:
            self.week.requests[answer.vial_request.name] = Request(answer.vial_request.name, product, vials)

    def _pending(self, data: st.DataObject) -> Request | None:
        if not self.week.requests:
            return None
        # In the order asked (names are random: sorting by them would make draws differ between runs).
        return self.week.requests[data.draw(st.sampled_from(list(self.week.requests)))]

    @rule(data=st.data(), adjust=st.booleans())
    def officine_confirms_a_request(self, data: st.DataObject, adjust: bool) -> None:
        request = self._pending(data)
        if request is None:
            return
        vials = data.draw(st.integers(1, request.vials)) if adjust else request.vials
        key = (DUBOIS, request.product)
        reason = "Stock limité cette semaine" if vials != request.vials else ""
        call = pb.ConfirmVialRequestRequest(name=request.name, reason=reason, request_id=rid())
        if adjust:
            call.vials = vials
        code, answer = self.call("ConfirmVialRequest", call, data.draw(st.sampled_from([CLAIRE, LUCAS])))
        if request.state != "PENDING" or self.week.closed:
            assert code == grpc.StatusCode.FAILED_PRECONDITION
            return
        assert code == (self.week.refusal_for_raise(key, self.week.vials(key) + vials) or ACCEPTED)
        if code is ACCEPTED:
            request.state, request.confirmed = "CONFIRMED", vials
            self.week.add_confirmed(key, answer.line.name, vials)
            self._remember(key, answer.line)

    @rule(data=st.data())
    def officine_declines_a_request(self, data: st.DataObject) -> None:
        request = self._pending(data)
        if request is None:
            return
        call = pb.DeclineVialRequestRequest(name=request.name, reason="Plus de stock", request_id=rid())
        code, _ = self.call("DeclineVialRequest", call)
        pending = request.state == "PENDING" and not self.week.closed
        assert code == (ACCEPTED if pending else grpc.StatusCode.FAILED_PRECONDITION)
        if code is ACCEPTED:
            request.state = "DECLINED"

    @rule(data=st.data())
    def dubois_cancels_a_request(self, data: st.DataObject) -> None:
        request = self._pending(data)
        if request is None:
            return
        code, _ = self.call(
            "CancelVialRequest", pb.CancelVialRequestRequest(name=request.name, request_id=rid()), JEANNE
        )
        pending = request.state == "PENDING" and not self.week.closed
        assert code == (ACCEPTED if pending else grpc.StatusCode.FAILED_PRECONDITION)
        if code is ACCEPTED:
            request.state = "CANCELLED"

    # ------------------------------------------------------------------ attachments, quotas, the close
    @rule()
    def detach_or_reattach_dubois(self) -> None:
        async def toggle() -> None:
            listed = await self.effecteurs.ListAttachments(
                epb.ListAttachmentsRequest(parent="officines/759900111", page_size=100),
                metadata=self.auth[CLAIRE],
                timeout=10,
            )
            mine = [a for a in listed.attachments if a.effecteur == DUBOIS]
            if self.week.dubois_attached:
                await self.effecteurs.DetachEffecteur(
                    epb.DetachEffecteurRequest(name=mine[0].name, request_id=rid()),
                    metadata=self.auth[CLAIRE],
                    timeout=10,
                )
            else:
                assert not mine
                await self.effecteurs.AttachEffecteur(
                    epb.AttachEffecteurRequest(
                        parent="officines/759900111",
                        identifier_kind=epb.IDENTIFIER_KIND_RPPS,
                        identifier=DUBOIS_RPPS,
                        type=effecteur_type_pb2.EFFECTEUR_TYPE_MEDECIN,
                        display_name="Jeanne Dubois",
                        request_id=rid(),
                    ),
                    metadata=self.auth[CLAIRE],
                    timeout=10,
                )

        self._run(toggle())
        self.week.dubois_attached = not self.week.dubois_attached

    @rule(cap=st.one_of(st.none(), st.integers(1, 15)))
    def operator_republishes_the_medecin_moderna_cap(self, cap: int | None) -> None:
        async def publish() -> None:
            current = await self.sessions.GetQuotaTable(
                spb.GetQuotaTableRequest(name=f"sessions/{SESSION_ID}/quotaTables/current"),
                metadata=self.auth[OPERATOR],
                timeout=10,
            )
            medecin = effecteur_type_pb2.EFFECTEUR_TYPE_MEDECIN
            rules = []
            for existing in current.quota_table.rules:
                if existing.effecteur_type == medecin and existing.product == MODERNA:
                    unlimited, capped = spb.QUOTA_KIND_UNLIMITED, spb.QUOTA_KIND_CAPPED
                    existing = spb.QuotaRule(
                        effecteur_type=medecin,
                        product=MODERNA,
                        kind=unlimited if cap is None else capped,
                        max_vials=cap or 0,
                    )
                rules.append(existing)
            await self.sessions.PublishQuotaTable(
                spb.PublishQuotaTableRequest(parent=f"sessions/{SESSION_ID}", rules=rules, request_id=rid()),
                metadata=self.auth[OPERATOR],
                timeout=10,
            )

        self._run(publish())
        self.week.cap = cap
        self.week.above_cap_allowed = self.week.vials(CAPPED)

    @precondition(lambda self: not self.week.closed)
    @rule()
    def the_session_closes(self) -> None:
        self.clock.set(CLOSE_TIME + timedelta(minutes=1))
        self.week.closed = True
        self.at_close = copy.deepcopy(self.week.lines)

    # ------------------------------------------------------------------ invariants, read back
    def _lines(self, parent: str, as_: str) -> tuple[grpc.StatusCode, list[pb.OrderLine]]:
        code, answer = self._run(
            self._call(self.orders, "ListOrderLines", pb.ListOrderLinesRequest(parent=parent, page_size=100), as_)
        )
        return code, list(answer.lines) if answer else []

    @invariant()
    def each_line_is_its_direct_entries_plus_its_confirmed_requests(self) -> None:
        code, lines = self._lines(LILAS, CLAIRE)
        assert code is ACCEPTED
        seen = {(x.effecteur, x.product): (x.name, x.vials, x.vials_from_requests) for x in lines}
        assert seen == {k: (v.name, v.vials, v.from_requests) for k, v in self.week.lines.items()}
        if self.week.closed:
            assert self.week.lines == self.at_close  # and the services agree, just above

    @invariant()
    def no_cap_is_exceeded_and_a_detached_effecteur_gains_nothing(self) -> None:
        if self.week.cap is not None:
            assert self.week.vials(CAPPED) <= max(self.week.cap, self.week.above_cap_allowed)
        # Raises for a detached Dubois are predicted refused (refusal_for_raise): the equality above
        # then shows the services refused them too.

    @invariant()
    def requests_read_as_the_model_says(self) -> None:
        code, answer = self._run(
            self._call(self.orders, "ListVialRequests", pb.ListVialRequestsRequest(parent=LILAS, page_size=100), CLAIRE)
        )
        assert code is ACCEPTED
        seen = {r.name: (pb.VialRequest.State.Name(r.state), r.confirmed_vials) for r in answer.vial_requests}
        expired = self.week.closed
        assert seen == {
            name: (f"STATE_{'EXPIRED' if expired and r.state == 'PENDING' else r.state}", r.confirmed)
            for name, r in self.week.requests.items()
        }

    @invariant()
    def the_audit_trail_of_each_line_replays_to_the_line(self) -> None:
        for line in self.week.lines.values():
            code, answer = self._run(
                self._call(
                    self.orders,
                    "ListOrderLineChanges",
                    pb.ListOrderLineChangesRequest(parent=line.name, page_size=100),
                    CLAIRE,
                )
            )
            assert code is ACCEPTED
            vials = 0
            for change in answer.changes:
                assert change.vials_before == vials, answer.changes
                vials = change.vials_after
            assert vials == line.vials

    @invariant()
    def another_officine_sees_nothing(self) -> None:
        code, _ = self._lines(LILAS, KARIM)
        assert code in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED)
        code, lines = self._lines(CONFLUENT, KARIM)
        assert (code, lines) == (ACCEPTED, [])
        for name in list(self.week.requests)[:2]:
            code, _ = self._run(self._call(self.orders, "GetVialRequest", pb.GetVialRequestRequest(name=name), KARIM))
            assert code == grpc.StatusCode.NOT_FOUND


def test_an_officine_s_week_keeps_its_invariants(
    psc: Psc, database_url_for: Callable[[ServiceSpec], str], dataset: dict
) -> None:
    OfficineWeek.fixtures = Fixtures(psc, database_url_for, dataset)
    run_state_machine_as_test(
        OfficineWeek,
        settings=settings(
            max_examples=200 if LONG else 20,
            stateful_step_count=50 if LONG else 30,
            deadline=None,
            derandomize=not LONG,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
