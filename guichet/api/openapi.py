"""The OpenAPI document as the API answers: django-ninja documents every answer as
`application/json`; the problems are `application/problem+json`, with the headers that
come with them (WWW-Authenticate on a 401, Retry-After on a 429)."""

from ninja import NinjaAPI

from guichet.core.problems import CONTENT_TYPE

PROBLEM_REF = "#/components/schemas/Problem"

# When each status is answered (the OpenAPI document's and the documentation page's words).
WHEN = {
    400: (
        "Requête illisible : caractère NUL dans l'adresse, les paramètres ou le corps, corps "
        "qui n'est pas du JSON valide, curseur inconnu, en-tête Idempotency-Key trop long."
    ),
    401: "Clé d'API absente, inconnue ou révoquée.",
    403: "Ce client n'a pas le droit (lecture, écriture, demandes suivies) qu'il faut ici.",
    404: "Rien de ce nom que ce client puisse voir.",
    413: "Corps de requête trop volumineux.",
    422: "Paramètres ou corps refusés ; `errors` donne les messages par champ.",
    429: "Trop d'appels pour ce client, ou trop de clés refusées depuis cette adresse.",
}
HEADERS = {
    401: {
        "WWW-Authenticate": {
            "description": "Le schéma attendu : Bearer.",
            "required": True,
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Les secondes à attendre avant de rappeler.",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        }
    },
}


def _is_problem(response: dict) -> bool:
    media = response.get("content", {}).get("application/json", {})
    return media.get("schema", {}).get("$ref") == PROBLEM_REF


def document_problems(document: dict) -> dict:
    """`document` with its problem answers in their own media type, described, with their
    headers."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            for status, response in operation.get("responses", {}).items():
                if not _is_problem(response):
                    continue
                code = int(status)
                response["content"] = {CONTENT_TYPE: response["content"]["application/json"]}
                response["description"] = WHEN.get(code, response.get("description", ""))
                if code in HEADERS:
                    response["headers"] = {name: dict(spec) for name, spec in HEADERS[code].items()}
    return document


class GuichetApi(NinjaAPI):
    """A NinjaAPI whose OpenAPI document says how it answers errors."""

    def get_openapi_schema(self, *args, **kwargs):
        return document_problems(super().get_openapi_schema(*args, **kwargs))
