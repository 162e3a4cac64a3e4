/** Field operations other than money (issue 4, item 7): vacancy check, area check, visit, phone update. */
import { useEffect, useState } from 'preact/hooks';
import { html, Screen, Field, Segmented, address, problemText } from './common.js';
import { useHousehold } from './household.js';
import { app, go, openSeason, toast } from '../store.js';
import { t } from '../i18n.js';
import { record } from '../actions.js';
import { compressImage, storePhoto, photoUrl } from '../photos.js';
import { opProblem, maxLen, charCount } from '../limits.js';

function Shell({ id, title, children }) {
  const h = useHousehold(id);
  const back = `#/h/${encodeURIComponent(id)}`;
  return html`<${Screen} back=${back} title=${title}>
    ${h && html`<div class="card slim"><b>${address(h)}</b> · ${h.owner_name}</div>`}
    ${h && children(h, back)}
  <//>`;
}

async function save(h, back, type, data) {
  await record({ type, household_id: h.id, data }, { label: address(h), owner_name: h.owner_name });
  toast(t('saved'));
  go(back);
}

/** The op's data as it is sent: empty texts and unchosen optional findings are left out, never sent as ''. */
const clean = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v !== null && v !== undefined));

function Photo({ sha }) {
  const [src, setSrc] = useState(null);
  useEffect(() => {
    let url;
    photoUrl(app.db, sha).then((u) => setSrc((url = u)));
    return () => url && URL.revokeObjectURL(url);
  }, [sha]);
  return src ? html`<img src=${src} alt="" />` : null;
}

/**
 * The save button, off while the op breaks a rule of the server's (limits.js), with the reason above it in
 * words: a grey button alone leaves the collector guessing. A choice not made yet is a hint, not an error.
 */
function SaveButton({ problem, why, busy, quiet }) {
  const text = !quiet && (why || (problem && problemText(problem))); // quiet: the field itself says it
  const soft = problem && (problem.code === 'missing' || problem.code === 'choose');
  return html`${text && html`<p class=${soft ? 'hint why' : 'error why'} data-testid="form-problem">${text}</p>`}
    <button class="btn primary block" type="submit" disabled=${Boolean(problem) || busy}
      data-testid="save">${t('act.save')}</button>`;
}

export function VacancyForm({ id }) {
  // Every finding starts unchosen: a form that ticks them for the inspector reports what nobody checked.
  const [finding, setFinding] = useState(null);
  const [sealed, setSealed] = useState(null);
  const [sealNo, setSealNo] = useState('');
  const [intact, setIntact] = useState(null); // null: not checked (optional in PROTOCOL.md), then not sent
  const [witness, setWitness] = useState('');
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState([]);
  const [busy, setBusy] = useState(false);
  const addPhoto = async (e) => {
    const files = [...e.currentTarget.files].slice(0, 3 - photos.length);
    e.currentTarget.value = '';
    setBusy(true);
    try {
      const ids = [];
      for (const f of files) ids.push(await storePhoto(app.db, await compressImage(f)));
      setPhotos((p) => [...new Set([...p, ...ids])].slice(0, 3));
    } catch (err) {
      toast(`${t('vc.photo_err')}: ${err.message}`);
    } finally {
      setBusy(false);
    }
  };
  // a seal number and its condition only mean something on a sealed valve
  const data = clean({ season: openSeason(), finding, valve_sealed: sealed, seal_no: sealed ? sealNo.trim() : '',
    seal_intact: sealed ? intact : null, witness: witness.trim(), note: note.trim(),
    photo_ids: photos.length ? photos : undefined });
  const problem = opProblem('vacancy_check', data);
  const why = problem?.field === 'season' ? t('vc.no_season') : null;
  const len = (f) => maxLen('vacancy_check', f);
  return html`<${Shell} id=${id} title=${t('vc.title')}>${(h, back) => html`
    <form class="form" data-testid="vacancy-form" onSubmit=${(e) => {
      e.preventDefault();
      if (!problem && !busy) save(h, back, 'vacancy_check', data);
    }}>
      <${Field} label=${t('vc.finding')}><${Segmented} name=${t('vc.finding')} value=${finding} onChange=${setFinding}
        testid="finding" options=${[['vacant', t('vc.vacant')], ['occupied', t('vc.occupied')]]} /><//>
      <${Field} label=${t('vc.sealed_q')}><${Segmented} name=${t('vc.sealed_q')} value=${sealed} onChange=${setSealed}
        testid="valve-sealed" options=${[[true, t('vc.sealed_yes')], [false, t('vc.sealed_no')]]} /><//>
      ${sealed === true && html`<${Field} label=${t('vc.seal_no')}><input value=${sealNo} data-testid="seal-no"
        maxlength=${len('seal_no')} onInput=${(e) => setSealNo(e.currentTarget.value)} /><//>
        <${Field} label=${t('vc.intact_q')}><${Segmented} name=${t('vc.intact_q')} value=${intact} onChange=${setIntact}
          testid="seal-intact" options=${[[null, t('vc.unchecked')], [true, t('vc.intact_yes')],
            [false, t('vc.intact_no')]]} /><//>`}
      <${Field} label=${t('vc.witness')}><input value=${witness} maxlength=${len('witness')}
        onInput=${(e) => setWitness(e.currentTarget.value)} /><//>
      <${Field} label=${t('vc.note')}><textarea rows="2" value=${note} maxlength=${len('note')} data-testid="vc-note"
        onInput=${(e) => setNote(e.currentTarget.value)} /><//>
      <div class="field"><span class="field-label">${t('vc.photos')}</span>
        <div class="photos">${photos.map((p) => html`<${Photo} sha=${p} />`)}
          ${photos.length < 3 && html`<label class="btn photo-btn">${busy ? '…' : html`<b class="plus">＋</b>${t('vc.add_photo')}`}
            <input type="file" accept="image/*" capture="environment" multiple data-testid="photo-input"
              onChange=${addPhoto} hidden /></label>`}</div></div>
      <${SaveButton} problem=${problem} why=${why} busy=${busy} />
    </form>`}<//>`;
}

export function AreaForm({ id }) {
  const [area, setArea] = useState('');
  const [note, setNote] = useState('');
  const data = clean({ measured_area_m2: area.trim(), note: note.trim() });
  const problem = opProblem('area_check', data);
  // the server takes 0 < area < 100000 with at most two decimals; 0 is no measurement
  const bad = area.trim() && problem?.field === 'measured_area_m2';
  return html`<${Shell} id=${id} title=${t('ac.title')}>${(h, back) => html`
    <form class="form" data-testid="area-form" onSubmit=${(e) => {
      e.preventDefault();
      if (!problem) save(h, back, 'area_check', data);
    }}>
      <${Field} label=${t('ac.measured')} hint=${t('ac.recorded', h.area_m2)} error=${bad ? t('ac.bad') : null}>
        <input inputmode="decimal" maxlength="8" value=${area} data-testid="area"
          onInput=${(e) => setArea(e.currentTarget.value)} /><//>
      <${Field} label=${t('vc.note')}><input value=${note} maxlength=${maxLen('area_check', 'note')}
        onInput=${(e) => setNote(e.currentTarget.value)} /><//>
      <${SaveButton} problem=${problem} quiet=${bad} />
    </form>`}<//>`;
}

const VISIT_KINDS = ['follow_up', 'complaint', 'survey', 'notice_delivered'];

export function VisitForm({ id }) {
  const [kind, setKind] = useState('follow_up');
  const [text, setText] = useState('');
  const [sat, setSat] = useState(null); // optional: no stars until the owner gives some
  const max = maxLen('visit', 'text');
  const data = clean({ kind, text: text.trim(), satisfaction: kind === 'survey' ? sat : undefined });
  const problem = opProblem('visit', data);
  return html`<${Shell} id=${id} title=${t('vi.title')}>${(h, back) => html`
    <form class="form" data-testid="visit-form" onSubmit=${(e) => {
      e.preventDefault();
      if (!problem) save(h, back, 'visit', data);
    }}>
      <${Field} label=${t('vi.kind')}><${Segmented} value=${kind} onChange=${setKind}
        options=${VISIT_KINDS.map((k) => [k, t(`vk.${k}`)])} /><//>
      <${Field} label=${t('vi.text')} hint=${t('vi.count', charCount(text), max)}><textarea rows="3" value=${text}
        maxlength=${max} data-testid="visit-text" onInput=${(e) => setText(e.currentTarget.value)} /><//>
      ${kind === 'survey' && html`<${Field} label=${t('vi.satisfaction')}><${Segmented} value=${sat} onChange=${setSat}
        options=${[1, 2, 3, 4, 5].map((n) => [n, '★'.repeat(n)])} /><//>`}
      <${SaveButton} problem=${problem} />
    </form>`}<//>`;
}

export function PhoneForm({ id }) {
  const [phone, setPhone] = useState('');
  const problem = opProblem('contact_update', clean({ phone: phone.trim() }));
  return html`<${Shell} id=${id} title=${t('ph.title')}>${(h, back) => html`
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      if (!problem) save(h, back, 'contact_update', { phone: phone.trim() });
    }}>
      <${Field} label=${t('ph.phone')} error=${phone.trim() && problem ? t('ph.bad') : null}>
        <input type="tel" inputmode="tel" maxlength="21" value=${phone} onInput=${(e) => setPhone(e.currentTarget.value)} /><//>
      <${SaveButton} problem=${problem} quiet=${Boolean(phone.trim())} />
    </form>`}<//>`;
}
