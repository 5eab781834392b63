"""Serve the web front end (frontend/) on loopback: a static server for run.sh and the tests.

    python scripts/serve_frontend.py --port 8080 [--api http://127.0.0.1:8000]

frontend/config.js names the API; with --api (or FRONTEND_API_BASE_URL) that file is answered
with the given address instead, so the front end can follow run.sh's PORT without an edit.
Production serves frontend/ with nginx (config/deploy/nginx-frontend.conf) instead.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

FRONTEND_DIR = Path(__file__).resolve().parent.parent / "frontend"
# Text files go gzipped to clients that accept it (issue 22), like nginx's gzip_static in
# config/deploy/nginx-frontend.conf; compressed once per file version, in memory.
COMPRESSED_TYPES = {".js", ".css", ".html", ".json", ".svg"}
_gzipped: dict[tuple[str, int, int], bytes] = {}


def gzipped(path: Path) -> bytes:
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _gzipped:
        _gzipped[key] = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
    return _gzipped[key]


def configured_api() -> str:
    """The address frontend/config.js names (for the page's Content-Security-Policy)."""
    match = re.search(r'API_BASE_URL\s*=\s*"([^"]+)"', (FRONTEND_DIR / "config.js").read_text())
    return match.group(1) if match else ""


class Handler(SimpleHTTPRequestHandler):
    api_base_url: str | None = None
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

    def end_headers(self) -> None:
        # Always fresh (a demo server), and only our own code and the API may run or be called.
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        api = self.api_base_url or configured_api()
        self.send_header(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; "
            f"connect-src 'self' {api}; frame-ancestors 'none'",
        )
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        if urlparse(self.path).path == "/config.js" and self.api_base_url:
            body = f"export const API_BASE_URL = {json.dumps(self.api_base_url)};\n".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if self._send_gzipped():
            return
        super().do_GET()

    def _send_gzipped(self) -> bool:
        """A text file, gzipped, when the client accepts gzip; False: serve it as it is."""
        accepted = self.headers.get("Accept-Encoding", "")
        if "gzip" not in {part.split(";")[0].strip() for part in accepted.split(",")}:
            return False
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in COMPRESSED_TYPES or not path.is_file():
            return False
        body = gzipped(path)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return True

    def list_directory(self, path):  # the standard library's name and signature
        """No folder listings: a folder without index.html is 404, like nginx's default."""
        self.send_error(404, "Not Found")
        return None

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the standard name
        sys.stdout.write(f"frontend {self.address_string()} {format % args}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("FRONTEND_PORT", "8080")))
    parser.add_argument("--api", default=os.environ.get("FRONTEND_API_BASE_URL", ""))
    args = parser.parse_args()
    handler = type("FrontendHandler", (Handler,), {"api_base_url": args.api.rstrip("/") or None})
    server = ThreadingHTTPServer((args.host, args.port), partial(handler, directory=FRONTEND_DIR))
    print(f"frontend: serving {FRONTEND_DIR} on http://{args.host}:{args.port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
