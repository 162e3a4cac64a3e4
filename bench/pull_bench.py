"""Pull size and speed (issue 3, "Speed"): the initial snapshot of 5,000 households and an idle pull.

    .venv/bin/python bench/pull_bench.py [--households 5000] [--limit 5000] [--runs 3]
                                         [--database-url postgresql+psycopg://…]

One collector is assigned every building through the admin API, then pulls the whole scope as a phone
does (Accept-Encoding: gzip, pages of --limit). Prints gzip bytes per household (goal ≤ 150) with the
uncompressed size beside it as the baseline, server time per snapshot, and the size of an idle incremental
pull (goal ≤ 1 KB).
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench.push_bench import assign_everything, login, postgres_database  # noqa: E402
from tests.live_server import LiveServer  # noqa: E402


def pull(server, token, cursor=None, limit=None):
    query = "&".join(f"{k}={v}" for k, v in (("cursor", cursor), ("limit", limit)) if v is not None)
    req = urllib.request.Request(f"{server.url}/api/v1/sync/pull?{query}")
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Accept-Encoding", "gzip")
    started = time.perf_counter()
    with urllib.request.urlopen(req, timeout=300) as r:
        raw = r.read()
        encoding = r.headers.get("Content-Encoding")
    elapsed = time.perf_counter() - started
    body = json.loads(gzip.decompress(raw) if encoding == "gzip" else raw)
    return body, len(raw), len(gzip.decompress(raw)) if encoding == "gzip" else len(raw), elapsed


def snapshot(server, token, limit):
    cursor, wire, plain, seconds, households, pages = None, 0, 0, 0.0, 0, 0
    while True:
        body, w, p, s = pull(server, token, cursor, limit)
        wire, plain, seconds, pages = wire + w, plain + p, seconds + s, pages + 1
        households += len(body["households"])
        cursor = body["cursor"]
        if not body["has_more"]:
            return cursor, wire, plain, seconds, households, pages


def run(label, database_url, args):
    server = LiveServer(households=args.households, database_url=database_url, workers=1)
    try:
        server.prepare().start()
        assign_everything(server, login(server, "admin")["token"])
        token = login(server, "c01")["token"]
        runs = [snapshot(server, token, args.limit) for _ in range(args.runs)]
        cursor, wire, plain, _, households, pages = runs[-1]
        seconds = statistics.median(r[3] for r in runs)
        idle, idle_wire, _, idle_s = pull(server, token, cursor)
        assert idle["households"] == [] and not idle["reset"]
    finally:
        server.close()
    print(f"{label:10} snapshot of {households} households in {pages} page(s): {wire / households:6.1f} B/household "
          f"gzip (goal ≤ 150; {plain / households:6.0f} B uncompressed), {seconds * 1000:6.0f} ms "
          f"(median of {args.runs}) | idle pull {idle_wire} B (goal ≤ 1024) in {idle_s * 1000:.0f} ms", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--limit", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    run("sqlite", None, args)
    if args.database_url and args.database_url.startswith("postgres"):
        url, drop = postgres_database(args.database_url)
        try:
            run("postgresql", url, args)
        finally:
            drop()


if __name__ == "__main__":
    main()
