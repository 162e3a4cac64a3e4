"""Start the real server as outside checks do: a fresh database, `db upgrade`, `demo-seed`, then serve.

Used by the conformance run, the end-to-end tests in Chromium and the real-process tests. Listens on
loopback only and stops with the fixture (PROTOCOL.md's demo data contract, ../shared/tools/serve.py).
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """One server process (flask run, or gunicorn with `workers` > 0) on a fresh database with demo data."""

    def __init__(self, households=0, database_url=None, workers=0, seed=True, env=None):
        self.tmp = tempfile.mkdtemp(prefix="hl-live-")
        self.database_url = database_url or f"sqlite:///{self.tmp}/heatledger.db"
        self.env = dict(os.environ, DATABASE_URL=self.database_url, FLASK_APP="server",
                        HEATLEDGER_DATA_DIR=self.tmp, PYTHONUNBUFFERED="1", **(env or {}))
        self.households, self.workers, self.seed = households, workers, seed
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(self.tmp, "server.log")
        self.proc = None

    def flask(self, *args, timeout=600):
        with open(self.log_path, "a") as log:
            r = subprocess.run([sys.executable, "-m", "flask", "--app", "server", *args], cwd=REPO, env=self.env,
                               stdout=log, stderr=subprocess.STDOUT, timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{self.log()[-3000:]}")

    def prepare(self):
        self.flask("db", "upgrade")
        if self.seed:
            self.flask("demo-seed", *(["--households", str(self.households)] if self.households else []))
        return self

    def start(self):
        if self.workers:
            cmd = [sys.executable, "-m", "gunicorn", "-c", "python:server.gunicorn_config", "-w", str(self.workers),
                   "-b", f"127.0.0.1:{self.port}", "--graceful-timeout", "2", "server.wsgi:app"]
        else:
            cmd = [sys.executable, "-m", "flask", "--app", "server", "run", "--host", "127.0.0.1",
                   "--port", str(self.port)]
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log()[-3000:]}")
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=2)
                return self
            except Exception:
                time.sleep(0.2)
        raise RuntimeError(f"server did not answer /healthz:\n{self.log()[-3000:]}")

    def kill(self, sig=signal.SIGKILL):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.proc = None

    stop = lambda self: self.kill(signal.SIGTERM)  # noqa: E731

    def log(self):
        try:
            return Path(self.log_path).read_text()
        except OSError:
            return ""

    def close(self):
        """Stop the server and remove its folder (database, data files, log): nothing is left in /tmp."""
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.prepare().start()

    def __exit__(self, *exc):
        self.close()
