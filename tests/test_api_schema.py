"""Schemathesis against the OpenAPI document: no 500, every answer matches its schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from newsletter.integrations import api_tokens
from newsletter.models import ApiToken, Broadcast

TOKEN = "a-token-for-the-schema-run-only"
# A request the schema allows may still be refused for what it names (an audience that does
# not exist): these checks hold that no answer is a 500 and each one is the documented shape.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def api_token(practice, audience):
    """A token with every scope; the test's database connection stays open across requests
    (as Django's test client keeps it), since the app here is called outside that client."""
    Broadcast.objects.create(subject="Spring", slug="spring", body="Hello")
    ApiToken.objects.create(
        name="Schemathesis", token_hash=api_tokens.digest(TOKEN), scopes=list(api_tokens.SCOPES)
    )
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield TOKEN
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_within_its_schema_and_never_with_a_500(case, api_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {api_token}"}, checks=CHECKS)
