"""Every service boots on its real spec, reports SERVING and lists itself by reflection."""

from __future__ import annotations

import importlib

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from services.common.bootstrap import start_service
from services.common.clock import SystemClock

SERVICES = {
    "auth": "vaxorders.auth.v1.AuthService",
    "effecteurs": "vaxorders.effecteurs.v1.EffecteurService",
    "sessions": "vaxorders.sessions.v1.SessionService",
    "orders": "vaxorders.orders.v1.OrderService",
    "mailer": "vaxorders.mailer.v1.MailerService",
}
# Services that serve a second gRPC service in the same process (after delivery: the stock).
ALSO = {
    "orders": ["vaxorders.orders.v1.StockService"],
    "mailer": ["vaxorders.mailer.v1.StockAlertService"],
}


def load(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.import_module(f"services.{name}.spec").SPEC
    settings_module = importlib.import_module(f"services.{name}.settings")
    settings_cls = next(
        getattr(settings_module, attr) for attr in dir(settings_module) if attr.lower() == f"{name}settings"
    )
    return spec, settings_cls


@pytest.mark.parametrize("name", sorted(SERVICES))
async def test_service_boots_serving_and_reflects_its_service(name, database_url_for, psc, tmp_path) -> None:
    spec, settings_cls = load(name)
    names = [SERVICES[name], *ALSO.get(name, [])]
    assert list(spec.service_names) == names
    settings = settings_cls(
        service=name,
        environment="test",
        data_dir=tmp_path,
        database_url=database_url_for(spec) if spec.migrations_dir else "",
        **psc.settings_overrides(),
    )
    running, _ = await start_service(
        spec, settings, address="127.0.0.1:0", authenticator=psc.authenticator(SystemClock())
    )
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{running.port}")
    try:
        health = health_pb2_grpc.HealthStub(channel)
        for service in ("", *names):
            answer = await health.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
            assert answer.status == health_pb2.HealthCheckResponse.SERVING

        reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
        responses = reflection.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5
        )
        listed = [s.name async for r in responses for s in r.list_services_response.service]
        assert set(names) <= set(listed)
        assert "grpc.health.v1.Health" in listed

        await running.stop(1)
        # Drained: the health service now answers NOT_SERVING, so probes take the pod out.
        for service in ("", *names):
            answer = await running.health.Check(health_pb2.HealthCheckRequest(service=service), None)
            assert answer.status == health_pb2.HealthCheckResponse.NOT_SERVING
    finally:
        await channel.close()
