// Identify page: drop or pick weight files, send them to /api/identify with a progress bar, show
// where they would sit (family, parents, children, copies, nearest, each linked into the
// catalog), and "Add to the lake" sends the same files to /api/models for real.

import { ICONS, accessMessage, errorMessage, familyUrl, formatConfidence, html, kindBadge, modelUrl, raw, setHtml } from './api.js';
import { extensionOf, fileChooser, postFiles, progressBar } from './upload.js';

const WEIGHT_EXTENSIONS = ['.safetensors', '.pt', '.pth', '.bin', '.json'];
const byId = (id) => document.getElementById(id);
const form = byId('identify-form');
const pick = byId('pick-files');
const filesError = byId('files-error');
const submit = byId('submit');
const cancel = byId('cancel');
const answer = byId('answer');
const errorBox = byId('identify-error');
const addBox = byId('add-box');
const nameInput = byId('name');
const addButton = byId('add-to-lake');
const addError = byId('add-error');
const progress = progressBar({ box: byId('progress'), bar: byId('progress-bar'), fill: byId('progress-fill'),
  text: byId('progress-text'), percent: byId('progress-percent') });

let xhr = null;

const chooser = fileChooser({
  dropzone: byId('dropzone'), fileInput: byId('file-input'), pick, fileList: byId('file-list'),
  isBusy: () => xhr != null,
  onAdd: (files) => {
    const first = files.find((f) => extensionOf(f.name) !== '.json') || files[0];
    if (first) nameInput.value = first.name.replace(/\.(safetensors|pt|pth|bin|json)$/i, '');
  },
  onChange: (files) => {
    const bad = files.filter((f) => !WEIGHT_EXTENSIONS.includes(extensionOf(f.name)));
    filesError.textContent = bad.length ? `${bad.map((f) => f.name).join(', ')}: not a weight file (use .safetensors, .pt, .pth or .bin).` : '';
  },
});

function setBusy(busy) {
  submit.disabled = busy;
  pick.disabled = busy;
  addButton.disabled = busy;
  cancel.hidden = !busy;
  chooser.setBusy(busy);
}

/** Sends the chosen files with a progress bar; calls back with (status, parsed body, request). */
function send(path, fields, verb, done) {
  const files = chooser.files();
  const show = (loaded, total) => progress.show(loaded, total, verb, 'Sent, the lake is reading the weights…');
  show(0, files.reduce((sum, f) => sum + f.size, 0));
  setBusy(true);
  const finish = () => { xhr = null; setBusy(false); progress.hide(); };
  xhr = postFiles(path, fields, files, {
    progress: show,
    done: (status, body, request) => { finish(); done(status, body, request); },
    aborted: finish,
  });
}

function failure(box, title, status, body, request) {
  const message = status === 0 ? 'The connection to the server was lost.'
    : accessMessage(status, errorMessage(body, request ? request.responseText : '', status), request ? request.getResponseHeader('Retry-After') : null);
  setHtml(box, html`<div class="alert alert-error" role="alert">${raw(ICONS.alert)}<div><p class="title">${title}</p><p class="message" id="server-message">${message}</p></div></div>`);
  box.scrollIntoView({ block: 'nearest' });
}

const modelLink = (l) => html`<a href="${modelUrl(l.id)}" data-model-id="${l.id}">${l.name || l.id}</a>`;

function linkItem(l) {
  return html`<li>${modelLink(l)} ${kindBadge(l)} <span class="muted">${formatConfidence(l.confidence)}</span>${l.kind === 'merge' ? html` <span class="muted">weight ${Number(l.weight).toFixed(2)}</span>` : ''}</li>`;
}

function renderAnswer(a) {
  const family = a.family;
  const head = family
    ? html`<p class="answer-summary" id="answer-family">Joins the family <a href="${familyUrl(family.id)}">${family.root_name ? `of ${family.root_name}` : family.id}</a> (${family.member_count} model${family.member_count === 1 ? '' : 's'})${family.also_joins && family.also_joins.length ? `, linking ${family.also_joins.length} other famil${family.also_joins.length === 1 ? 'y' : 'ies'} into it` : ''}.</p>`
    : html`<p class="answer-summary" id="answer-family">No family: ${a.reason}.</p>`;
  const parents = a.parents || [];
  const parentPart = !family ? ''
    : parents.length
      ? html`<div class="answer-section"><h3>${parents.length > 1 ? 'Parents (a merge)' : 'Most likely parent'}</h3><ul class="answer-list" id="answer-parents">${parents.map(linkItem)}</ul></div>`
      : html`<div class="answer-section"><h3>Most likely parent</h3><p class="muted" id="answer-parents">None: it would be the root of its family.</p></div>`;
  const children = a.children || [];
  const childPart = children.length
    ? html`<div class="answer-section"><h3>It would sit above</h3><ul class="answer-list" id="answer-children">${children.map(linkItem)}</ul></div>` : '';
  const copies = a.copies || [];
  const copyPart = copies.length
    ? html`<div class="answer-section"><h3>Copies in the lake</h3><ul class="answer-list" id="answer-copies">${copies.map((c) => html`<li>${modelLink(c)} <span class="badge kind-badge kind-${c.kind === 'exact' ? 'duplicate' : c.kind}">${c.kind === 'exact' ? 'same bytes' : c.kind}</span></li>`)}</ul></div>` : '';
  const nearest = a.nearest || [];
  const nearPart = nearest.length
    ? html`<div class="answer-section"><h3>Nearest in its family</h3><ul class="answer-list" id="answer-nearest">${nearest.map((n) => html`<li>${modelLink(n)} <span class="muted">distance ${Number(n.distance).toPrecision(3)}, correlation ${Number(n.correlation).toFixed(2)}</span></li>`)}</ul></div>` : '';
  setHtml(answer, html`${head}${parentPart}${childPart}${copyPart}${nearPart}
    <p class="muted answer-section">${a.format}, ${Number(a.parameter_count).toLocaleString('en')} parameters.</p>`);
  addBox.hidden = copies.some((c) => c.kind === 'exact');
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  if (xhr) return;
  errorBox.innerHTML = '';
  if (!chooser.files().length) { filesError.textContent = 'Choose at least one weight file.'; pick.focus(); return; }
  send('/api/identify', [], 'Sending', (status, body, request) => {
    if (status === 200 && body) {
      renderAnswer(body);
      byId('answer-title').scrollIntoView({ block: 'nearest' });
    } else {
      failure(errorBox, 'The file could not be identified', status, body, request);
    }
  });
});

addButton.addEventListener('click', () => {
  if (xhr || !chooser.files().length) return;
  addError.innerHTML = '';
  if (!nameInput.value.trim()) { nameInput.focus(); return; }
  send('/api/models', [['name', nameInput.value.trim()]], 'Uploading', (status, body, request) => {
    if (status >= 200 && status < 300 && body && body.id != null) {
      window.location.href = modelUrl(body.id);
    } else {
      failure(addError, 'The upload was refused', status, body, request);
    }
  });
});

cancel.addEventListener('click', () => { if (xhr) xhr.abort(); });
