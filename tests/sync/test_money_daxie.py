"""Amounts in Chinese upper case (大写) by the PBOC rules, and yuan for display (DOMAIN.md §4, §5)."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sync.money import MAX_DAXIE_FEN, daxie, format_yuan

# DOMAIN.md §4 test vectors, in fen; 1680.32 takes the form WITH 零 for the zero 元 digit.
DOMAIN_VECTORS = [
    (120000, "壹仟贰佰元整"),
    (205440, "贰仟零伍拾肆元肆角"),
    (100805, "壹仟零捌元零伍分"),
    (1050000, "壹万零伍佰元整"),
    (140950, "壹仟肆佰零玖元伍角"),
    (32504, "叁佰贰拾伍元零肆分"),
    (168032, "壹仟陆佰捌拾元零叁角贰分"),
]

MORE_VECTORS = [
    (0, "零元整"),
    (1, "壹分"),
    (5, "伍分"),
    (10, "壹角"),
    (50, "伍角"),
    (32, "叁角贰分"),
    (100, "壹元整"),
    (1000, "壹拾元整"),            # 10–19 keep 壹 before 拾
    (1600, "壹拾陆元整"),
    (1005, "壹拾元零伍分"),
    (1050, "壹拾元零伍角"),
    (10000, "壹佰元整"),
    (10100, "壹佰零壹元整"),
    (11000, "壹佰壹拾元整"),
    (100000, "壹仟元整"),
    (600714, "陆仟零柒元壹角肆分"),       # PBOC example: one 零 for a run of zeros
    (16979, "壹佰陆拾玖元柒角玖分"),       # case 6 refund
    (61632, "陆佰壹拾陆元叁角贰分"),       # case 8, suspended bill
    (143808, "壹仟肆佰叁拾捌元零捌分"),     # case 8, re-billed difference
    (209640, "贰仟零玖拾陆元肆角"),        # case 7
    (203730, "贰仟零叁拾柒元叁角"),        # Xicheng case
    (1000000, "壹万元整"),
    (1000100, "壹万零壹元整"),
    (10000000, "壹拾万元整"),
    (10700053, "壹拾万零柒仟元零伍角叁分"),  # zero 万 and zero 元, both written with 零
    (100010000, "壹佰万零壹佰元整"),
    (100000000, "壹佰万元整"),
    (100000000 + 1, "壹佰万元零壹分"),
    (1234567890, "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角"),
    (2000000000, "贰仟万元整"),
    (10000000000, "壹亿元整"),
    (10000100000, "壹亿零壹仟元整"),
    (10001000000, "壹亿零壹万元整"),
    (10100000000, "壹亿零壹佰万元整"),
    (100000000000, "壹拾亿元整"),
    (123456789012, "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元零壹角贰分"),
    (MAX_DAXIE_FEN, "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
]


@pytest.mark.parametrize("fen, text", DOMAIN_VECTORS + MORE_VECTORS)
def test_an_amount_is_written_in_upper_case_by_the_pboc_rules(fen, text):
    assert daxie(fen) == text


@pytest.mark.parametrize("fen, text", [(0, "人民币零元整"), (205440, "人民币贰仟零伍拾肆元肆角"), (5, "人民币伍分")])
def test_a_printed_amount_may_start_with_renminbi_and_no_gap(fen, text):
    assert daxie(fen, prefix=True) == text


@pytest.mark.parametrize("fen", [-1, -205440, MAX_DAXIE_FEN + 1])
def test_negative_amounts_and_amounts_beyond_the_yi_range_are_refused(fen):
    with pytest.raises(ValueError):
        daxie(fen)


def test_zheng_follows_yuan_only_and_never_jiao_or_fen():
    assert daxie(205440).endswith("角")
    assert daxie(100805).endswith("分")
    assert daxie(120000).endswith("元整")


# --- a small reader of 大写, written independently, for the round trip ------------------------------

_DIGIT_VALUES = {char: value for value, char in enumerate("零壹贰叁肆伍陆柒捌玖")}
_SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def read_daxie(text: str) -> int:
    """Fen from a 大写 amount; strict enough to catch a missing unit or a doubled 零."""
    text = text.removeprefix("人民币")
    assert "零零" not in text, text
    assert not text.endswith(("角整", "分整")), text
    if text == "零元整":
        return 0
    total = section = digit = 0
    yuan = jiao = fen = 0
    for char in text:
        if char in _DIGIT_VALUES:
            digit = _DIGIT_VALUES[char]
        elif char in _SMALL:
            assert digit, f"a unit without a digit in {text}"
            section += digit * _SMALL[char]
            digit = 0
        elif char == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif char == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
        elif char == "元":
            yuan, total, section, digit = total + section + digit, 0, 0, 0
        elif char == "角":
            jiao, digit = digit, 0
        elif char == "分":
            fen, digit = digit, 0
        elif char != "整":
            raise AssertionError(f"unexpected {char!r} in {text}")
    assert digit == 0 and section == 0 and total == 0, f"digits without a unit in {text}"
    return yuan * 100 + jiao * 10 + fen


@given(st.integers(min_value=0, max_value=10**10))
@example(0)
@example(10**10)
@example(10700053)
def test_every_amount_up_to_one_hundred_million_yuan_reads_back_to_the_same_fen(fen):
    text = daxie(fen)
    assert read_daxie(text) == fen
    assert read_daxie(daxie(fen, prefix=True)) == fen
    assert set(text) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")
    assert ("整" in text) == (fen % 100 == 0)


@pytest.mark.parametrize(
    "fen, text",
    [(205440, "2,054.40"), (0, "0.00"), (5, "0.05"), (100, "1.00"), (100000000, "1,000,000.00"),
     (-8400, "-84.00"), (123456789012, "1,234,567,890.12")],
)
def test_yuan_are_shown_with_thousands_separators_and_two_decimals(fen, text):
    assert format_yuan(fen) == text
