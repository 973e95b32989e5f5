// Upload form: drag and drop or pick files, check them here (type, size), send them with a
// real progress bar (XMLHttpRequest upload progress), show the server's error as it is, and on
// success go to the model page, which follows the processing.

import { ICONS, accessMessage, errorMessage, formatBytes, html, modelUrl, raw, setHtml, storedToken } from './api.js';

const WEIGHT_EXTENSIONS = ['.safetensors', '.pt', '.pth', '.bin'];
const INDEX_EXTENSION = '.json';
// The server's default limit (5 GB); the server has the last word and its 413 is shown as it is.
const MAX_UPLOAD_BYTES = 5 * 1000 ** 3;

const byId = (id) => document.getElementById(id);
const form = byId('upload-form');
const dropzone = byId('dropzone');
const fileInput = byId('file-input');
const pick = byId('pick-files');
const fileList = byId('file-list');
const filesError = byId('files-error');
const nameInput = byId('name');
const nameError = byId('name-error');
const description = byId('description');
const submit = byId('submit');
const cancel = byId('cancel');
const progress = byId('progress');
const progressBar = byId('progress-bar');
const progressFill = byId('progress-fill');
const progressText = byId('progress-text');
const progressPercent = byId('progress-percent');
const uploadError = byId('upload-error');

let files = [];
let nameWasTyped = false;
let xhr = null;

const extensionOf = (name) => {
  const lower = name.toLowerCase();
  const dot = lower.lastIndexOf('.');
  return dot < 0 ? '' : lower.slice(dot);
};

/** The problems with the chosen files, or an empty list when they can be sent. */
function checkFiles(chosen) {
  const problems = [];
  for (const f of chosen) {
    const ext = extensionOf(f.name);
    if (!WEIGHT_EXTENSIONS.includes(ext) && ext !== INDEX_EXTENSION) {
      problems.push(`${f.name}: not a weight file (use .safetensors, .pt, .pth or .bin).`);
    } else if (f.size === 0) {
      problems.push(`${f.name}: the file is empty.`);
    }
  }
  const weights = chosen.filter((f) => WEIGHT_EXTENSIONS.includes(extensionOf(f.name)));
  const indexes = chosen.filter((f) => extensionOf(f.name) === INDEX_EXTENSION);
  if (indexes.length && !weights.length) problems.push('An index .json needs the shard files it lists.');
  if (indexes.length > 1) problems.push('Choose at most one index .json.');
  if (indexes.length && weights.some((f) => extensionOf(f.name) !== '.safetensors')) {
    problems.push('A sharded checkpoint is a set of .safetensors shards with one index .json.');
  }
  if (weights.length > 1 && !indexes.length && new Set(weights.map((f) => extensionOf(f.name))).size > 1) {
    problems.push('Several files make one sharded checkpoint: they must all have the same format. Upload different models one at a time.');
  }
  const total = chosen.reduce((sum, f) => sum + f.size, 0);
  if (total > MAX_UPLOAD_BYTES) {
    problems.push(`The files add up to ${formatBytes(total)}, over the ${formatBytes(MAX_UPLOAD_BYTES)} limit.`);
  }
  return problems;
}

function suggestedName(name) {
  return name
    .replace(/\.(safetensors|pt|pth|bin|json)$/i, '')
    .replace(/[-_.]?\d{5}-of-\d{5}$/i, '')
    .replace(/\.safetensors\.index$/i, '');
}

function addFiles(chosen) {
  uploadError.innerHTML = '';
  const byName = new Map(files.map((f) => [f.name, f]));
  for (const f of chosen) byName.set(f.name, f);
  files = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  if (!nameWasTyped && files.length) {
    const first = files.find((f) => extensionOf(f.name) !== INDEX_EXTENSION) || files[0];
    nameInput.value = suggestedName(first.name);
    nameError.textContent = '';
    nameInput.removeAttribute('aria-invalid');
  }
  renderFiles();
}

function renderFiles() {
  const problems = checkFiles(files);
  setHtml(fileList, files.map((f, i) => html`<li class="file-item">
      <span class="icon">${raw(ICONS.file)}</span>
      <div class="meta"><div class="fname" title="${f.name}">${f.name}</div><div class="fsize">${formatBytes(f.size)}</div></div>
      <button type="button" class="remove" data-index="${i}" aria-label="Remove ${f.name}">${raw(ICONS.close)}</button>
    </li>`));
  filesError.textContent = problems.join(' ');
  dropzone.classList.toggle('has-files', files.length > 0);
}

fileList.addEventListener('click', (e) => {
  const button = e.target.closest('button.remove');
  if (!button || xhr) return;
  files.splice(Number(button.dataset.index), 1);
  renderFiles();
  pick.focus();
});

pick.addEventListener('click', (e) => { e.stopPropagation(); fileInput.click(); });
dropzone.addEventListener('click', (e) => { if (!xhr && e.target !== fileInput) fileInput.click(); });
fileInput.addEventListener('change', () => {
  addFiles([...fileInput.files]);
  fileInput.value = '';
});

for (const type of ['dragenter', 'dragover']) {
  dropzone.addEventListener(type, (e) => { e.preventDefault(); if (!xhr) dropzone.classList.add('dragover'); });
}
dropzone.addEventListener('dragleave', (e) => { if (!dropzone.contains(e.relatedTarget)) dropzone.classList.remove('dragover'); });
dropzone.addEventListener('drop', (e) => {
  e.preventDefault();
  dropzone.classList.remove('dragover');
  if (!xhr && e.dataTransfer && e.dataTransfer.files.length) addFiles([...e.dataTransfer.files]);
});
// A file dropped next to the zone must not make the browser leave the page to open it.
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => e.preventDefault());

nameInput.addEventListener('input', () => {
  nameWasTyped = nameInput.value.trim() !== '';
  if (nameWasTyped) { nameError.textContent = ''; nameInput.removeAttribute('aria-invalid'); }
});

function setBusy(busy) {
  submit.disabled = busy;
  pick.disabled = busy;
  nameInput.disabled = busy;
  description.disabled = busy;
  cancel.hidden = !busy;
  for (const b of fileList.querySelectorAll('button.remove')) b.disabled = busy;
}

function setProgress(loaded, total) {
  const pct = total > 0 ? Math.min(100, Math.floor((loaded / total) * 100)) : 0;
  progressFill.style.width = `${pct}%`;
  progressBar.setAttribute('aria-valuenow', String(pct));
  progressPercent.textContent = `${pct}%`;
  progressText.textContent = loaded >= total && total > 0
    ? 'Upload complete, the server is checking the files…'
    : `Uploading ${formatBytes(loaded)} of ${formatBytes(total)}`;
}

function showUploadError(message, existingId) {
  setHtml(uploadError, html`<div class="alert alert-error" role="alert" id="upload-error-alert">${raw(ICONS.alert)}<div>
    <p class="title">The upload was refused</p><p class="message" id="server-message">${message}</p>
    ${existingId != null ? html`<p><a href="${modelUrl(existingId)}">Open the model already in the lake</a></p>` : ''}</div></div>`);
  // On a phone the message is below the fold: bring it into view.
  uploadError.scrollIntoView({ block: 'nearest' });
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  if (xhr) return;
  uploadError.innerHTML = '';
  let ok = true;
  if (!files.length) {
    filesError.textContent = 'Choose at least one weight file.';
    ok = false;
  } else if (checkFiles(files).length) {
    ok = false;
  }
  if (!nameInput.value.trim()) {
    nameError.textContent = 'Give the model a name.';
    nameInput.setAttribute('aria-invalid', 'true');
    ok = false;
  }
  if (!ok) {
    (files.length && !checkFiles(files).length ? nameInput : pick).focus();
    return;
  }
  upload();
});

function upload() {
  const data = new FormData();
  // Text fields first: a streaming server knows the name before the bytes arrive.
  data.append('name', nameInput.value.trim());
  if (description.value.trim()) data.append('description', description.value.trim());
  for (const f of files) data.append('file', f, f.name);

  xhr = new XMLHttpRequest();
  xhr.open('POST', 'api/models');
  xhr.setRequestHeader('Accept', 'application/json');
  const token = storedToken();
  if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
  const total = files.reduce((sum, f) => sum + f.size, 0);
  progress.hidden = false;
  setProgress(0, total);
  setBusy(true);

  xhr.upload.addEventListener('progress', (ev) => {
    if (ev.lengthComputable) setProgress(ev.loaded, ev.total);
  });
  xhr.addEventListener('load', () => {
    const request = xhr;
    xhr = null;
    let body = null;
    try { body = request.responseText ? JSON.parse(request.responseText) : null; } catch (err) { body = null; }
    if (request.status >= 200 && request.status < 300) {
      const location = request.getResponseHeader('Location');
      const id = body && body.id != null ? body.id : location ? decodeURIComponent(location.split('/').pop()) : null;
      if (id != null) {
        progressText.textContent = 'Accepted — opening the model…';
        window.location.href = modelUrl(id);
        return;
      }
      setBusy(false);
      showUploadError('The server accepted the upload but did not say which model it made.');
      return;
    }
    setBusy(false);
    progress.hidden = true;
    const existing = body && (body.existing_id ?? body.model_id ?? body.id);
    const message = accessMessage(request.status, errorMessage(body, request.responseText, request.status),
      request.getResponseHeader('Retry-After'));
    showUploadError(message, request.status === 409 ? existing : null);
  });
  xhr.addEventListener('error', () => {
    xhr = null;
    setBusy(false);
    progress.hidden = true;
    showUploadError('The connection to the server was lost during the upload.');
  });
  xhr.addEventListener('abort', () => {
    xhr = null;
    setBusy(false);
    progress.hidden = true;
    setHtml(uploadError, html`<div class="alert alert-info" role="status">${raw(ICONS.info)}<p>The upload was cancelled; nothing was added.</p></div>`);
  });
  xhr.send(data);
}

cancel.addEventListener('click', () => { if (xhr) xhr.abort(); });
