"""Issue 15, item 8: WeasyPrint's URL fetcher refuses every URL but the project's own print files: markup
that slipped into a document causes no connection (a listener here fails the test if anything connects)."""
import socket
import threading

import sqlalchemy as sa

from server.documents import pdf
from server.extensions import db
from server.models import Household, Party
from tests.server.pdftools import pdf_text


class Listener:
    """A loopback port that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port, self.connections, self.stop = self.sock.getsockname()[1], [], threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            try:
                conn, addr = self.sock.accept()
                self.connections.append(addr)
                conn.close()
            except OSError:
                continue

    def close(self):
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


def test_markup_in_a_document_fetches_nothing_from_anywhere(tmp_path):
    listener = Listener()
    try:
        url = f"http://127.0.0.1:{listener.port}/x"
        html = (f'<html><head><link rel="stylesheet" href="{url}.css"><style>@import url("{url}2.css");'
                f' body {{ background: url("{url}3.png") }}</style></head><body><p>户主</p>'
                f'<img src="{url}"><img src="file:///etc/passwd"><object data="{url}4"></object></body></html>')
        body = pdf.render(html)
    finally:
        listener.close()
    assert body.startswith(b"%PDF-")
    assert listener.connections == []


def test_an_owner_named_with_an_img_tag_is_printed_as_text_and_fetches_nothing(client, clerk, tmp_path):
    listener = Listener()
    try:
        evil = f'<img src="http://127.0.0.1:{listener.port}/x">'
        owing = db.session.scalars(sa.select(Household).order_by(Household.id)).first()
        db.session.execute(sa.update(Party).where(Party.id == owing.owner_id).values(name=evil))
        db.session.commit()
        r = client.post("/api/v1/documents/notices", json={"season": "2026-2027", "household_ids": [owing.id]},
                        headers=clerk.headers)
        job = client.get(f"/api/v1/jobs/{r.get_json()['job_id']}", headers=clerk.headers).get_json()
        assert job["state"] == "done", job
        if job["file"]:
            text = pdf_text(client.get(job["file"], headers=clerk.headers).data, tmp_path)
            assert "<img" in text
    finally:
        listener.close()
    assert listener.connections == []
