"""tools/deploy_check: custom resources are validated strictly against deploy/crds,
and every alert's runbook link lands on a heading of deploy/README.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tools import deploy_check
from vaxorders.orders.v1 import orders_service_pb2

CLUSTER = {
    "apiVersion": "postgresql.cnpg.io/v1",
    "kind": "Cluster",
    "metadata": {"name": "pg-orders"},
    "spec": {
        "instances": 3,
        "storage": {"size": "10Gi"},
        "backup": {
            "retentionPolicy": "30d",
            "barmanObjectStore": {
                "destinationPath": "s3://bucket/",
                "s3Credentials": {"accessKeyId": {"name": "s", "key": "ACCESS_KEY_ID"}},
            },
        },
    },
}


@pytest.fixture(scope="module")
def crds():  # type: ignore[no-untyped-def]
    return deploy_check.load_crds()


def _errors(resource, crds) -> list[str]:  # type: ignore[no-untyped-def]
    report = deploy_check.Report()
    deploy_check.validate_schemas([resource], deploy_check.DEFAULT_KUBERNETES_VERSION, "t", report, crds)
    return report.errors


def test_a_valid_cluster_passes(crds) -> None:  # type: ignore[no-untyped-def]
    assert _errors(CLUSTER, crds) == []


def test_an_unknown_field_of_a_custom_resource_is_an_error(crds) -> None:  # type: ignore[no-untyped-def]
    typo = {**CLUSTER, "spec": {**CLUSTER["spec"], "backup": {**CLUSTER["spec"]["backup"], "retention": "30d"}}}
    assert any("spec.backup" in e and "retention" in e for e in _errors(typo, crds))


def test_a_bad_enum_of_a_custom_resource_is_an_error(crds) -> None:  # type: ignore[no-untyped-def]
    store = {**CLUSTER["spec"]["backup"]["barmanObjectStore"], "wal": {"compression": "zip"}}
    bad = {**CLUSTER, "spec": {**CLUSTER["spec"], "backup": {"barmanObjectStore": store}}}
    assert any("wal.compression" in e for e in _errors(bad, crds))


def test_a_custom_resource_without_a_vendored_crd_is_an_error_not_a_skip(crds) -> None:  # type: ignore[no-untyped-def]
    issuer = {"apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer", "metadata": {"name": "x"}, "spec": {}}
    assert any("no CRD schema" in e for e in _errors(issuer, crds))


def test_alerts_need_a_runbook_anchor_that_exists(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text('# Runbook\n\n### Orders: writes stopped\n\n<a id="custom-anchor"></a>\n', encoding="utf-8")
    anchors = deploy_check.readme_anchors(readme)
    assert {"orders-writes-stopped", "custom-anchor"} <= anchors
    rule = {
        "kind": "PrometheusRule",
        "metadata": {"name": "r"},
        "spec": {
            "groups": [
                {
                    "name": "g",
                    "rules": [
                        {
                            "alert": "Ok",
                            "expr": "1",
                            "annotations": {"runbook_url": "https://x/deploy/README.md#custom-anchor"},
                        },
                        {
                            "alert": "Missing",
                            "expr": "1",
                            "annotations": {"runbook_url": "https://x/deploy/README.md#nope"},
                        },
                        {"alert": "None", "expr": "1"},
                        {"record": "a:b", "expr": "1"},
                    ],
                }
            ]
        },
    }
    report = deploy_check.Report()
    deploy_check.check_alerts([rule], anchors, "t", report)
    assert [e.split(" alert ")[1].split(":")[0] for e in report.errors] == ["Missing", "None"]


def test_the_repository_manifests_pass() -> None:
    assert deploy_check.main([]) == 0


def test_an_overlay_must_name_its_backup_bucket() -> None:
    store = {**CLUSTER["spec"]["backup"]["barmanObjectStore"], "destinationPath": "s3://set-by-overlay/"}
    cluster = {**CLUSTER, "spec": {**CLUSTER["spec"], "backup": {"barmanObjectStore": store}}}
    base, overlay = deploy_check.Report(), deploy_check.Report()
    deploy_check.check_backups([cluster], "deploy/base", base)
    deploy_check.check_backups([cluster], "deploy/overlays/staging", overlay)
    assert base.errors == [] and len(overlay.errors) == 1


@pytest.mark.skipif(
    not (deploy_check.ROOT / "node_modules" / "@prometheus-io" / "lezer-promql").is_dir(), reason="npm install first"
)
def test_a_rule_whose_promql_does_not_parse_is_an_error() -> None:
    rules = {
        "kind": "PrometheusRule",
        "metadata": {"name": "r"},
        "spec": {
            "groups": [
                {
                    "name": "g",
                    "rules": [
                        {"record": "good", "expr": "sum by (job) (rate(x_total[5m]))"},
                        {"record": "bad", "expr": "sum by (job) (rate(x_total[5m])"},
                    ],
                }
            ]
        },
    }
    report = deploy_check.Report()
    deploy_check.check_promql([rules], "t", report)
    assert len(report.errors) == 1 and "bad" in report.errors[0]


def test_production_refuses_an_image_by_tag() -> None:
    def deployment(image: str) -> dict:  # type: ignore[type-arg]
        pod = {"containers": [{"name": "c", "image": image}]}
        return {"kind": "Deployment", "metadata": {"name": "d"}, "spec": {"template": {"spec": pod}}}

    pinned = deployment("registry.example.org/vaxorders@sha256:" + "a" * 64)
    report = deploy_check.Report()
    deploy_check.check_images(
        [pinned, deployment("registry.example.org/vaxorders:0.1.0")], "deploy/overlays/production", report
    )
    deploy_check.check_images([deployment("vaxorders:dev")], "deploy/overlays/dev", report)
    assert len(report.errors) == 1 and "0.1.0" in report.errors[0]


def test_the_order_writes_rate_counts_every_rpc_that_writes_order_lines_grid_saves_included() -> None:
    """The "order entry stopped" alert reads this rate: a write RPC missing from it (the officines'
    grid saves, say) would page the on-call on a Monday when orders are pouring in."""
    rules = yaml.safe_load((Path(__file__).parents[2] / "deploy/components/monitoring/rules-monday.yaml").read_text())
    record = next(
        r
        for group in rules["spec"]["groups"]
        for r in group["rules"]
        if r.get("record") == "namespace:vaxorders_order_writes:rate5m_per_minute"
    )
    counted = set(re.search(r'grpc_method=~"([^"]+)"', record["expr"]).group(1).split("|"))  # type: ignore[union-attr]
    methods = {m.name for m in orders_service_pb2.DESCRIPTOR.services_by_name["OrderService"].methods}
    line_writes = {
        "BatchWriteOrderLines",
        "CreateOrderLine",
        "UpdateOrderLine",
        "DeleteOrderLine",
        "ConfirmVialRequest",
    }
    assert line_writes <= methods  # renamed RPCs would silently count nothing
    assert counted == line_writes
