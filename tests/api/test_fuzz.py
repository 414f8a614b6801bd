"""schemathesis: requests generated from the OpenAPI schema against every operation, as the
admin of the test cast, never get a server error (issue 17). A few examples per operation,
in-process through the WSGI application: no server, no network.

The schema is the one /api/v1/openapi.json serves (that view needs a sign-in, which a module
cannot have when pytest collects it, so it is taken from the API object it renders)."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from ninja.responses import NinjaJSONEncoder

from duban.api.api import api
from duban.api.services import token_create
from duban.wsgi import application
from tests.base import make_cast

schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
)


@pytest.fixture
def admin_headers(db, settings):
    settings.API_RATE = 1_000_000  # the rate limit is tested apart
    cast = make_cast()
    _record, token = token_create(user=cast.admin, name="schemathesis")
    # the test's transaction must outlive each request, as Django's test client ensures
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Bearer {token}"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_served_schema_is_the_one_fuzzed(admin_headers):
    from django.test import Client

    served = Client(HTTP_AUTHORIZATION=admin_headers["Authorization"]).get("/api/v1/openapi.json")
    assert set(served.json()["paths"]) == set(schema.raw_schema["paths"])


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_generated_request_gets_a_server_error(case, admin_headers):
    response = case.call(app=application, headers=admin_headers)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
