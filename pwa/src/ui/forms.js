/** Field operations other than money (issue 4, item 7): vacancy check, area check, visit, phone update. */
import { useEffect, useState } from 'preact/hooks';
import { html, Screen, Field, Segmented, address } from './common.js';
import { useHousehold } from './household.js';
import { app, go, openSeason, toast } from '../store.js';
import { t } from '../i18n.js';
import { record } from '../actions.js';
import { compressImage, storePhoto, photoUrl } from '../photos.js';

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

export function VacancyForm({ id }) {
  const [finding, setFinding] = useState('vacant');
  const [sealed, setSealed] = useState(true);
  const [sealNo, setSealNo] = useState('');
  const [intact, setIntact] = useState(true);
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
  return html`<${Shell} id=${id} title=${t('vc.title')}>${(h, back) => html`
    <form class="form" data-testid="vacancy-form" onSubmit=${(e) => {
      e.preventDefault();
      save(h, back, 'vacancy_check', clean({ season: openSeason() || undefined, finding, valve_sealed: sealed,
        seal_no: sealNo.trim(), seal_intact: sealed ? intact : undefined, witness: witness.trim(), note: note.trim(),
        photo_ids: photos.length ? photos : undefined }));
    }}>
      <${Field} label=${t('vc.finding')}><${Segmented} value=${finding} onChange=${setFinding}
        options=${[['vacant', t('vc.vacant')], ['occupied', t('vc.occupied')]]} /><//>
      <label class="check"><input type="checkbox" checked=${sealed} onChange=${(e) => setSealed(e.currentTarget.checked)} />
        ${t('vc.sealed')}</label>
      ${sealed && html`<${Field} label=${t('vc.seal_no')}><input value=${sealNo} data-testid="seal-no"
        onInput=${(e) => setSealNo(e.currentTarget.value)} /><//>
        <label class="check"><input type="checkbox" checked=${intact} onChange=${(e) => setIntact(e.currentTarget.checked)} />
        ${t('vc.intact')}</label>`}
      <${Field} label=${t('vc.witness')}><input value=${witness} onInput=${(e) => setWitness(e.currentTarget.value)} /><//>
      <${Field} label=${t('vc.note')}><textarea rows="2" value=${note} onInput=${(e) => setNote(e.currentTarget.value)} /><//>
      <div class="field"><span class="field-label">${t('vc.photos')}</span>
        <div class="photos">${photos.map((p) => html`<${Photo} sha=${p} />`)}
          ${photos.length < 3 && html`<label class="btn photo-btn">${busy ? '…' : html`<b class="plus">＋</b>${t('vc.add_photo')}`}
            <input type="file" accept="image/*" capture="environment" multiple data-testid="photo-input"
              onChange=${addPhoto} hidden /></label>`}</div></div>
      <button class="btn primary block" type="submit" disabled=${busy} data-testid="save">${t('act.save')}</button>
    </form>`}<//>`;
}

export function AreaForm({ id }) {
  const [area, setArea] = useState('');
  const [note, setNote] = useState('');
  const ok = /^\d{1,5}(\.\d{1,2})?$/.test(area.trim());
  return html`<${Shell} id=${id} title=${t('ac.title')}>${(h, back) => html`
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      if (ok) save(h, back, 'area_check', clean({ measured_area_m2: area.trim(), note: note.trim() }));
    }}>
      <${Field} label=${t('ac.measured')} hint=${t('ac.recorded', h.area_m2)} error=${area && !ok ? t('ac.bad') : null}>
        <input inputmode="decimal" value=${area} onInput=${(e) => setArea(e.currentTarget.value)} /><//>
      <${Field} label=${t('vc.note')}><input value=${note} onInput=${(e) => setNote(e.currentTarget.value)} /><//>
      <button class="btn primary block" type="submit" disabled=${!ok}>${t('act.save')}</button>
    </form>`}<//>`;
}

const VISIT_KINDS = ['follow_up', 'complaint', 'survey', 'notice_delivered'];

export function VisitForm({ id }) {
  const [kind, setKind] = useState('follow_up');
  const [text, setText] = useState('');
  const [sat, setSat] = useState(5);
  return html`<${Shell} id=${id} title=${t('vi.title')}>${(h, back) => html`
    <form class="form" data-testid="visit-form" onSubmit=${(e) => {
      e.preventDefault();
      save(h, back, 'visit', clean({ kind, text: text.trim(), satisfaction: kind === 'survey' ? sat : undefined }));
    }}>
      <${Field} label=${t('vi.kind')}><${Segmented} value=${kind} onChange=${setKind}
        options=${VISIT_KINDS.map((k) => [k, t(`vk.${k}`)])} /><//>
      <${Field} label=${t('vi.text')}><textarea rows="3" value=${text} data-testid="visit-text"
        onInput=${(e) => setText(e.currentTarget.value)} /><//>
      ${kind === 'survey' && html`<${Field} label=${t('vi.satisfaction')}><${Segmented} value=${sat} onChange=${setSat}
        options=${[1, 2, 3, 4, 5].map((n) => [n, '★'.repeat(n)])} /><//>`}
      <button class="btn primary block" type="submit" data-testid="save">${t('act.save')}</button>
    </form>`}<//>`;
}

export function PhoneForm({ id }) {
  const [phone, setPhone] = useState('');
  const ok = /^[+\d][\d\s-]{6,19}$/.test(phone.trim());
  return html`<${Shell} id=${id} title=${t('ph.title')}>${(h, back) => html`
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      if (ok) save(h, back, 'contact_update', { phone: phone.trim() });
    }}>
      <${Field} label=${t('ph.phone')} error=${phone && !ok ? t('ph.bad') : null}>
        <input type="tel" inputmode="tel" value=${phone} onInput=${(e) => setPhone(e.currentTarget.value)} /><//>
      <button class="btn primary block" type="submit" disabled=${!ok}>${t('act.save')}</button>
    </form>`}<//>`;
}
