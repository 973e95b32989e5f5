// Catalog: search as you type (server side, debounced), filters by family, size and upload date
// (in the page, over the search result), cards in alphabetical order.

import {
  ICONS, debounce, familyBadge, familyLabel, familyOf, fetchFamilies, fetchModels, formatBytes, formatCount, formatInteger,
  formatRelative, formatDate, html, modelUrl, parseDate, raw, setHtml, showError, statusBadge, statusOf,
} from './api.js';

const byId = (id) => document.getElementById(id);
const form = byId('filters');
const searchInput = byId('search');
const familySelect = byId('family');
const paramsSelect = byId('params');
const uploadedSelect = byId('uploaded');
const list = byId('model-list');
const empty = byId('empty');
const count = byId('result-count');
const clear = byId('clear-filters');
const meta = document.querySelector('.results-meta');

let models = [];
let lakeIsEmpty = false;
let loaded = false; // no rendering before the first answer, or the empty state would flash
let request = 0;
const knownFamilies = new Map();

function restoreFromUrl() {
  const q = new URLSearchParams(window.location.search);
  searchInput.value = q.get('search') || '';
  paramsSelect.value = q.get('params') || '';
  uploadedSelect.value = q.get('uploaded') || '';
  return q.get('family') || '';
}

function saveToUrl() {
  const q = new URLSearchParams();
  if (searchInput.value.trim()) q.set('search', searchInput.value.trim());
  if (familySelect.value) q.set('family', familySelect.value);
  if (paramsSelect.value) q.set('params', paramsSelect.value);
  if (uploadedSelect.value) q.set('uploaded', uploadedSelect.value);
  const url = `${window.location.pathname}${q.toString() ? `?${q}` : ''}`;
  window.history.replaceState(null, '', url);
}

async function search() {
  const mine = ++request;
  const text = searchInput.value.trim();
  list.setAttribute('aria-busy', 'true');
  try {
    const found = await fetchModels(text);
    if (mine !== request) return; // a newer search has started; drop this answer
    models = found;
    loaded = true;
    if (!text) lakeIsEmpty = found.length === 0;
    byId('models-error').innerHTML = '';
    for (const m of found) {
      const f = familyOf(m);
      if (f && !knownFamilies.has(f.id)) knownFamilies.set(f.id, f);
    }
    fillFamilyOptions();
    render();
  } catch (e) {
    if (mine !== request) return;
    list.innerHTML = '';
    count.textContent = '';
    showError(byId('models-error'), e, 'Could not load the models');
  } finally {
    if (mine === request) list.removeAttribute('aria-busy');
  }
}

function fillFamilyOptions() {
  const selected = familySelect.value || familySelect.dataset.wanted || '';
  const families = [...knownFamilies.values()].sort((a, b) => familyLabel(a).localeCompare(familyLabel(b), undefined, { numeric: true }));
  setHtml(familySelect, html`<option value="">All families</option>${families.map((f) => html`<option value="${f.id}">${familyLabel(f)}</option>`)}`);
  if (selected && knownFamilies.has(selected)) {
    familySelect.value = selected;
    delete familySelect.dataset.wanted;
  }
}

function matchesFilters(m) {
  const family = familySelect.value;
  if (family) {
    const f = familyOf(m);
    if (!f || f.id !== family) return false;
  }
  if (paramsSelect.value) {
    const [lo, hi] = paramsSelect.value.split('-');
    const n = m.parameter_count;
    if (n == null) return false;
    if (lo && n < Number(lo)) return false;
    if (hi && n >= Number(hi)) return false;
  }
  if (uploadedSelect.value) {
    const d = parseDate(m.created_at);
    if (!d || Date.now() - d.getTime() > Number(uploadedSelect.value) * 86400000) return false;
  }
  return true;
}

function filtersActive() {
  return Boolean(searchInput.value.trim() || familySelect.value || paramsSelect.value || uploadedSelect.value);
}

function card(m) {
  const status = statusOf(m);
  const params = m.parameter_count != null
    ? html`<span title="${formatInteger(m.parameter_count)} parameters"><strong>${formatCount(m.parameter_count)}</strong> params</span>`
    : html`<span><strong>—</strong> params</span>`;
  const layers = html`<span><strong>${m.layer_count != null ? formatInteger(m.layer_count) : '—'}</strong> layers</span>`;
  const when = parseDate(m.created_at);
  return html`<li class="card model-card" data-model-id="${m.id}">
    <div class="top"><h3><a href="${modelUrl(m.id)}">${m.name}</a></h3>${statusBadge(status)}</div>
    ${m.description ? html`<p class="desc">${m.description}</p>` : ''}
    <div class="metrics">${params}${layers}</div>
    <div class="card-sub">${[m.format, m.file_size != null ? formatBytes(m.file_size) : null].filter(Boolean).join(' · ')}</div>
    <div class="bottom">${familyBadge(familyOf(m))}${when ? html`<time datetime="${when.toISOString()}" title="${formatDate(when)}">${formatRelative(when)}</time>` : ''}</div>
  </li>`;
}

function render() {
  if (!loaded) return;
  const shown = models.filter(matchesFilters)
    .sort((a, b) => String(a.name).localeCompare(String(b.name), undefined, { sensitivity: 'base', numeric: true }));
  clear.hidden = !filtersActive();
  if (shown.length) {
    form.hidden = false;
    meta.hidden = false;
    setHtml(list, shown.map(card));
    empty.innerHTML = '';
    const narrowed = Boolean(familySelect.value || paramsSelect.value || uploadedSelect.value) && shown.length < models.length;
    count.textContent = `${shown.length} ${shown.length === 1 ? 'model' : 'models'}${narrowed ? ` of ${models.length}` : ''}`;
    return;
  }
  list.innerHTML = '';
  count.textContent = '';
  // Nothing to search or filter in an empty lake: show only the way to the first upload.
  form.hidden = lakeIsEmpty && !filtersActive();
  meta.hidden = form.hidden;
  if (lakeIsEmpty && !filtersActive()) {
    setHtml(empty, html`<div class="card empty-state" id="empty-lake">${raw(ICONS.empty)}
      <h2>No models yet</h2>
      <p>The lake is empty. Upload a first weight file and Model Heritage starts building families and lineage from it.</p>
      <a class="btn btn-primary" href="add.html" id="first-upload" data-needs="upload">Upload your first model</a></div>`);
  } else {
    setHtml(empty, html`<div class="card empty-state" id="no-match">${raw(ICONS.empty)}
      <h2>No models match</h2>
      <p>Nothing matches ${searchInput.value.trim() ? html`“<strong>${searchInput.value.trim()}</strong>”` : 'these filters'}. Try another name or clear the filters.</p>
      <button type="button" class="btn btn-secondary" id="clear-from-empty">Clear filters</button></div>`);
    byId('clear-from-empty').addEventListener('click', clearFilters);
  }
}

function clearFilters() {
  form.reset();
  familySelect.value = '';
  saveToUrl();
  search();
  searchInput.focus();
}

/** Families for the filter, and every model's name so families can be called after their roots. */
async function loadFamilies() {
  try {
    const [families] = await Promise.all([fetchFamilies(), searchInput.value.trim() ? fetchModels('') : null]);
    for (const f of families) {
      const id = String(f.id);
      knownFamilies.set(id, { id, name: f.name || null, root_id: f.root_id ?? null });
    }
    fillFamilyOptions();
    render();
  } catch (e) {
    // The family filter still fills from the models themselves.
  }
}

const searchSoon = debounce(() => { saveToUrl(); search(); }, 250);
searchInput.addEventListener('input', searchSoon);
form.addEventListener('submit', (e) => { e.preventDefault(); saveToUrl(); search(); });
for (const select of [familySelect, paramsSelect, uploadedSelect]) {
  select.addEventListener('change', () => { saveToUrl(); render(); });
}
clear.addEventListener('click', clearFilters);

familySelect.dataset.wanted = restoreFromUrl();
loadFamilies();
search();
