"""temperature_check as the phone sends it (DOMAIN.md §7, case 9): a room-temperature record counts only when
the owner signed it, or refused with a witness; anything else is refused with the protocol's field errors."""
import pytest

from sync.ops import Op, OpError, parse_op

OP_ID = "0190a3c2-7d1e-7b3a-9c4d-5e6f7a8b9c0d"


def op(**data):
    body = {"rooms": [{"room": "主卧", "area_m2": "30.5",
                       "readings": [{"at": "2026-12-10T10:00:00+08:00", "value_c": "16.5"}]}], "signed": True}
    body.update(data)
    return {"op_id": OP_ID, "seq": 1, "type": "temperature_check", "household_id": "h1",
            "at": "2026-12-10T10:05:00+08:00", "data": body}


def test_a_signed_record_is_kept_with_its_decimals_as_text():
    parsed = parse_op(op(outdoor_mean_c="-2.5"))
    assert isinstance(parsed, Op)
    assert parsed.data["rooms"] == [{"room": "主卧", "area_m2": "30.50",
                                     "readings": [{"at": "2026-12-10T10:00:00+08:00", "value_c": "16.5"}]}]
    assert (parsed.data["signed"], parsed.data["outdoor_mean_c"]) == (True, "-2.5")


def test_a_refusal_seen_by_a_witness_stands_for_a_signature():
    parsed = parse_op(op(signed=False, refused=True, witness="物业 王五"))
    assert isinstance(parsed, Op) and parsed.data["witness"] == "物业 王五"


def room(readings=None, **extra):
    r = {"room": "客厅", "area_m2": "20.00",
         "readings": readings if readings is not None else [{"at": "2026-12-10T10:00:00Z", "value_c": "17"}]}
    r.update(extra)
    return [r]


@pytest.mark.parametrize("data, code, field", [
    ({"signed": False}, "invalid_field", "signed"),
    ({"signed": False, "refused": True}, "invalid_field", "signed"),  # a refusal needs a witness
    ({"signed": False, "witness": "王五"}, "invalid_field", "signed"),  # a witness of nothing refused
    ({"signed": None}, "missing_field", "signed"),
    ({"signed": "yes"}, "invalid_field", "signed"),
    ({"rooms": None}, "missing_field", "rooms"),
    ({"rooms": []}, "invalid_field", "rooms"),
    ({"rooms": room(readings=[])}, "invalid_field", "rooms[0].readings"),
    ({"rooms": room(readings=[{"at": "2026-12-10T10:00:00Z", "value_c": "18"}] * 21)}, "invalid_field",
     "rooms[0].readings"),
    ({"rooms": room(readings=[{"at": "2026-12-10T10:00:00Z", "value_c": "40.01"}])}, "invalid_field",
     "rooms[0].readings[0].value_c"),
    ({"rooms": room(readings=[{"at": "2026-12-10T10:00:00Z", "value_c": "-20.5"}])}, "invalid_field",
     "rooms[0].readings[0].value_c"),
    ({"rooms": room(readings=[{"at": "2026-12-10T10:00:00Z", "value_c": 16.5}])}, "invalid_field",
     "rooms[0].readings[0].value_c"),  # a float has rounded already
    ({"rooms": room(readings=[{"at": "yesterday", "value_c": "16"}])}, "invalid_field", "rooms[0].readings[0].at"),
    ({"rooms": room(area_m2="0")}, "invalid_field", "rooms[0].area_m2"),
    ({"rooms": room(area_m2="30.555")}, "invalid_field", "rooms[0].area_m2"),
    ({"rooms": room(room="")}, "missing_field", "rooms[0].room"),
    ({"outdoor_mean_c": "warm"}, "invalid_field", "outdoor_mean_c"),
])
def test_a_record_that_proves_nothing_is_refused_naming_its_field(data, code, field):
    parsed = parse_op(op(**data))
    assert isinstance(parsed, OpError)
    assert (parsed.code, parsed.details["field"]) == (code, field)


def test_the_limits_themselves_are_accepted():
    readings = [{"at": "2026-12-10T10:00:00Z", "value_c": v} for v in ("-20", "40")] * 10
    parsed = parse_op(op(rooms=room(readings=readings)))
    assert isinstance(parsed, Op) and len(parsed.data["rooms"][0]["readings"]) == 20
