"""The OpenAPI 3.1 document of /api/v1, generated from the route table and
the protobuf descriptors (so field names and comments-free types match the
JSON mapping exactly)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from google.protobuf.descriptor import FieldDescriptor

from services.gateway.api.jsonmap import EnumDesc, FieldDesc, MessageDesc, query_fields
from services.gateway.api.routing import CSV, JSON, REQUEST_ID, ApiRoute

_WELL_KNOWN: dict[str, dict[str, Any]] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?s$"},
    "google.protobuf.FieldMask": {
        "type": "string",
        "description": "Chemins séparés par des virgules (lowerCamelCase).",
    },
    "google.protobuf.Empty": {"type": "object"},
}

_SCALARS: dict[int, dict[str, Any]] = {
    FieldDescriptor.TYPE_DOUBLE: {"type": "number"},
    FieldDescriptor.TYPE_FLOAT: {"type": "number"},
    FieldDescriptor.TYPE_INT64: {"type": "string", "format": "int64"},
    FieldDescriptor.TYPE_UINT64: {"type": "string", "format": "uint64"},
    FieldDescriptor.TYPE_SINT64: {"type": "string", "format": "int64"},
    FieldDescriptor.TYPE_FIXED64: {"type": "string", "format": "uint64"},
    FieldDescriptor.TYPE_SFIXED64: {"type": "string", "format": "int64"},
    FieldDescriptor.TYPE_INT32: {"type": "integer", "format": "int32"},
    FieldDescriptor.TYPE_SINT32: {"type": "integer", "format": "int32"},
    FieldDescriptor.TYPE_SFIXED32: {"type": "integer", "format": "int32"},
    FieldDescriptor.TYPE_UINT32: {"type": "integer", "format": "int64", "minimum": 0},
    FieldDescriptor.TYPE_FIXED32: {"type": "integer", "format": "int64", "minimum": 0},
    FieldDescriptor.TYPE_BOOL: {"type": "boolean"},
    FieldDescriptor.TYPE_STRING: {"type": "string"},
    FieldDescriptor.TYPE_BYTES: {"type": "string", "format": "byte"},
}

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details; detail is the French message for the user.",
    "required": ["type", "title", "status", "detail", "reason", "errors", "request_id"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "reason": {"type": "string", "description": "ErrorInfo.reason, UPPER_SNAKE."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "detail": {"type": "string"}},
                "required": ["field", "detail"],
            },
        },
        "request_id": {"type": "string"},
        "instance": {"type": "string"},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


class _Schemas:
    def __init__(self) -> None:
        self.components: dict[str, Any] = {"Problem": PROBLEM_SCHEMA}

    def message(self, descriptor: MessageDesc) -> dict[str, Any]:
        return self._ref(descriptor.full_name, lambda: self._message(descriptor))

    def enum(self, descriptor: EnumDesc) -> dict[str, Any]:
        return self._ref(descriptor.full_name, lambda: self._enum(descriptor))

    def _ref(self, name: str, schema: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        if name in _WELL_KNOWN:
            return dict(_WELL_KNOWN[name])
        if name not in self.components:
            self.components[name] = {}  # placeholder first: messages may recurse
            self.components[name] = schema()
        return {"$ref": f"#/components/schemas/{name}"}

    def _enum(self, descriptor: EnumDesc) -> dict[str, Any]:
        return {"type": "string", "enum": [v.name for v in descriptor.values]}

    def field(self, field: FieldDesc) -> dict[str, Any]:
        entry = field.message_type
        if field.type == FieldDescriptor.TYPE_MESSAGE and entry is not None and entry.GetOptions().map_entry:
            value = entry.fields_by_name["value"]
            return {"type": "object", "additionalProperties": self._single(value)}
        single = self._single(field)
        if field.is_repeated:
            return {"type": "array", "items": single}
        return single

    def _single(self, field: FieldDesc) -> dict[str, Any]:
        if field.type == FieldDescriptor.TYPE_MESSAGE and field.message_type is not None:
            return self.message(field.message_type)
        if field.type == FieldDescriptor.TYPE_ENUM and field.enum_type is not None:
            return self.enum(field.enum_type)
        return dict(_SCALARS[field.type])

    def _message(self, descriptor: MessageDesc) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "properties": {f.json_name: self.field(f) for f in descriptor.fields},
        }


def _problem_responses() -> dict[str, Any]:
    ref = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    texts = {
        "400": "Valeurs invalides (errors : champ par champ).",
        "401": "Pas de session ni de jeton Bearer valide.",
        "403": "Action non autorisée, ou jeton CSRF / origine refusés.",
        "404": "Introuvable, ou pas à vous.",
        "409": "Conflit : existe déjà, etag périmé, session close, produit non ouvert.",
        "413": "Corps de la requête trop volumineux.",
        "429": "Quota atteint.",
        "501": "Fonction pas encore disponible sur ce serveur (service en cours de mise à jour).",
        "502": "Un service interne a échoué (par exemple une réponse trop volumineuse).",
        "503": "Un service nécessaire ne répond pas ; réessayez.",
        "504": "Délai de réponse dépassé ; réessayez.",
    }
    return {code: {"description": text, "content": ref} for code, text in texts.items()}


def _operation(route: ApiRoute, schemas: _Schemas) -> dict[str, Any]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in route.path_params
    ]
    filled = {path.split(".")[0] for path in route.names}
    if route.request is not None and not route.reads_body:
        for f in query_fields(route.request()):
            if f.name not in filled and f.name != "csv":
                params.append({"name": f.json_name, "in": "query", "required": False, "schema": schemas.field(f)})
    for name, text in route.extra_query.items():
        params.append(
            {"name": name, "in": "query", "required": False, "description": text, "schema": {"type": "string"}}
        )
    if route.request is not None and REQUEST_ID in route.request.DESCRIPTOR.fields_by_name:
        params.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "UUID4 ; même effet que requestId : une requête rejouée ne crée rien deux fois.",
                "schema": {"type": "string", "format": "uuid"},
            }
        )
    op: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": route.summary,
        "tags": [route.tag],
        "parameters": params,
        "responses": {},
    }
    if route.public:
        op["security"] = [{}, {"bearer": []}, {"cookie": []}]
    if route.reads_body and route.request is not None:
        op["requestBody"] = {"required": True, "content": {JSON: {"schema": schemas.message(route.request.DESCRIPTOR)}}}
    elif route.request_content == CSV:
        op["requestBody"] = {"required": True, "content": {CSV: {"schema": {"type": "string"}}}}
    if route.response_content == CSV:
        ok = {"description": "Fichier CSV (UTF-8).", "content": {CSV: {"schema": {"type": "string"}}}}
    else:
        assert route.response is not None
        ok = {"description": "Réponse.", "content": {JSON: {"schema": schemas.message(route.response.DESCRIPTOR)}}}
    op["responses"] = {"200": ok, **_problem_responses()}
    if "requestBody" in op:
        op["responses"]["415"] = {
            "description": "Type de contenu non pris en charge (Content-Type).",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    return op


def document(table: list[ApiRoute], server_url: str) -> dict[str, Any]:
    schemas = _Schemas()
    paths: dict[str, dict[str, Any]] = {}
    for route in table:
        paths.setdefault(route.full_path, {})[route.method.lower()] = _operation(route, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "API de commande de vaccins — officines",
            "version": "1.0.0",
            "description": (
                "API HTTP/JSON du service de commande de vaccins. Les noms de champs suivent la "
                "correspondance JSON de protobuf. Authentification : jeton d'accès Pro Santé Connect "
                "(Authorization: Bearer …) ; depuis un navigateur, cookie de session et jeton CSRF "
                "(en-tête X-CSRF-Token) sur toute requête qui modifie. Chaque réponse porte l'en-tête "
                "X-Request-Id ; les erreurs sont au format application/problem+json (RFC 9457)."
            ),
        },
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}, {"cookie": []}],
        "paths": paths,
        "components": {
            "schemas": schemas.components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (Pro Santé Connect)"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "__Host-vaxorders"},
            },
        },
    }
