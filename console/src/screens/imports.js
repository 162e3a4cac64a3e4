/** 住户导入与导出 (OFFICE.md, Estate and households; issue 13, item 1): an admin picks a register (.xlsx or
 * .csv), checks it, reads the report as the file's own grid — each bad row with its bad cells marked and
 * what is wrong in them — then imports it all or nothing, or its good rows; and exports the register. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n.js';
import { Download, ErrorLine, Kpis, Select, useCtx } from '../ui/kit.js';
import { useEstate } from './households.js';

/** The import's columns, as the file's header row names them (OFFICE.md: "Columns, by their Chinese headers"). */
export const HEADERS = ['小区', '楼号', '单元', '房号', '户号', '业主姓名', '联系电话', '建筑面积', '面积来源', '用途', '供热状态'];
const SHOWN_ROWS = 200;

/** What is wrong in a cell, without the "第 5 行「建筑面积」：" / "Row 5, column 建筑面积: " the grid already shows. */
export function cellText(message) {
  return String(message || '').replace(/^第\s*\d+\s*行「[^」]*」：/, '').replace(/^Row \d+, column [^:]+: /, '');
}

/** The report's errors as grid rows: [{row, cells: {column: [messages]}}], by row, the first `limit`. */
export function badRows(errors = [], limit = SHOWN_ROWS) {
  const rows = new Map();
  for (const e of errors) {
    if (!rows.has(e.row)) rows.set(e.row, { row: e.row, cells: {} });
    (rows.get(e.row).cells[e.column] ||= []).push(e);
  }
  return [...rows.values()].sort((a, b) => a.row - b.row).slice(0, limit);
}

function Report({ report, mode }) {
  const rows = badRows(report.errors);
  const bad = new Set(report.errors.map((e) => e.row)).size;
  const columns = HEADERS;
  const summary = mode === 'check' ? (bad ? t('im.checked_bad', report.rows, bad) : t('im.checked_ok', report.rows))
    : mode === 'all_or_nothing' && bad ? t('im.nothing', bad) : t('im.done', report.imported, report.updated);
  return html`<div class="card" data-testid="import-report" data-mode=${mode} data-errors=${report.errors.length}>
    <${Kpis} items=${[[t('im.rows'), report.rows], [t('im.bad_rows'), bad], [t('im.imported'), report.imported],
      [t('im.updated'), report.updated]]} />
    <p class="record" data-testid="import-summary">${summary}</p>
    ${rows.length ? html`<div class="scroll"><table class="grid report" data-testid="import-errors">
      <thead><tr><th class="num">${t('im.row')}</th>${columns.map((c) => html`<th>${c}</th>`)}</tr></thead>
      <tbody>${rows.map((r) => html`<tr key=${r.row} data-row=${r.row}><td class="num">${r.row}</td>
        ${columns.map((c) => {
          const es = r.cells[c];
          return es ? html`<td class="cell-bad" data-testid=${`cell-${r.row}-${c}`} data-code=${es.map((e) => e.code).join(' ')}
              title=${es.map((e) => e.message).join('\n')}>${es.map((e) => html`<div>${cellText(e.message)}</div>`)}</td>`
            : html`<td></td>`;
        })}</tr>`)}</tbody></table></div>
      ${bad > rows.length ? html`<p class="sub">${t('im.more', rows.length, bad)}</p>` : null}` : null}
  </div>`;
}

export function Imports() {
  const { api } = useCtx();
  const estate = useEstate();
  const [file, setFile] = useState(null);
  const [state, setState] = useState({});
  const [project, setProject] = useState('');
  const run = async (mode) => {
    if (!file) return;
    setState({ busy: mode, checked: state.checked });
    const form = new FormData();
    form.append('mode', mode);
    form.append('file', file, file.name);
    try {
      const { body } = await api.upload('/imports/households', form, { accept: [422] });
      setState({ report: body, mode, checked: mode === 'check' || state.checked });
    } catch (error) {
      setState({ error });
    }
  };
  const pick = (e) => { setFile(e.target.files?.[0] || null); setState({}); };
  const ready = file && state.checked && !state.busy;
  return html`<section data-screen="imports"><h1>${t('nav.imports')}</h1>
    <div class="card"><h2>${t('im.title')}</h2>
      <p class="sub">${t('im.hint')}</p>
      <div class="filters">
        <label class="field"><span>${t('im.file')}</span>
          <input type="file" name="file" data-testid="import-file" accept=".xlsx,.csv,text/csv" onChange=${pick} /></label>
        <button type="button" data-testid="import-check" disabled=${!file || state.busy} onClick=${() => run('check')}>${t('im.check')}</button>
        <button type="button" class="ghost" data-testid="import-all" disabled=${!ready} onClick=${() => run('all_or_nothing')}>${t('im.all')}</button>
        <button type="button" class="ghost" data-testid="import-good" disabled=${!ready} onClick=${() => run('good_rows')}>${t('im.good')}</button>
        <${Download} path="/imports/households/template" name="households-template.xlsx" testid="import-template">${t('im.template')}</${Download}>
      </div>
      ${state.busy ? html`<p class="record" data-testid="import-busy">${t('im.busy')}</p>` : null}
      <${ErrorLine} error=${state.error} />
    </div>
    ${state.report ? html`<${Report} report=${state.report} mode=${state.mode} />` : null}
    <div class="card"><h2>${t('im.export')}</h2><div class="filters">
      <${Select} label=${t('hh.project')} name="export-project" value=${project} all onChange=${setProject}
        options=${(estate.data || []).map((p) => ({ value: p.project, text: p.project }))} />
      <${Download} path=${'/households/export?format=xlsx' + (project ? '&project=' + encodeURIComponent(project) : '')}
        name="households.xlsx" testid="export-xlsx">${t('common.xlsx')}</${Download}>
    </div></div>
  </section>`;
}
