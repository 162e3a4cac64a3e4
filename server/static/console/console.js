// The clerks' console: a thin page over the clerk API (PROTOCOL.md, Clerk and admin API).
// The token lives in sessionStorage only: closing the tab signs the clerk out.
const $ = (sel) => document.querySelector(sel);
const KINDS = {
  overpaid: '多缴 overpaid', out_of_scope: '非本人片区 out of scope', receipt_duplicate: '收据号重复 receipt reused',
  duplicate_suspect: '疑似重复 duplicate?', clock_skew: '手机时间不准 clock skew', season_closed: '已关账采暖季 closed season', season_unknown: '未知采暖季 unknown season',
  device_revoked: '停用设备 revoked device', void_request: '作废申请 void request',
  vacancy_violation: '报停户用热 vacancy violation', vacancy_claim: '空置申报 vacancy claim',
  area_mismatch: '面积不符 area mismatch', complaint: '投诉 complaint', device_stale: '设备久未同步 stale device',
};
const DECISIONS = { accept: '确认 accept', void: '作废 void', rebill: '重新计费 rebill', dismiss: '驳回 dismiss' };
const METHODS = { cash: '现金', wechat: '微信', alipay: '支付宝', bank_card: '银行卡', transfer: '转账' };
const STATES = { recorded: '已入账', void_requested: '申请作废', voided: '已作废', held: '待确认 held' };
const DETAILS = { reason: '理由', finding: '检查结果', valve_sealed: '阀门铅封', seal_intact: '铅封完好', seal_no: '铅封号',
  season: '采暖季', recorded_m2: '登记面积 m²', measured_m2: '实测面积 m²', text: '内容', vacant: '空置', occupied: '有人居住',
  other_receipt_no: '可能重复的收据', other_collected_at: '其收款时间', skew_seconds: '手机时间偏差', at_sent: '手机记录时间' };
const word = (k, v) => (k === 'skew_seconds' ? `${v > 0 ? '快' : '慢'} ${Math.round(Math.abs(v) / 60)} 分钟`
  : k === 'other_collected_at' ? bj(v) : v === true ? '是' : v === false ? '否' : esc(DETAILS[v] || v));
// What the phone reported, as words: the void request's reason, the inspection's findings, the measured area,
// the payment a duplicate suspect may repeat, how far off the phone's clock was.
const details = (d) => Object.entries(d || {}).filter(([k, v]) => k in DETAILS && v != null)
  .map(([k, v]) => `${DETAILS[k]}：${word(k, v)}`).join('<br>');

const yuan = (fen) => (fen < 0 ? '-' : '') + '¥' + (Math.abs(fen) / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = (rate) => (rate == null ? '—' : (Number(rate) * 100).toFixed(2) + '%');
const bj = (iso) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '');
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const todayBj = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

let token = sessionStorage.getItem('hl-console-token');

async function api(path, options = {}) {
  const res = await fetch('/api/v1' + path, {
    ...options,
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token, ...(options.headers || {}) },
  });
  const body = res.headers.get('Content-Type')?.includes('json') ? await res.json() : null;
  if (res.status === 401) signOut();
  if (!res.ok) throw new Error(body?.error?.message || res.statusText);
  return body;
}

function signOut() {
  token = null;
  sessionStorage.removeItem('hl-console-token');
  $('#app').hidden = true; $('#login').hidden = false; $('#logout').hidden = true; $('#who').textContent = '';
}

$('#login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const res = await fetch('/api/v1/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: form.get('username'), password: form.get('password'), device_name: 'console' }),
  });
  const body = await res.json();
  if (!res.ok) { $('#login-error').textContent = body.error.message; return; }
  if (body.user.role === 'collector') { $('#login-error').textContent = '收费员请使用手机应用 /app/ (collectors use the phone app)'; return; }
  token = body.token;
  sessionStorage.setItem('hl-console-token', token);
  sessionStorage.setItem('hl-console-user', body.user.name);
  start();
});
$('#logout').addEventListener('click', signOut);

document.querySelectorAll('nav button').forEach((b) => b.addEventListener('click', () => show(b.dataset.tab)));
let shown = null;
function show(tab) {
  shown = tab;
  document.querySelectorAll('nav button').forEach((b) => b.classList.toggle('active', b.dataset.tab === tab));
  document.querySelectorAll('main section').forEach((s) => { s.hidden = s.id !== 'tab-' + tab; });
  ({ review: loadReview, rejected: loadRejected, daily: loadDaily, weekly: loadWeekly, monthly: loadMonthly, total: loadTotal, documents: () => {} })[tab]();
}

// 复核 review queue
Object.entries(KINDS).forEach(([k, v]) => $('#review-kind').append(new Option(v, k)));
$('#review-state').addEventListener('change', loadReview);
$('#review-kind').addEventListener('change', loadReview);
async function loadReview() {
  const q = new URLSearchParams({ state: $('#review-state').value, per_page: 200 });
  if ($('#review-kind').value) q.set('kind', $('#review-kind').value);
  const data = await api('/review?' + q);
  $('#review-count').textContent = `共 ${data.total} 项`;
  $('#review-rows').innerHTML = data.items.map((it) => `
    <tr data-id="${it.id}">
      <td>${it.id}</td>
      <td>${esc(KINDS[it.kind] || it.kind)}<br>${(it.flags || []).map((f) => `<span class="flag">${esc(f)}</span>`).join('')}</td>
      <td>${esc(it.project || '')} ${esc(it.label || '')}</td>
      <td>${esc(it.collector || '')}</td>
      <td>${it.payment ? `${esc(it.payment.receipt_no)}<br>${yuan(it.payment.amount_fen)} · ${esc(STATES[it.payment.state] || it.payment.state)}<br>` : ''}${details(it.details)}</td>
      <td>${bj(it.created_at)}</td>
      <td>${it.state === 'open' ? `<div class="resolve"><input placeholder="理由 reason" aria-label="reason">
        ${it.decisions.map((d) => `<button class="${d === 'dismiss' ? 'secondary' : ''}" data-decision="${d}">${DECISIONS[d]}</button>`).join('')}</div>`
        : `${esc(DECISIONS[it.decision] || it.decision)}<br><span class="en">${esc(it.reason)}</span>`}</td>
    </tr>`).join('') || '<tr><td colspan="7">没有待处理事项 Nothing to review</td></tr>';
}
$('#review-rows').addEventListener('click', async (e) => {
  const button = e.target.closest('button[data-decision]');
  if (!button) return;
  const row = button.closest('tr');
  const reason = row.querySelector('input').value.trim();
  if (!reason) { row.querySelector('input').focus(); row.querySelector('input').placeholder = '请填写理由 reason required'; return; }
  try {
    await api(`/review/${row.dataset.id}/resolve`, { method: 'POST', body: JSON.stringify({ decision: button.dataset.decision, reason }) });
  } catch (err) { alert(err.message); }
  loadReview();
});

// 被拒绝 operations the server could not understand, kept as sent (PROTOCOL.md principle 6)
const OP_TYPES = { payment: '收款', payment_void: '作废申请', vacancy_check: '空置检查', area_check: '面积核实', visit: '走访', contact_update: '联系方式' };
async function loadRejected() {
  const data = await api('/review/rejected?per_page=200');
  $('#rejected-count').textContent = `共 ${data.total} 项`;
  $('#rejected-rows').innerHTML = data.items.map((it) => `<tr>
      <td>${it.id}</td><td>${bj(it.received_at)}</td>
      <td>${esc(it.collector || '')}${it.device_code ? ` · ${esc(it.device_code)}` : ''}</td>
      <td>${esc(OP_TYPES[it.type] || it.type || '')}</td><td>${esc(it.label || it.household_id || '')}</td>
      <td>${esc(it.message)}<br><span class="flag">${esc(it.error_code)}</span></td>
      <td><details><summary>查看 show</summary><pre>${esc(it.raw)}</pre></details></td></tr>`).join('')
    || '<tr><td colspan="7">没有被拒绝的操作 Nothing rejected</td></tr>';
}

// 日帐 daily ledger and the cash hand-over
$('#daily-date').value = todayBj();
$('#daily-date').addEventListener('change', loadDaily);
$('#daily-collector').addEventListener('change', loadDaily);
const dailyQuery = () => `date=${$('#daily-date').value}` + ($('#daily-collector').value ? `&collector=${encodeURIComponent($('#daily-collector').value)}` : '');
async function loadDaily() {
  const data = await api('/ledgers/daily?' + dailyQuery());
  const seen = new Set([...$('#daily-collector').options].map((o) => o.value));
  data.entries.forEach((e) => { if (e.collector && !seen.has(e.collector)) { seen.add(e.collector); $('#daily-collector').append(new Option(e.collector, e.collector)); } });
  const t = data.totals;
  const byMethod = Object.entries(t.by_method || {}).map(([m, v]) => `${METHODS[m] || m} ${yuan(v.amount_fen ?? v)}`).join(' · ');
  $('#daily-summary').innerHTML = `<div class="kpi"><div>笔数 Entries<b>${t.count}</b></div><div>合计 Total<b>${yuan(t.amount_fen)}</b></div>
    <div>按方式 By method<b class="big">${byMethod || '—'}</b></div>
    <div>状态 State<b>${data.closed ? '已日结 closed' : '未日结 open'}</b></div></div>${closedLine(data.closed)}`;
  $('#daily-rows').innerHTML = data.entries.map((e) => `<tr><td>${esc(e.receipt_no)}</td><td>${esc(e.project || '')} ${esc(e.label)}</td><td>${esc(e.collector)}</td>
    <td>${esc(METHODS[e.method] || e.method)}</td><td class="num">${yuan(e.amount_fen)}</td>
    <td>${bj(e.collected_at)}</td><td>${e.late ? '<span class="late">补录 late</span>' : ''}${e.kind === 'reversal' ? ' 冲正 reversal' : ''}</td></tr>`).join('')
    || '<tr><td colspan="7">当日无收款 No entries</td></tr>';
  $('#close-form').hidden = Boolean(data.closed && data.closed.cash_counted_fen != null);
}
// The hand-over as it was recorded: what the day's cash should be, what was counted, over or short, by whom.
function closedLine(c) {
  if (!c || c.cash_counted_fen == null) return c ? '<p id="close-record">已日结，尚未交款 closed, cash not yet handed over</p>' : '';
  const os = c.over_short_fen;
  return `<p id="close-record">交款 Hand-over：应交现金 ${yuan(c.cash_fen)} · 实收 ${yuan(c.cash_counted_fen)} · `
    + `${os === 0 ? '相符 balanced' : os > 0 ? `长款 over ${yuan(os)}` : `短款 short ${yuan(-os)}`}`
    + `${c.deposit_ref ? ` · 缴款单 ${esc(c.deposit_ref)}` : ''} · ${esc(c.closed_by || '')} ${bj(c.closed_at)}`
    + `${c.unchanged === false ? ' · <b class="late">日结后帐目有变动 changed since</b>' : ''}</p>`;
}
for (const [id, fmt] of [['#daily-xlsx', 'xlsx'], ['#daily-pdf', 'pdf']]) {
  $(id).addEventListener('click', (e) => { e.preventDefault(); download(`/ledgers/daily?${dailyQuery()}&format=${fmt}`, `日帐-${$('#daily-date').value}.${fmt}`); });
}
// 周帐, 月帐, 总帐 as Excel or PDF, for the week, month or season on screen
const PERIOD = { weekly: ['周帐', () => `week=${$('#weekly-week').value}`, () => $('#weekly-week').value],
  monthly: ['月帐', () => `month=${$('#monthly-month').value}`, () => $('#monthly-month').value],
  total: ['总帐', () => ($('#total-season').value ? `season=${$('#total-season').value}` : ''), () => $('#total-season').value] };
document.querySelectorAll('a[data-download]').forEach((a) => a.addEventListener('click', (e) => {
  e.preventDefault();
  const [name, query, label] = PERIOD[a.dataset.download];
  const fmt = a.dataset.format || 'xlsx';
  download(`/ledgers/${a.dataset.download}?${query()}&format=${fmt}`, `${name}-${label()}.${fmt}`);
}));
async function download(path, name, status) {
  const res = await fetch('/api/v1' + path, { headers: { Authorization: 'Bearer ' + token } });
  if (!res.ok) { alert((await res.json()).error.message); return; }
  if (res.status === 202) { // a ledger too long to render at once: made as a job, fetched when done
    const { job_id } = await res.json();
    for (;;) {
      const job = await api('/jobs/' + job_id);
      if (status) status.textContent = `${JOB_STATES[job.state] || job.state} ${job.done}/${job.total}`;
      if (job.state === 'done') return download(`/jobs/${job_id}/file`, name);
      if (job.state === 'failed') { alert(JOB_STATES.failed || 'failed'); return; }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await res.blob()); a.download = name; a.click();
}
$('#close-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const cash = Math.round(Number(form.get('cash')) * 100);
  if (!Number.isFinite(cash) || cash < 0) { $('#close-result').textContent = '金额无效 Invalid amount'; return; }
  try {
    const r = await api('/ledgers/daily/close', { method: 'POST', body: JSON.stringify({ date: $('#daily-date').value, cash_counted_fen: cash, deposit_ref: form.get('deposit_ref') || null }) });
    const os = r.over_short_fen ?? 0;
    $('#close-result').textContent = os === 0 ? '相符 balanced' : os > 0 ? `长款 over ${yuan(os)}` : `短款 short ${yuan(-os)}`;
    loadDaily();
  } catch (err) { $('#close-result').textContent = err.message; }
});

// 周帐 weekly ledger: totals by day and by project
const isoWeek = (d) => { const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7; t.setUTCDate(t.getUTCDate() + 4 - day);
  const w = Math.ceil(((t - Date.UTC(t.getUTCFullYear(), 0, 1)) / 864e5 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(w).padStart(2, '0')}`; };
$('#weekly-week').value = isoWeek(new Date(Date.now() + 8 * 3600e3));
$('#weekly-week').addEventListener('change', loadWeekly);
async function loadWeekly() {
  const data = await api('/ledgers/weekly?week=' + $('#weekly-week').value);
  $('#weekly-body').innerHTML = `<div class="kpi"><div>笔数 Entries<b>${data.totals.count}</b></div><div>合计 Total<b>${yuan(data.totals.amount_fen)}</b></div></div>
    <table><thead><tr><th>日期 Day</th><th class="num">笔数</th><th class="num">金额 Amount</th></tr></thead><tbody>
    ${(data.by_day || []).map((d) => `<tr><td>${esc(d.date)}</td><td class="num">${d.count}</td><td class="num">${yuan(d.amount_fen)}</td></tr>`).join('')}
    </tbody></table>
    <table><thead><tr><th>小区 Project</th><th class="num">笔数</th><th class="num">金额 Amount</th></tr></thead><tbody>
    ${(data.by_project || []).map((p) => `<tr><td>${esc(p.project)}</td><td class="num">${p.count}</td><td class="num">${yuan(p.amount_fen)}</td></tr>`).join('')}
    </tbody></table>`;
}

// 月帐 monthly ledger
$('#monthly-month').value = todayBj().slice(0, 7);
$('#monthly-month').addEventListener('change', loadMonthly);
async function loadMonthly() {
  const data = await api('/ledgers/monthly?month=' + $('#monthly-month').value);
  $('#monthly-body').innerHTML = `<div class="kpi"><div>笔数 Entries<b>${data.totals.count}</b></div><div>合计 Total<b>${yuan(data.totals.amount_fen)}</b></div></div>
    <table><thead><tr><th>小区 Project</th><th class="num">笔数</th><th class="num">金额 Amount</th></tr></thead><tbody>
    ${(data.by_project || []).map((p) => `<tr><td>${esc(p.project)}</td><td class="num">${p.count}</td><td class="num">${yuan(p.amount_fen)}</td></tr>`).join('')}
    </tbody></table>`;
}

// 总帐 season total: collection rate against targets
async function loadTotal() {
  const season = $('#total-season').value;
  const data = await api('/ledgers/total' + (season ? '?season=' + season : ''));
  $('#total-body').innerHTML = `<div class="kpi"><div>应收 Due<b>${yuan(data.due_fen)}</b></div><div>实收 Collected<b>${yuan(data.collected_fen)}</b></div>
    <div>欠费 Outstanding<b>${yuan(data.outstanding_fen)}</b></div><div>收费率 Rate<b>${pct(data.collection_rate)}</b></div>
    <div>户数收费率 By households<b>${pct(data.household_rate)}</b></div><div>面积收费率 By area<b>${pct(data.area_rate)}</b></div></div>
    <table><thead><tr><th>小区 Project</th><th class="num">应收</th><th class="num">实收</th><th class="num">收费率</th><th class="num">户数收费率</th><th class="num">面积收费率</th><th class="num">指标 Target</th><th class="num">差额 Gap</th></tr></thead><tbody>
    ${data.by_project.map((p) => `<tr><td>${esc(p.project)}</td><td class="num">${yuan(p.due_fen)}</td><td class="num">${yuan(p.collected_fen)}</td>
      <td class="num ${Number(p.collection_rate) >= Number(p.target_rate) ? 'above' : 'below'}">${pct(p.collection_rate)}</td>
      <td class="num">${pct(p.household_rate)}</td><td class="num">${pct(p.area_rate)}</td>
      <td class="num">${pct(p.target_rate)}</td><td class="num">${yuan(p.target_gap_fen ?? 0)}</td></tr>`).join('')}
    </tbody></table>`;
}
$('#total-season').addEventListener('change', loadTotal);

// 文书 notices and lawyer-letter drafts, for a building chosen from the estate (no typing a name slightly wrong)
let estate = [];
function fillBuildings() {
  const chosen = estate.find((p) => p.project === $('#doc-project').value);
  $('#doc-building').innerHTML = (chosen?.buildings || []).map((b) => `<option value="${esc(b)}">${esc(b)}号楼</option>`).join('');
}
$('#doc-project').addEventListener('change', fillBuildings);
let docKind = 'notices';
const JOB_STATES = { queued: '排队中', running: '生成中', done: '已完成', failed: '失败' };
document.querySelectorAll('#doc-form button').forEach((b) => b.addEventListener('click', () => { docKind = b.dataset.kind; }));
$('#doc-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  try {
    const { job_id } = await api('/documents/' + docKind, { method: 'POST', body: JSON.stringify({ season: form.get('season'), project: form.get('project'), building: form.get('building') }) });
    for (;;) {
      const job = await api('/jobs/' + job_id);
      $('#doc-status').textContent = `${JOB_STATES[job.state] || job.state} ${job.done}/${job.total}`;
      if (job.state === 'done') { download(`/jobs/${job_id}/file`, `${docKind}-${form.get('project')}-${form.get('building')}.pdf`); break; }
      if (job.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 800));
    }
  } catch (err) { $('#doc-status').textContent = err.message; }
});

async function start() {
  $('#login').hidden = true; $('#app').hidden = false; $('#logout').hidden = false;
  $('#who').textContent = sessionStorage.getItem('hl-console-user') || '';
  try {
    const seasons = await api('/admin/seasons');
    for (const sel of ['#total-season', '#doc-season']) {
      $(sel).innerHTML = seasons.items.slice().reverse().map((s) => `<option value="${s.id}">${s.id}${s.open ? ' 当前' : ''}</option>`).join('');
    }
  } catch { /* a clerk sees seasons; nothing else to do */ }
  try {
    estate = (await api('/admin/buildings')).items;
    $('#doc-project').innerHTML = estate.map((p) => `<option value="${esc(p.project)}">${esc(p.project)}</option>`).join('');
    fillBuildings();
  } catch { /* the form then offers nothing to choose, and says so on submit */ }
  if (!shown) show('review'); // unless the clerk already chose a tab while this loaded
}
if (token) start();
