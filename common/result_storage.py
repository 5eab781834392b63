"""Where finished workbooks live: the "results" entry of STORAGES (local disk or S3).

Writes replace atomically: a reader sees the old object or the new one, never half a file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
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
