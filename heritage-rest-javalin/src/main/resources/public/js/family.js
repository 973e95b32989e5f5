// Family page: the whole tree, its root, its members and the export links. Without ?id= it
// lists every family.

import {
  ICONS, familyColor, familyLabel, fetchFamilies, fetchFamilyModels, fetchFamilyTree, fetchModels, shortId, formatConfidence, formatCount,
  formatInteger, html, kindBadge, modelUrl, familyUrl, queryParam, raw, readTree, setHtml, showError, statusBadge, statusOf,
  treeExportUrl,
} from './api.js';
import { drawFamilyGraph, renderEdgeLegend } from './graph.js';

const byId = (id) => document.getElementById(id);
const id = queryParam('id');

async function showFamily() {
  let tree; let members; let familyName = null;
  try {
    const [treeBody, membersBody] = await Promise.all([fetchFamilyTree(id), fetchFamilyModels(id).catch(() => null)]);
    tree = readTree(treeBody);
    members = membersBody;
    const f = treeBody && treeBody.family;
    familyName = (treeBody && typeof treeBody.name === 'string' && treeBody.name) || (f && typeof f === 'object' && f.name) || null;
  } catch (e) {
    showError(byId('family-error'), e, e.status === 404 ? 'No such family' : 'Could not load the family');
    return;
  }
  const byNodeId = new Map(tree.nodes.map((n) => [n.id, n]));
  // The members list, when the API gives it, carries the full model; the tree nodes are the fallback.
  const rows = (members && members.length ? members : tree.nodes).map((m) => ({ ...byNodeId.get(String(m.id)), ...m, id: String(m.id) }));
  for (const r of rows) if (!byNodeId.has(r.id)) byNodeId.set(r.id, r);
  // a child's incoming edges, heaviest first: one, or one per parent for a merge
  const parentsOf = new Map();
  for (const e of tree.edges) {
    if (!parentsOf.has(e.to)) parentsOf.set(e.to, []);
    parentsOf.get(e.to).push(e);
  }
  for (const list of parentsOf.values()) {
    list.sort((a, b) => b.weight - a.weight || (b.confidence ?? 0) - (a.confidence ?? 0) || (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  }
  const root = tree.rootId ? byNodeId.get(tree.rootId) : null;

  const name = familyLabel({ id, name: familyName, root_id: tree.rootId });
  document.title = `${name} — Model Heritage`;
  byId('family-name').textContent = name;
  setHtml(byId('family-count'), html`<span class="badge badge-neutral">${rows.length} ${rows.length === 1 ? 'model' : 'models'}</span>`);
  setHtml(byId('family-root'), root
    ? html`Root (base model): <a href="${modelUrl(root.id)}" id="family-root-link">${root.name}</a>`
    : html`No root found yet.`);
  setHtml(byId('exports'), html`<span class="muted" style="align-self:center;font-size:.85rem">Export tree:</span>
    ${[['json', 'JSON'], ['graphml', 'GraphML'], ['dot', 'DOT']].map(([fmt, label]) =>
      html`<a class="btn btn-secondary btn-sm" href="${treeExportUrl(id, fmt)}" download="family-${id}.${fmt}" data-format="${fmt}">${label}</a>`)}`);

  const sorted = [...rows].sort((a, b) => String(a.name).localeCompare(String(b.name), undefined, { numeric: true }));
  setHtml(byId('members').querySelector('tbody'), sorted.map((m) => {
    const edges = (parentsOf.get(m.id) || []).filter((e) => byNodeId.has(e.from));
    const edge = edges[0] || null; // the main parent
    const parentCell = edges.length
      ? html`<span class="parent-links">${edges.map((e) => html`<span class="parent-link" data-kind="${e.kind}"><a href="${modelUrl(e.from)}">${byNodeId.get(e.from).name}</a> ${kindBadge(e)}${e.confidence != null ? html` <span class="muted show-sm">${formatConfidence(e.confidence)}</span>` : ''}</span>`)}</span>`
      : html`<span class="muted">—</span>`;
    return html`<tr data-model-id="${m.id}">
      <td><a href="${modelUrl(m.id)}">${m.name}</a>${m.id === tree.rootId ? raw(' <span class="badge badge-root">root</span>') : ''}</td>
      <td class="parent-cell">${parentCell}</td>
      <td class="num hide-sm">${edge && edge.confidence != null
    ? html`<span class="parent-links">${edges.map((e) => html`<span>${e.confidence != null ? formatConfidence(e.confidence) : '—'}</span>`)}</span>`
    : html`<span class="muted">—</span>`}</td>
      <td class="num hide-sm">${m.parameter_count != null ? formatCount(m.parameter_count) : '—'}</td>
      <td class="hide-sm">${statusBadge(statusOf(m))}</td></tr>`;
  }));

  const box = byId('graph-box');
  byId('family-view').hidden = false;
  if (!tree.nodes.length) {
    setHtml(box, html`<div class="graph-empty">This family has no members.</div>`);
    return;
  }
  setHtml(box, html`<div class="graph" id="graph" role="img" aria-label="Family tree: ${tree.nodes.length} models. The same links are listed in the Members table."></div>`);
  drawFamilyGraph(byId('graph'), tree, null);
  renderEdgeLegend(byId('edge-legend'), tree);
}

async function showFamilies() {
  let families;
  let models;
  try {
    [families, models] = await Promise.all([fetchFamilies(), fetchModels('')]);
  } catch (e) {
    showError(byId('family-error'), e, 'Could not load the families');
    return;
  }
  const byModelId = new Map(models.map((m) => [String(m.id), m]));
  byId('family-list-view').hidden = false;
  if (!families.length) {
    setHtml(byId('family-empty'), html`<div class="card empty-state">${raw(ICONS.empty)}<h2>No families yet</h2>
      <p>Families appear as soon as models are processed.</p><a class="btn btn-primary" href="add.html" data-needs="upload">Upload a model</a></div>`);
    return;
  }
  const sorted = [...families].sort((a, b) => familyLabel(a).localeCompare(familyLabel(b), undefined, { numeric: true }));
  setHtml(byId('family-list'), sorted.map((f) => {
    const count = f.member_count ?? f.model_count ?? models.filter((m) => String(m.family_id) === String(f.id)).length;
    const root = f.root_id != null ? byModelId.get(String(f.root_id)) : null;
    return html`<li class="card model-card" data-family-id="${f.id}">
      <div class="top"><h3><a href="${familyUrl(f.id)}">${familyLabel(f)}</a></h3>
        <span class="badge badge-neutral">${formatInteger(count)} ${count === 1 ? 'model' : 'models'}</span></div>
      <div class="metrics">${root ? html`<span>root <a href="${modelUrl(root.id)}" class="raise"><strong>${root.name}</strong></a></span>` : ''}${root && root.parameter_count != null ? html`<span><strong>${formatCount(root.parameter_count)}</strong> params</span>` : ''}</div>
      ${f.structural_hash ? html`<div class="bottom"><span title="structural hash: ${f.structural_hash}">structure <span class="mono">${shortId(String(f.structural_hash).replace(/^sha256:/, ''))}</span></span></div>` : ''}
    </li>`;
  }));
}

if (id) showFamily(); else showFamilies();
