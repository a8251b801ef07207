"""SessionService through the real gRPC server: codes, ErrorInfo, French messages, tokens."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime, timedelta

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from services.common.grpc_errors import ErrorDetails
from services.common.timefmt import from_timestamp, to_timestamp
from tests.sessions.conftest import OPERATOR, Server, paris
from tests.sessions.test_quota_csv import REFERENCE_CSV, edited
from tests.support.page_tokens import CRAFTED_PAGE_TOKENS
from vaxorders.sessions.v1 import sessions_service_pb2 as pb
from vaxorders.type.v1 import effecteur_type_pb2 as types

DOMAIN = "sessions.vaxorders.sante.gouv.fr"
REFERENCE = "sessions/2022-03-07"
S = pb.ServiceState


async def refused(call: Awaitable) -> ErrorDetails:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call
    details = ErrorDetails.from_rpc_error(error.value)
    assert details.domain == DOMAIN
    return details


def at(moment: datetime):  # type: ignore[no-untyped-def]
    return to_timestamp(moment)


REFERENCE_WEEK = [
    (paris(2022, 3, 4, 10, 0), S.SERVICE_STATE_PREVIEW, REFERENCE),
    (paris(2022, 3, 6, 12, 0), S.SERVICE_STATE_MAINTENANCE, REFERENCE),
    (paris(2022, 3, 7, 7, 59, 59), S.SERVICE_STATE_MAINTENANCE, REFERENCE),
    (paris(2022, 3, 7, 8, 0, 0), S.SERVICE_STATE_OPEN_FOR_ORDERS, REFERENCE),
    (paris(2022, 3, 8, 22, 59, 59), S.SERVICE_STATE_OPEN_FOR_ORDERS, REFERENCE),
    (paris(2022, 3, 8, 23, 0, 0), S.SERVICE_STATE_CLOSED, ""),
]


async def test_service_state_of_the_reference_week_needs_no_token(server: Server) -> None:
    seen = []
    for moment, _, _ in REFERENCE_WEEK:
        answer = await server.stub.GetServiceState(pb.GetServiceStateRequest(at=at(moment)), timeout=5)
        seen.append((moment, answer.state, answer.session))
    assert seen == REFERENCE_WEEK


async def test_service_state_at_the_server_clock_with_its_next_change_and_message(server: Server) -> None:
    server.clock.set(paris(2022, 3, 7, 8, 0))
    answer = await server.stub.GetServiceState(pb.GetServiceStateRequest(), timeout=5)
    assert answer.state == S.SERVICE_STATE_OPEN_FOR_ORDERS
    assert from_timestamp(answer.next_change_time) == paris(2022, 3, 8, 23, 0)
    assert answer.message == "Saisie des commandes ouverte jusqu'au mardi 8 mars 2022 à 23\u00a0h\u00a000"
    server.clock.set(paris(2022, 3, 8, 23, 0))
    closed = await server.stub.GetServiceState(pb.GetServiceStateRequest(), timeout=5)
    assert closed.state == S.SERVICE_STATE_CLOSED and not closed.HasField("next_change_time")


async def test_the_catalogue_and_calendar_are_public_but_quota_tables_need_a_token(server: Server) -> None:
    products = await server.stub.ListProducts(pb.ListProductsRequest(), timeout=5)
    assert [p.name for p in products.products][:3] == [
        "products/moderna",
        "products/pfizer-adult",
        "products/pfizer-pediatric",
    ]
    novavax = (await server.stub.GetProduct(pb.GetProductRequest(name="products/novavax"), timeout=5)).product
    assert from_timestamp(novavax.orderable_from) == paris(2022, 3, 14) and not novavax.HasField("shelf_life_days")

    visible = (await server.stub.GetSession(pb.GetSessionRequest(name=REFERENCE), timeout=5)).session
    assert visible.label == "Session du 7 mars 2022" and not visible.window_changes
    error = await refused(
        server.stub.GetQuotaTable(pb.GetQuotaTableRequest(name=f"{REFERENCE}/quotaTables/current"), timeout=5)
    )
    assert error.code == grpc.StatusCode.UNAUTHENTICATED
    assert error.message == "Authentification requise : connectez-vous avec Pro Santé Connect."

    server.clock.set(paris(2022, 3, 7, 9, 0))
    session = (
        await server.stub.GetSession(pb.GetSessionRequest(name=REFERENCE), metadata=server.as_officine(), timeout=5)
    ).session
    assert session.state == pb.Session.STATE_OPEN
    assert (session.confirmation_email_date, session.delivery_from_date) == ("2022-03-11", "2022-03-18")


REFERENCE_MOMENT = paris(2022, 3, 7, 10)


async def resolve(  # type: ignore[no-untyped-def]
    server: Server, effecteur_type: int, product: str, moment=REFERENCE_MOMENT, session=REFERENCE
):
    request = pb.ResolveQuotaRequest(session=session, effecteur_type=effecteur_type, product=product, at=at(moment))
    return await server.stub.ResolveQuota(request, metadata=server.as_officine(), timeout=5)


async def test_resolve_quota_of_the_reference_week(server: Server) -> None:
    pmi_moderna = await resolve(server, types.EFFECTEUR_TYPE_PMI, "products/moderna")
    pmi_pediatric = await resolve(server, types.EFFECTEUR_TYPE_PMI, "products/pfizer-pediatric")
    dentist_pediatric = await resolve(server, types.EFFECTEUR_TYPE_CHIRURGIEN_DENTISTE, "products/pfizer-pediatric")
    assert pmi_moderna.rule.kind == pb.QUOTA_KIND_NOT_OPEN
    assert pmi_pediatric.rule.kind == pb.QUOTA_KIND_UNLIMITED
    assert pmi_pediatric.rule.effecteur_type == types.EFFECTEUR_TYPE_PMI
    assert pmi_pediatric.rule.product == "products/pfizer-pediatric"
    assert pmi_pediatric.quota_table == "sessions/2022-03-07/quotaTables/1"
    assert dentist_pediatric.rule.kind == pb.QUOTA_KIND_NOT_OPEN

    unknown = await refused(resolve(server, types.EFFECTEUR_TYPE_UNSPECIFIED, "products/moderna"))
    assert unknown.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in unknown.violations] == ["effecteur_type"]


def reference_rules(dataset: dict) -> list[pb.QuotaRule]:
    return [
        pb.QuotaRule(
            effecteur_type=types.EffecteurType.Value(f"EFFECTEUR_TYPE_{r['effecteur_type']}"),
            product=f"products/{r['product']}",
            kind=pb.QuotaKind.Value(f"QUOTA_KIND_{r['kind']}"),
        )
        for r in dataset["quota_tables"]["2022-03-07"]
    ]


async def test_novavax_resolves_not_open_on_10_march_and_per_table_on_14_march(server: Server, dataset: dict) -> None:
    server.clock.set(paris(2022, 3, 9, 12))
    await server.stub.CreateSession(
        pb.CreateSessionRequest(
            session_id="2022-03-10",
            session=pb.Session(
                label="Session du 10 mars", open_time=at(paris(2022, 3, 10, 8)), close_time=at(paris(2022, 3, 15, 23))
            ),
        ),
        metadata=server.as_operator(),
        timeout=5,
    )
    novavax = [
        pb.QuotaRule(effecteur_type=t, product="products/novavax", kind=pb.QUOTA_KIND_CAPPED, max_vials=20)
        for t in types.EffecteurType.values()
        if t
    ]
    published = await server.stub.PublishQuotaTable(
        pb.PublishQuotaTableRequest(parent="sessions/2022-03-10", rules=reference_rules(dataset) + novavax),
        metadata=server.as_operator(),
        timeout=5,
    )
    assert published.quota_table.name == "sessions/2022-03-10/quotaTables/1"
    assert published.quota_table.published_by == OPERATOR

    on_10 = await resolve(
        server, types.EFFECTEUR_TYPE_MEDECIN, "products/novavax", paris(2022, 3, 10, 9), "sessions/2022-03-10"
    )
    on_14 = await resolve(
        server, types.EFFECTEUR_TYPE_MEDECIN, "products/novavax", paris(2022, 3, 14, 0), "sessions/2022-03-10"
    )
    assert on_10.rule.kind == pb.QUOTA_KIND_NOT_OPEN
    assert (on_14.rule.kind, on_14.rule.max_vials) == (pb.QUOTA_KIND_CAPPED, 20)


async def test_the_products_page_and_the_quota_table_never_disagree_around_novavax_opening(
    server: Server, dataset: dict
) -> None:
    """Whether Novavax can be ordered is answered once, in sessions: the quota
    table effective at an instant (what orders and the order grid use) says
    NOT_OPEN exactly when the product, as the products page shows it, cannot be
    ordered then; ResolveQuota says the same; valid_until is the next flip."""
    await test_novavax_resolves_not_open_on_10_march_and_per_table_on_14_march(server, dataset)
    product = (await server.stub.GetProduct(pb.GetProductRequest(name="products/novavax"), timeout=5)).product
    opening = paris(2022, 3, 14)
    assert from_timestamp(product.orderable_from) == opening
    for moment in (paris(2022, 3, 10, 9), opening - timedelta(seconds=1), opening, paris(2022, 3, 15, 12)):
        # What the products page shows: active, from orderable_from (inclusive), until orderable_until (exclusive).
        shown_orderable = (
            product.active
            and from_timestamp(product.orderable_from) <= moment
            and (not product.HasField("orderable_until") or moment < from_timestamp(product.orderable_until))
        )
        answer = await server.stub.GetQuotaTable(
            pb.GetQuotaTableRequest(name="sessions/2022-03-10/quotaTables/current", effective_at=at(moment)),
            metadata=server.as_officine(),
            timeout=5,
        )
        cells = [r for r in answer.quota_table.rules if r.product == "products/novavax"]
        assert len(cells) == len(types.EffecteurType.values()) - 1
        for cell in cells:
            assert (cell.kind != pb.QUOTA_KIND_NOT_OPEN) == shown_orderable, moment
            resolved = await resolve(server, cell.effecteur_type, "products/novavax", moment, "sessions/2022-03-10")
            assert resolved.rule == cell, moment
        if shown_orderable:
            assert {(c.kind, c.max_vials, c.not_open_reason) for c in cells} == {(pb.QUOTA_KIND_CAPPED, 20, "")}
        else:
            assert {c.not_open_reason for c in cells} == {"Commandable à partir du lundi 14 mars 2022"}
            assert from_timestamp(answer.valid_until) == opening
    # Unset effective_at: the version as published, untouched.
    published = await server.stub.GetQuotaTable(
        pb.GetQuotaTableRequest(name="sessions/2022-03-10/quotaTables/1"), metadata=server.as_officine(), timeout=5
    )
    assert {r.kind for r in published.quota_table.rules if r.product == "products/novavax"} == {pb.QUOTA_KIND_CAPPED}
    assert not published.HasField("valid_until")


async def test_a_version_published_during_the_session_applies_from_then_on(server: Server, dataset: dict) -> None:
    server.clock.set(paris(2022, 3, 7, 14, 0))
    rules = reference_rules(dataset)
    for rule in rules:
        if (rule.effecteur_type, rule.product) == (types.EFFECTEUR_TYPE_EHPAD, "products/moderna"):
            rule.kind, rule.max_vials = pb.QUOTA_KIND_CAPPED, 5
    published = await server.stub.PublishQuotaTable(
        pb.PublishQuotaTableRequest(parent=REFERENCE, rules=rules), metadata=server.as_operator(), timeout=5
    )
    assert published.quota_table.version == 2

    before = await resolve(server, types.EFFECTEUR_TYPE_EHPAD, "products/moderna", paris(2022, 3, 7, 13, 59, 59))
    after = await resolve(server, types.EFFECTEUR_TYPE_EHPAD, "products/moderna", paris(2022, 3, 7, 14, 0))
    assert (before.rule.kind, before.quota_table) == (pb.QUOTA_KIND_UNLIMITED, "sessions/2022-03-07/quotaTables/1")
    assert (after.rule.kind, after.rule.max_vials) == (pb.QUOTA_KIND_CAPPED, 5)

    officine = server.as_officine()
    first = await server.stub.GetQuotaTable(
        pb.GetQuotaTableRequest(name=f"{REFERENCE}/quotaTables/1"), metadata=officine, timeout=5
    )
    current = await server.stub.GetQuotaTable(
        pb.GetQuotaTableRequest(name=f"{REFERENCE}/quotaTables/current"), metadata=officine, timeout=5
    )
    listed = await server.stub.ListQuotaTables(
        pb.ListQuotaTablesRequest(parent=REFERENCE), metadata=officine, timeout=5
    )
    assert len(first.quota_table.rules) == 48
    assert all(r.kind != pb.QUOTA_KIND_CAPPED for r in first.quota_table.rules)
    assert current.quota_table.version == 2
    assert [t.version for t in listed.quota_tables] == [2, 1]


async def list_sessions(server: Server) -> pb.ListSessionsResponse:
    return await server.stub.ListSessions(pb.ListSessionsRequest(), metadata=server.as_operator(), timeout=5)


async def list_tables(server: Server) -> pb.ListQuotaTablesResponse:
    return await server.stub.ListQuotaTables(
        pb.ListQuotaTablesRequest(parent=REFERENCE), metadata=server.as_operator(), timeout=5
    )


async def test_bad_sessions_are_refused_with_field_violations_and_nothing_changes(server: Server) -> None:
    before = await list_sessions(server)
    backwards = pb.CreateSessionRequest(
        session_id="2022-03-15",
        session=pb.Session(
            label="À l'envers", open_time=at(paris(2022, 3, 15, 8)), close_time=at(paris(2022, 3, 14, 23))
        ),
    )
    overlapping = pb.CreateSessionRequest(
        session_id="2022-03-08",
        session=pb.Session(
            label="Rattrapage", open_time=at(paris(2022, 3, 8, 20)), close_time=at(paris(2022, 3, 9, 12))
        ),
    )
    wrong_way = await refused(server.stub.CreateSession(backwards, metadata=server.as_operator(), timeout=5))
    overlap = await refused(server.stub.CreateSession(overlapping, metadata=server.as_operator(), timeout=5))

    assert wrong_way.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in wrong_way.violations] == ["session.close_time"]
    assert overlap.code == grpc.StatusCode.INVALID_ARGUMENT and overlap.reason == "SESSION_OVERLAP"
    assert overlap.message.startswith("Cette période chevauche la session « Session du 7 mars 2022 »")
    assert {v.field for v in overlap.violations} == {"session.open_time", "session.close_time"}
    assert await list_sessions(server) == before


def _with_sputnik(rules: list[pb.QuotaRule]) -> list[pb.QuotaRule]:
    unlimited = pb.QUOTA_KIND_UNLIMITED
    return rules + [pb.QuotaRule(effecteur_type=t, product="products/sputnik", kind=unlimited) for t in range(1, 17)]


def _with_unknown_type(rules: list[pb.QuotaRule]) -> list[pb.QuotaRule]:
    unknown = pb.QuotaRule(effecteur_type=99, product="products/pfizer-pediatric", kind=pb.QUOTA_KIND_UNLIMITED)
    return [*rules[:-1], unknown]


def _with_zero_cap(rules: list[pb.QuotaRule]) -> list[pb.QuotaRule]:
    rules[30].kind, rules[30].max_vials = pb.QUOTA_KIND_CAPPED, 0  # EHPAD x Moderna
    return rules


@pytest.mark.parametrize(
    ("spoil", "field"),
    [
        (_with_sputnik, "rules[48].product"),
        (_with_unknown_type, "rules[47].effecteur_type"),
        (_with_zero_cap, "rules[30].max_vials"),
    ],
    ids=["unknown product", "unknown type", "cap of zero"],
)
async def test_bad_quota_tables_are_refused_with_field_violations_and_nothing_changes(
    server: Server, dataset: dict, spoil, field
) -> None:
    before = await list_tables(server)
    request = pb.PublishQuotaTableRequest(parent=REFERENCE, rules=spoil(reference_rules(dataset)))
    error = await refused(server.stub.PublishQuotaTable(request, metadata=server.as_operator(), timeout=5))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert field in [v.field for v in error.violations]
    assert await list_tables(server) == before


async def test_a_malformed_csv_names_its_line_and_column(server: Server) -> None:
    before = await list_tables(server)
    request = pb.ImportQuotaTableCsvRequest(parent=REFERENCE, csv=edited(REFERENCE_CSV, 4, 3, "beaucoup"))
    error = await refused(server.stub.ImportQuotaTableCsv(request, metadata=server.as_operator(), timeout=5))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert error.violations[0].field == "csv"
    assert error.violations[0].description.startswith(
        "ligne 4, colonne pfizer-adult : valeur « beaucoup » non reconnue"
    )
    assert await list_tables(server) == before


async def test_csv_export_then_import_round_trips_over_grpc(server: Server) -> None:
    operator = server.as_operator()
    exported = await server.stub.ExportQuotaTableCsv(
        pb.ExportQuotaTableCsvRequest(name=f"{REFERENCE}/quotaTables/current"), metadata=operator, timeout=5
    )
    assert exported.csv == REFERENCE_CSV
    imported = await server.stub.ImportQuotaTableCsv(
        pb.ImportQuotaTableCsvRequest(parent=REFERENCE, csv=exported.csv), metadata=operator, timeout=5
    )
    original = await server.stub.GetQuotaTable(
        pb.GetQuotaTableRequest(name=f"{REFERENCE}/quotaTables/1"), metadata=operator, timeout=5
    )
    assert imported.quota_table.version == 2
    assert list(imported.quota_table.rules) == list(original.quota_table.rules)


async def test_writes_by_a_non_operator_are_denied_in_french(server: Server, dataset: dict) -> None:
    before_sessions, before_tables = await list_sessions(server), await list_tables(server)
    officine = server.as_officine()
    calls = [
        server.stub.CreateSession(
            pb.CreateSessionRequest(
                session_id="2022-03-14",
                session=pb.Session(
                    label="x", open_time=at(paris(2022, 3, 14, 8)), close_time=at(paris(2022, 3, 15, 23))
                ),
            ),
            metadata=officine,
            timeout=5,
        ),
        server.stub.PublishQuotaTable(
            pb.PublishQuotaTableRequest(parent=REFERENCE, rules=reference_rules(dataset)), metadata=officine, timeout=5
        ),
        server.stub.ImportQuotaTableCsv(
            pb.ImportQuotaTableCsvRequest(parent=REFERENCE, csv=REFERENCE_CSV), metadata=officine, timeout=5
        ),
        server.stub.DeleteSession(pb.DeleteSessionRequest(name=REFERENCE), metadata=officine, timeout=5),
        server.stub.UpdateProduct(
            pb.UpdateProductRequest(
                product=pb.Product(name="products/moderna", active=False), update_mask=FieldMask(paths=["active"])
            ),
            metadata=officine,
            timeout=5,
        ),
    ]
    for call in calls:
        error = await refused(call)
        assert error.code == grpc.StatusCode.PERMISSION_DENIED
        assert error.reason == "OPERATOR_ONLY"
        assert error.message == "Action réservée aux opérateurs de Santé publique France."
    assert (await list_sessions(server), await list_tables(server)) == (before_sessions, before_tables)
    moderna = await server.stub.GetProduct(pb.GetProductRequest(name="products/moderna"), timeout=5)
    assert moderna.product.active


async def test_window_change_after_opening_is_recorded_and_a_stale_etag_aborts(server: Server) -> None:
    operator = server.as_operator()
    server.clock.set(paris(2022, 3, 8, 18, 0))
    session = (await server.stub.GetSession(pb.GetSessionRequest(name=REFERENCE), metadata=operator, timeout=5)).session
    update = pb.UpdateSessionRequest(
        session=pb.Session(name=REFERENCE, etag=session.etag, close_time=at(paris(2022, 3, 8, 23, 30))),
        update_mask=FieldMask(paths=["close_time"]),
    )
    moved = (await server.stub.UpdateSession(update, metadata=operator, timeout=5)).session
    [change] = moved.window_changes
    assert change.changed_by == OPERATOR and from_timestamp(change.change_time) == paris(2022, 3, 8, 18, 0)
    assert from_timestamp(change.old_close_time) == paris(2022, 3, 8, 23, 0)
    assert from_timestamp(moved.close_time) == paris(2022, 3, 8, 23, 30)

    stale = await refused(server.stub.UpdateSession(update, metadata=operator, timeout=5))
    assert stale.code == grpc.StatusCode.ABORTED and stale.reason == "STALE_ETAG"
    reread = (await server.stub.GetSession(pb.GetSessionRequest(name=REFERENCE), metadata=operator, timeout=5)).session
    assert reread == moved


async def test_every_list_refuses_a_crafted_page_token_as_invalid_argument(server: Server) -> None:
    operator = server.as_operator()
    for token in CRAFTED_PAGE_TOKENS:
        for call in (
            server.stub.ListProducts(pb.ListProductsRequest(page_token=token), metadata=operator, timeout=5),
            server.stub.ListSessions(pb.ListSessionsRequest(page_token=token), metadata=operator, timeout=5),
            server.stub.ListCalendarWindows(
                pb.ListCalendarWindowsRequest(page_token=token), metadata=operator, timeout=5
            ),
            server.stub.ListQuotaTables(
                pb.ListQuotaTablesRequest(parent=REFERENCE, page_token=token), metadata=operator, timeout=5
            ),
        ):
            error = await refused(call)
            assert error.code == grpc.StatusCode.INVALID_ARGUMENT, (token[:20], error)
            assert [v.field for v in error.violations] == ["page_token"]
