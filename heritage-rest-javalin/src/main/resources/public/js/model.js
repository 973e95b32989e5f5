// Model page: specs, lineage, timeline and the family tree with this model highlighted. While
// the model is pending or processing the page asks again every few seconds until it is settled.

import {
  ICONS, ApiError, accessMessage, authHeaders, errorMessage, familyBadge, familyOf, fetchFamilyTree, fetchModel, formatBytes, formatConfidence, formatCount,
  formatDate, formatDuration, formatInteger, formatRelative, html, isBusy, kindBadge, kindOf, modelUrl, parseDate, queryParam, raw,
  readTree, setHtml, showError, statusBadge, statusOf, familyUrl,
} from './api.js';
import { drawFamilyGraph, renderEdgeLegend } from './graph.js';

const POLL_MS = 1500;
const byId = (id) => document.getElementById(id);
const id = queryParam('id');
let drawnFor = null; // the tree (as JSON) the graph shows, so a poll redraws only on change

function confidence(c) {
  if (c == null) return '';
  const pct = Math.max(0, Math.min(100, Math.round(Number(c) * 100)));
  return html`<span class="confidence" title="confidence of this link"><span class="meter" aria-hidden="true"><span style="width:${pct}%"></span></span>${formatConfidence(c)}</span>`;
}

function renderSpecs(m) {
  const rows = [
    ['Parameters', m.parameter_count != null ? html`${formatCount(m.parameter_count)} <span class="exact">(${formatInteger(m.parameter_count)})</span>` : '—', 'parameters'],
    ['Layers', m.layer_count != null ? formatInteger(m.layer_count) : '—', 'layers'],
    ['Format', m.format || '—', 'format'],
    ['Size', m.file_size != null ? html`${formatBytes(m.file_size)} <span class="exact">(${formatInteger(m.file_size)} bytes)</span>` : '—', 'size'],
    ['Structural hash', m.structural_hash ? html`<span class="hash">${m.structural_hash}</span>` : '—', 'structural-hash'],
    ['Checksum', m.checksum ? html`<span class="hash">${m.checksum}</span>` : '—', 'checksum'],
  ];
  const files = Array.isArray(m.files) ? m.files : [];
  if (files.length > 1) {
    rows.push([`Files (${files.length})`, html`<ul class="file-names">${files.map((f) => html`<li>${f.name} <span class="exact">${formatBytes(f.size)}</span></li>`)}</ul>`, 'files']);
  }
  setHtml(byId('specs'), rows.map(([label, value, key]) => html`<dt>${label}</dt><dd data-spec="${key}">${value}</dd>`));
}

function isRootOfFamily(m) {
  const family = familyOf(m);
  return family != null && family.root_id != null && String(family.root_id) === String(m.id);
}

/** One parent or child: its name, what the edge is (with a merge's weight) and the confidence. */
function linkItem(l) {
  return html`<li class="lineage-item" data-kind="${kindOf(l)}"${typeof l.weight === 'number' ? html` data-weight="${l.weight}"` : ''}>
    <a href="${modelUrl(l.id)}" data-model-id="${l.id}">${l.name || l.id}</a><span class="link-facts">${kindBadge(l)}${confidence(l.confidence)}</span></li>`;
}

function renderLineage(m, status) {
  const lineage = m.lineage || {};
  const parent = lineage.parent || null;
  // every parent, heaviest first (a merge has several); an older server only sends the main one
  const parents = Array.isArray(lineage.parents) && lineage.parents.length ? lineage.parents : parent ? [parent] : [];
  const children = Array.isArray(lineage.children) ? lineage.children : [];
  if (isBusy(status) && !parents.length && !children.length) {
    setHtml(byId('lineage'), html`<p class="muted">The parent and children are known once the model is processed.</p>`);
    return;
  }
  const merge = parents.length > 1;
  const parentHtml = parents.length
    ? html`<ul class="lineage-list" id="parent">${parents.map(linkItem)}</ul>`
    : html`<p class="muted" id="parent">None — ${status === 'failed' ? 'the model could not be processed.'
      : isRootOfFamily(m) ? html`this model is the root of its family ${raw('<span class="badge badge-root">root</span>')}`
        : 'no parent was found for this model.'}</p>`;
  const sorted = [...children].sort((a, b) => String(a.name).localeCompare(String(b.name), undefined, { numeric: true }));
  const childrenHtml = sorted.length
    ? html`<ul class="lineage-list" id="children">${sorted.map(linkItem)}</ul>`
    : html`<p class="muted" id="children">No model was derived from this one (yet).</p>`;
  const parentLabel = merge
    ? html`<p class="lineage-label" id="parent-label">Parents (${parents.length}) <span class="muted lineage-note">merged, heaviest first</span></p>`
    : html`<p class="lineage-label" id="parent-label">Parent</p>`;
  const compare = parents.length
    ? html`<p class="compare-link"><a id="compare-parent" href="compare.html?a=${encodeURIComponent(parents[0].id)}&amp;b=${encodeURIComponent(m.id)}">Compare with parent</a></p>`
    : '';
  setHtml(byId('lineage'), html`${parentLabel}${parentHtml}${compare}<p class="lineage-label">Children (${sorted.length})</p>${childrenHtml}`);
}

function renderTimeline(m, status) {
  const created = parseDate(m.created_at);
  const processed = parseDate(m.processed_at);
  const took = created && processed ? formatDuration(processed - created) : '';
  const reason = m.error || m.failure_reason || m.status_reason || m.reason;
  const items = [
    html`<li><div class="when">Uploaded</div><div class="what">${formatDate(created)}${created ? ` · ${formatRelative(created)}` : ''}</div></li>`,
  ];
  if (status === 'failed') {
    items.push(html`<li class="bad"><div class="when">Failed</div><div class="what">${processed ? formatDate(processed) : ''}${reason ? html`<br><span class="message">${reason}</span>` : ''}</div></li>`);
  } else if (processed) {
    items.push(html`<li><div class="when">Processed</div><div class="what">${formatDate(processed)}${took ? ` · took ${took}` : ''}</div></li>`);
  } else {
    items.push(html`<li class="todo"><div class="when">Processed</div><div class="what">${status === 'processing' ? 'in progress…' : 'waiting for a worker…'}</div></li>`);
  }
  setHtml(byId('timeline'), items);
}

function renderBanner(m, status) {
  const banner = byId('processing-banner');
  if (isBusy(status)) {
    setHtml(banner, html`<div class="alert alert-info" role="status" style="margin-bottom:16px"><span class="spinner" aria-hidden="true"></span><div>
      <p class="title">${status === 'processing' ? 'Processing the weights' : 'Waiting to be processed'}</p>
      <p>Reading the tensors, finding the family and working out the lineage. This page updates by itself.</p></div></div>`);
  } else if (status === 'failed') {
    const reason = m.error || m.failure_reason || m.status_reason || m.reason || 'No reason was given.';
    setHtml(banner, html`<div class="alert alert-error" role="alert" style="margin-bottom:16px">${raw(ICONS.alert)}<div>
      <p class="title">Processing failed</p><p class="message">${reason}</p></div></div>`);
  } else {
    banner.innerHTML = '';
  }
}

/** The model's family tree, an Error when it could not be read, or null when it has no family. */
async function loadTree(m) {
  const family = familyOf(m);
  if (!family) return null;
  try {
    return readTree(await fetchFamilyTree(family.id));
  } catch (e) {
    return e;
  }
}

function renderGraph(m, status, tree) {
  const box = byId('graph-box');
  const family = familyOf(m);
  if (!family || tree == null) {
    const text = isBusy(status) ? 'The family tree appears when the model is ready.' : 'This model is not in a family.';
    if (drawnFor !== text) { setHtml(box, html`<div class="graph-empty">${text}</div>`); drawnFor = text; }
    return;
  }
  if (tree instanceof Error) {
    showError(box, tree, 'Could not load the family tree');
    drawnFor = null;
    return;
  }
  const key = JSON.stringify(tree);
  if (key === drawnFor) return;
  drawnFor = key;
  if (!tree.nodes.length) {
    setHtml(box, html`<div class="graph-empty">The family has no members yet.</div>`);
    return;
  }
  setHtml(box, html`<div class="graph" id="graph" role="img" aria-label="Family tree of ${m.name}: ${tree.nodes.length} models. The same links are listed under Lineage and on the family page."></div>
    <div class="graph-foot muted"><a href="${familyUrl(family.id)}">Open the family page</a> · click a model in the tree to open it · drag to pan, scroll to zoom</div>`);
  drawFamilyGraph(byId('graph'), tree, m.id);
  renderEdgeLegend(byId('edge-legend'), tree);
}

async function refresh() {
  let m;
  try {
    m = await fetchModel(id);
  } catch (e) {
    byId('model-view').hidden = true;
    showError(byId('model-error'), e, e.status === 404 ? 'No such model' : 'Could not load the model');
    if (![400, 401, 403, 404].includes(e.status)) setTimeout(refresh, POLL_MS * 3);
    return;
  }
  const tree = await loadTree(m); // first, so that the family can be called after its root
  byId('model-error').innerHTML = '';
  const status = statusOf(m);
  document.title = `${m.name} — Model Heritage`;
  byId('model-name').textContent = m.name;
  setHtml(byId('model-status'), statusBadge(status));
  byId('model-description').textContent = m.description || '';
  byId('model-description').hidden = !m.description;
  setHtml(byId('model-family'), familyBadge(familyOf(m)));
  renderBanner(m, status);
  renderSpecs(m);
  renderLineage(m, status);
  renderTimeline(m, status);
  byId('model-view').hidden = false;
  renderGraph(m, status, tree);
  byId('model-view').dataset.status = status;
  if (isBusy(status)) setTimeout(refresh, POLL_MS);
}

// Admins only (the button is hidden from other roles): remove the model, then go to the catalog.
byId('delete-model').addEventListener('click', async () => {
  const name = byId('model-name').textContent;
  if (!window.confirm(`Delete ${name}? Its family's lineage is recomputed without it.`)) return;
  try {
    const response = await fetch(`api/models/${encodeURIComponent(id)}`, { method: 'DELETE', headers: authHeaders({ Accept: 'application/json' }) });
    if (response.ok) {
      window.location.href = 'models.html';
      return;
    }
    const text = await response.text();
    let body = null;
    try { body = JSON.parse(text); } catch (e) { body = null; }
    const message = accessMessage(response.status, errorMessage(body, text, response.status), response.headers.get('Retry-After'));
    showError(byId('model-error'), new ApiError(response.status, message, body), 'Could not delete the model');
  } catch (e) {
    showError(byId('model-error'), 'The server cannot be reached. Is it running?', 'Could not delete the model');
  }
});

if (!id) {
  showError(byId('model-error'), 'Open a model from the catalog: this page needs ?id=…', 'No model chosen');
} else {
  refresh();
}
