"""Operations as the phone sends them (PROTOCOL.md, Push): parse and validate, nothing else.

`parse_op` turns one raw operation into a typed `Op` or an `OpError` whose code the phone sees in
`results[i].error.code`. It never looks at the database: whether the household exists is the caller's.
"""
import hashlib
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from .jsontext import MAX_DEPTH, TOO_DEEP, compact, fault

OP_TYPES = ("payment", "payment_void", "vacancy_check", "area_check", "visit", "contact_update", "temperature_check")
METHODS = ("cash", "wechat", "alipay", "bank_card", "transfer")
VISIT_KINDS = ("complaint", "follow_up", "survey", "notice_delivered")
# A complaint visit may say what it is about (OFFICE.md, Complaints); an unknown or missing one is "other".
COMPLAINT_CATEGORIES = ("temperature", "billing", "service", "other")
MAX_AMOUNT_FEN = 100_000_000  # a million yuan (PROTOCOL.md, Operation types)
MAX_SEQ = 2**62  # seq is stored in a signed 64-bit column
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")  # China has kept UTC+8 without DST since 1991
MAX_ROOMS, MAX_READINGS = 10, 20  # temperature_check: rooms of one flat, readings of one room
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SEASON = re.compile(r"^\d{4}-\d{4}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")


@dataclass(frozen=True)
class OpError:
    code: str
    details: dict = field(default_factory=dict)


class Op(NamedTuple):
    """One valid operation. A named tuple: immutable as a frozen dataclass, and quicker to make (parse_op
    runs for every operation of every push: 5.9 -> 5.2 µs per payment)."""
    op_id: str
    seq: int
    type: str
    household_id: str
    at: datetime  # aware, as the phone's clock said
    at_raw: str
    data: dict  # validated and normalised
    payload_hash: str
    canonical: str = ""  # the canonical text the hash was made of (canonical_text)


# json.dumps(canon, sort_keys=True, ensure_ascii=False, separators=(",", ":")), with the encoder built once
_CANONICAL = compact(sort_keys=True)


def canonical_text(raw: dict) -> str:
    """What makes an operation what it is (not its op_id or seq), as canonical JSON text."""
    return _CANONICAL({"type": raw.get("type"), "household_id": raw.get("household_id"), "at": raw.get("at"),
                       "data": raw.get("data")})


def payload_hash(raw: dict, canonical: str | None = None) -> str:
    """Hash of what makes an operation what it is; the same op_id with another hash is `op_id_reused`."""
    return hashlib.sha256((canonical if canonical is not None else canonical_text(raw)).encode()).hexdigest()


_ENVELOPE = frozenset(("op_id", "seq", "type", "household_id", "at", "data"))


def payload_text(raw: dict, op: "Op") -> str | None:
    """The whole operation as JSON text, made from the canonical text its hash was made of: op_id and seq
    in front of it. The same JSON object as `raw` (keys in another order); None when `raw` carries keys
    beyond the envelope, which the caller then encodes itself."""
    if len(raw) != len(_ENVELOPE) or not _ENVELOPE.issuperset(raw):
        return None
    return f'{{"op_id":"{op.op_id}","seq":{op.seq},{op.canonical[1:]}'


_CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def valid_op_id(value) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    if _CANONICAL_UUID.fullmatch(value):  # the form phones send; the other 36-character forms go to uuid
        return True
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def canonical_op_id(value):
    """An op_id in its one form (RFC 9562: lower-case hex, hyphenated), so that the same UUID in upper and in
    lower case is one operation; anything that is not a UUID is returned as it is, for parse_op to reject."""
    if not valid_op_id(value):
        return value
    if _CANONICAL_UUID.fullmatch(value):
        return value.lower()
    return str(uuid.UUID(value))


def with_canonical_ids(raw):
    """The operation with its op_id and a void's payment_op_id in canonical form: `raw` itself when they
    already are (every phone of ours sends them so), else a copy; never changes what it was given."""
    if not isinstance(raw, dict):
        return raw
    op_id = raw.get("op_id")
    data = raw.get("data")
    target = data.get("payment_op_id") if isinstance(data, dict) else None
    fixed_id, fixed_target = canonical_op_id(op_id), canonical_op_id(target)
    if fixed_id == op_id and fixed_target == target:
        return raw
    raw = dict(raw, op_id=fixed_id)
    if fixed_target != target:
        raw["data"] = dict(data, payment_op_id=fixed_target)
    return raw


def valid_seq(value) -> bool:
    """A per-device sequence number: a positive integer that fits the signed 64-bit column."""
    return _is_int(value) and 1 <= value < MAX_SEQ


# The times a phone may send: the calendar less a year at each end, so that every correction by the clock's
# offset, the duplicate window and the display in Asia/Shanghai stay inside it. A phone whose clock reset
# to 1970 or 2000 is well within; "9999-12-31T23:59:59Z" is not a reading of any clock.
EARLIEST = datetime(2, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9998, 12, 31, tzinfo=timezone.utc)


def parse_time(value, any_year: bool = False) -> datetime | None:
    """ISO 8601; a time without an offset is taken as Beijing time, the phone's zone. None when it is not
    one, or lies outside EARLIEST … LATEST (with `any_year`, X-Client-Time: outside what UTC can hold; a
    clock that wrong is still a clock, and its operations are flagged clock_skew)."""
    if not isinstance(value, str) or not 10 <= len(value) <= 40:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)
    if any_year:
        try:
            return parsed.astimezone(timezone.utc)
        except OverflowError:
            return None
    return parsed if EARLIEST <= parsed <= LATEST else None


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Fields:
    """Reads one operation's `data`, collecting the first problem as an OpError."""

    def __init__(self, data: dict):
        self.data, self.out, self.error = data, {}, None

    def fail(self, code, name, **extra):
        if self.error is None:
            self.error = OpError(code, {"field": name, **extra})

    def text(self, name, max_len, required=False):
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.fail("missing_field", name)
            return
        if not isinstance(value, str) or len(value) > max_len:
            return self.fail("invalid_field", name, max_length=max_len)
        self.out[name] = value.strip()

    def choice(self, name, choices, required=True):
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail("missing_field", name)
            return
        if value not in choices:
            return self.fail("invalid_field", name, allowed=list(choices))
        self.out[name] = value

    def boolean(self, name, required=False):
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail("missing_field", name)
            return
        if not isinstance(value, bool):
            return self.fail("invalid_field", name)
        self.out[name] = value

    def season(self, name, required=False):
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.fail("missing_field", name)
            return
        if not isinstance(value, str) or not _SEASON.match(value):
            return self.fail("invalid_field", name)
        self.out[name] = value


def _payment(f: _Fields):
    amount = f.data.get("amount_fen")
    if amount is None:
        f.fail("missing_field", "amount_fen")
    elif not _is_int(amount):
        f.fail("invalid_field", "amount_fen")
    elif not 1 <= amount <= MAX_AMOUNT_FEN:
        f.fail("amount_out_of_range", "amount_fen", min=1, max=MAX_AMOUNT_FEN)
    else:
        f.out["amount_fen"] = amount
    f.choice("method", METHODS)
    f.text("receipt_no", 40, required=True)
    f.season("season")
    f.text("paper_receipt_no", 40)
    f.text("payer", 50)
    f.text("note", 200)


def _payment_void(f: _Fields):
    target = f.data.get("payment_op_id")
    if target is None:
        f.fail("missing_field", "payment_op_id")
    elif not valid_op_id(target):
        f.fail("invalid_field", "payment_op_id")
    else:
        f.out["payment_op_id"] = target
    f.text("reason", 500, required=True)


def _vacancy_check(f: _Fields):
    f.season("season", required=True)
    f.choice("finding", ("vacant", "occupied"))
    f.boolean("valve_sealed", required=True)
    f.text("seal_no", 40)
    f.boolean("seal_intact")
    photos = f.data.get("photo_ids", [])
    if not isinstance(photos, list) or len(photos) > 10 or not all(
            isinstance(p, str) and _SHA256.match(p) for p in photos):
        f.fail("invalid_field", "photo_ids")
    else:
        f.out["photo_ids"] = photos
    f.text("witness", 50)
    f.text("note", 500)


def _area_check(f: _Fields):
    value = f.data.get("measured_area_m2")
    if value is None:
        return f.fail("missing_field", "measured_area_m2")
    try:
        area = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        area = None
    if area is None or not area.is_finite() or not Decimal("0") < area < Decimal("100000") \
            or area.as_tuple().exponent < -2:
        return f.fail("invalid_field", "measured_area_m2")
    f.out["measured_area_m2"] = str(area.quantize(Decimal("0.01")))
    f.text("note", 500)


def _visit(f: _Fields):
    f.choice("kind", VISIT_KINDS)
    f.text("text", 2000, required=True)
    if f.data.get("kind") == "complaint" and f.data.get("category") in COMPLAINT_CATEGORIES:
        f.out["category"] = f.data["category"]  # optional: a phone that sends none still opens one (other)
    sat = f.data.get("satisfaction")
    if sat is not None:
        if not _is_int(sat) or not 1 <= sat <= 5:
            f.fail("invalid_field", "satisfaction", min=1, max=5)
        else:
            f.out["satisfaction"] = sat


def _contact_update(f: _Fields):
    phone = f.data.get("phone")
    if phone is None:
        return f.fail("missing_field", "phone")
    if not isinstance(phone, str) or not _PHONE.match(phone.strip()):
        return f.fail("invalid_field", "phone")
    f.out["phone"] = phone.strip()


def _decimal(value, low: Decimal, high: Decimal, places: int) -> Decimal | None:
    """A decimal string within low..high with at most `places` decimals, else None (a float is refused)."""
    try:
        number = Decimal(value) if isinstance(value, str) and len(value) <= 12 else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not low <= number <= high or number.as_tuple().exponent < -places:
        return None
    return number


def _room(f: _Fields, i: int, room) -> dict | None:
    where = f"rooms[{i}]"
    if not isinstance(room, dict):
        return f.fail("invalid_field", where)
    name = room.get("room")
    if not isinstance(name, str) or not name.strip() or len(name) > 40:
        return f.fail("missing_field" if not name else "invalid_field", f"{where}.room", max_length=40)
    area = _decimal(room.get("area_m2"), Decimal("0.01"), Decimal("99999.99"), 2)
    if area is None:
        return f.fail("invalid_field", f"{where}.area_m2")
    readings = room.get("readings")
    if not isinstance(readings, list) or not 1 <= len(readings) <= MAX_READINGS:
        return f.fail("invalid_field", f"{where}.readings", min=1, max=MAX_READINGS)
    out = []
    for k, reading in enumerate(readings):
        at = parse_time(reading.get("at")) if isinstance(reading, dict) else None
        if at is None:
            return f.fail("invalid_field", f"{where}.readings[{k}].at")
        value = _decimal(reading.get("value_c"), Decimal("-20"), Decimal("40"), 2)
        if value is None:
            return f.fail("invalid_field", f"{where}.readings[{k}].value_c", min=-20, max=40)
        out.append({"at": reading["at"], "value_c": str(value)})
    return {"room": name.strip(), "area_m2": str(area.quantize(Decimal("0.01"))), "readings": out}


def _temperature_check(f: _Fields):
    """室温检测记录 (DOMAIN.md §7, case 9): evidence for a low-temperature refund only when the owner signed
    it, or refused to and a witness saw the reading; an unsigned reading proves nothing, so it is refused."""
    rooms = f.data.get("rooms")
    if rooms is None:
        return f.fail("missing_field", "rooms")
    if not isinstance(rooms, list) or not 1 <= len(rooms) <= MAX_ROOMS:
        return f.fail("invalid_field", "rooms", min=1, max=MAX_ROOMS)
    checked = [_room(f, i, room) for i, room in enumerate(rooms)]
    if f.error:
        return
    f.out["rooms"] = checked
    outdoor = f.data.get("outdoor_mean_c")
    if outdoor is not None:
        value = _decimal(outdoor, Decimal("-50"), Decimal("50"), 2)
        if value is None:
            return f.fail("invalid_field", "outdoor_mean_c", min=-50, max=50)
        f.out["outdoor_mean_c"] = str(value)
    f.boolean("signed", required=True)
    f.boolean("refused")
    f.text("witness", 50)
    if f.error:
        return
    if not f.out["signed"] and not (f.out.get("refused") and f.out.get("witness")):
        f.fail("invalid_field", "signed", rule="signed, or refused with a witness")


_READERS = {"payment": _payment, "payment_void": _payment_void, "vacancy_check": _vacancy_check,
            "area_check": _area_check, "visit": _visit, "contact_update": _contact_update,
            "temperature_check": _temperature_check}


def _too_deep(raw: dict) -> bool:
    """Nesting beyond MAX_DEPTH anywhere in an operation whose strings are known to be clean: only its
    containers are walked (the envelope's are `data`, and photo_ids inside it), so a good operation costs
    a look at its dozen values, not a walk."""
    for value in raw.values():
        if value.__class__ is dict:
            for inner in value.values():
                if (inner.__class__ is dict or inner.__class__ is list) and fault(inner, MAX_DEPTH - 2, texts=False):
                    return True
        elif value.__class__ is list and fault(value, MAX_DEPTH - 1, texts=False):
            return True
    return False


def parse_op(raw, clean: bool = False) -> Op | OpError:
    """Validate one operation of a push. Order of checks: what can be stored at all, envelope, type, fields.

    A string holding a NUL (PostgreSQL's text cannot) or a lone UTF-16 surrogate (no UTF-8 can), or nesting
    deeper than MAX_DEPTH, is `invalid_text` / `too_deep` before anything else: such an operation is kept
    only as escaped text in quarantine, and every check after this one may encode it safely (issue 11).
    `clean`: the caller knows no string of `raw` can hold either (sync.jsontext.text_clean of the JSON text
    it came from), so only its containers are walked, for depth."""
    if not isinstance(raw, dict):
        return OpError("malformed_operation")
    if clean:
        if _too_deep(raw):
            return OpError(TOO_DEEP, {"max_depth": MAX_DEPTH})
    else:
        problem = fault(raw)
        if problem:
            return OpError(problem, {"max_depth": MAX_DEPTH} if problem == TOO_DEEP else {})
    if not valid_op_id(raw.get("op_id")):
        return OpError("invalid_field", {"field": "op_id"})
    seq = raw.get("seq")
    if not valid_seq(seq):
        return OpError("invalid_field", {"field": "seq"})
    if raw.get("type") not in OP_TYPES:
        return OpError("unknown_type", {"type": str(raw.get("type"))[:40]})
    household_id = raw.get("household_id")
    if not isinstance(household_id, str) or not household_id or len(household_id) > 36:
        return OpError("missing_field" if not household_id else "invalid_field", {"field": "household_id"})
    at = parse_time(raw.get("at"))
    if at is None:
        return OpError("missing_field" if raw.get("at") is None else "invalid_field", {"field": "at"})
    data = raw.get("data")
    if not isinstance(data, dict):
        return OpError("missing_field" if data is None else "invalid_field", {"field": "data"})
    fields = _Fields(data)
    _READERS[raw["type"]](fields)
    if fields.error:
        return fields.error
    canonical = canonical_text(raw)
    return Op(op_id=raw["op_id"], seq=seq, type=raw["type"], household_id=household_id, at=at,
              at_raw=raw["at"], data=fields.out, payload_hash=payload_hash(raw, canonical), canonical=canonical)
