"""The API's description (OpenAPI at /schema/openapi.json) and its reference page (/schema).

Every error of the API has one shape, `ApiError`; every operation documents the error
answers it can give and the personal token it needs (`Authorization: Bearer <token>`).
The reference page is Swagger UI served from our own static files, started by a script
of ours: the Content-Security-Policy allows no CDN and no inline script.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import msgspec
from litestar import Litestar, Request

# Litestar keeps its schema plugin for msgspec structs private; ClosedStructs extends it.
from litestar._openapi.schema_generation.plugins import StructSchemaPlugin
from litestar.datastructures import MutableScopeHeaders
from litestar.exceptions import ValidationException
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.openapi.spec import Components, OpenAPIType, Operation, RequestBody, Schema, SecurityScheme
from litestar.params import KwargDefinition
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope
from litestar.typing import FieldDefinition
from markupsafe import escape
from msgspec import UNSET, UnsetType

from dialogue.accounts.permissions import Permission, route_permission
from dialogue.text_input import Input

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator

SWAGGER_UI = "swagger-ui"  # under dialogue/static
BEARER = "bearer"


class ApiError(msgspec.Struct):
    """The body of every error answer of the API."""

    status: int
    message: str
    # A message per field (query parameter or JSON field; "" for the request as a whole).
    errors: dict[str, str] | UnsetType = UNSET
    # Unusual values, saved once the same request is sent again with `"confirm": true`.
    warnings: dict[str, str] | UnsetType = UNSET
    # What the parser said about a body it could not read.
    detail: str | UnsetType = UNSET
    # A stale edit of an organisation or a person: the record as it is now.
    current: dict[str, Any] | UnsetType = UNSET


T = TypeVar("T")


S = TypeVar("S", bound=msgspec.Struct)


def out_of(struct_type: type[S], record: Any, **given: Any) -> S:
    """An answer of the API (`struct_type`) about `record`: each field is the record's attribute
    of the same name, but for those `given`."""
    read = {name: getattr(record, name) for name in struct_type.__struct_fields__ if name not in given}
    return struct_type(**read, **given)


# Not advanced-alchemy's OffsetPagination (same four fields): Litestar describes that one
# inline, with no name and no required fields.
class Page(msgspec.Struct, Generic[T]):
    """The body of every list answer of the API: one page of `items` (at most `limit`, from
    `offset`) and the `total` the filters match. An answer declares it with its name in the
    description: `BodyList = Annotated[Page[BodyOut], named("BodyList")]`."""

    items: list[T]
    total: int
    limit: int
    offset: int


def named(name: str) -> KwargDefinition:
    """The name of a `Page[...]` in the description (else Litestar names it after the module path)."""
    return KwargDefinition(schema_component_key=name)


_ERRORS = {
    400: "The request could not be read: a query parameter or a body of the wrong form.",
    401: "No valid personal API token (`Authorization: Bearer <token>`).",
    403: "The token's account may not do this.",
    404: "No such record, or not one the token's account may see.",
    409: "The record changed since it was read (stale `version`), or the change conflicts with the record.",
    422: "Values that break a rule (`errors`), or unusual ones to confirm (`warnings`).",
}

_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
ALLOWED_METHODS = "allowed_methods"


def error_statuses(method: str, path: str, permission: Permission) -> list[int]:
    """The error answers an operation can give: every one can be refused a token (401) or
    given a request it cannot read (400) or values that break a rule (422); one on a record
    can find it missing (404); a change can conflict with the record (409); an operation not
    open to every account can be refused (403)."""
    statuses = [400, 401, 422]
    if "{" in path:
        statuses.append(404)
    if method in _WRITES:
        statuses += [404, 409]
    if permission not in (Permission.READ, Permission.SIGNED_IN, Permission.PUBLIC):
        statuses.append(403)
    return sorted(set(statuses))


def error_response(status: int) -> ResponseSpec:
    return ResponseSpec(
        data_container=ApiError,
        description=f"{HTTPStatus(status).phrase}. {_ERRORS[status]}",
        generate_examples=False,
    )


def describe_api(app: Litestar) -> None:
    """Once the app is built: give every API operation its error answers, in the one error
    shape (an answer the handler documents itself, such as a second success status, is
    kept), and note the methods of every address for `allow_methods`."""
    app.state[ALLOWED_METHODS] = {
        id(handler): ", ".join(sorted(route.methods))
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        if "OPTIONS" in handler.http_methods
    }
    for route in app.routes:
        if not route.path.startswith("/api/"):
            continue
        for handler in getattr(route, "route_handlers", []):
            for method in getattr(handler, "http_methods", ()):
                statuses = error_statuses(method, route.path, route_permission(handler, method))
                handler.responses = {**{s: error_response(s) for s in statuses}, **(handler.responses or {})}


@dataclass
class OptionalBody(Operation):
    """An operation whose JSON body may be left out (`data: X | None = None`): Litestar
    marks every body as required."""

    def __post_init__(self) -> None:
        if isinstance(self.request_body, RequestBody):
            self.request_body.required = False


NO_NUL = "^[^\\u0000]*$"  # text_input.Input refuses a NUL in any text of a request body


def _text_without_nul(schema: Any) -> None:
    """A plain text property (not a date, an enum or a pattern already) says it takes no NUL."""
    if not isinstance(schema, Schema):
        return
    for option in schema.one_of or ():
        _text_without_nul(option)
    if schema.type == OpenAPIType.STRING and not (schema.format or schema.enum or schema.pattern or schema.const):
        schema.pattern = NO_NUL
    if schema.items is not None:
        _text_without_nul(schema.items)


class ClosedStructs(StructSchemaPlugin):
    """A body that refuses unknown fields (`forbid_unknown_fields=True`) says so in its
    schema (`additionalProperties: false`), so that clients know before they are refused;
    the text fields of a request body say they take no NUL."""

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: SchemaCreator) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        if field_definition.type_.__struct_config__.forbid_unknown_fields:
            schema.additional_properties = False
        if issubclass(field_definition.type_, Input):
            for property_schema in (schema.properties or {}).values():
                _text_without_nul(property_schema)
        return schema


async def allow_methods(message: Message, scope: Scope) -> None:
    """A `before_send` hook: OPTIONS answers `Allow` with every method of the address.
    (Litestar 2.25's automatic OPTIONS handler lists only the methods of the first handler
    registered on a path: GET and POST on /api/v1/meetings came back as "OPTIONS, POST".)"""
    if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
        return
    headers = MutableScopeHeaders.from_message(message)
    handler = scope.get("route_handler")
    if "allow" not in headers or handler is None:
        return
    allow = scope["litestar_app"].state.get(ALLOWED_METHODS, {}).get(id(handler))
    if allow:
        headers["Allow"] = allow


_BODY_METHODS = {"POST", "PUT", "PATCH"}


async def strict_body(request: Request) -> None:
    """A `before_request` hook: a JSON body of the API holds the types its schema says.
    Litestar reads bodies leniently (`0` for false, `"12"` for 12); the API refuses them as
    it refuses any value of the wrong type (the area's handler of `ValidationException`
    answers). A body that is not JSON, or absent, is left to Litestar."""
    if request.method not in _BODY_METHODS or not request.url.path.startswith("/api/"):
        return
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    body = await request.body()
    if data is None or not body.strip():
        return
    try:
        msgspec.json.decode(body, type=data.annotation, strict=True)
    except msgspec.ValidationError as exc:
        message, _at, where = str(exc).partition(" - at `$")
        key = where.rstrip("`").lstrip(".")
        raise ValidationException(extra=[{"message": message, "key": key or "data", "source": "body"}]) from exc
    except msgspec.DecodeError:
        return


class ApiReference(OpenAPIRenderPlugin):
    """Swagger UI at /schema: our page, our copy of Swagger UI, our start script."""

    def __init__(self) -> None:
        super().__init__(path=["/", "/swagger"])

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        title = escape(openapi_schema["info"]["title"])
        spec = escape(self.get_openapi_json_route(request))
        static = request.app.state.static_files.url
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">
<link rel="stylesheet" href="{static(f"{SWAGGER_UI}/swagger-ui.css")}">
<script src="{static(f"{SWAGGER_UI}/swagger-ui-bundle.js")}" defer></script>
<script src="{static("api-reference.js")}" defer></script>
</head>
<body>
<div id="api-reference" data-spec-url="{spec}"></div>
<noscript><p><a href="{spec}">{spec}</a></p></noscript>
</body>
</html>
""".encode()


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Dialogue",
        version="1.0.0",
        description=(
            "The record of tripartite social dialogue. Every operation takes a personal API token, "
            "created on your account page, as `Authorization: Bearer <token>`, with the permissions "
            "of your account. Every error answers `ApiError`: `status`, `message` in your language, "
            "and `errors` (a message per field), `warnings` or `current` when they apply."
        ),
        path="/schema",
        render_plugins=[ApiReference()],
        components=Components(
            security_schemes={
                BEARER: SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="A personal API token from your account page.",
                )
            }
        ),
        security=[{BEARER: []}],
    )
