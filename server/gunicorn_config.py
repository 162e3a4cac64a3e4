"""gunicorn's settings for HeatLedger (`gunicorn -c python:server.gunicorn_config server.wsgi:app`).

gunicorn refuses some requests itself before the app sees them: a request line over 4 KB (414), headers too
large (431), a malformed request (400). It answers those with an HTML page; a phone or the console expects
PROTOCOL.md's JSON error body at every endpoint, so its error writer is replaced with one that answers the
same status with the catalogue's body (issue 11). The only module that imports gunicorn (STYLE.md habit 8).
"""
import os
import shutil
import tempfile

from gunicorn import util

from server.errors import error_text

# A worker may take this long over one request before gunicorn restarts it. Long work (large ledgers as PDF,
# documents) runs as jobs; this is a backstop that an ordinary request is far inside.
timeout = int(os.environ.get("HEATLEDGER_WORKER_TIMEOUT", "120"))
graceful_timeout = 10
control_socket_disable = True

_CODES = {400: "bad_request", 403: "forbidden", 414: "uri_too_long", 417: "bad_request",
          431: "headers_too_large", 501: "bad_request", 500: "internal_error"}


def write_json_error(sock, status_int, reason, mesg):
    """gunicorn.util.write_error with PROTOCOL.md's error body instead of an HTML page."""
    body = error_text(_CODES.get(status_int, "bad_request" if status_int < 500 else "internal_error"))
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)


util.write_error = write_json_error


def on_starting(server):
    """Before the workers fork: a folder where each writes its counters, so /metrics adds them all up
    (server/metrics.py). Made fresh per start, since counters of Prometheus start at zero with a process."""
    if not os.environ.get("HEATLEDGER_METRICS_DIR"):
        os.environ["HEATLEDGER_METRICS_DIR"] = tempfile.mkdtemp(prefix="heatledger-metrics-")


def on_exit(server):
    folder = os.environ.get("HEATLEDGER_METRICS_DIR", "")
    if os.path.basename(folder).startswith("heatledger-metrics-"):
        shutil.rmtree(folder, ignore_errors=True)
