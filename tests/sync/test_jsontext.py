"""sync.jsontext.compact makes the very text json.dumps makes (the hashes of stored operations depend on it)."""
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.jsontext import compact

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20)


@settings(max_examples=400)
@given(VALUES)
def test_the_text_is_json_dumps_compact_utf8_with_and_without_sorted_keys(value):
    for sort_keys in (False, True):
        expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)
        assert compact(sort_keys)(value) == expected


def test_chinese_quotes_and_control_characters_are_written_as_json_dumps_writes_them():
    value = {"payer": "欧阳明月", "note": '现金，"找零" \\ 𠮷\n\t\x01', "b": [1, 2.5, None, True], "a": {}}
    assert compact(True)(value) == '{"a":{},"b":[1,2.5,null,true],"note":"现金，\\"找零\\" \\\\ 𠮷\\n\\t\\u0001",' \
                                   '"payer":"欧阳明月"}'


def test_what_is_not_json_is_refused_as_json_dumps_refuses_it():
    with pytest.raises(TypeError, match="not JSON serializable"):
        compact()({"at": object()})
