// What the upload and identify pages share: a drop zone with its file picker and file list, a
// progress bar, and a multipart POST of the chosen files that reports its upload progress.

import { ICONS, formatBytes, html, raw, setHtml, storedToken } from './api.js';

/** The lower-case extension of a file name with its dot ('.safetensors'), or '' when it has none. */
export const extensionOf = (name) => {
  const lower = name.toLowerCase();
  const dot = lower.lastIndexOf('.');
  return dot < 0 ? '' : lower.slice(dot);
};

/**
 * The drop zone, the "pick files" button and the list of chosen files (merged by name, sorted,
 * each with a remove button). Nothing changes while `isBusy()` says a send is under way;
 * `onAdd(files)` is called after files are added, `onChange(files)` after every change.
 */
export function fileChooser({ dropzone, fileInput, pick, fileList, isBusy, onAdd = () => {}, onChange = () => {} }) {
  let files = [];

  function render() {
    setHtml(fileList, files.map((f, i) => html`<li class="file-item">
        <span class="icon">${raw(ICONS.file)}</span>
        <div class="meta"><div class="fname" title="${f.name}">${f.name}</div><div class="fsize">${formatBytes(f.size)}</div></div>
        <button type="button" class="remove" data-index="${i}" aria-label="Remove ${f.name}">${raw(ICONS.close)}</button>
      </li>`));
    dropzone.classList.toggle('has-files', files.length > 0);
    onChange(files);
  }

  function add(chosen) {
    const byName = new Map(files.map((f) => [f.name, f]));
    for (const f of chosen) byName.set(f.name, f);
    files = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
    onAdd(files);
    render();
  }

  fileList.addEventListener('click', (e) => {
    const button = e.target.closest('button.remove');
    if (!button || isBusy()) return;
    files.splice(Number(button.dataset.index), 1);
    render();
    pick.focus();
  });
  pick.addEventListener('click', (e) => { e.stopPropagation(); fileInput.click(); });
  dropzone.addEventListener('click', (e) => { if (!isBusy() && e.target !== fileInput) fileInput.click(); });
  fileInput.addEventListener('change', () => {
    add([...fileInput.files]);
    fileInput.value = '';
  });
  for (const type of ['dragenter', 'dragover']) {
    dropzone.addEventListener(type, (e) => { e.preventDefault(); if (!isBusy()) dropzone.classList.add('dragover'); });
  }
  dropzone.addEventListener('dragleave', (e) => { if (!dropzone.contains(e.relatedTarget)) dropzone.classList.remove('dragover'); });
  dropzone.addEventListener('drop', (e) => {
    e.preventDefault();
    dropzone.classList.remove('dragover');
    if (!isBusy() && e.dataTransfer && e.dataTransfer.files.length) add([...e.dataTransfer.files]);
  });
  // A file dropped next to the zone must not make the browser leave the page to open it.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());

  return {
    files: () => files,
    /** Disables the remove buttons while a send is under way. */
    setBusy(busy) { for (const b of fileList.querySelectorAll('button.remove')) b.disabled = busy; },
  };
}

/**
 * The progress bar of a send: `show(loaded, total, sending, sent)` says `sending` with the bytes so
 * far, then `sent` once everything is out; `hide()` hides it.
 */
export function progressBar({ box, bar, fill, text, percent }) {
  return {
    show(loaded, total, sending, sent) {
      const pct = total > 0 ? Math.min(100, Math.floor((loaded / total) * 100)) : 0;
      box.hidden = false;
      fill.style.width = `${pct}%`;
      bar.setAttribute('aria-valuenow', String(pct));
      percent.textContent = `${pct}%`;
      text.textContent = loaded >= total && total > 0 ? sent : `${sending} ${formatBytes(loaded)} of ${formatBytes(total)}`;
    },
    hide() { box.hidden = true; },
  };
}

/**
 * POSTs the fields, then the files (text first: a streaming server knows them before the bytes),
 * as multipart with the stored token. `progress(loaded, total)` follows the upload; `done(status,
 * body, request)` gets the answer (status 0 when the connection was lost); `aborted()` a cancel.
 * Returns the request, whose `abort()` cancels it.
 */
export function postFiles(path, fields, files, { progress, done, aborted }) {
  const data = new FormData();
  for (const [k, v] of fields) data.append(k, v);
  for (const f of files) data.append('file', f, f.name);
  const xhr = new XMLHttpRequest();
  xhr.open('POST', path);
  xhr.setRequestHeader('Accept', 'application/json');
  const token = storedToken();
  if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
  xhr.upload.addEventListener('progress', (ev) => { if (ev.lengthComputable) progress(ev.loaded, ev.total); });
  xhr.addEventListener('load', () => {
    let body = null;
    try { body = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (err) { body = null; }
    done(xhr.status, body, xhr);
  });
  xhr.addEventListener('error', () => done(0, null, null));
  xhr.addEventListener('abort', () => aborted());
  xhr.send(data);
  return xhr;
}
