"""The API tests' clients and autouse fixtures (fresh throttles, fast hashing, tmp results)."""

from tests.api.conftest import (  # noqa: F401
    _fast_password_hashing,
    _fresh_throttles,
    _results_in_tmp,
    anon,
    api,
    owner,
    stranger,
)
from tests.batch.conftest import daemons, smtp_sink  # noqa: F401 (real runbatch processes)
from tests.ops.conftest import moto_endpoint  # noqa: F401 (a real S3-compatible server)
