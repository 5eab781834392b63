"""Where finished workbooks live: the "results" entry of STORAGES (local disk or S3).

Writes replace atomically: a reader sees the old object or the new one, never half a file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages


def results_storage() -> Storage:
    return storages["results"]


def store_result(local_path: Path, name: str) -> None:
    """Put a finished local file under `name`, replacing whatever was there."""
    storage = results_storage()
    if isinstance(storage, FileSystemStorage):
        final = Path(storage.path(name))
        final.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=final.parent, prefix=".tmp-", suffix=final.suffix)
        os.close(handle)
        try:
            shutil.copyfile(local_path, tmp)
            os.replace(tmp, final)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return
    # Object stores put whole objects atomically; overwrite must be on (file_overwrite=True).
    with open(local_path, "rb") as source:
        saved = storage.save(name, File(source, name=os.path.basename(name)))
    if saved != name:
        storage.delete(saved)
        raise RuntimeError(f"results storage renamed {name!r} to {saved!r}; enable overwrite")


def open_result(name: str) -> IO[bytes]:
    return results_storage().open(name, "rb")


CHUNK_BYTES = 64 * 1024


def _chunks(handle: IO[bytes], length: int) -> Iterator[bytes]:
    try:
        while length > 0:
            chunk = handle.read(min(CHUNK_BYTES, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()


def open_result_range(name: str, first: int, last: int) -> Iterator[bytes]:
    """Bytes first..last (inclusive) of a stored file, in chunks; FileNotFoundError at once.

    Read from where they lie: a seek on local disk, a ranged GET on S3 (django-storages'
    file object would fetch the whole object first, defeating a resumed download).
    """
    storage = results_storage()
    length = last - first + 1
    if isinstance(storage, FileSystemStorage):
        handle: IO[bytes] = open(storage.path(name), "rb")  # noqa: SIM115 - closed by _chunks
        handle.seek(first)
        return _chunks(handle, length)
    if type(storage).__module__ == "storages.backends.s3":
        return _chunks(_s3_range(storage, name, first, last), length)
    handle = storage.open(name, "rb")
    handle.seek(first)
    return _chunks(handle, length)


def _s3_range(storage: Storage, name: str, first: int, last: int) -> IO[bytes]:
    # Imported here: only S3 deployments have a use for botocore's errors and storages' names.
    from botocore.exceptions import ClientError
    from storages.utils import clean_name

    key = storage._normalize_name(clean_name(name))  # type: ignore[attr-defined]
    client = storage.connection.meta.client  # type: ignore[attr-defined]
    try:
        answer = client.get_object(
            Bucket=storage.bucket_name,  # type: ignore[attr-defined]
            Key=key,
            Range=f"bytes={first}-{last}",
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
            raise FileNotFoundError(name) from exc
        raise
    return answer["Body"]


def result_exists(name: str) -> bool:
    return results_storage().exists(name)


def delete_result(name: str) -> None:
    storage = results_storage()
    if storage.exists(name):
        storage.delete(name)


def list_results(prefix: str) -> list[str]:
    """Names of stored files directly under `prefix` (a folder such as "requests/12")."""
    storage = results_storage()
    try:
        _dirs, files = storage.listdir(prefix)
    except FileNotFoundError:
        return []
    return [f"{prefix.rstrip('/')}/{name}" for name in files if not name.startswith(".tmp-")]
