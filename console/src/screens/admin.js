/** 催缴文书, and the admin's screens: users, devices, assignments, the audit log; everyone's own password. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n.js';
import { bjTime } from '../format.js';
import { ErrorLine, Link, PagedTable, Select, useCtx, useLoad, useWho } from '../ui/kit.js';
import { assignmentChanges, buildingKey, buildingsOf, householdCounts, householdsIn, pickedOf } from '../desk.js';
import { useProjects } from './estate.js';
import { useEstate, auditColumns } from './households.js';
import { useSeasons } from './ledgers.js';

export function Documents() {
  const { api, route, router } = useCtx();
  const estate = useEstate();
  const seasons = useSeasons();
  const q = route.query;
  const season = q.season || seasons.data?.find((s) => s.open)?.id || seasons.data?.[0]?.id || '';
  const project = q.project || estate.data?.[0]?.project || '';
  const buildings = (estate.data || []).find((p) => p.project === project)?.buildings || [];
  const building = q.building || buildings[0] || '';
  const [status, setStatus] = useState(null);
  const make = async (kind) => {
    setStatus({ text: t('job.queued') });
    try {
      await api.download(`/documents/${kind}`, `${kind}-${project}-${building}.pdf`, {
        method: 'POST', body: { season, project, building },
        onProgress: (j) => setStatus({ text: t('job.progress', t('job.' + j.state), j.done ?? 0, j.total ?? 0) }),
      });
      setStatus({ text: t('job.done'), done: true });
    } catch (e) { setStatus({ error: e }); }
  };
  return html`<section data-screen="documents"><h1>${t('nav.documents')}</h1>
    <div class="filters" data-testid="doc-form">
      <${Select} label=${t('doc.season')} name="season" value=${season} onChange=${(v) => router.setQuery({ season: v })}
        options=${(seasons.data || []).map((s) => ({ value: s.id, text: s.id }))} />
      <${Select} label=${t('doc.project')} name="project" value=${project} onChange=${(v) => router.setQuery({ project: v, building: '' })}
        options=${(estate.data || []).map((p) => ({ value: p.project, text: p.project }))} />
      <${Select} label=${t('doc.building')} name="building" value=${building} onChange=${(v) => router.setQuery({ building: v })}
        options=${buildings.map((b) => ({ value: b, text: t('hh.bldg', b) }))} />
      <button type="button" data-kind="notices" onClick=${() => make('notices')}>${t('doc.notices')}</button>
      <button type="button" class="ghost" data-kind="lawyer-letters" onClick=${() => make('lawyer-letters')}>${t('doc.letters')}</button>
    </div>
    <p class="record" data-testid="doc-status">${status?.text || ''}</p><${ErrorLine} error=${status?.error} />
  </section>`;
}

function UserRow({ u, onDone }) {
  const { api } = useCtx();
  const [pw, setPw] = useState('');
  const [error, setError] = useState(null);
  const patch = async (body) => {
    try { await api.patch(`/admin/users/${encodeURIComponent(u.username)}`, body); setPw(''); onDone(); } catch (e) { setError(e); }
  };
  return html`<div class="row-actions">
    <button type="button" class="ghost" onClick=${() => patch({ active: !u.active })}>${u.active ? t('us.disable') : t('us.enable')}</button>
    <input type="password" placeholder=${t('pw.new')} aria-label=${t('us.reset')} value=${pw} onInput=${(e) => setPw(e.target.value)} />
    <button type="button" class="ghost" disabled=${pw.length < 8} onClick=${() => patch({ password: pw })}>${t('us.reset')}</button>
    <${ErrorLine} error=${error} /></div>`;
}

export function Users() {
  const { api, refreshNames } = useCtx();
  const [tick, setTick] = useState(0);
  const [form, setForm] = useState({ username: '', name: '', role: 'collector', password: '' });
  const [msg, setMsg] = useState(null);
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const create = async (e) => {
    e.preventDefault();
    try {
      const u = await api.post('/admin/users', form);
      setMsg({ text: t('us.created', u.username) });
      setForm({ username: '', name: '', role: 'collector', password: '' });
      setTick((x) => x + 1);
      refreshNames();
    } catch (err) { setMsg({ error: err }); }
  };
  const roles = ['collector', 'clerk', 'admin'].map((r) => ({ value: r, text: t('role.' + r) }));
  const columns = [
    { title: t('us.username'), cell: (u) => u.username }, { title: t('us.name'), cell: (u) => u.name },
    { title: t('us.role'), cell: (u) => t('role.' + u.role) },
    { title: t('us.active'), cell: (u) => (u.active ? t('common.yes') : html`<span class="badge mute">${t('us.disabled')}</span>`) },
    { title: t('us.last'), cell: (u) => bjTime(u.last_login_at) },
    { title: '', cell: (u) => html`<${UserRow} u=${u} onDone=${() => setTick((x) => x + 1)} />` },
  ];
  return html`<section data-screen="users"><h1>${t('nav.users')}</h1>
    <form class="filters card" data-testid="user-form" onSubmit=${create}><h2>${t('us.new')}</h2>
      <label class="field"><span>${t('us.username')}</span><input name="username" value=${form.username} onInput=${set('username')} required /></label>
      <label class="field"><span>${t('us.name')}</span><input name="name" value=${form.name} onInput=${set('name')} required /></label>
      <${Select} label=${t('us.role')} name="role" value=${form.role} onChange=${(v) => setForm({ ...form, role: v })} options=${roles} />
      <label class="field"><span>${t('us.password')}</span><input name="password" type="password" value=${form.password} onInput=${set('password')} required /></label>
      <button type="submit">${t('us.create')}</button>
      <span class="record" data-testid="user-msg">${msg?.text || ''}</span><${ErrorLine} error=${msg?.error} /></form>
    <${PagedTable} path="/admin/users" columns=${columns} testid="users" reloadKey=${tick} rowKey=${(u) => u.username} /></section>`;
}

function Revoke({ d, onDone }) {
  const { api } = useCtx();
  const [sure, setSure] = useState(false);
  const [error, setError] = useState(null);
  if (d.revoked_at) return t('dv.revoked', bjTime(d.revoked_at));
  const go = async () => {
    try { await api.post(`/admin/devices/${encodeURIComponent(d.id)}/revoke`); onDone(); } catch (e) { setError(e); }
  };
  return sure ? html`<span>${t('dv.confirm')} <button type="button" class="danger" onClick=${go}>${t('dv.revoke')}</button>
      <button type="button" class="ghost" onClick=${() => setSure(false)}>${t('common.cancel')}</button><${ErrorLine} error=${error} /></span>`
    : html`<button type="button" class="ghost" onClick=${() => setSure(true)}>${t('dv.revoke')}</button>`;
}

export function Devices() {
  const { route, router } = useCtx();
  const who = useWho();
  const [tick, setTick] = useState(0);
  const silent = route.query.silent === '48';
  const columns = [
    { title: t('dv.code'), cell: (d) => d.code }, { title: t('dv.name'), cell: (d) => d.name },
    { title: t('dv.user'), cell: (d) => who(d.username, d.user_name) }, { title: t('dv.seen'), cell: (d) => bjTime(d.last_seen_at) },
    { title: t('dv.version'), cell: (d) => d.app_version || '' },
    { title: t('dv.outbox'), num: true, cell: (d) => (d.outbox_depth == null ? '—' : d.outbox_depth
      ? html`<span class="badge warn" title=${t('dv.outbox_hint')}>${d.outbox_depth}</span>` : '0') },
    { title: t('dv.gap'), cell: (d) => (d.gap ? html`<span class="badge bad" title=${t('dv.gap_hint')}>${d.device_last_seq}/${d.seq_max}</span>` : '') },
    { title: '', cell: (d) => html`<${Revoke} d=${d} onDone=${() => setTick((x) => x + 1)} />` },
  ];
  return html`<section data-screen="devices"><h1>${t('nav.devices')}</h1>
    <div class="filters tabs" role="group">
      <button type="button" class=${silent ? 'ghost' : 'current'} aria-pressed=${!silent} data-testid="devices-all"
        onClick=${() => router.setQuery({ silent: '' })}>${t('dv.all')}</button>
      <button type="button" class=${silent ? 'current' : 'ghost'} aria-pressed=${silent} data-testid="devices-silent"
        onClick=${() => router.setQuery({ silent: '48' })}>${t('dv.silent')}</button></div>
    ${silent ? html`<p class="sub">${t('dv.silent_hint')}</p>` : null}
    <${PagedTable} path="/admin/devices" params=${silent ? { silent_hours: 48 } : {}} columns=${columns} testid="devices"
      reloadKey=${tick} empty=${silent ? t('dv.none_silent') : null} /></section>`;
}

/** A collector's buildings: loaded from the server before any edit (PUT replaces them all), with the
 * households each building holds, and what saving would move said before it is saved. */
function AssignmentEditor({ user }) {
  const { api } = useCtx();
  const projects = useProjects();
  const held = useLoad(() => api.get(`/admin/assignments/${encodeURIComponent(user)}`), [user]);
  const [picked, setPicked] = useState(null);
  const [msg, setMsg] = useState(null);
  const before = pickedOf(held.data);
  const now = picked ?? before;
  const counts = householdCounts(projects.data || []);
  const changes = assignmentChanges(before, now);
  const dirty = changes.added.length + changes.removed.length > 0;
  const save = async () => {
    try {
      const r = await api.put(`/admin/assignments/${encodeURIComponent(user)}`, { buildings: buildingsOf(now) });
      setMsg({ text: t('as.saved', r.households ?? '') });
      setPicked(null);
      held.reload();
    } catch (e) { setMsg({ error: e }); }
  };
  if (held.error) return html`<${ErrorLine} error=${held.error} />`;
  if (held.loading && !held.data) return html`<p>${t('common.loading')}</p>`;
  const name = (r) => `${r.project} ${t('hh.bldg', r.building)}`;
  return html`<div class="card" data-testid="assignment-editor" data-loaded=${held.loading ? null : 'yes'}>
    <h2>${t('as.pick')} <small data-testid="as-now">${t('as.now', held.data.buildings.length, held.data.households)}</small></h2>
    <div class="checks">
      ${(projects.data || []).flatMap((p) => p.buildings.map((b) => {
        const k = buildingKey(p.name, b.name);
        return html`<label class=${'check' + (!!now[k] !== !!before[k] ? ' changed' : '')}><input type="checkbox" name="building"
          data-building=${`${p.name}/${b.name}`} checked=${!!now[k]} onChange=${(e) => setPicked({ ...now, [k]: e.target.checked })} />
          ${p.name} ${t('hh.bldg', b.name)} <span class="sub">${t('as.hh', b.households)}</span></label>`;
      }))}</div>
    <p class="sub" data-testid="as-changes">${dirty ? [
      changes.added.length ? t('as.adds', changes.added.map(name).join('、')) : '',
      changes.removed.length ? t('as.removes', changes.removed.map(name).join('、')) : '',
      t('as.after', householdsIn(now, counts))].filter(Boolean).join('；') : t('as.unchanged')}</p>
    <button type="button" data-testid="as-save" disabled=${!dirty} onClick=${save}>${t('as.save')}</button>
    <button type="button" class="ghost" disabled=${!dirty} onClick=${() => setPicked(null)}>${t('common.cancel')}</button>
    <span class="record" data-testid="as-msg">${msg?.text || ''}</span><${ErrorLine} error=${msg?.error} /></div>`;
}

export function Assignments() {
  const { route, router, names } = useCtx();
  const user = route.query.user || '';
  return html`<section data-screen="assignments"><h1>${t('nav.assignments')}</h1>
    <div class="filters"><${Select} label=${t('as.user')} name="user" value=${user} all onChange=${(v) => router.setQuery({ user: v })}
      options=${Object.entries(names).map(([u, n]) => ({ value: u, text: `${n} (${u})` }))} />
      ${user ? html`<${Link} to="review" query=${{ collector: user }}>${t('as.their_review')}</${Link}>` : null}</div>
    ${user ? html`<${AssignmentEditor} key=${user} user=${user} />` : html`<p class="sub">${t('as.choose')}</p>`}
  </section>`;
}

export function Audit() {
  const { route, router } = useCtx();
  const who = useWho();
  const q = route.query;
  const [f, setF] = useState({ user: q.user || '', action: q.action || '', from: q.from || '', to: q.to || '' });
  return html`<section data-screen="audit"><h1>${t('nav.audit')}</h1>
    <form class="filters" onSubmit=${(e) => { e.preventDefault(); router.setQuery(f); }}>
      ${[['user', 'au.user', 'text'], ['action', 'au.action', 'text'], ['from', 'au.from', 'date'], ['to', 'au.to', 'date']].map(([k, l, ty]) => html`
        <label class="field"><span>${t(l)}</span><input name=${k} type=${ty} value=${f[k]} onInput=${(e) => setF({ ...f, [k]: e.target.value })} /></label>`)}
      <button type="submit">${t('common.search')}</button></form>
    <${PagedTable} path="/audit" params=${{ user: q.user, action: q.action, from: q.from, to: q.to }} columns=${auditColumns(who)} testid="audit" /></section>`;
}

export function Account() {
  const { api } = useCtx();
  const [f, setF] = useState({ old: '', pw: '', again: '' });
  const [msg, setMsg] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    if (f.pw !== f.again) { setMsg({ error: new Error(t('pw.mismatch')) }); return; }
    try {
      await api.post('/auth/password', { old_password: f.old, new_password: f.pw });
      setMsg({ text: t('pw.done') });
      setF({ old: '', pw: '', again: '' });
    } catch (err) { setMsg({ error: err }); }
  };
  const field = (k, l) => html`<label class="field"><span>${t(l)}</span><input type="password" name=${k} value=${f[k]} onInput=${(e) => setF({ ...f, [k]: e.target.value })} /></label>`;
  return html`<section data-screen="account"><h1>${t('nav.account')}</h1>
    <form class="card narrow" onSubmit=${submit}>${field('old', 'pw.old')}${field('pw', 'pw.new')}${field('again', 'pw.again')}
      <button type="submit">${t('pw.submit')}</button><p class="record">${msg?.text || ''}</p><${ErrorLine} error=${msg?.error} /></form></section>`;
}
