/** 日帐, 周帐, 月帐, 总帐 (SEED.md: the clerk's daily, weekly, monthly and season ledgers) and the day close
 * record (the count and the close are on the hand-over screen, screens/handovers.js). Each also downloads as Excel or PDF; a long daily PDF comes through a job. */
import { html } from 'htm/preact';
import { t, label } from '../i18n.js';
import { bjTime, formatFen, isoWeek, pct, todayBj } from '../format.js';
import { pageOf, perPageOf } from '../paging.js';
import { query } from '../api.js';
import { Badge, Download, ErrorLine, Kpis, Link, Money, Pager, Select, Table, useCtx, useLoad, useWho } from '../ui/kit.js';
import { useEstate } from './households.js';

const byMethodText = (m = {}) => Object.entries(m).map(([k, v]) => `${label('method', k)} ${formatFen(v?.amount_fen ?? v)}`).join(' · ') || '—';

function Downloads({ path, params, name }) {
  return html`<div class="downloads">
    <${Download} path=${path + query({ ...params, format: 'xlsx' })} name=${name + '.xlsx'} testid="xlsx">${t('common.xlsx')}</${Download}>
    <${Download} path=${path + query({ ...params, format: 'pdf' })} name=${name + '.pdf'} testid="pdf">${t('common.pdf')}</${Download}>
  </div>`;
}

/** Over or short in words: +100 → "长款 ¥1.00". */
export function overShort(fen, tr = t) {
  if (!fen) return tr('cl.balanced');
  return fen > 0 ? tr('cl.over', formatFen(fen)) : tr('cl.short', formatFen(-fen));
}

function CloseRecord({ closed }) {
  const who = useWho();
  if (!closed) return null;
  if (closed.cash_counted_fen == null) return html`<p class="record" data-testid="close-record">${t('ho.no_cash_day')}</p>`;
  return html`<p class="record" data-testid="close-record">
    ${t('cl.record', formatFen(closed.cash_fen ?? 0), formatFen(closed.cash_counted_fen), overShort(closed.over_short_fen))}
    ${closed.deposit_ref ? html` · ${t('cl.ref', closed.deposit_ref)}` : null}
    ${' · '}${t('cl.by', who(closed.closed_by, closed.closed_by_name), bjTime(closed.closed_at))}
    ${closed.unchanged === false ? html` · <b class="warn">${t('cl.changed')}</b>` : null}</p>`;
}

/** The day is closed on the hand-over screen, once every collector with cash has handed over. */
const CloseLink = ({ date }) => html`<p class="close card" data-testid="close-link">
  <${Link} to="handovers" query=${{ date }}>${t('ho.go')}</${Link}></p>`;

export function Daily() {
  const { api, route, router, names } = useCtx();
  const who = useWho();
  const estate = useEstate();
  const q = route.query;
  const date = q.date || todayBj();
  const page = pageOf(q.page);
  const perPage = perPageOf(q.per_page);
  const filter = { date, collector: q.collector, project: q.project };
  const { data, error, loading } = useLoad(() => api.get('/ledgers/daily', { ...filter, page, per_page: perPage }),
    [date, q.collector, q.project, page, perPage]);
  const entries = data?.entries || [];
  // a clerk may not read the users list: offer the collectors named by the day's entries too
  const collectors = Object.entries({ ...Object.fromEntries(entries.map((e) => [e.collector, who(e.collector, e.collector_name)])), ...names })
    .filter(([u]) => u && u !== 'undefined');
  if (q.collector && !collectors.some(([u]) => u === q.collector)) collectors.push([q.collector, who(q.collector)]);
  const tot = data?.totals || { count: 0, amount_fen: 0, by_method: {} };
  const columns = [
    { title: t('lg.receipt'), cell: (e) => e.receipt_no },
    { title: t('lg.project'), cell: (e) => e.project },
    { title: t('lg.household'), cell: (e) => html`<${Link} to="household" params=${{ id: e.household_id }}>${e.label}</${Link}>` },
    { title: t('lg.collector'), cell: (e) => who(e.collector, e.collector_name) },
    { title: t('lg.method'), cell: (e) => label('method', e.method) },
    { title: t('common.amount'), num: true, cell: (e) => html`<${Money} fen=${e.amount_fen} />` },
    { title: t('lg.time'), cell: (e) => bjTime(e.collected_at) },
    { title: t('lg.note'), cell: (e) => html`${e.late ? html`<span class="badge warn">${t('lg.late')}</span>` : null}
      ${e.kind === 'reversal' ? html`<span class="badge bad">${t('lg.reversal')}</span>` : null}
      ${e.kind === 'refund' ? html`<span class="badge warn">${label('entry_kind', 'refund')}</span>` : null}
      ${e.kind === 'reversal' && e.reverses_posted_on && e.reverses_posted_on !== e.posted_on
        ? html`<${Link} to="daily" query=${{ date: e.reverses_posted_on }}>${t('lg.reverses', e.reverses_posted_on)}</${Link}>` : null}
      ${e.state && e.state !== 'recorded' ? html`<${Badge} kind="payment_state" code=${e.state} />` : null}` },
  ];
  return html`<section data-screen="daily"><div class="titlebar"><h1>${t('nav.daily')} ${date}</h1>
      <${Downloads} path="/ledgers/daily" params=${filter} name=${'日帐-' + date} /></div>
    <div class="filters">
      <label class="field"><span>${t('lg.date')}</span><input type="date" name="date" value=${date}
        onChange=${(e) => router.setQuery({ date: e.target.value })} /></label>
      <${Select} label=${t('lg.collector')} name="collector" all value=${q.collector} onChange=${(v) => router.setQuery({ collector: v })}
        options=${collectors.map(([u, n]) => ({ value: u, text: n || u }))} />
      <${Select} label=${t('lg.project')} name="project" all value=${q.project} onChange=${(v) => router.setQuery({ project: v })}
        options=${(estate.data || []).map((p) => ({ value: p.project, text: p.project }))} />
    </div>
    <${ErrorLine} error=${error} />
    <${Kpis} items=${[[t('common.count'), tot.count], [t('common.total'), formatFen(tot.amount_fen)],
      [t('lg.by_method'), byMethodText(tot.by_method)], [t('lg.state'), data?.closed ? t('lg.closed') : t('lg.open')]]} />
    <${CloseRecord} closed=${data?.closed} />
    ${data && !data.closed ? html`<${CloseLink} date=${date} />` : null}
    <div class="paged" data-testid="daily-list" data-loaded=${loading ? null : 'yes'}>
      <${Table} columns=${columns} rows=${entries} rowKey=${(e, i) => `${e.receipt_no}-${e.kind}-${i}`} testid="daily"
        empty=${loading ? t('common.loading') : t('common.empty')} />
      <${Pager} page=${page} perPage=${perPage} total=${data?.total ?? entries.length} /></div>
  </section>`;
}

function ByTables({ data }) {
  return html`<div class="cards">
    <div class="card"><h2>${t('lg.by_day')}</h2><${Table} testid="by-day" rows=${data.by_day || []} rowKey=${(d) => d.date} columns=${[
      { title: t('lg.day'), cell: (d) => html`<${Link} to="daily" query=${{ date: d.date }}>${d.date}</${Link}>` },
      { title: t('common.count'), num: true, cell: (d) => d.count },
      { title: t('common.amount'), num: true, cell: (d) => html`<${Money} fen=${d.amount_fen} />` },
      ...(data.by_day?.some((d) => d.cumulative_fen != null) ? [{ title: t('common.total'), num: true, cell: (d) => html`<${Money} fen=${d.cumulative_fen} />` }] : [])]} /></div>
    <div class="card"><h2>${t('lg.by_project')}</h2><${Table} testid="by-project" rows=${data.by_project || []} rowKey=${(p) => p.project} columns=${[
      { title: t('lg.project'), cell: (p) => p.project }, { title: t('lg.households'), num: true, cell: (p) => p.households ?? '' },
      { title: t('common.count'), num: true, cell: (p) => p.count },
      { title: t('common.amount'), num: true, cell: (p) => html`<${Money} fen=${p.amount_fen} />` },
      ...(data.by_project?.some((p) => p.collection_rate != null) ? [
        { title: t('lg.rate'), num: true, cell: (p) => pct(p.collection_rate) },
        { title: t('lg.target'), num: true, cell: (p) => pct(p.target_rate) }] : [])]} /></div>
  </div>`;
}

function Period({ kind, param, value, input }) {
  const { api, router } = useCtx();
  const { data, error } = useLoad(() => api.get('/ledgers/' + kind, { [param]: value }), [kind, value]);
  const name = { weekly: '周帐', monthly: '月帐' }[kind] + '-' + value;
  return html`<section data-screen=${kind}><div class="titlebar"><h1>${t('nav.' + kind)} ${value}</h1>
      <${Downloads} path=${'/ledgers/' + kind} params=${{ [param]: value }} name=${name} /></div>
    <div class="filters"><label class="field"><span>${t(kind === 'weekly' ? 'lg.week' : 'lg.month')}</span>
      <input type=${input} name=${param} value=${value} onChange=${(e) => e.target.value && router.setQuery({ [param]: e.target.value })} /></label></div>
    <${ErrorLine} error=${error} />
    ${data ? html`<${Kpis} items=${[[t('common.count'), data.totals.count], [t('common.total'), formatFen(data.totals.amount_fen)],
      [t('lg.by_method'), byMethodText(data.totals.by_method)]]} /><${ByTables} data=${data} />` : null}
  </section>`;
}

export const Weekly = () => {
  const { route } = useCtx();
  return html`<${Period} kind="weekly" param="week" input="week" value=${route.query.week || isoWeek(todayBj())} />`;
};

export const Monthly = () => {
  const { route } = useCtx();
  return html`<${Period} kind="monthly" param="month" input="month" value=${route.query.month || todayBj().slice(0, 7)} />`;
};

export function useSeasons() {
  const { api } = useCtx();
  return useLoad(() => api.get('/admin/seasons').then((d) => (d.items || []).slice().reverse()), []);
}

export function Total() {
  const { api, route, router } = useCtx();
  const seasons = useSeasons();
  const season = route.query.season || '';
  const { data, error } = useLoad(() => api.get('/ledgers/total', { season }), [season]);
  const shown = data?.season || season;
  const rateCols = (row) => row;
  return html`<section data-screen="total"><div class="titlebar"><h1>${t('nav.total')} ${shown}</h1>
      <${Downloads} path="/ledgers/total" params=${{ season: shown }} name=${'总帐-' + shown} /></div>
    <div class="filters"><${Select} label=${t('lg.season')} name="season" value=${shown}
      onChange=${(v) => router.setQuery({ season: v })}
      options=${(seasons.data || []).map((s) => ({ value: s.id, text: s.id + (s.open ? t('lg.current') : '') }))} /></div>
    <${ErrorLine} error=${error} />
    ${data ? html`<${Kpis} items=${rateCols([[t('lg.due'), formatFen(data.due_fen)], [t('lg.collected'), formatFen(data.collected_fen)],
        [t('lg.outstanding'), formatFen(data.outstanding_fen)], [t('lg.rate'), pct(data.collection_rate)],
        [t('lg.rate_h'), pct(data.household_rate ?? data.rate_by_households)], [t('lg.rate_a'), pct(data.area_rate ?? data.rate_by_area)]])} />
      <div class="card"><h2>${t('lg.by_project')}</h2><${Table} testid="total-projects" rows=${data.by_project || []} rowKey=${(p) => p.project} columns=${[
        { title: t('lg.project'), cell: (p) => p.project },
        { title: t('lg.households'), num: true, cell: (p) => p.households ?? '' },
        { title: t('lg.due'), num: true, cell: (p) => html`<${Money} fen=${p.due_fen} />` },
        { title: t('lg.collected'), num: true, cell: (p) => html`<${Money} fen=${p.collected_fen} />` },
        { title: t('lg.rate'), num: true, cell: (p) => html`<span class=${Number(p.collection_rate) >= Number(p.target_rate) ? 'above' : 'below'}>${pct(p.collection_rate)}</span>` },
        { title: t('lg.rate_h'), num: true, cell: (p) => pct(p.household_rate ?? p.rate_by_households) },
        { title: t('lg.rate_a'), num: true, cell: (p) => pct(p.area_rate ?? p.rate_by_area) },
        { title: t('lg.target'), num: true, cell: (p) => pct(p.target_rate) },
        { title: t('lg.gap'), num: true, cell: (p) => html`<${Money} fen=${p.target_gap_fen ?? p.gap_fen ?? 0} />` }]} /></div>` : null}
  </section>`;
}
