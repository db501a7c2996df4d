"""The API's documentation page: the OpenAPI document told in HTML, on the server (no
script, no third-party origin)."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from .v1 import api

METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(content: dict) -> str:
    for media in (content or {}).values():
        schema = media.get("schema", {})
        ref = schema.get("$ref", "")
        if ref:
            return ref.rsplit("/", 1)[-1]
        if schema.get("type"):
            return schema["type"]
    return ""


def _operations(document: dict) -> list[dict]:
    operations = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {})
            operations.append(
                {
                    "id": operation.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p.get("name"),
                            "where": p.get("in"),
                            "required": p.get("required", False),
                            "type": p.get("schema", {}).get("type", ""),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": _schema_name(body.get("content", {})),
                    "body_media": ", ".join(body.get("content", {})),
                    "responses": [
                        {
                            "status": status,
                            "schema": _schema_name(response.get("content", {})),
                            "description": response.get("description", ""),
                        }
                        for status, response in operation.get("responses", {}).items()
                    ],
                }
            )
    return operations


def _schemas(document: dict) -> list[dict]:
    schemas = []
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        properties = []
        for prop, spec in schema.get("properties", {}).items():
            kind = spec.get("type") or spec.get("$ref", "").rsplit("/", 1)[-1]
            if not kind and "anyOf" in spec:
                kind = " | ".join(
                    option.get("type") or option.get("$ref", "").rsplit("/", 1)[-1]
                    for option in spec["anyOf"]
                )
            properties.append(
                {
                    "name": prop,
                    "type": kind,
                    "required": prop in required,
                    "description": spec.get("description", ""),
                }
            )
        schemas.append(
            {"name": name, "description": schema.get("description", ""), "properties": properties}
        )
    return schemas


@require_safe
def documentation(request):
    openapi_url = reverse("api-v1:openapi-json")
    prefix = openapi_url.rsplit("/", 1)[0]
    document = api.get_openapi_schema(path_prefix=prefix)
    return render(
        request,
        "api/docs.html",
        {
            "document": document,
            "openapi_url": openapi_url,
            "operations": _operations(document),
            "schemas": _schemas(document),
        },
    )
