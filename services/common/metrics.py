"""Prometheus metrics per RPC, on a registry per server (tests run several)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server

_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class RpcMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.handled = Counter(
            "grpc_server_handled_total",
            "RPCs completed on the server, by status code.",
            ["grpc_service", "grpc_method", "grpc_code"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "grpc_server_handling_seconds",
            "Time to answer an RPC.",
            ["grpc_service", "grpc_method"],
            buckets=_BUCKETS,
            registry=self.registry,
        )

    def observe(self, full_method: str, code: str, seconds: float) -> None:
        self.for_method(full_method).observe(code, seconds)

    def for_method(self, full_method: str) -> MethodMetrics:
        """One method's metrics, its label children looked up once (the interceptor keeps it)."""
        service, _, method = full_method.lstrip("/").partition("/")
        return MethodMetrics(self, service, method)

    def serve(self, port: int, host: str = "127.0.0.1") -> None:
        """Expose /metrics over HTTP (a daemon thread of prometheus_client)."""
        start_http_server(port, addr=host, registry=self.registry)


class MethodMetrics:
    def __init__(self, metrics: RpcMetrics, service: str, method: str) -> None:
        self._metrics, self._service, self._method = metrics, service, method
        self._latency = metrics.latency.labels(service, method)
        self._handled: dict[str, Counter] = {}

    def observe(self, code: str, seconds: float) -> None:
        handled = self._handled.get(code)
        if handled is None:
            handled = self._handled[code] = self._metrics.handled.labels(self._service, self._method, code)
        handled.inc()
        self._latency.observe(seconds)
