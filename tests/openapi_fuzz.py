"""The fuzz run over GET /api/v1/openapi.json (issue 11, "Hardening"), shared by the test suite
(tests/server/test_openapi_fuzz.py, bounded) and bench/fuzz_bench.py (longer, in-process or against gunicorn).

Every operation of the document is driven by schemathesis with one identity (none, collector c01, clerk,
admin) in one generation mode. Each answer is judged by `Judge`:
  - never a 5xx;
  - every 4xx/5xx is JSON in PROTOCOL.md's error shape {"error": {"code", "message", "details"}};
  - a call without a valid token answers 401, except the public operations (login, this document);
  - no 2xx answer to a collector names a household outside c01's scope (DESIGN.md invariant 9).
No failure is excused: the causes the first runs met (lone surrogates, deep nesting, pages past 64 bits,
gunicorn's HTML 413/414) are fixed, each with its own test.
"""
import json
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

# PROTOCOL.md, Authentication: only signing in and the published protocol need no token under /api/v1
# (/healthz and the public receipt page /r/<no> are outside it and outside the document).
PUBLIC = {("POST", "/api/v1/auth/login"), ("GET", "/api/v1/openapi.json")}
IDENTITIES = ("none", "collector", "clerk", "admin")
USERNAMES = {"collector": "c01", "clerk": "clerk", "admin": "admin"}
MODES = {"positive": GenerationMode.POSITIVE, "negative": GenerationMode.NEGATIVE}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


@dataclass
class Identity:
    name: str
    headers: dict
    device_id: str | None = None


@dataclass
class Failure:
    identity: str
    mode: str
    method: str
    path: str
    status: int
    what: str
    body: str
    request: str

    def __str__(self):
        return (f"{self.method} {self.path} as {self.identity} ({self.mode}): {self.what}; status {self.status}, "
                f"body {self.body[:300]!r}\n    request: {self.request[:600]}")


def operations(schema) -> list:
    """Every operation of the document; one that schemathesis cannot read is an error, not a silent gap."""
    out = []
    for result in schema.get_all_operations():
        out.append(result.ok())  # raises on an operation it could not build
    # Signing out ends the identity's token: last, so that every other operation runs signed in.
    return sorted(out, key=lambda op: op.path == "/api/v1/auth/logout")


def document_operations(document: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item
            if method in ("get", "put", "post", "patch", "delete")}


def flask_operations(app) -> set[tuple[str, str]]:
    """Every route Flask serves under /api/v1, in the document's spelling of paths."""
    out = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            out |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return out


# --- judging one answer

# The phone's endpoints (PROTOCOL.md): the only ones a collector's token reaches; every other answers 403
# forbidden (OFFICE.md: "a collector gets 403 forbidden on all of it except where said"). So the scope
# check below has few answers to read, and this check keeps it that way.
COLLECTOR_REACHES = PUBLIC | {("GET", "/api/v1/sync/pull"), ("POST", "/api/v1/sync/push"),
                              ("PUT", "/api/v1/attachments/{sha256}"), ("GET", "/api/v1/attachments/{sha256}"),
                              ("POST", "/api/v1/auth/logout"), ("POST", "/api/v1/auth/password")}


def _nul_in_request(response) -> bool:
    """server/errors.py refuses a NUL in the path or the query (but a pull's cursor) with 400 before any
    view runs, for everyone alike: a malformed request, not an unauthenticated one. Read from the URL that
    was sent, as the server reads it (the case's own query can differ from what its transport encoded)."""
    url = urlsplit(response.request.url)
    query = parse_qsl(url.query, keep_blank_values=True, errors="replace")
    return "\x00" in unquote(url.path) or any("\x00" in k or ("\x00" in v and k != "cursor") for k, v in query)


class Judge:
    """Judges each answer; `scope` is c01's households from a pull before the run, `households` every one."""

    def __init__(self, route_adapter, scope: set[str], households: set[str]):
        self.routes = route_adapter
        self.scope, self.outside = set(scope), set(households) - set(scope)
        self.failures: list[Failure] = []
        self.cases: Counter = Counter()
        self.statuses: dict = defaultdict(Counter)

    def _routed(self, case, response) -> bool:
        """Whether the request reaches a view: Flask routes its path (an unparsable path parameter is a 404
        first) and errors.py lets it through."""
        try:
            self.routes.match(case.formatted_path, method=case.method.upper())
        except (NotFound, MethodNotAllowed, RequestRedirect):
            return False
        return not _nul_in_request(response)

    def judge(self, case, response, identity: str, mode: str) -> list[Failure]:
        status = response.status_code
        content_type = (response.headers.get("content-type") or [""])[0]
        text = response.content.decode("utf-8", "replace")
        key = (case.method.upper(), case.path)
        self.cases[(identity, mode, key)] += 1
        self.statuses[(identity, key)][status] += 1
        problems = []
        if status >= 500:
            problems.append("a server error")
        if status >= 400:
            problems += _error_shape(content_type, text)
        routed = self._routed(case, response)
        if identity == "none" and key not in PUBLIC and status != 401 and routed:
            problems.append("an unauthenticated call not answered 401")
        if identity == "collector" and key not in COLLECTOR_REACHES and status != 403 and routed:
            problems.append("a collector reached an office endpoint (not 403)")
        if identity == "collector" and 200 <= status < 300:
            leaked = _household_ids(case, text) & self.outside
            if leaked:
                problems.append(f"households outside c01's scope: {sorted(leaked)[:5]}")
        found = []
        for what in problems:
            failure = Failure(identity, mode, case.method.upper(), case.formatted_path, status, what, text[:2000],
                              _request_text(response))
            found.append(failure)
            self.failures.append(failure)
        return found


def _household_ids(case, text: str) -> set[str]:
    """The UUIDs an answer names that the request did not name itself, wherever they stand in the body;
    a pull's `removed` list is by design the ids of households that left the scope (PROTOCOL.md, Pull)."""
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if case.path == "/api/v1/sync/pull" and isinstance(body, dict):
        body = {k: v for k, v in body.items() if k != "removed"}
        text = json.dumps(body)
    asked = json.dumps(_plain(case.body), ensure_ascii=False) + str(case.query) + str(case.path_parameters)
    return {h.lower() for h in UUID.findall(text)} - {h.lower() for h in UUID.findall(asked)}


def _plain(body):
    if isinstance(body, bytes):
        return body.decode("latin-1")
    try:
        json.dumps(body)
        return body
    except (TypeError, ValueError):
        return str(body)


def _error_shape(content_type: str, text: str) -> list[str]:
    if not content_type.startswith("application/json"):
        return [f"a non-JSON error ({content_type or 'no content type'})"]
    try:
        body = json.loads(text)
    except ValueError:
        return ["an error body that is not JSON"]
    error = body.get("error") if isinstance(body, dict) else None
    if set(body) != {"error"} or not isinstance(error, dict) or set(error) != {"code", "message", "details"} \
            or not isinstance(error["code"], str) or not isinstance(error["message"], str) \
            or not isinstance(error["details"], dict):
        return ["an error not in the shape {error: {code, message, details}}"]
    return []


def _request_text(response) -> str:
    r = response.request
    body = r.body if isinstance(r.body, (str, type(None))) else r.body.decode("utf-8", "replace")
    headers = {k: v for k, v in r.headers.items() if k.lower() in ("authorization", "content-type", "x-client-time")}
    return f"{r.method} {r.url} {headers} {(body or '')[:400]}"


# --- driving the run

def fuzz_settings(examples: int):
    # database=None: no .hypothesis directory in the repo; every health check off, because generation from
    # a large schema is slow by nature and filtered examples are expected in negative mode.
    return settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None,
                    derandomize=False, report_multiple_bugs=False)


def open_a_review_item(phone, outsider: str):
    """c01 takes money at a door outside its scope: recorded, flagged out_of_scope, a review item opens
    (PROTOCOL.md, Push), so POST /review/{item_id}/resolve has an item to resolve."""
    status, body = phone.push([phone.payment(outsider, 100)])
    assert status == 200 and "out_of_scope" in body["results"][0]["flags"], body


def real_path_values(get) -> dict[str, list[str]]:
    """Path parameters that name something that exists, so some cases get past the 404 of an unknown id:
    `get(path)` answers a GET as the admin. A device or username of c01 or c02 only: the admin's own device
    revoked would turn the rest of the admin's run into 401s."""
    values = {"item_id": [str(i["id"]) for i in get("/api/v1/review?state=open&per_page=20")["items"]],
              "season_id": [s["id"] for s in get("/api/v1/admin/seasons")["items"]],
              "key": sorted(get("/api/v1/admin/settings")),
              "device_id": [d["id"] for d in get("/api/v1/admin/devices")["items"] if d["username"] in ("c01", "c02")],
              "username": ["c01", "c02", "clerk"]}
    return {name: v for name, v in values.items() if v}


def seasoned(case, identity: Identity, real_households: list[str], draw, real_path=None):
    """Reach past the first guard where a random value never would: a push names the caller's device (else
    403 device_mismatch before any operation), some operations name real households, and some paths name
    things that exist."""
    for name, values in (real_path or {}).items():
        if name in (case.path_parameters or {}) and draw(st.booleans()):
            case.path_parameters[name] = draw(st.sampled_from(values))
    if case.path == "/api/v1/sync/push" and isinstance(case.body, dict) and "device_id" in case.body \
            and identity.device_id:
        case.body["device_id"] = identity.device_id
    if case.path in ("/api/v1/sync/push", "/api/v1/sync/import") and isinstance(case.body, dict) \
            and isinstance(case.body.get("ops"), list) and real_households:
        for op in case.body["ops"]:
            if isinstance(op, dict) and "household_id" in op and draw(st.booleans()):
                op["household_id"] = draw(st.sampled_from(real_households))
    return case


def _negatable(operation) -> bool:
    """An operation with no parameter, no body and no token (GET /api/v1/openapi.json) has nothing to make
    invalid: hypothesis would find its negative mode unsatisfiable, so it runs positive cases there."""
    raw = operation.definition.raw
    return bool(raw.get("parameters") or raw.get("requestBody") or raw.get("security"))


def run_operation(operation, identity: Identity, mode: str, judge: Judge, examples: int, call,
                  real_households=(), raise_new=True, deadline: float | None = None, real_path=None):
    """Drive one operation with `examples` cases; `call(case, headers)` sends one. New failures raise (so
    hypothesis shrinks them) unless `raise_new` is false (the bench collects them instead)."""
    real_households = list(real_households)
    generation = MODES[mode] if mode == "positive" or _negatable(operation) else GenerationMode.POSITIVE

    @given(case=operation.as_strategy(generation_mode=generation), data=st.data())
    @fuzz_settings(examples)
    def run(case, data):
        case = seasoned(case, identity, real_households, data.draw, real_path)
        if deadline is not None and time.monotonic() > deadline:
            return  # after every draw: a replayed example must draw the same data (hypothesis checks)
        # identity "none" adds no header: a junk Authorization that schemathesis made up stays, since no
        # made-up token is valid either
        headers = {"Accept-Language": "en", **identity.headers}
        response = call(case, headers)
        # A negative case may drop the Authorization header on purpose (schemathesis negates the security
        # scheme too): such a call went without a token, and is judged as one.
        token = identity.headers.get("Authorization")
        sent = response.request.headers.get("Authorization")
        who = identity.name if token is None or sent == token else "none"
        new = judge.judge(case, response, who, mode)
        if new and raise_new:
            raise AssertionError("\n".join(map(str, new)))
    run()


def every_operation(schema):
    """schemathesis leaves out the operation that serves the document unless a filter names it: this one
    names every path under /api/v1, so that one is fuzzed too."""
    return schema.include(path_regex="^/api/v1/")


def load_schema_wsgi(app):
    return every_operation(schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app))
