"""The one catalogue of errors, turned into PROTOCOL.md's error body in one place.

Every failure at every endpoint answers {"error": {"code", "message", "details"}}, with the message in
the request's language (zh-CN by default, en on request) and never a stack trace, SQL or path.
"""
import json
import logging

import sqlalchemy as sa
from flask import jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.wsgi import LimitedStream

log = logging.getLogger(__name__)

# code: (HTTP status, zh-CN, en)
CATALOGUE = {
    "bad_request": (400, "请求格式不正确", "The request is malformed"),
    # Also the codes of one rejected operation of a push, which is then kept for a clerk.
    "invalid_text": (400, "含有无法保存的字符（空字符或残缺的表情符号）",
                     "It holds a character that cannot be stored (NUL or half an emoji)"),
    "too_deep": (400, "嵌套层级过深", "It nests too deep"),
    "validation_failed": (400, "请求内容未通过校验", "The request did not pass validation"),
    "hash_mismatch": (400, "文件内容与其哈希值不符", "The body does not match its sha256"),
    "unsupported_media_type": (415, "只接受 JPEG、PNG 或 WebP 图片", "Only JPEG, PNG or WebP images are accepted"),
    "bad_credentials": (401, "用户名或密码错误", "Wrong username or password"),
    "unauthorized": (401, "需要登录", "Sign-in required"),
    "token_expired": (401, "登录已过期，请重新登录", "The sign-in has expired; sign in again"),
    "account_disabled": (401, "该账号已停用，请联系管理员", "This account is disabled; contact an administrator"),
    "username_taken": (409, "该用户名已被使用", "This username is taken"),
    "device_revoked": (401, "此设备已被停用，请联系管理员", "This device has been revoked; contact an administrator"),
    "forbidden": (403, "无权执行此操作", "You are not allowed to do this"),
    "device_mismatch": (403, "设备编号与登录设备不符", "device_id is not the device of this token"),
    "not_found": (404, "找不到请求的资源", "Not found"),
    "method_not_allowed": (405, "不支持此请求方法", "Method not allowed"),
    "already_resolved": (409, "该复核事项已处理", "This review item is already resolved"),
    "household_opened": (409, "该户已开通供热", "This household is already opened"),
    "conflict": (409, "数据冲突，请刷新后重试", "Conflict; reload and try again"),
    "batch_too_large": (413, "一次最多提交 500 条操作、1 MiB", "At most 500 operations and 1 MiB per push"),
    "payload_too_large": (413, "请求体过大", "The request body is too large"),
    "uri_too_long": (414, "请求地址过长", "The request line is too long"),
    "headers_too_large": (431, "请求头过大", "The request headers are too large"),
    "too_many_attempts": (429, "登录失败次数过多，请 10 分钟后再试", "Too many failed sign-ins; try again in 10 minutes"),
    "internal_error": (500, "服务器内部错误，请稍后重试", "Internal server error; try again later"),
    "service_unavailable": (503, "服务暂不可用，请稍后重试", "Service unavailable; try again later"),
    "day_not_over": (409, "不能日结尚未到来的日期", "A day that has not come yet cannot be closed"),
    "handover_future": (409, "不能为尚未到来的日期登记交款", "A hand-over cannot be recorded for a day still to come"),
    "handover_exists": (409, "该收费员当天已交款；数错了请提交更正", "This collector has already handed over for "
                        "this date; correct the count instead"),
    "handover_missing": (409, "还有收费员未交款，不能日结", "Some collectors have not handed over their cash yet; "
                         "the day cannot be closed"),
    "day_closed": (409, "该日已日结，日帐不再变动", "This day is already closed; its ledger no longer changes"),
    "document_not_signed": (409, "律师函尚未签署，不能送达", "The lawyer letter is not signed yet; it cannot be delivered"),
    "document_not_draft": (409, "只有律师函草稿可以签署", "Only a lawyer letter's draft can be signed"),
    "job_not_ready": (409, "任务尚未完成，暂无文件", "The job has not finished; there is no file yet"),
    # Household import and the estate (OFFICE.md, Estate and households).
    "file_too_large": (413, "导入文件过大（最大 10 MiB），请分成几个文件导入",
                       "The import file is too large (at most 10 MiB); split it into several files"),
    "unsupported_file": (415, "只接受 .xlsx 或 .csv 文件（.xls 请先另存为 .xlsx）",
                         "Only .xlsx or .csv files are accepted (save an .xls as .xlsx first)"),
    "file_unreadable": (400, "文件无法读取：不是有效的 .xlsx 或 .csv 文件", "The file cannot be read as .xlsx or .csv"),
    "header_missing": (400, "找不到表头：表头行须有 小区、楼号、单元、房号、业主姓名、建筑面积 各列（可下载模板）",
                       "No header row naming the columns 小区, 楼号, 单元, 房号, 业主姓名, 建筑面积 (see the template)"),
    "too_many_rows": (413, "一次最多导入 100,000 行，请分成几个文件导入",
                      "At most 100,000 rows per import; split the file"),
    "project_exists": (409, "已有同名小区", "A project of this name exists"),
    "building_exists": (409, "该小区已有此楼号", "This project already has a building of this name"),
    # One bad cell of an import's report (errors[i].code): the report, not the request, carries them.
    "duplicate_room": (None, "文件中有另一行是同一房间", "Another row of the file is the same room"),
    "duplicate_number": (None, "文件中有另一行用了同一户号", "Another row of the file has the same household number"),
    "area_not_number": (None, "建筑面积不是数字（最多两位小数）", "The building area is not a number (at most 2 decimals)"),
    "area_out_of_range": (None, "建筑面积须在 1 至 2,000 平方米之间", "The building area must be from 1 to 2,000 m²"),
    "unknown_project": (None, "没有这个小区（请先由管理员建立）", "No such project (an admin creates it first)"),
    "phone_malformed": (None, "联系电话格式不正确（手机 11 位，座机如 010-12345678）",
                        "The phone number is malformed (a mobile's 11 digits, or a landline like 010-12345678)"),
    "category_unknown": (None, "用途只能是 住宅 或 非住宅", "The use must be 住宅 (residential) or 非住宅 (non-residential)"),
    "area_source_unknown": (None, "面积来源只能是 房产证、竣工图 或 实测",
                            "The area source must be 房产证 (certificate), 竣工图 (drawing) or 实测 (survey)"),
    "status_unknown": (None, "供热状态只能是 正常、报停、未开通 或 已停供",
                       "The heating state must be 正常, 报停, 未开通 or 已停供"),
    "value_missing": (None, "必填项为空", "A required cell is empty"),
    "value_too_long": (None, "内容过长", "The text is too long"),
    "number_taken": (None, "户号已属于另一住户", "This household number belongs to another household"),
    "number_mismatch": (None, "户号与系统中该房间的户号不一致", "The household number differs from this room's"),
    "status_change": (None, "已有住户的供热状态不能由导入修改（请办理报停、恢复供热或开通）",
                      "An existing household's heating state is not changed by an import (use suspension, "
                      "resumption or opening)"),
    # A household's life (OFFICE.md): 报停 and area corrections.
    "suspension_exists": (409, "该住户本采暖季已有报停申请", "This household already has a suspension application for "
                          "this season"),
    "suspension_state": (409, "报停申请当前状态不允许此操作", "The suspension application's state does not allow this"),
    "suspension_late": (409, "申请晚于报停截止日（9月30日），须管理员以 override 批准并说明理由",
                        "Applied after the deadline (Sept 30): approval needs an admin's override and a reason"),
    "admin_approval_required": (403, "此项须由管理员批准", "Only an admin may approve this"),
    "season_closed_needs_approval": (409, "该采暖季已关账，须管理员批准后才能调整账单",
                                     "This season is closed: its bill changes only with an admin's approval"),
    # Complaints (投诉处理档案, OFFICE.md "A household's life").
    "complaint_closed": (409, "该投诉已结案", "This complaint is already closed"),
    # 退费 (DOMAIN.md §1, §8(d) cases 6 and 9).
    "temperature_records_missing": (409, "该采暖季没有双方签字（或拒签有见证）的室温检测记录，不能按低温退费；"
                                    "如业主以低温为由拒缴，诉讼风险高", "No signed room-temperature records for this "
                                    "season, so no low-temperature refund; an owner refusing to pay over low "
                                    "temperature is a high litigation risk"),
    "nothing_to_refund": (409, "没有可退的金额", "There is nothing to refund"),
    "refund_exceeds_credit": (409, "退费金额超过可退金额（预存）", "The refund exceeds what can be refunded (credit)"),
    "refund_state": (409, "退费当前状态不允许此操作", "The refund's state does not allow this"),
    # Why one operation of a push was rejected (results[i].error, PROTOCOL.md, Push): the push itself
    # answers 200, so these have no HTTP status of their own.
    "malformed_operation": (None, "操作不是 JSON 对象", "The operation is not a JSON object"),
    "unknown_type": (None, "未知的操作类型", "Unknown operation type"),
    "missing_field": (None, "缺少必填字段", "A required field is missing"),
    "invalid_field": (None, "字段格式不正确", "A field is malformed"),
    "amount_out_of_range": (None, "金额须在 0.01 元至 100 万元之间", "The amount must be from 1 fen to 1,000,000 yuan"),
    "unknown_household": (None, "找不到该住户", "Unknown household"),
    "unknown_season": (None, "找不到该采暖季", "Unknown season"),
    "unknown_payment": (None, "找不到要作废的收款", "The payment to void is unknown"),
    "op_id_reused": (None, "该操作编号已用于另一操作", "This op_id was already used for another operation"),
}

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 413: "payload_too_large", 414: "uri_too_long", 415: "unsupported_media_type",
              429: "too_many_attempts", 431: "headers_too_large", 503: "service_unavailable"}
# The database cannot be reached now (PostgreSQL down or restarting, a pool with no connection left, SQLite
# locked beyond its busy timeout): a 503, which tells a phone to send the same batch again later.
UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.DisconnectionError, sa.exc.TimeoutError)
# A body refused for its size is still read (up to this much) before the answer, so that the client, which
# is still sending it, reads the JSON 413 instead of a connection reset.
DRAIN_BYTES = 64 * 1024 * 1024


class ApiError(Exception):
    """A failure from the catalogue; raise it anywhere below a handler."""

    def __init__(self, code: str, details: dict | None = None, status: int | None = None):
        super().__init__(code)
        self.code = code
        self.details = details or {}
        self.status = status or CATALOGUE[code][0]


def wants_english() -> bool:
    """`?lang=en`, or English preferred over Chinese by Accept-Language (its q-values weighed); else Chinese."""
    lang = request.args.get("lang")
    if lang:
        return lang.strip().lower().startswith("en")
    return request.accept_languages.best_match(("zh", "en"), default="zh") == "en"


def message(code: str) -> str:
    _, zh, en = CATALOGUE.get(code, CATALOGUE["internal_error"])
    return en if wants_english() else zh


def error_response(code: str, details: dict | None = None, status: int | None = None):
    status = status or CATALOGUE.get(code, CATALOGUE["internal_error"])[0]
    if status == 413:
        _drain_body()
    body = {"error": {"code": code, "message": message(code), "details": details or {}}}
    return jsonify(body), status


def error_text(code: str, english: bool = False) -> bytes:
    """The error body outside any request (the HTTP server's own refusals, server/gunicorn_config.py)."""
    _, zh, en = CATALOGUE.get(code, CATALOGUE["internal_error"])
    return json.dumps({"error": {"code": code, "message": en if english else zh, "details": {}}},
                      ensure_ascii=False).encode()


def _drain_body():
    """Read and drop what is left of a refused body, so the answer reaches a client still sending it."""
    length = request.content_length
    if length is None or length > DRAIN_BYTES:
        return
    # What the request read already came through werkzeug's stream (bounded by the length): drain the rest
    # of that one; otherwise the body is untouched, and read here up to its length, never past it.
    stream = request.__dict__.get("stream") or LimitedStream(request.environ["wsgi.input"], length)
    try:
        while stream.read(1 << 16):
            pass
    except Exception:  # noqa: BLE001 — the client went away: nothing left to answer
        log.debug("draining a refused body failed", exc_info=True)


def init_app(app):
    @app.before_request
    def _refuse_nul():
        # PostgreSQL cannot store NUL in text; refuse it in paths and queries before it reaches a query.
        # Not in a pull's cursor: that is never stored, and one the server cannot honour is a reset (PROTOCOL.md).
        if "\x00" in request.path or any("\x00" in k or ("\x00" in v and k != "cursor")
                                          for k, v in request.args.items(multi=True)):
            raise ApiError("bad_request", {"reason": "NUL character in the request"})

    @app.errorhandler(ApiError)
    def _api_error(e: ApiError):
        return error_response(e.code, e.details, e.status)

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        code = HTTP_CODES.get(e.code, "bad_request" if (e.code or 500) < 500 else "internal_error")
        return error_response(code, status=e.code)

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        if isinstance(e, UNAVAILABLE):
            log.warning("database unavailable on %s %s: %s", request.method, request.path, e)
            return error_response("service_unavailable")
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response("internal_error")
