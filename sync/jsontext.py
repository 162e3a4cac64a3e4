"""Compact JSON text (UTF-8, no spaces): what operations are hashed as, results stored as, answers sent as.

The same text as `json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=…)`, from
CPython's C encoder made once: `json.dumps` and `JSONEncoder.encode` build it again on every call, which
on a 500-operation push (a canonical text and a result per operation) cost ~0.7 µs a call, ~0.7 ms a push.
Without the C accelerator it falls back to `JSONEncoder.encode`, text for text the same.
"""
import json
import re
from collections.abc import Callable
from json import encoder as json_encoder


def _not_json(value):
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def compact(sort_keys: bool = False) -> Callable[[object], str]:
    """An encoder of JSON values (dicts, lists, str, int, float, bool, None) to compact text."""
    make = getattr(json_encoder, "c_make_encoder", None)
    if make is None:
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys,
                                check_circular=False).encode
    # (markers, default, encoder, indent, key_separator, item_separator, sort_keys, skipkeys, allow_nan)
    return _Compact(make(None, _not_json, json_encoder.encode_basestring, None, ":", ",", sort_keys, False, True))


class _Compact:
    """A callable object, not a closure: the server hands it to its database engine as `json_serializer`, and
    psycopg caches the JSON dumper it makes by the object itself, where a closure gets a warning ("may cause
    a resource leak") for every engine made."""
    __slots__ = ("_encode",)

    def __init__(self, encode):
        self._encode = encode

    def __call__(self, value) -> str:
        return "".join(self._encode(value, 0))


# --- What storage and the encoder cannot hold (issue 11): checked once, at the edge, without recursion.

# How deep a value may nest. An operation is 3 deep (op → data → photo_ids); a clerk's body a few more.
# Python's own decoder gives up near 1,000 levels and its encoder sooner, inside a request's stack.
MAX_DEPTH = 32
INVALID_TEXT, TOO_DEEP = "invalid_text", "too_deep"
_CONTAINERS = (dict, list)


def _bad_text(s: str) -> bool:
    """A NUL (PostgreSQL's text cannot hold it) or a lone UTF-16 surrogate (no UTF-8 can hold it)."""
    if s.isascii():
        return "\x00" in s
    if "\x00" in s:
        return True
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def fault(value, max_depth: int = MAX_DEPTH, texts: bool = True) -> str | None:
    """Why a decoded JSON value cannot be stored or answered: INVALID_TEXT, TOO_DEEP, or None.

    Walks with a stack of its own, never by recursion, so a value nested thousands deep costs a loop, not
    a RecursionError. `texts=False` checks depth alone (the caller knows no string can be bad)."""
    if value.__class__ is str:
        return INVALID_TEXT if texts and _bad_text(value) else None
    if value.__class__ not in _CONTAINERS:
        return None
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            return TOO_DEEP
        if node.__class__ is dict:
            if texts and any(_bad_text(k) for k in node):
                return INVALID_TEXT
            items = node.values()
        else:
            items = node
        for v in items:
            cls = v.__class__
            if cls is str:
                if texts and _bad_text(v):
                    return INVALID_TEXT
            elif cls is dict or cls is list:
                stack.append((v, depth + 1))
    return None


_SURROGATE_BYTES = re.compile(rb"\xed[\xa0-\xbf]")  # a surrogate written straight into UTF-8 (CESU-8)


def text_clean(text: bytes) -> bool:
    """True when no string decoded from this JSON text can hold a NUL or a lone surrogate: JSON writes
    either only as a `\\u` escape (`\\u0000`, `\\ud800`–`\\udfff`) or as surrogate bytes, which Python's
    decoder lets through. A false alarm (an escaped Hangul syllable `\\ud55c`) only costs a walk."""
    return b"\\u0000" not in text and b"\\ud" not in text and b"\\uD" not in text \
        and (b"\xed" not in text or _SURROGATE_BYTES.search(text) is None)


def ascii_text(value) -> str:
    """Any decoded JSON value as ASCII JSON text, without recursion: how an operation that cannot be stored
    as it is (a NUL, a lone surrogate, nesting beyond MAX_DEPTH) is still kept, escape for escape, as sent."""
    out, stack = [], [value]
    escape = json_encoder.py_encode_basestring_ascii
    while stack:
        node = stack.pop()
        cls = node.__class__
        if cls is _Close:
            out.append(node.text)
        elif cls is str:
            out.append(escape(node))
        elif cls is dict:
            out.append("{")
            stack.append(_Close("}"))
            parts = []
            for i, (k, v) in enumerate(node.items()):
                parts.append(_Close(("," if i else "") + escape(str(k)) + ":"))
                parts.append(v)
            stack.extend(reversed(parts))
        elif cls is list:
            out.append("[")
            stack.append(_Close("]"))
            parts = []
            for i, v in enumerate(node):
                if i:
                    parts.append(_Close(","))
                parts.append(v)
            stack.extend(reversed(parts))
        else:
            out.append(json.dumps(node, default=str))
    return "".join(out)


class _Close:
    """Literal text in ascii_text's stack (punctuation), told apart from a string value."""
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text
