"""One operation whose write fails never blocks the others: the batch is applied one by one and the
failing operation is kept in quarantine, as sent (PROTOCOL.md principle 3, STYLE.md habit 6)."""
import json

import sqlalchemy as sa
from sqlalchemy.exc import DataError

from server.extensions import db
from server.models import Payment, Quarantine
from server.sync_api import batch as batch_module
from tests.invariants import check_invariants


def test_a_batch_whose_write_fails_is_applied_one_by_one_and_the_bad_operation_is_quarantined(phone, monkeypatch):
    phone.pull_all()
    hid = next(iter(phone.households))
    write = batch_module.Batch.write

    def poisoned(self):
        if any(isinstance(r, dict) and r.get("data", {}).get("note") == "poison" for r in self.raw_ops):
            raise DataError("INSERT …", {}, Exception("value does not fit"))
        return write(self)

    monkeypatch.setattr(batch_module.Batch, "write", poisoned)
    ops = [phone.payment(hid, 100), phone.payment(hid, 200, note="poison"), phone.payment(hid, 300)]
    status, body = phone.push(ops)
    assert status == 200
    assert [r["status"] for r in body["results"]] == ["applied", "rejected", "applied"]
    assert body["results"][1]["error"]["code"] == "internal_error"
    assert {p.amount_fen for p in db.session.scalars(sa.select(Payment).where(
        Payment.op_id.in_([o["op_id"] for o in ops])))} == {100, 300}
    kept = db.session.scalar(sa.select(Quarantine).where(Quarantine.op_id == ops[1]["op_id"]))
    assert kept is not None and json.loads(kept.raw)["data"]["amount_fen"] == 200
    check_invariants()
