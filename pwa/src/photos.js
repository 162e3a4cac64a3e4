/**
 * Photos for vacancy checks (PROTOCOL.md, Photos): compressed on the phone to ≤ 200 KB JPEG, named by
 * their sha256, kept in IndexedDB, uploaded with `PUT /attachments/<sha256>` before the op that names them.
 */
export const MAX_PHOTO_BYTES = 200 * 1024;

export async function sha256Hex(buffer) {
  const digest = await crypto.subtle.digest('SHA-256', buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Camera file → JPEG Blob ≤ 200 KB: scale the long side to ≤ 1600 px, then lower quality and size. */
export async function compressImage(file, maxBytes = MAX_PHOTO_BYTES) {
  const bitmap = await createImageBitmap(file);
  let side = Math.min(1600, Math.max(bitmap.width, bitmap.height));
  let quality = 0.82;
  for (let i = 0; i < 12; i++) {
    const scale = side / Math.max(bitmap.width, bitmap.height);
    const w = Math.max(1, Math.round(bitmap.width * scale));
    const h = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.drawImage(bitmap, 0, 0, w, h);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
    if (blob && blob.size <= maxBytes) return blob;
    if (quality > 0.5) quality -= 0.12;
    else side = Math.round(side * 0.75);
  }
  throw new Error('photo_too_large');
}

/** Keep a photo for later upload; returns its id (sha256 hex). */
export async function storePhoto(db, blob) {
  const buf = await blob.arrayBuffer();
  const sha256 = await sha256Hex(buf);
  const existing = await db.get('photos', sha256);
  if (!existing) {
    // Stored as bytes, not a Blob: survives every browser's IndexedDB and structured clone.
    await db.put('photos', { sha256, bytes: buf, type: blob.type || 'image/jpeg', size: buf.byteLength,
      uploaded: false, created_at: Date.now() });
  }
  return sha256;
}

export async function photoUrl(db, sha256) {
  const rec = await db.get('photos', sha256);
  return rec ? URL.createObjectURL(new Blob([rec.bytes], { type: rec.type })) : null;
}

/** Upload every photo the batch names that the server does not have yet (201 first time, 200 after). */
export async function uploadPhotosFor(db, api, batch) {
  const ids = new Set();
  for (const rec of batch) for (const id of rec.op.data?.photo_ids || []) ids.add(id);
  for (const id of ids) {
    const rec = await db.get('photos', id);
    if (!rec || rec.uploaded) continue;
    await api.putAttachment(id, new Blob([rec.bytes], { type: rec.type }));
    rec.uploaded = true;
    rec.uploaded_at = Date.now();
    await db.put('photos', rec);
  }
}
