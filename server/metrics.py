"""Operations (OFFICE.md): `X-Request-Id` on every answer and `GET /metrics` in Prometheus' text format.

Counters (requests by route and status, request latency, push operations by status) are kept in each process.
gunicorn runs several workers and a scrape reaches one of them, so each worker also writes its counters, once
a second while they change (a thread), to a file of its own in a folder that gunicorn's master makes before forking
(`HEATLEDGER_METRICS_DIR`, server/gunicorn_config.py); a scrape adds up every worker's file. A worker that
died leaves its file, so totals do not drop when gunicorn replaces it. Without the folder (one process, tests,
`flask run`) a scrape reads the process' own counters. Gauges (open review items, jobs by state) are read from
the database at scrape time: they are facts of the data, not of a process.
"""
import json
import os
import re
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, Response, g, request

from .extensions import db

bp = Blueprint("metrics", __name__)

# Request latency buckets in seconds: a push of 500 operations takes ~0.1–0.5 s, a ledger up to a few seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_FLUSH_SECONDS = 1.0


class Counters:
    """One process' counters: requests[(route, method, status)], latency buckets, push operations[status]."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = defaultdict(int)
        self.latency = [0] * (len(BUCKETS) + 1)  # per bucket (not cumulative); the last is +Inf
        self.latency_sum = 0.0
        self.push_ops = defaultdict(int)
        self.dirty = False
        self.writer = None  # the thread that writes them for the other workers, started with the first request

    def snapshot(self) -> dict:
        with self.lock:
            return {"requests": [[*k, v] for k, v in self.requests.items()], "latency": list(self.latency),
                    "latency_sum": self.latency_sum, "push_ops": dict(self.push_ops)}


COUNTERS = Counters()


def count_push(counts: dict) -> None:
    """A push's results by status (applied, duplicate, held, rejected…), once it is committed."""
    with COUNTERS.lock:
        for status, n in counts.items():
            COUNTERS.push_ops[status] += n
        COUNTERS.dirty = True


def _observe(route: str, method: str, status: int, seconds: float) -> None:
    c = COUNTERS
    with c.lock:
        c.requests[(route, method, str(status))] += 1
        i = next((i for i, b in enumerate(BUCKETS) if seconds <= b), len(BUCKETS))
        c.latency[i] += 1
        c.latency_sum += seconds
        c.dirty = True
        start = c.writer is None and _folder() is not None
        if start:
            c.writer = threading.Thread(target=_write_loop, name="metrics-writer", daemon=True)
    if start:
        c.writer.start()


def _write_loop() -> None:
    """A worker's thread: its counters to its file once a second while they change."""
    while True:
        time.sleep(_FLUSH_SECONDS)
        _flush()


def _folder() -> Path | None:
    d = os.environ.get("HEATLEDGER_METRICS_DIR")
    return Path(d) if d else None


def _flush() -> None:
    folder = _folder()
    if folder is None or not COUNTERS.dirty:
        return
    COUNTERS.dirty = False
    data = json.dumps(COUNTERS.snapshot())
    tmp = folder / f".{os.getpid()}.tmp"
    try:
        tmp.write_text(data)
        os.replace(tmp, folder / f"{os.getpid()}.json")
    except OSError:
        COUNTERS.dirty = True  # next time


def _gathered() -> dict:
    """This process' counters plus every other worker's last written ones."""
    total = {"requests": defaultdict(int), "latency": [0] * (len(BUCKETS) + 1), "latency_sum": 0.0,
             "push_ops": defaultdict(int)}
    snaps = [COUNTERS.snapshot()]
    folder = _folder()
    if folder is not None and folder.is_dir():
        mine = f"{os.getpid()}.json"
        for f in folder.glob("*.json"):
            if f.name == mine:
                continue
            try:
                snaps.append(json.loads(f.read_text()))
            except (OSError, ValueError):
                continue
    for s in snaps:
        for route, method, status, n in s["requests"]:
            total["requests"][(route, method, status)] += n
        for i, n in enumerate(s["latency"]):
            total["latency"][i] += n
        total["latency_sum"] += s["latency_sum"]
        for status, n in s["push_ops"].items():
            total["push_ops"][status] += n
    return total


def _label(v: str) -> str:
    return v.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def render() -> str:
    t = _gathered()
    out = ["# HELP heatledger_http_requests_total HTTP answers by route, method and status.",
           "# TYPE heatledger_http_requests_total counter"]
    for (route, method, status), n in sorted(t["requests"].items()):
        out.append(f'heatledger_http_requests_total{{route="{_label(route)}",method="{_label(method)}",status="{status}"}} {n}')
    out += ["# HELP heatledger_http_request_duration_seconds Time to answer a request.",
            "# TYPE heatledger_http_request_duration_seconds histogram"]
    running = 0
    for b, n in zip((*map(str, BUCKETS), "+Inf"), t["latency"]):
        running += n
        out.append(f'heatledger_http_request_duration_seconds_bucket{{le="{b}"}} {running}')
    out.append(f"heatledger_http_request_duration_seconds_sum {t['latency_sum']:.6f}")
    out.append(f"heatledger_http_request_duration_seconds_count {running}")
    out += ["# HELP heatledger_push_operations_total Field operations pushed, by their result.",
            "# TYPE heatledger_push_operations_total counter"]
    for status, n in sorted(t["push_ops"].items()):
        out.append(f'heatledger_push_operations_total{{status="{_label(status)}"}} {n}')
    from .models import Job, ReviewItem
    open_items = db.session.scalar(sa.select(sa.func.count()).select_from(ReviewItem)
                                   .where(ReviewItem.state == "open"))
    out += ["# HELP heatledger_review_items_open Review items waiting for a clerk.",
            "# TYPE heatledger_review_items_open gauge", f"heatledger_review_items_open {open_items}",
            "# HELP heatledger_jobs Document and export jobs by state.", "# TYPE heatledger_jobs gauge"]
    for state, n in db.session.execute(sa.select(Job.state, sa.func.count()).group_by(Job.state)).all():
        out.append(f'heatledger_jobs{{state="{_label(state)}"}} {n}')
    return "\n".join(out) + "\n"


@bp.get("/metrics")
def metrics():
    """Prometheus text (OFFICE.md, Operations)."""
    return Response(render(), mimetype="text/plain; version=0.0.4; charset=utf-8")


def init_app(app) -> None:
    @app.before_request
    def _start():
        g.started = time.monotonic()
        sent = request.headers.get("X-Request-Id", "")
        g.request_id = sent if _REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex

    @app.after_request
    def _finish(response):
        response.headers["X-Request-Id"] = g.get("request_id") or uuid.uuid4().hex
        started = g.get("started")
        if started is not None:
            rule = request.url_rule.rule if request.url_rule is not None else "unmatched"
            _observe(rule, request.method, response.status_code, time.monotonic() - started)
        return response

    app.register_blueprint(bp)
