"""What every app's REST API shares: the OpenAPI schema documents the error answers DRF gives,
and an unknown URL under /api/ answers in JSON like the API does.

DRF answers errors the same way everywhere (`{"detail": …}`, or field errors for a 400), but
drf-spectacular documents only the success answer unless a view lists its errors. AutoSchema
adds to every operation the errors its view can actually give, derived from how the view is
built, and gives every error answer (also those the views list themselves) its body schema.
The API fuzzer (tests/fuzz) checks each answer against this schema."""

from django.core.exceptions import FieldDoesNotExist
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers, status

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error that is not about particular fields.",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in the request's language."},
        "code": {"type": "string", "description": "A machine-readable reason, where one is given."},
    },
    "required": ["detail"],
}
# A serializer's errors: messages by field name (`non_field_errors` for the rest); a nested
# object's errors are an object of the same shape, a list's are a list of them.
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Messages by field name; errors that concern no one field under "
                   "`non_field_errors` (or `detail`).",
    "minProperties": 1,
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
            {"type": "object"},
            {"type": "string"},
        ],
    },
}
# Why a view may give each error; only what its configuration makes possible is listed.
DESCRIPTIONS = {
    "400": "Invalid input: the messages say which field is wrong and why.",
    "401": "Missing, unknown or refused credentials (`Authorization: Token <key>`).",
    "403": "Authenticated, but not allowed to do this (or the CSRF check failed for a "
           "session-authenticated request).",
    "404": "No such object, one you may not see, or a page number past the end.",
    "415": "A request body in a content type the operation does not accept.",
    "429": "Too many requests: try again after `Retry-After` seconds.",
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with the error answers each operation can give."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in self._possible_errors(operation):
            responses.setdefault(code, {"description": DESCRIPTIONS[code]})
        for code, response in responses.items():
            if code.isdigit() and int(code) >= 400 and not response.get("content"):
                response["content"] = {"application/json": {"schema": self._error_ref(code)}}
        return operation

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        # A URL or e-mail that may be left empty is "" when it is: the format alone (which
        # the field's validator adds) would refuse that value.
        if schema.get("format") in ("uri", "email") and _may_be_blank(field):
            schema["anyOf"] = [{"format": schema.pop("format")}, {"enum": [""]}]

    def _possible_errors(self, operation) -> list[str]:
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        public = {} in operation.get("security", [{}])
        codes = ["401"]  # an invalid token is refused on every operation, public or not
        if has_body or any(p["in"] == "query" and p["name"] != "page" for p in parameters):
            codes.append("400")
        if not public or self.method in UNSAFE_METHODS:
            codes.append("403")
        # A page number past the end is a 404 too (DRF's PageNumberPagination).
        if any(p["in"] == "path" or (p["in"], p["name"]) == ("query", "page")
               for p in parameters):
            codes.append("404")
        if has_body:
            codes.append("415")
        if getattr(self.view, "throttle_classes", None):
            codes.append("429")
        return codes

    def _error_ref(self, code: str) -> dict:
        name, schema = (("ValidationError", VALIDATION_ERROR_SCHEMA) if code == "400"
                        else ("Error", ERROR_SCHEMA))
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA,
                                      object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref


def _may_be_blank(field) -> bool:
    """Whether a serializer's string field may hold "": said by the field itself when it is
    writable; a read-only field built from a model field loses `allow_blank`, so ask that."""
    if getattr(field, "allow_blank", False):
        return True
    if not isinstance(field, serializers.CharField) or not field.read_only:
        return False
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or "." in field.source:
        return False
    try:
        return model._meta.get_field(field.source).blank
    except FieldDoesNotExist:  # a property or an annotation
        return False


def not_found(request, exception=None):
    """handler404: under /api/ an unknown URL (also a path parameter the URL pattern does not
    accept) answers like the API's own 404; elsewhere Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
    return page_not_found(request, exception)
