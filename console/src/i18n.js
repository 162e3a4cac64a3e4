/** The console's words: zh-CN by default, English by a switch kept in localStorage. One language at a time —
 * never "确认 accept". The domain's codes (methods, states, flags, decisions…) come from sync/labels.json. */
import { label as sharedLabel, codes } from '../../pwa/src/labels.js';

export const LANG_KEY = 'hl-console-lang';
export { codes };

const zh = {
  'app.title': '供热收费台账', 'app.lang': 'English', 'app.signed_in': '{0}（{1}）',
  'nav.review': '复核队列', 'nav.rejected': '被拒绝的记录', 'nav.households': '住户', 'nav.daily': '日帐',
  'nav.weekly': '周帐', 'nav.monthly': '月帐', 'nav.total': '总帐', 'nav.documents': '催缴文书', 'nav.users': '用户',
  'nav.devices': '设备', 'nav.assignments': '片区分配', 'nav.audit': '操作日志', 'nav.account': '修改密码',
  'nav.logout': '退出', 'nav.office': '日常工作', 'nav.ledgers': '台账', 'nav.admin': '系统管理',
  'login.title': '文员登录', 'login.user': '用户名', 'login.password': '密码', 'login.submit': '登录',
  'login.collector': '收费员请使用手机收费应用：', 'login.expired': '登录已失效，请重新登录',
  'role.collector': '收费员', 'role.clerk': '收费文员', 'role.admin': '管理员',
  'common.loading': '加载中…', 'common.empty': '没有记录', 'common.all': '全部', 'common.search': '查询',
  'common.save': '保存', 'common.cancel': '取消', 'common.yes': '是', 'common.no': '否', 'common.error': '出错了：{0}',
  'common.xlsx': '导出 Excel', 'common.pdf': '导出 PDF', 'common.total': '合计', 'common.count': '笔数',
  'common.amount': '金额', 'common.actions': '操作', 'common.saved': '已保存', 'common.back': '返回', 'common.open': '查看',
  'page.rows': '第 {0}–{1} 条，共 {2} 条', 'page.none': '共 0 条', 'page.prev': '上一页', 'page.next': '下一页',
  'page.per': '每页', 'page.of': '第 {0} / {1} 页',
  'job.queued': '排队中', 'job.running': '生成中', 'job.done': '已完成', 'job.failed': '失败', 'job.progress': '{0} {1}/{2}',
  'rv.state': '状态', 'rv.open': '待处理', 'rv.resolved': '已处理', 'rv.all': '全部', 'rv.kind': '类型',
  'rv.id': '编号', 'rv.household': '住户', 'rv.collector': '收费员', 'rv.what': '内容', 'rv.created': '发生时间',
  'rv.decide': '处理', 'rv.reason': '处理理由（必填）', 'rv.reason_needed': '请填写理由后再处理',
  'rv.decided': '{0}：{1}', 'rv.by': '处理人 {0}', 'rv.done': '已处理：{0}',
  'd.reason': '理由', 'd.finding': '检查结果', 'd.valve_sealed': '阀门铅封', 'd.seal_intact': '铅封完好', 'd.seal_no': '铅封号',
  'd.season': '采暖季', 'd.recorded_m2': '登记面积 m²', 'd.measured_m2': '实测面积 m²', 'd.text': '内容',
  'd.other_receipt_no': '可能重复的收据', 'd.other_collected_at': '其收款时间', 'd.skew_seconds': '手机时间偏差',
  'd.at_sent': '手机记录时间', 'd.vacant': '空置', 'd.occupied': '有人居住', 'd.fast': '快 {0} 分钟', 'd.slow': '慢 {0} 分钟',
  'rj.received': '收到时间', 'rj.device': '设备', 'rj.type': '操作类型', 'rj.error': '原因', 'rj.raw': '原始记录',
  'ot.payment': '收款', 'ot.payment_void': '作废申请', 'ot.vacancy_check': '空置检查', 'ot.area_check': '面积核实',
  'ot.visit': '走访', 'ot.contact_update': '联系方式更新',
  'hh.q': '姓名 / 拼音首字母 zsm / 房号 3-2-501 / 户号 / 电话后四位', 'hh.project': '小区', 'hh.building': '楼号',
  'hh.status': '供热状态', 'hh.arrears': '只看欠费', 'hh.number': '户号', 'hh.room': '房间', 'hh.owner': '业主',
  'hh.phone': '电话', 'hh.area': '面积 m²', 'hh.balance': '欠费', 'hh.dunning': '催缴阶段', 'hh.collector': '收费员',
  'hh.bldg': '{0}号楼',
  'hd.owners': '业主', 'hd.payers': '缴费账户', 'hd.bills': '账单', 'hd.payments': '缴费记录', 'hd.adjustments': '调整',
  'hd.field': '走访与检查', 'hd.complaints': '投诉', 'hd.suspensions': '报停', 'hd.documents': '文书', 'hd.debts': '欠费与诉讼时效',
  'hd.audit': '变更记录', 'hd.season': '采暖季', 'hd.due': '应收', 'hd.paid': '已收', 'hd.price': '单价（元/m²）',
  'hd.ratio': '比例', 'hd.due_on': '缴费截止', 'hd.limitation': '诉讼时效截止', 'hd.last_demand': '最近催缴送达',
  'hd.receipt': '收据号', 'hd.method': '方式', 'hd.state': '状态', 'hd.flags': '标记', 'hd.collected': '收款时间',
  'hd.valid': '有效期', 'hd.kind': '类型', 'hd.at': '时间', 'hd.by': '记录人', 'hd.photos': '照片', 'hd.data': '内容',
  'hd.name': '姓名', 'hd.text': '内容', 'hd.created': '时间', 'hd.number': '编号', 'hd.delivered': '送达日期',
  'hd.category': '类别', 'hd.area_source': '面积来源', 'hd.none': '无', 'hd.reason': '原因', 'hd.amount': '金额',
  'cat.residential': '住宅', 'cat.non_residential': '非住宅',
  'src.certificate': '房产证', 'src.drawing': '图纸', 'src.survey': '实测',
  'au.at': '时间', 'au.user': '操作人', 'au.action': '操作', 'au.entity': '对象', 'au.before': '变更前', 'au.after': '变更后',
  'au.reason': '理由', 'au.from': '从', 'au.to': '到',
  'lg.date': '日期', 'lg.collector': '收费员', 'lg.project': '小区', 'lg.receipt': '收据号', 'lg.household': '住户',
  'lg.method': '方式', 'lg.time': '收款时间', 'lg.note': '备注', 'lg.late': '补录', 'lg.reversal': '冲正',
  'lg.by_method': '按支付方式', 'lg.week': '周', 'lg.month': '月份', 'lg.season': '采暖季', 'lg.day': '日期',
  'lg.households': '户数', 'lg.state': '日结状态', 'lg.closed': '已日结', 'lg.open': '未日结',
  'lg.due': '应收', 'lg.collected': '实收', 'lg.outstanding': '欠费', 'lg.rate': '收费率', 'lg.rate_h': '户数收费率',
  'lg.rate_a': '面积收费率', 'lg.target': '指标', 'lg.gap': '差额', 'lg.by_day': '按日', 'lg.by_project': '按小区',
  'lg.current': '（当前）',
  'cl.title': '日结交款', 'cl.cash': '实点现金（元）', 'cl.deposit': '缴款单号', 'cl.submit': '日结',
  'cl.record': '交款：应交现金 {0} · 实点 {1} · {2}', 'cl.balanced': '相符', 'cl.over': '长款 {0}', 'cl.short': '短款 {0}',
  'cl.ref': '缴款单 {0}', 'cl.by': '{0} 于 {1}', 'cl.no_cash': '已日结，尚未点钞', 'cl.changed': '日结后帐目有变动',
  'cl.bad': '请输入正确金额（最多两位小数）', 'cl.missing': '尚未交款的收费员：{0}',
  'doc.kind': '文书', 'doc.notices': '生成催缴通知书', 'doc.letters': '生成律师函草稿', 'doc.season': '采暖季',
  'doc.project': '小区', 'doc.building': '楼号', 'doc.status': '进度', 'doc.made': '已生成 {0} 份，跳过 {1} 户',
  'us.username': '用户名', 'us.name': '姓名', 'us.role': '角色', 'us.active': '启用', 'us.last': '最近登录',
  'us.password': '初始密码（至少 8 位）', 'us.new': '新建用户', 'us.create': '创建', 'us.disable': '停用', 'us.enable': '启用',
  'us.reset': '重设密码', 'us.created': '已创建用户 {0}', 'us.disabled': '已停用',
  'dv.code': '设备编号', 'dv.name': '名称', 'dv.user': '用户', 'dv.seen': '最近同步', 'dv.version': '版本',
  'dv.gap': '序号缺口', 'dv.revoke': '停用设备', 'dv.revoked': '已停用 {0}', 'dv.confirm': '停用后该设备不能再同步。确定？',
  'as.user': '收费员', 'as.pick': '选择负责的楼', 'as.save': '保存分配', 'as.saved': '已分配 {0} 户',
  'pw.old': '原密码', 'pw.new': '新密码（至少 8 位）', 'pw.again': '再输一次新密码', 'pw.submit': '修改密码',
  'pw.mismatch': '两次输入的新密码不一致', 'pw.done': '密码已修改',
  'nf.title': '没有这个页面',
};

const en = {
  'app.title': 'Heating fee ledger', 'app.lang': '中文', 'app.signed_in': '{0} ({1})',
  'nav.review': 'Review queue', 'nav.rejected': 'Rejected records', 'nav.households': 'Households', 'nav.daily': 'Daily',
  'nav.weekly': 'Weekly', 'nav.monthly': 'Monthly', 'nav.total': 'Season total', 'nav.documents': 'Dunning documents',
  'nav.users': 'Users', 'nav.devices': 'Devices', 'nav.assignments': 'Assignments', 'nav.audit': 'Audit log',
  'nav.account': 'Change password', 'nav.logout': 'Sign out', 'nav.office': 'Daily work', 'nav.ledgers': 'Ledgers',
  'nav.admin': 'Administration',
  'login.title': 'Office sign-in', 'login.user': 'Username', 'login.password': 'Password', 'login.submit': 'Sign in',
  'login.collector': 'Collectors use the phone app: ', 'login.expired': 'Session ended: sign in again',
  'role.collector': 'collector', 'role.clerk': 'clerk', 'role.admin': 'admin',
  'common.loading': 'Loading…', 'common.empty': 'Nothing here', 'common.all': 'All', 'common.search': 'Search',
  'common.save': 'Save', 'common.cancel': 'Cancel', 'common.yes': 'Yes', 'common.no': 'No', 'common.error': 'Error: {0}',
  'common.xlsx': 'Excel', 'common.pdf': 'PDF', 'common.total': 'Total', 'common.count': 'Entries',
  'common.amount': 'Amount', 'common.actions': 'Actions', 'common.saved': 'Saved', 'common.back': 'Back', 'common.open': 'Show',
  'page.rows': 'Rows {0}–{1} of {2}', 'page.none': '0 rows', 'page.prev': 'Previous', 'page.next': 'Next',
  'page.per': 'Per page', 'page.of': 'Page {0} of {1}',
  'job.queued': 'Queued', 'job.running': 'Making', 'job.done': 'Done', 'job.failed': 'Failed', 'job.progress': '{0} {1}/{2}',
  'rv.state': 'State', 'rv.open': 'Open', 'rv.resolved': 'Resolved', 'rv.all': 'All', 'rv.kind': 'Kind',
  'rv.id': 'No.', 'rv.household': 'Household', 'rv.collector': 'Collector', 'rv.what': 'Details', 'rv.created': 'Raised',
  'rv.decide': 'Decision', 'rv.reason': 'Reason (required)', 'rv.reason_needed': 'Enter a reason first',
  'rv.decided': '{0}: {1}', 'rv.by': 'by {0}', 'rv.done': 'Resolved: {0}',
  'd.reason': 'Reason', 'd.finding': 'Finding', 'd.valve_sealed': 'Valve sealed', 'd.seal_intact': 'Seal intact',
  'd.seal_no': 'Seal no.', 'd.season': 'Season', 'd.recorded_m2': 'Recorded m²', 'd.measured_m2': 'Measured m²',
  'd.text': 'Text', 'd.other_receipt_no': 'Possible duplicate of', 'd.other_collected_at': 'collected at',
  'd.skew_seconds': 'Phone clock', 'd.at_sent': 'Phone time', 'd.vacant': 'Vacant', 'd.occupied': 'Occupied',
  'd.fast': '{0} min fast', 'd.slow': '{0} min slow',
  'rj.received': 'Received', 'rj.device': 'Device', 'rj.type': 'Operation', 'rj.error': 'Why', 'rj.raw': 'As sent',
  'ot.payment': 'Payment', 'ot.payment_void': 'Void request', 'ot.vacancy_check': 'Vacancy check',
  'ot.area_check': 'Area check', 'ot.visit': 'Visit', 'ot.contact_update': 'Contact update',
  'hh.q': 'Name / initials zsm / room 3-2-501 / number / phone last 4', 'hh.project': 'Estate', 'hh.building': 'Building',
  'hh.status': 'Heating', 'hh.arrears': 'In arrears only', 'hh.number': 'Number', 'hh.room': 'Room', 'hh.owner': 'Owner',
  'hh.phone': 'Phone', 'hh.area': 'Area m²', 'hh.balance': 'Owing', 'hh.dunning': 'Dunning', 'hh.collector': 'Collector',
  'hh.bldg': 'Bldg {0}',
  'hd.owners': 'Owners', 'hd.payers': 'Payer accounts', 'hd.bills': 'Bills', 'hd.payments': 'Payments',
  'hd.adjustments': 'Adjustments', 'hd.field': 'Visits and inspections', 'hd.complaints': 'Complaints',
  'hd.suspensions': 'Suspensions', 'hd.documents': 'Documents', 'hd.debts': 'Debts and limitation',
  'hd.audit': 'Change history', 'hd.season': 'Season', 'hd.due': 'Due', 'hd.paid': 'Paid', 'hd.price': 'Price (yuan/m²)',
  'hd.ratio': 'Ratio', 'hd.due_on': 'Due on', 'hd.limitation': 'Limitation date', 'hd.last_demand': 'Last demand delivered',
  'hd.receipt': 'Receipt', 'hd.method': 'Method', 'hd.state': 'State', 'hd.flags': 'Flags', 'hd.collected': 'Collected',
  'hd.valid': 'Valid', 'hd.kind': 'Kind', 'hd.at': 'Time', 'hd.by': 'By', 'hd.photos': 'Photos', 'hd.data': 'Details',
  'hd.name': 'Name', 'hd.text': 'Text', 'hd.created': 'Time', 'hd.number': 'Number', 'hd.delivered': 'Delivered',
  'hd.category': 'Category', 'hd.area_source': 'Area source', 'hd.none': 'None', 'hd.reason': 'Reason',
  'hd.amount': 'Amount',
  'cat.residential': 'Residential', 'cat.non_residential': 'Non-residential',
  'src.certificate': 'certificate', 'src.drawing': 'drawing', 'src.survey': 'survey',
  'au.at': 'Time', 'au.user': 'User', 'au.action': 'Action', 'au.entity': 'Object', 'au.before': 'Before',
  'au.after': 'After', 'au.reason': 'Reason', 'au.from': 'From', 'au.to': 'To',
  'lg.date': 'Date', 'lg.collector': 'Collector', 'lg.project': 'Estate', 'lg.receipt': 'Receipt',
  'lg.household': 'Household', 'lg.method': 'Method', 'lg.time': 'Collected', 'lg.note': 'Note', 'lg.late': 'Late',
  'lg.reversal': 'Reversal', 'lg.by_method': 'By method', 'lg.week': 'Week', 'lg.month': 'Month', 'lg.season': 'Season',
  'lg.day': 'Day', 'lg.households': 'Households', 'lg.state': 'Day state', 'lg.closed': 'Closed', 'lg.open': 'Open',
  'lg.due': 'Due', 'lg.collected': 'Collected', 'lg.outstanding': 'Outstanding', 'lg.rate': 'Rate',
  'lg.rate_h': 'Rate by households', 'lg.rate_a': 'Rate by area', 'lg.target': 'Target', 'lg.gap': 'Gap',
  'lg.by_day': 'By day', 'lg.by_project': 'By estate', 'lg.current': ' (current)',
  'cl.title': 'Close the day', 'cl.cash': 'Cash counted (yuan)', 'cl.deposit': 'Deposit slip no.', 'cl.submit': 'Close day',
  'cl.record': 'Hand-over: cash due {0} · counted {1} · {2}', 'cl.balanced': 'balanced', 'cl.over': 'over {0}',
  'cl.short': 'short {0}', 'cl.ref': 'slip {0}', 'cl.by': '{0} at {1}', 'cl.no_cash': 'Closed, cash not counted yet',
  'cl.changed': 'entries changed since the close', 'cl.bad': 'Enter an amount (at most 2 decimals)',
  'cl.missing': 'Not handed over yet: {0}',
  'doc.kind': 'Document', 'doc.notices': 'Make arrears notices', 'doc.letters': 'Make lawyer-letter drafts',
  'doc.season': 'Season', 'doc.project': 'Estate', 'doc.building': 'Building', 'doc.status': 'Progress',
  'doc.made': '{0} made, {1} skipped',
  'us.username': 'Username', 'us.name': 'Name', 'us.role': 'Role', 'us.active': 'Active', 'us.last': 'Last sign-in',
  'us.password': 'First password (8+ characters)', 'us.new': 'New user', 'us.create': 'Create', 'us.disable': 'Disable',
  'us.enable': 'Enable', 'us.reset': 'Reset password', 'us.created': 'User {0} created', 'us.disabled': 'Disabled',
  'dv.code': 'Device', 'dv.name': 'Name', 'dv.user': 'User', 'dv.seen': 'Last sync', 'dv.version': 'Version',
  'dv.gap': 'Sequence gap', 'dv.revoke': 'Revoke', 'dv.revoked': 'Revoked {0}',
  'dv.confirm': 'A revoked device can no longer sync. Revoke?',
  'as.user': 'Collector', 'as.pick': 'Buildings in their care', 'as.save': 'Save assignment', 'as.saved': '{0} households assigned',
  'pw.old': 'Current password', 'pw.new': 'New password (8+ characters)', 'pw.again': 'New password again',
  'pw.submit': 'Change password', 'pw.mismatch': 'The new passwords differ', 'pw.done': 'Password changed',
  'nf.title': 'No such page',
};

export const TABLES = { 'zh-CN': zh, en };
let lang = 'zh-CN';

export function setLang(l) {
  lang = TABLES[l] ? l : 'zh-CN';
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  return lang;
}

export const getLang = () => lang;

/** t('page.rows', 1, 50, 120) → "第 1–50 条，共 120 条"; an unknown key shows itself. */
export function t(key, ...args) {
  const s = TABLES[lang][key] ?? zh[key] ?? key;
  return args.length ? s.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)] ?? '')) : s;
}

/** A domain code in the current language, from the shared table: label('flag', 'duplicate_suspect'). */
export function label(kind, code) {
  return sharedLabel(kind, code, lang);
}
