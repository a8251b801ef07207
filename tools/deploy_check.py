"""`make deploy-check`: the Kubernetes manifests under deploy/ build and are valid,
offline, with no cluster.

1. Builds the base and every overlay with `kubectl kustomize` (or a standalone
   `kustomize build`). Without either, falls back to reading the resources the
   kustomizations list, file by file, and says so: patches and generators are
   then not applied, so the overlays are only partly checked.
2. Validates every resource against the Kubernetes OpenAPI schemas shipped by
   the PyPI package kubernetes-validate (strict: unknown fields are errors), and
   every custom resource (CloudNativePG, prometheus-operator, cert-manager)
   against the CRD schemas vendored in deploy/crds/ (README.md there says from
   where and which version), strict in the same way. A custom resource whose
   CRD is not vendored is an error, never skipped.
3. Checks the house rules the schemas cannot: every workload container has
   requests and limits and the restricted securityContext; every Deployment has
   readiness and liveness probes and a ServiceAccount; a Deployment scaled by an
   HPA sets no replicas; PodDisruptionBudgets only where there are >= 2 replicas;
   the termination grace outlasts the preStop sleep plus the drain grace; gRPC
   Services are headless; every alert has a runbook_url whose anchor exists in
   deploy/README.md; every rule's PromQL parses (Prometheus' grammar from npm,
   tools/promql_check.mjs); Ingress hosts are the public URL's; an overlay names
   its backup bucket; production pins every image by digest.

    python -m tools.deploy_check [--kubernetes-version 1.30.0] [DIR...]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
CRDS = DEPLOY / "crds"
README = DEPLOY / "README.md"
DEFAULT_KUBERNETES_VERSION = "1.30.0"


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    validated: int = 0
    custom_validated: int = 0
    promql_parsed: int = 0

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")


# --- building ------------------------------------------------------------------------------


def targets(paths: Iterable[str]) -> list[Path]:
    chosen = [Path(p).resolve() for p in paths]
    if chosen:
        return chosen
    overlays = sorted(p.parent for p in (DEPLOY / "overlays").glob("*/kustomization.yaml"))
    # deploy/recovery: the point-in-time recovery manifest of the README, validated too.
    return [DEPLOY / "base", *overlays, DEPLOY / "recovery"]


def builder() -> list[str] | None:
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    return None


def build(directory: Path, command: list[str]) -> list[dict[str, Any]]:
    done = subprocess.run([*command, str(directory)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip() or f"{' '.join(command)} failed")
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def listed_resources(directory: Path) -> Iterator[dict[str, Any]]:
    """Fallback without kustomize: the plain resources a kustomization lists, recursively."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text(encoding="utf-8"))
    for entry in kustomization.get("resources", []):
        path = (directory / entry).resolve()
        if path.is_dir():
            yield from listed_resources(path)
        else:
            yield from (doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc)


# --- checks ----------------------------------------------------------------------------------


def _name(resource: dict[str, Any]) -> str:
    return f"{resource.get('kind')}/{resource.get('metadata', {}).get('name')}"


def _group(resource: dict[str, Any]) -> str:
    api_version = str(resource.get("apiVersion", ""))
    return api_version.split("/")[0] if "/" in api_version else ""


def _is_custom(resource: dict[str, Any]) -> bool:
    """Built-in API groups are "" (core), one word (apps, batch...) or *.k8s.io; any
    other dotted group (postgresql.cnpg.io, monitoring.coreos.com...) is a CRD's."""
    group = _group(resource)
    return "." in group and not group.endswith(".k8s.io")


def _strict(schema: Any) -> Any:
    """The schema with unknown fields made errors, as kubernetes-validate's strict mode
    does and as the API server does with field validation Strict: every object that
    lists its properties gets additionalProperties: false, unless it keeps unknown
    fields on purpose (x-kubernetes-preserve-unknown-fields)."""
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    strict = {key: _strict(value) for key, value in schema.items()}
    if (
        "properties" in strict
        and "additionalProperties" not in strict
        and not strict.get("x-kubernetes-preserve-unknown-fields")
    ):
        strict["additionalProperties"] = False
    return strict


def load_crds(directory: Path = CRDS) -> dict[tuple[str, str, str], jsonschema.protocols.Validator]:
    """(group, version, kind) -> validator, from the CRDs vendored in deploy/crds."""
    validators: dict[tuple[str, str, str], jsonschema.protocols.Validator] = {}
    for path in sorted(directory.glob("*.yaml")):
        for crd in (doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc):
            spec = crd["spec"]
            for version in spec["versions"]:
                schema = _strict(version["schema"]["openAPIV3Schema"])
                jsonschema.Draft7Validator.check_schema(schema)
                validators[(spec["group"], version["name"], spec["names"]["kind"])] = jsonschema.Draft7Validator(schema)
    return validators


def _validate_custom(
    resource: dict[str, Any],
    crds: dict[tuple[str, str, str], jsonschema.protocols.Validator],
    where: str,
    report: Report,
) -> None:
    version = str(resource.get("apiVersion", "")).partition("/")[2]
    validator = crds.get((_group(resource), version, resource.get("kind", "")))
    if validator is None:
        report.error(
            f"{where}: {_name(resource)}",
            f"custom resource {resource.get('apiVersion')} {resource.get('kind')} has no CRD schema in deploy/crds",
        )
        return
    errors = sorted(validator.iter_errors(resource), key=lambda e: list(e.absolute_path))
    for error in errors:
        path = ".".join(str(p) for p in error.absolute_path)
        report.error(f"{where}: {_name(resource)}", f"{path or '(root)'}: {error.message}")
    if not errors:
        report.custom_validated += 1


def validate_schemas(
    resources: list[dict[str, Any]],
    version: str,
    where: str,
    report: Report,
    crds: dict[tuple[str, str, str], jsonschema.protocols.Validator],
) -> None:
    import kubernetes_validate  # noqa: PLC0415 (a dev dependency: fail with a clear message below)

    for resource in resources:
        if _is_custom(resource):
            _validate_custom(resource, crds, where, report)
            continue
        try:
            kubernetes_validate.validate(resource, version, strict=True)
            report.validated += 1
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(p) for p in exc.path)
            report.error(f"{where}: {_name(resource)}", f"{path or '(root)'}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError as exc:
            report.error(f"{where}: {_name(resource)}", exc.message)


def _pod_spec(resource: dict[str, Any]) -> dict[str, Any] | None:
    kind = resource.get("kind")
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
        return resource["spec"]["template"]["spec"]
    if kind == "CronJob":
        return resource["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return None


def _sleep_seconds(container: dict[str, Any]) -> float:
    pre_stop = container.get("lifecycle", {}).get("preStop", {})
    if "sleep" in pre_stop:
        return float(pre_stop["sleep"].get("seconds", 0))
    command = pre_stop.get("exec", {}).get("command", [])
    if len(command) == 2 and command[0] in ("sleep", "/bin/sleep"):
        return float(command[1])
    return 0.0


def _config_value(resources: list[dict[str, Any]], container: dict[str, Any], key: str) -> str | None:
    for env in container.get("env", []):
        if env.get("name") == key and "value" in env:
            return str(env["value"])
    maps = {r["metadata"]["name"]: r.get("data", {}) for r in resources if r.get("kind") == "ConfigMap"}
    for source in container.get("envFrom", []):
        data = maps.get(source.get("configMapRef", {}).get("name", ""), {})
        if key in data:
            return str(data[key])
    return None


def check_workload(resource: dict[str, Any], resources: list[dict[str, Any]], where: str, report: Report) -> None:
    spec = _pod_spec(resource)
    if spec is None:
        return
    label = f"{where}: {_name(resource)}"
    pod_security = spec.get("securityContext", {})
    for container in [*spec.get("initContainers", []), *spec.get("containers", [])]:
        at = f"{label} container {container.get('name')}"
        resources_ = container.get("resources", {})
        for section in ("requests", "limits"):
            for unit in ("cpu", "memory"):
                if unit not in resources_.get(section, {}):
                    report.error(at, f"no resources.{section}.{unit}")
        security = container.get("securityContext", {})
        if security.get("allowPrivilegeEscalation") is not False:
            report.error(at, "securityContext.allowPrivilegeEscalation must be false")
        if security.get("readOnlyRootFilesystem") is not True:
            report.error(at, "securityContext.readOnlyRootFilesystem must be true")
        if "ALL" not in security.get("capabilities", {}).get("drop", []):
            report.error(at, "securityContext.capabilities.drop must contain ALL")
        if not (security.get("runAsNonRoot") or pod_security.get("runAsNonRoot")):
            report.error(at, "runAsNonRoot must be true (pod or container securityContext)")
        seccomp = security.get("seccompProfile") or pod_security.get("seccompProfile") or {}
        if seccomp.get("type") != "RuntimeDefault":
            report.error(at, "seccompProfile.type must be RuntimeDefault (pod or container securityContext)")
        if resource["kind"] == "Deployment" and container in spec.get("containers", []):
            for probe in ("readinessProbe", "livenessProbe"):
                if probe not in container:
                    report.error(at, f"no {probe}")
            sleep = _sleep_seconds(container)
            grace = float(_config_value(resources, container, "VAXORDERS_GRACE_SECONDS") or 0)
            termination = float(spec.get("terminationGracePeriodSeconds", 30))
            if termination <= sleep + grace:
                report.error(
                    at,
                    f"terminationGracePeriodSeconds {termination:g} must exceed preStop sleep {sleep:g}"
                    f" + drain grace {grace:g}",
                )
    if resource["kind"] == "Deployment":
        accounts = {r["metadata"]["name"] for r in resources if r.get("kind") == "ServiceAccount"}
        account = spec.get("serviceAccountName")
        if not account or account not in accounts:
            report.error(label, f"serviceAccountName {account!r} is not a ServiceAccount of the build")


def check_scaling(resources: list[dict[str, Any]], where: str, report: Report) -> None:
    deployments = {r["metadata"]["name"]: r for r in resources if r.get("kind") == "Deployment"}
    hpas = {
        r["spec"]["scaleTargetRef"]["name"]: r
        for r in resources
        if r.get("kind") == "HorizontalPodAutoscaler" and r["spec"]["scaleTargetRef"].get("kind") == "Deployment"
    }
    for name, hpa in hpas.items():
        deployment = deployments.get(name)
        if deployment is None:
            report.error(f"{where}: {_name(hpa)}", f"targets Deployment {name}, which is not in the build")
        elif "replicas" in deployment["spec"]:
            report.error(f"{where}: Deployment/{name}", "sets replicas although an HPA owns them")
    for pdb in (r for r in resources if r.get("kind") == "PodDisruptionBudget"):
        selector = pdb["spec"].get("selector", {}).get("matchLabels", {})
        matched = [
            d
            for d in deployments.values()
            if selector and all(d["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in selector.items())
        ]
        if not matched:
            report.error(f"{where}: {_name(pdb)}", "selects no Deployment")
        for deployment in matched:
            name = deployment["metadata"]["name"]
            replicas = (
                hpas[name]["spec"].get("minReplicas", 1) if name in hpas else deployment["spec"].get("replicas", 1)
            )
            if replicas < 2:
                report.error(
                    f"{where}: {_name(pdb)}", f"Deployment/{name} runs {replicas} replica(s): a PDB would block drains"
                )


def check_services(resources: list[dict[str, Any]], where: str, report: Report) -> None:
    for service in (r for r in resources if r.get("kind") == "Service"):
        grpc_ports = [p for p in service["spec"].get("ports", []) if p.get("appProtocol") == "grpc"]
        if grpc_ports and service["spec"].get("clusterIP") != "None":
            report.error(
                f"{where}: {_name(service)}",
                "gRPC Services must be headless (clusterIP: None) so clients balance over every pod",
            )


def check_images(resources: list[dict[str, Any]], where: str, report: Report) -> None:
    """Production runs what was tested, byte for byte: every image by digest, never by tag."""
    if not where.endswith("overlays/production"):
        return
    for resource in resources:
        spec = _pod_spec(resource)
        for container in [*(spec or {}).get("initContainers", []), *(spec or {}).get("containers", [])]:
            if not re.search(r"@sha256:[0-9a-f]{64}$", container.get("image", "")):
                report.error(
                    f"{where}: {_name(resource)} container {container.get('name')}",
                    f"image {container.get('image')!r} must be pinned by digest (images: digest in the overlay)",
                )


def check_backups(resources: list[dict[str, Any]], where: str, report: Report) -> None:
    """An environment names its own bucket: the base's placeholder must not survive an overlay."""
    if where == "deploy/base" or where.endswith("/base"):
        return
    for cluster in (r for r in resources if r.get("kind") == "Cluster" and _is_custom(r)):
        path = cluster["spec"].get("backup", {}).get("barmanObjectStore", {}).get("destinationPath", "")
        if "set-by-overlay" in path:
            report.error(
                f"{where}: {_name(cluster)}", f"backup destinationPath {path!r}: the overlay must set its bucket"
            )


def check_ingress(resources: list[dict[str, Any]], where: str, report: Report) -> None:
    """Every Ingress serves the gateway's public host (VAXORDERS_PUBLIC_BASE_URL: PSC
    redirects there) and its custom-headers ConfigMap is one of the build, in its namespace."""
    config = next(
        (
            r.get("data", {})
            for r in resources
            if r.get("kind") == "ConfigMap" and r["metadata"]["name"].startswith("vaxorders-config")
        ),
        {},
    )
    public_host = urlsplit(config.get("VAXORDERS_PUBLIC_BASE_URL", "")).hostname
    maps = {(r["metadata"].get("namespace"), r["metadata"]["name"]) for r in resources if r.get("kind") == "ConfigMap"}
    for ingress in (r for r in resources if r.get("kind") == "Ingress"):
        at = f"{where}: {_name(ingress)}"
        hosts = {rule.get("host") for rule in ingress["spec"].get("rules", [])}
        hosts |= {h for tls in ingress["spec"].get("tls", []) for h in tls.get("hosts", [])}
        if public_host and hosts != {public_host}:
            report.error(at, f"hosts {sorted(hosts)} differ from VAXORDERS_PUBLIC_BASE_URL's {public_host}")
        headers = ingress["metadata"].get("annotations", {}).get("nginx.ingress.kubernetes.io/custom-headers")
        if headers:
            namespace, _, name = headers.rpartition("/")
            if (ingress["metadata"].get("namespace") or None, name) not in maps or (
                ingress["metadata"].get("namespace") and namespace != ingress["metadata"]["namespace"]
            ):
                report.error(at, f"custom-headers {headers!r} is not a ConfigMap of this build in its namespace")


def _slug(heading: str) -> str:
    """The anchor a Markdown heading gets on GitHub/GitLab: lower case, punctuation
    dropped, spaces to hyphens."""
    kept = "".join(c for c in heading.strip().lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def readme_anchors(readme: Path = README) -> set[str]:
    anchors: set[str] = set()
    for line in readme.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            anchors.add(_slug(line.lstrip("#")))
        anchors.update(re.findall(r'<a (?:id|name)="([^"]+)"', line))
    return anchors


def check_alerts(resources: list[dict[str, Any]], anchors: set[str], where: str, report: Report) -> None:
    """Every alert says what to do: a runbook_url into deploy/README.md, at an anchor that exists."""
    for rule_set in (r for r in resources if r.get("kind") == "PrometheusRule"):
        for group in rule_set.get("spec", {}).get("groups", []):
            for rule in (r for r in group.get("rules", []) if "alert" in r):
                at = f"{where}: {_name(rule_set)} alert {rule['alert']}"
                url = rule.get("annotations", {}).get("runbook_url", "")
                page, _, anchor = url.partition("#")
                if not page.endswith("deploy/README.md") or not anchor:
                    report.error(at, f"runbook_url {url!r} must point at deploy/README.md#<anchor>")
                elif anchor not in anchors:
                    report.error(at, f"runbook_url anchor #{anchor} is not a heading or <a id> of deploy/README.md")


def check_promql(resources: list[dict[str, Any]], where: str, report: Report) -> None:
    """Every rule's expression parses, with Prometheus' own grammar (tools/promql_check.mjs,
    npm package @prometheus-io/lezer-promql, installed by `make install`). Without node or
    the package, says so and goes on."""
    rules = [
        (f"{where}: {_name(rule_set)} {rule.get('alert') or rule.get('record')}", str(rule["expr"]))
        for rule_set in resources
        if rule_set.get("kind") == "PrometheusRule"
        for group in rule_set.get("spec", {}).get("groups", [])
        for rule in group.get("rules", [])
    ]
    if not rules:
        return
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "@prometheus-io" / "lezer-promql").is_dir():
        report.notes.append(f"{where}: PromQL not parsed (needs node and `npm install`)")
        return
    done = subprocess.run(
        [node, str(ROOT / "tools" / "promql_check.mjs")],
        input=json.dumps([expr for _, expr in rules]),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        report.error(where, f"tools/promql_check.mjs failed: {done.stderr.strip()}")
        return
    for problem in json.loads(done.stdout):
        label, _ = rules[problem["index"]]
        report.error(label, f"PromQL does not parse at character {problem['at']}, near {problem['near']!r}")
    report.promql_parsed += len(rules)


def check(
    directory: Path,
    version: str,
    command: list[str] | None,
    report: Report,
    crds: dict[tuple[str, str, str], jsonschema.protocols.Validator],
    anchors: set[str],
) -> None:
    where = str(directory.relative_to(ROOT)) if directory.is_relative_to(ROOT) else str(directory)
    try:
        resources = build(directory, command) if command else list(listed_resources(directory))
    except (RuntimeError, OSError, yaml.YAMLError) as exc:
        report.error(where, f"does not build: {exc}")
        return
    validate_schemas(resources, version, where, report, crds)
    for resource in resources:
        check_workload(resource, resources, where, report)
    check_scaling(resources, where, report)
    check_services(resources, where, report)
    check_ingress(resources, where, report)
    check_backups(resources, where, report)
    check_images(resources, where, report)
    check_alerts(resources, anchors, where, report)
    check_promql(resources, where, report)
    print(f"{where}: {len(resources)} resources")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.deploy_check", description=__doc__.split("\n\n")[0])
    parser.add_argument("--kubernetes-version", default=DEFAULT_KUBERNETES_VERSION)
    parser.add_argument("directories", nargs="*", help="kustomization directories (default: base and every overlay)")
    args = parser.parse_args(argv)
    try:
        import kubernetes_validate  # noqa: F401, PLC0415
    except ImportError:
        print("kubernetes-validate is missing: pip install -e '.[dev]'", file=sys.stderr)
        return 2

    command = builder()
    report = Report()
    if command is None:
        report.notes.append(
            "neither kubectl nor kustomize found: checked the resources the kustomizations list, file by file;"
            " overlay patches and generators were NOT applied"
        )
    else:
        print(f"building with: {' '.join(command)}")
    crds = load_crds()
    anchors = readme_anchors()
    for directory in targets(args.directories):
        check(directory, args.kubernetes_version, command, report, crds, anchors)
    for note in report.notes:
        print(f"note: {note}")
    for error in report.errors:
        print(f"ERROR {error}")
    print(
        f"deploy-check: {report.validated} resources valid against Kubernetes {args.kubernetes_version},"
        f" {report.custom_validated} custom resources valid against the CRDs of deploy/crds ({len(crds)} kinds),"
        f" {report.promql_parsed} PromQL expressions parsed,"
        f" {len(report.errors)} error(s)"
    )
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
