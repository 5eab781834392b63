"""schemathesis against the schema the app serves: no 5xx, and answers match the schema.

The WSGI app runs in-process on the test database with a seeded user whose JWT every case
carries. Examples per operation are bounded so the whole run stays well under a minute.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from rest_framework.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from application.requests import create_request
from repository.models import FileRequest, Worker
from tests.api.conftest import finish_with_file, make_user, valid_body

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXAMPLES_PER_OPERATION = 15
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def keep_test_connection():
    """Like Django's test client: the WSGI handler must not close the test transaction's
    connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


@pytest.mark.parametrize(
    "mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
)
def test_api_conforms_to_its_schema(master_data, keep_test_connection, tmp_path, mode):
    owner = make_user("schema@example.jp")
    peer = make_user("peer@example.jp")  # someone else's requests must stay hidden
    for user in (peer, owner, owner):
        latest, _ = create_request(user, **valid_body())
    FileRequest.objects.filter(pk=latest.pk - 1).update(status="failed")
    finish_with_file(latest, tmp_path)
    Worker.objects.create(worker_id="schema:1", host="schema", pid=1, threads=1)  # healthy

    # identity: the WSGI transport hands schemathesis the body as sent, gzip undecoded.
    headers = {
        "Authorization": f"Bearer {RefreshToken.for_user(owner).access_token}",
        "Accept-Encoding": "identity",
    }
    relaxed = {**api_settings.user_settings, "DEFAULT_THROTTLE_RATES": {}}
    with override_settings(REST_FRAMEWORK=relaxed, MAX_ACTIVE_REQUESTS_PER_USER=10_000):
        schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
        failures: list[str] = []
        for operation in _operations(schema):

            @given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                continue  # nothing in this operation can be made invalid (negative mode)
            except Exception as exc:  # collect all operations' failures, then report
                failures.append(f"{operation.label}: {str(exc)[:3000]}")
    assert not failures, "\n\n".join(failures)
