/** A household's life on its page (OFFICE.md, "A household's life"): 报停 applications with approve, reject and
 * resume (恢复供热), an application form, and the area correction with its source. Each action is one API
 * call with a reason; the page reloads what the server then holds. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t, label } from '../i18n.js';
import { formatFen } from '../format.js';
import { Badge, ErrorLine, Link, Money, Select, Table, useCtx, useLoad } from '../ui/kit.js';

const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10); // Asia/Shanghai

/** One action's state: busy, error, and a run(fn) that reloads the page when the call succeeds. */
function useAction(onDone) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async (fn) => {
    setBusy(true);
    setError(null);
    try { await fn(); setBusy(false); onDone(); } catch (e) { setError(e); setBusy(false); }
  };
  return { busy, error, setError, run };
}

/** The buttons of one application: approve or reject it while applied, resume it once approved. */
function SuspensionActions({ s, onDone }) {
  const { api, user } = useCtx();
  const [reason, setReason] = useState('');
  const [from, setFrom] = useState(today());
  const [override, setOverride] = useState(false);
  const a = useAction(() => { setReason(''); onDone(); });
  if (s.state !== 'applied' && s.state !== 'approved') return null;
  const go = (action, body) => {
    if (!reason.trim()) { a.setError(new Error(t('sp.reason_needed'))); return; }
    a.run(() => api.post(`/suspensions/${s.id}/${action}`, { reason: reason.trim(), ...body }));
  };
  const late = s.state === 'applied' && s.on_time === false;
  return html`<div class="decide" data-testid="suspension-actions" data-suspension=${s.id}>
    <input name="reason" placeholder=${t('sp.reason')} aria-label=${t('sp.reason')} value=${reason}
      onInput=${(e) => { setReason(e.target.value); a.setError(null); }} />
    ${s.state === 'applied' ? html`<div class="buttons">
        ${late && user?.role === 'admin' ? html`<label class="check"><input type="checkbox" name="override" checked=${override}
          onChange=${(e) => setOverride(e.target.checked)} />${t('sp.override')}</label>` : null}
        <button type="button" data-action="approve" disabled=${a.busy || (late && !override)}
          onClick=${() => go('approve', late ? { override } : {})}>${t('sp.approve')}</button>
        <button type="button" class="ghost" data-action="reject" disabled=${a.busy} onClick=${() => go('reject', {})}>${t('sp.reject')}</button>
        ${late && user?.role !== 'admin' ? html`<small>${t('sp.late_admin')}</small>` : null}</div>`
      : html`<div class="buttons"><label class="field"><span>${t('sp.from')}</span>
          <input type="date" name="from" value=${from} onInput=${(e) => setFrom(e.target.value)} /></label>
        <button type="button" data-action="end" disabled=${a.busy} onClick=${() => go('end', { from })}>${t('sp.end')}</button></div>`}
    <${ErrorLine} error=${a.error} /></div>`;
}

/** 报停 application form: the season, the day the owner applied and why. */
function ApplyForm({ householdId, onDone }) {
  const { api } = useCtx();
  const seasons = useLoad(() => api.get('/admin/seasons').then((d) => d.items || []), []);
  const [f, setF] = useState({ season: '', applied_on: today(), reason: '' });
  const a = useAction(() => { setF({ ...f, reason: '' }); onDone(); });
  const list = (seasons.data || []).slice().reverse();
  const season = f.season || list.find((s) => s.open)?.id || list[0]?.id || '';
  const submit = (e) => {
    e.preventDefault();
    if (!f.reason.trim()) { a.setError(new Error(t('sp.reason_needed'))); return; }
    a.run(() => api.post(`/households/${encodeURIComponent(householdId)}/suspensions`,
      { season, applied_on: f.applied_on, reason: f.reason.trim() }));
  };
  return html`<form class="filters" data-testid="suspension-apply" onSubmit=${submit}>
    <${Select} label=${t('hd.season')} name="season" value=${season} onChange=${(v) => setF({ ...f, season: v })}
      options=${list.map((s) => ({ value: s.id, text: s.id }))} />
    <label class="field"><span>${t('sp.applied_on')}</span>
      <input type="date" name="applied_on" value=${f.applied_on} onInput=${(e) => setF({ ...f, applied_on: e.target.value })} /></label>
    <label class="field wide"><span>${t('sp.why')}</span>
      <input name="reason" value=${f.reason} onInput=${(e) => setF({ ...f, reason: e.target.value })} /></label>
    <button type="submit" disabled=${a.busy}>${t('sp.apply')}</button>
    <${ErrorLine} error=${a.error} /></form>`;
}

export function Suspensions({ h, onDone }) {
  const columns = [
    { title: t('hd.season'), cell: (s) => s.season },
    { title: t('sp.applied_on'), cell: (s) => s.applied_on },
    { title: t('hd.state'), cell: (s) => html`<${Badge} kind="suspension_state" code=${s.state} />` },
    { title: t('sp.on_time'), cell: (s) => (s.on_time === false ? html`<span class="badge warn">${t('sp.late')}</span>` : t('common.yes')) },
    { title: t('hd.ratio'), num: true, cell: (s) => s.ratio },
    { title: t('hd.reason'), cell: (s) => s.reason || '' },
    { title: t('sp.decision'), cell: (s) => [s.decided_by, s.decision_reason, s.ended_on ? t('sp.ended', s.ended_on) : '',
      s.overridden ? t('sp.overridden') : ''].filter(Boolean).join(' · ') },
    { title: t('sp.actions'), cell: (s) => html`<${SuspensionActions} s=${s} onDone=${onDone} />` },
  ];
  return html`<div class="card" data-testid="suspensions"><h2>${t('hd.suspensions')} <small>${h.suspensions?.length || 0}</small></h2>
    <${Table} columns=${columns} rows=${h.suspensions || []} rowKey=${(s) => s.id} />
    <${ApplyForm} householdId=${h.id} onDone=${onDone} /></div>`;
}

/** 面积核实: the area, its source, why; an admin may also re-bill closed seasons. The answer lists each bill's
 * adjustment and offers a fresh notice when more is due (DOMAIN.md case 7). */
export function AreaForm({ h, onDone }) {
  const { api, user } = useCtx();
  const [f, setF] = useState({ area_m2: h.area_m2 || '', source: 'certificate', reason: '', approve_closed: false });
  const [result, setResult] = useState(null);
  const a = useAction(onDone);
  const submit = (e) => {
    e.preventDefault();
    if (!f.reason.trim()) { a.setError(new Error(t('sp.reason_needed'))); return; }
    a.run(async () => {
      const r = await api.post(`/households/${encodeURIComponent(h.id)}/area`,
        { ...f, area_m2: String(f.area_m2).trim(), reason: f.reason.trim() });
      setResult(r);
      setF({ ...f, area_m2: r.area_m2, reason: '', approve_closed: false });
    });
  };
  return html`<div class="card" data-testid="area-form"><h2>${t('ar.title')}</h2>
    <form class="filters" onSubmit=${submit}>
      <label class="field"><span>${t('hh.area')}</span>
        <input name="area_m2" inputmode="decimal" value=${f.area_m2} onInput=${(e) => setF({ ...f, area_m2: e.target.value })} /></label>
      <${Select} label=${t('hd.area_source')} name="source" value=${f.source} onChange=${(v) => setF({ ...f, source: v })}
        options=${['certificate', 'drawing', 'survey'].map((c) => ({ value: c, text: t('src.' + c) }))} />
      <label class="field wide"><span>${t('sp.why')}</span>
        <input name="reason" value=${f.reason} onInput=${(e) => setF({ ...f, reason: e.target.value })} /></label>
      ${user?.role === 'admin' ? html`<label class="check"><input type="checkbox" name="approve_closed" checked=${f.approve_closed}
        onChange=${(e) => setF({ ...f, approve_closed: e.target.checked })} />${t('ar.approve_closed')}</label>` : null}
      <button type="submit" disabled=${a.busy}>${t('ar.submit')}</button>
    </form>
    <${ErrorLine} error=${a.error} />
    ${result ? html`<div data-testid="area-result">
      <${Table} columns=${[
        { title: t('hd.season'), cell: (x) => x.season },
        { title: t('ar.before'), num: true, cell: (x) => html`<${Money} fen=${x.before_fen} />` },
        { title: t('ar.after'), num: true, cell: (x) => html`<${Money} fen=${x.after_fen} />` },
        { title: t('ar.delta'), num: true, cell: (x) => html`<${Money} fen=${x.delta_fen} />` },
        { title: t('ar.overpaid'), num: true, cell: (x) => html`<${Money} fen=${x.overpaid_fen} />` }]}
        rows=${result.adjustments} empty=${t('ar.none')} />
      ${result.kept_closed?.length ? html`<p>${t('ar.kept', result.kept_closed.join('、'))}</p>` : null}
      ${result.notice_offered ? html`<p data-testid="notice-offered">${t('ar.notice', formatFen(result.notice.more_due_fen))}
        <${Link} to="documents">${t('nav.documents')}</${Link}></p>` : null}</div>` : null}
  </div>`;
}

/** An adjustment's kind as words (area_fix …) from the shared table. */
export const adjustmentKind = (kind) => label('adjustment_kind', kind);
