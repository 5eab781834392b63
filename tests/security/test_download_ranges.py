"""Issue 23, "also seen": `Range` was ignored on downloads, so a large workbook could not be
resumed. Single byte ranges get 206 (or 416), `Accept-Ranges: bytes` is announced, and
`If-Range` with a stale ETag (the file was made again) gets the whole new file.

Here through Django's test client (what each header does); a real curl and wget resuming
from a real gunicorn, on local disk and on S3, in test_download_resume.py."""

from __future__ import annotations

import pytest

from common.crypto import make_download_token
from repository.models import FileRequest
from tests.api.conftest import finish_with_file, valid_body

pytestmark = pytest.mark.django_db

CONTENT = bytes(range(256)) * 40  # 10,240 bytes, every offset distinguishable


@pytest.fixture
def paths(api, tmp_path) -> dict[str, str]:
    request_id = api.post("/api/v1/requests/", valid_body(), format="json").json()["id"]
    finish_with_file(FileRequest.objects.get(pk=request_id), tmp_path, content=CONTENT)
    return {
        "owner": f"/api/v1/requests/{request_id}/file/",
        "link": f"/api/v1/downloads/{make_download_token(request_id)}/",
    }


@pytest.fixture(params=["owner", "link"])
def get(request, api, anon, paths):
    client = api if request.param == "owner" else anon
    path = paths[request.param]

    def fetch(**headers):
        return client.get(
            path, **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        )

    return fetch


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_whole_file_announces_byte_ranges(get):
    response = get()
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"] == '"' + "0" * 64 + '"'
    assert int(response["Content-Length"]) == len(CONTENT)
    assert body(response) == CONTENT


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-9", 0, 9),
        ("bytes=10-", 10, 10_239),
        ("bytes=-5", 10_235, 10_239),
        ("bytes=10000-99999", 10_000, 10_239),  # past the end: up to the end
        ("bytes=10239-10239", 10_239, 10_239),
        ("bytes=-20000", 0, 10_239),  # a suffix longer than the file: all of it
    ],
)
def test_a_single_range_is_206_with_exactly_those_bytes(get, header, first, last):
    response = get(Range=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(CONTENT)}"
    assert int(response["Content-Length"]) == last - first + 1
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Disposition"].startswith("attachment;")
    assert body(response) == CONTENT[first : last + 1]


@pytest.mark.parametrize("header", ["bytes=10240-", "bytes=20000-30000", "bytes=-0"])
def test_a_range_beyond_the_file_is_416(get, header):
    response = get(Range=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(CONTENT)}"
    assert response.json()["code"] == "range_not_satisfiable"


@pytest.mark.parametrize(
    "header", ["bytes=0-9,20-29", "bytes=9-0", "items=0-9", "bytes=abc", "bytes=", "bytes=--5"]
)
def test_other_ranges_are_ignored_and_the_whole_file_sent(get, header):
    """Several ranges (multipart answers) are not offered; a malformed header is ignored,
    as RFC 9110 lets a server do."""
    response = get(Range=header)
    assert response.status_code == 200
    assert body(response) == CONTENT


def test_if_range_with_the_current_etag_resumes(get):
    etag = get()["ETag"]
    response = get(Range="bytes=100-", If_Range=etag)
    assert response.status_code == 206 and body(response) == CONTENT[100:]


@pytest.mark.parametrize(
    "validator", ['"0123"', 'W/"' + "0" * 64 + '"', "Tue, 01 Dec 2026 00:00:00 GMT"]
)
def test_if_range_that_does_not_match_sends_the_whole_file(get, validator):
    """The file was made again (a new ETag), a weak tag or a date: start over."""
    response = get(Range="bytes=100-", If_Range=validator)
    assert response.status_code == 200 and body(response) == CONTENT
