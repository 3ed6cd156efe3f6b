"""core.api: the OpenAPI schema documents the error answers every operation can give, each with
its body schema, and an unknown URL under /api/ answers a JSON 404 like the API's own (the API
fuzzer in tests/fuzz checks every answer against this schema)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield f"{method.upper()} {path}", operation


def test_every_error_answer_has_a_json_body_schema(schema):
    for name, operation in operations(schema):
        for code, response in operation["responses"].items():
            if int(code) < 400:
                continue
            expected = "ValidationError" if code == "400" else "Error"
            assert response["content"] == {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{expected}"}}}, (name, code)
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"]


def test_each_operation_lists_the_errors_its_view_can_give(schema):
    ops = dict(operations(schema))
    for name, operation in ops.items():
        codes = set(operation["responses"])
        parameters = {(p["in"], p["name"]) for p in operation.get("parameters", [])}
        assert "401" in codes, name
        if any(where == "path" for where, _name in parameters) or ("query", "page") in parameters:
            assert "404" in codes, name
        if "requestBody" in operation:
            assert {"400", "415"} <= codes, name
    # Members-only and staff-only operations refuse with 403; public reads do not.
    assert "403" in ops["GET /api/v1/signups/"]["responses"]
    assert "403" not in ops["GET /api/v1/regions/"]["responses"]
    # The token endpoint is throttled.
    assert "429" in ops["POST /api/v1/auth/token/"]["responses"]
    assert "429" not in ops["GET /api/v1/clusters/"]["responses"]


def test_a_url_or_email_that_may_be_blank_allows_the_empty_string(schema):
    website = schema["components"]["schemas"]["Event"]["properties"]["website"]
    assert "format" not in website
    assert website["anyOf"] == [{"format": "uri"}, {"enum": [""]}]
    # One that may not be blank keeps its format.
    url = schema["components"]["schemas"]["SearchResults"]["properties"]["next"]
    assert url["format"] == "uri"


@pytest.mark.parametrize("path", ["/api/v1/clusters/a.b/", "/api/v1/no-such-thing/",
                                  "/api/v1/working-groups/WG1/x/y/"])
def test_an_unknown_api_url_answers_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_elsewhere_is_still_the_html_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
