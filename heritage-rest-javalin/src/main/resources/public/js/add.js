// Upload form: drag and drop or pick files, check them here (type, size), send them with a
// real progress bar (XMLHttpRequest upload progress), show the server's error as it is, and on
// success go to the model page, which follows the processing.

import { ICONS, accessMessage, errorMessage, formatBytes, html, modelUrl, raw, setHtml } from './api.js';
import { extensionOf, fileChooser, postFiles, progressBar } from './upload.js';

const WEIGHT_EXTENSIONS = ['.safetensors', '.pt', '.pth', '.bin'];
const INDEX_EXTENSION = '.json';
// The server's default limit (5 GB); the server has the last word and its 413 is shown as it is.
const MAX_UPLOAD_BYTES = 5 * 1000 ** 3;

const byId = (id) => document.getElementById(id);
const form = byId('upload-form');
const pick = byId('pick-files');
const filesError = byId('files-error');
const nameInput = byId('name');
const nameError = byId('name-error');
const description = byId('description');
const submit = byId('submit');
const cancel = byId('cancel');
const progressText = byId('progress-text');
const uploadError = byId('upload-error');
const progress = progressBar({ box: byId('progress'), bar: byId('progress-bar'), fill: byId('progress-fill'),
  text: progressText, percent: byId('progress-percent') });

let nameWasTyped = false;
let xhr = null;

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

const chooser = fileChooser({
  dropzone: byId('dropzone'), fileInput: byId('file-input'), pick, fileList: byId('file-list'),
  isBusy: () => xhr != null,
  onAdd: (files) => {
    uploadError.innerHTML = '';
    if (!nameWasTyped && files.length) {
      const first = files.find((f) => extensionOf(f.name) !== INDEX_EXTENSION) || files[0];
      nameInput.value = suggestedName(first.name);
      nameError.textContent = '';
      nameInput.removeAttribute('aria-invalid');
    }
  },
  onChange: (files) => { filesError.textContent = checkFiles(files).join(' '); },
});

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
  chooser.setBusy(busy);
}

const setProgress = (loaded, total) => progress.show(loaded, total, 'Uploading', 'Upload complete, the server is checking the files…');

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
  const files = chooser.files();
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
  upload(files);
});

function upload(files) {
  const fields = [['name', nameInput.value.trim()]];
  if (description.value.trim()) fields.push(['description', description.value.trim()]);
  setProgress(0, files.reduce((sum, f) => sum + f.size, 0));
  setBusy(true);
  xhr = postFiles('api/models', fields, files, {
    progress: setProgress,
    done: (status, body, request) => {
      xhr = null;
      if (status === 0) {
        setBusy(false);
        progress.hide();
        showUploadError('The connection to the server was lost during the upload.');
        return;
      }
      if (status >= 200 && status < 300) {
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
      progress.hide();
      const existing = body && (body.existing_id ?? body.model_id ?? body.id);
      const message = accessMessage(status, errorMessage(body, request.responseText, status),
        request.getResponseHeader('Retry-After'));
      showUploadError(message, status === 409 ? existing : null);
    },
    aborted: () => {
      xhr = null;
      setBusy(false);
      progress.hide();
      setHtml(uploadError, html`<div class="alert alert-info" role="status">${raw(ICONS.info)}<p>The upload was cancelled; nothing was added.</p></div>`);
    },
  });
}

cancel.addEventListener('click', () => { if (xhr) xhr.abort(); });
