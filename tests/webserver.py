"""Debian's nginx for the tests: a normal process on a free port of 127.0.0.1, with the site's generated configuration.

Everything nginx writes (pid, logs, temporary files) goes into a temporary folder; no system file is read
but nginx's own modules.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")


def nginx_path() -> str:
    """Debian's nginx and its brotli_static module; in CI a missing one fails the run instead of skipping."""
    path = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if not path or not BROTLI_MODULE.is_file():
        message = "nginx or libnginx-mod-http-brotli-static is not installed; `make test` installs them"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: bytes


@dataclass
class Server:
    port: int
    folder: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def get(self, path: str, **headers: str) -> Response:
        """One request, redirects not followed; header names with '_' for '-' (accept_encoding=...)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers={name.replace("_", "-"): value for name, value in headers.items()})
            answer = connection.getresponse()
            joined: dict[str, str] = {}
            for name, value in answer.getheaders():
                joined[name.lower()] = f"{joined[name.lower()]}, {value}" if name.lower() in joined else value
            return Response(answer.status, joined, answer.read())
        finally:
            connection.close()


def configuration(folder: Path, site: Path, port: int) -> str:
    temp = folder / "temp"
    # As root, nginx's workers would run as nobody, who cannot enter pytest's private (0700) temporary folders.
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""
{user}
load_module {BROTLI_MODULE};
pid {folder}/nginx.pid;
error_log {folder}/error.log;
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy; fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;
    include {site}/.nginx/zonesite-http.conf;
    server {{
        listen 127.0.0.1:{port};
        root {site};
        include {site}/.nginx/zonesite-server.conf;
    }}
}}
"""


@contextmanager
def nginx(site: Path, folder: Path) -> Iterator[Server]:
    """nginx serving `site` with the configuration the build wrote into it; stopped (by its pid) on exit."""
    binary = nginx_path()
    (folder / "temp").mkdir(parents=True, exist_ok=True)
    port = _free_port()
    (folder / "nginx.conf").write_text(configuration(folder, site, port), encoding="utf-8")
    test = subprocess.run([binary, "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")], capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
    process = subprocess.Popen([binary, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"nginx did not start: {process.stderr.read().decode() if process.stderr else ''}")
                time.sleep(0.05)
        yield Server(port, site)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
