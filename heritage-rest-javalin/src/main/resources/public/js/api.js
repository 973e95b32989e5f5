// Shared helpers for every page: talking to the REST API, formatting numbers and dates, and
// building HTML safely. Every value that comes from the server (names, descriptions, error
// messages) goes through html`` or escapeHtml before it reaches innerHTML.

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

// ---------- signing in ----------

// The API token pasted on the sign-in page, kept for this browser tab's session only
// (sessionStorage: gone when the tab closes, never sent to another site).
const TOKEN_KEY = 'heritage.token';

export function storedToken() {
  try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
}

export function storeToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
  } catch (e) { /* storage disabled: the token lasts as long as the page */ }
}

/** Request headers with the stored token, if any. */
export function authHeaders(headers = {}) {
  const token = storedToken();
  return token ? { ...headers, Authorization: `Bearer ${token}` } : headers;
}

/**
 * What a refusal means for the person at the page: 401 sign in (again), 403 a role too small,
 * 429 wait; the server's own message follows.
 */
export function accessMessage(status, message, retryAfter) {
  if (status === 401) {
    return storedToken()
      ? `Your token was not accepted (${message}). Sign in again with a valid token.`
      : `Sign in with an API token to do this (${message}).`;
  }
  if (status === 403) return `Your role does not allow this: ${message}`;
  if (status === 429) {
    const wait = Number(retryAfter);
    return `Too many requests: try again in ${wait > 0 ? `${wait} s` : 'a moment'}. (${message})`;
  }
  return message;
}

/** Fetches JSON from the API; a non-2xx answer becomes an ApiError carrying the server's message. */
export async function getJson(path, options = {}) {
  let response;
  try {
    response = await fetch(path, { ...options, headers: authHeaders({ Accept: 'application/json', ...(options.headers || {}) }) });
  } catch (e) {
    throw new ApiError(0, 'The server cannot be reached. Is it running?');
  }
  const text = await response.text();
  let body = null;
  if (text) {
    try { body = JSON.parse(text); } catch (e) { body = null; }
  }
  if (!response.ok) {
    const message = errorMessage(body, text, response.status);
    throw new ApiError(response.status, accessMessage(response.status, message, response.headers.get('Retry-After')), body);
  }
  return body;
}

/** The server's own error message, as it sent it. */
export function errorMessage(body, text, status) {
  if (body && typeof body.error === 'string' && body.error) return body.error;
  if (body && typeof body.message === 'string' && body.message) return body.message;
  if (text && text.length < 500 && !text.trimStart().startsWith('<')) return text;
  return `The server answered ${status}.`;
}

/** A list out of a list answer, whether it is a bare array or an envelope such as {items: [...]}. */
export function listOf(body, ...keys) {
  if (Array.isArray(body)) return body;
  if (!body || typeof body !== 'object') return [];
  for (const key of [...keys, 'items', 'data', 'results']) {
    if (Array.isArray(body[key])) return body[key];
  }
  return [];
}

const PAGE_SIZE = 500;

/** Every model whose name contains `search` (case-insensitive, done by the server), alphabetical. */
export async function fetchModels(search = '') {
  const all = [];
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const params = new URLSearchParams();
    if (search) params.set('search', search);
    params.set('limit', String(PAGE_SIZE));
    params.set('offset', String(offset));
    const body = await getJson(`api/models?${params}`);
    const page = listOf(body, 'models');
    all.push(...page);
    const total = body && !Array.isArray(body) ? Number(body.total) : NaN;
    if (page.length < PAGE_SIZE || !(total > all.length)) break;
  }
  rememberModels(all);
  return all;
}

export const fetchModel = (id) => getJson(`api/models/${encodeURIComponent(id)}`);
const PAGE_SIZE_FAMILIES = 1000;

export async function fetchFamilies() {
  const families = listOf(await getJson(`api/families?limit=${PAGE_SIZE_FAMILIES}`), 'families');
  rememberFamilies(families);
  return families;
}
export async function fetchFamilyModels(id) {
  const models = listOf(await getJson(`api/families/${encodeURIComponent(id)}/models?limit=${PAGE_SIZE_FAMILIES}`), 'models');
  rememberModels(models);
  return models;
}
export const fetchFamilyTree = (id) => getJson(`api/families/${encodeURIComponent(id)}/tree`);
export const fetchStats = () => getJson('api/stats');

export function treeExportUrl(familyId, format) {
  return `api/families/${encodeURIComponent(familyId)}/tree?format=${encodeURIComponent(format)}`;
}

// ---------- reading model and family objects ----------

// Families have no names of their own: a family is called after its root (base) model. These
// maps remember the names and roots seen so far so that every page can label families.
const modelNames = new Map();
const familyRoots = new Map();

export function rememberModels(models) {
  for (const m of models || []) if (m && m.id != null && m.name) modelNames.set(String(m.id), m.name);
}

export function rememberFamilies(families) {
  for (const f of families || []) {
    if (f && f.id != null && f.root_id != null) familyRoots.set(String(f.id), String(f.root_id));
  }
}

/** The family a model belongs to, as {id, name, root_id}, or null while it has none. */
export function familyOf(model) {
  if (!model) return null;
  const f = model.family;
  if (f && typeof f === 'object' && f.id != null) {
    rememberFamilies([f]);
    return { id: String(f.id), name: f.name || null, root_id: f.root_id ?? null };
  }
  if (f != null && typeof f !== 'object') return { id: String(f), name: null, root_id: null };
  if (model.family_id != null) return { id: String(model.family_id), name: null, root_id: null };
  return null;
}

export function familyLabel(family) {
  if (!family) return '';
  if (family.name) return family.name;
  const root = family.root_id != null ? String(family.root_id) : familyRoots.get(String(family.id));
  const rootName = root != null ? modelNames.get(root) : null;
  return rootName ? `${rootName} family` : `Family ${shortId(family.id)}`;
}

export function shortId(id) {
  const s = String(id);
  return s.length > 10 ? s.slice(0, 8) : s;
}

/** Nodes, directed edges and root of a tree answer ({family, nodes, edges}). */
export function readTree(body) {
  const nodes = listOf(body && (body.nodes ? body.nodes : body), 'nodes').map((n) => ({
    id: String(n.id), name: n.name || String(n.id), status: n.status,
    parameter_count: n.parameter_count, root: n.root === true || n.is_root === true,
  }));
  const edges = listOf(body && body.edges ? body.edges : [], 'edges').map((e) => ({
    from: String(e.parent ?? e.parent_id ?? e.source ?? e.from),
    to: String(e.child ?? e.child_id ?? e.target ?? e.to),
    confidence: typeof e.confidence === 'number' ? e.confidence : null,
    kind: kindOf(e),
    weight: typeof e.weight === 'number' ? e.weight : 1,
    duplicate: kindOf(e) === 'duplicate',
  }));
  const family = body && body.family && typeof body.family === 'object' ? body.family : null;
  let rootId = (family && family.root_id) ?? (body && body.root_id);
  if (rootId == null) rootId = (nodes.find((n) => n.root) || {}).id;
  if (rootId == null) {
    const hasParent = new Set(edges.map((e) => e.to));
    rootId = (nodes.find((n) => !hasParent.has(n.id)) || {}).id;
  }
  rememberModels(nodes);
  if (family) rememberFamilies([family]);
  return { nodes, edges, rootId: rootId == null ? null : String(rootId), family };
}

// ---------- edge kinds ----------

/**
 * What each lineage edge kind looks like, everywhere: in the graph (colour, dash pattern) and as
 * a badge. A merge's edges are drawn solid and thicker with its weight; copies dashed,
 * quantisations dotted.
 */
export const EDGE_KINDS = {
  'fine-tune': { color: '#8390b0', dashes: false, title: 'fine-tuned from the parent' },
  duplicate: { color: '#8390b0', dashes: [7, 5], title: 'the same weights as the parent (identical, a dtype cast or renamed tensors)' },
  quantized: { color: '#0f7a5c', dashes: [2, 4], title: 'the parent quantised' },
  adapter: { color: '#7b2fb0', dashes: [12, 4], title: 'the parent with a merged low-rank adapter (LoRA)' },
  resize: { color: '#a0430a', dashes: [10, 3, 2, 3], title: 'the parent with its vocabulary resized' },
  merge: { color: '#b0205c', dashes: false, title: 'a weighted merge of several parents' },
};

/** The kind of an edge or link from the API ('fine-tune' when an older server sent none). */
export function kindOf(link) {
  if (link && typeof link.kind === 'string' && EDGE_KINDS[link.kind]) return link.kind;
  return link && link.duplicate === true ? 'duplicate' : 'fine-tune';
}

/** "0.6" -> "0.60": a merge weight as shown. */
export const formatWeight = (w) => Number(w).toFixed(2);

/** A badge naming an edge's kind, with the weight for a merge ("merge · 0.60"). */
export function kindBadge(link) {
  const kind = kindOf(link);
  const merge = kind === 'merge' && typeof link.weight === 'number';
  const title = merge ? `${EDGE_KINDS[kind].title}: this parent's weight is ${formatWeight(link.weight)}` : EDGE_KINDS[kind].title;
  return html`<span class="badge kind-badge kind-${kind}" data-kind="${kind}" title="${title}">${kind}${merge ? ` · ${formatWeight(link.weight)}` : ''}</span>`;
}

export function statusOf(model) {
  return String((model && model.status) || 'pending').toLowerCase();
}

export const isBusy = (status) => status === 'pending' || status === 'processing';

// ---------- formatting ----------

/** 86412345 -> "86.4 M"; 1234 -> "1.23 K"; 7 -> "7". */
export function formatCount(n) {
  if (n == null || Number.isNaN(Number(n))) return '—';
  n = Number(n);
  const units = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
  for (const [size, unit] of units) {
    if (Math.abs(n) >= size) return `${trimNumber(n / size)} ${unit}`;
  }
  return String(n);
}

export function formatBytes(n) {
  if (n == null || Number.isNaN(Number(n))) return '—';
  n = Number(n);
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${i === 0 ? n : trimNumber(n)} ${units[i]}`;
}

function trimNumber(x) {
  const digits = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2;
  return Number(x.toFixed(digits)).toString();
}

export function formatInteger(n) {
  if (n == null || Number.isNaN(Number(n))) return '—';
  return Number(n).toLocaleString('en-US');
}

export function parseDate(value) {
  if (value == null || value === '') return null;
  const d = typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDate(value) {
  const d = parseDate(value);
  if (!d) return '—';
  return d.toLocaleString('en-GB', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function formatRelative(value) {
  const d = parseDate(value);
  if (!d) return '';
  const seconds = Math.round((Date.now() - d.getTime()) / 1000);
  if (seconds < 45) return 'just now';
  const steps = [[60, 'minute'], [3600, 'hour'], [86400, 'day'], [2592000, 'month'], [31536000, 'year']];
  let unit = 'minute'; let size = 60;
  for (const [s, u] of steps) { if (seconds >= s) { size = s; unit = u; } }
  const n = Math.max(1, Math.round(seconds / size));
  return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
}

export function formatDuration(ms) {
  if (ms == null || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${trimNumber(s)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export function formatConfidence(c) {
  if (c == null || Number.isNaN(Number(c))) return '';
  return `${Math.round(Number(c) * 100)}%`;
}

// ---------- safe HTML ----------

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

class SafeHtml {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
}

/** Marks trusted markup (built by this code, never from server strings) as not to be escaped. */
export const raw = (text) => new SafeHtml(text);

/** Tagged template: interpolated values are escaped unless they are html``/raw() results; arrays are joined. */
export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((v, i) => { out += render(v) + strings[i + 1]; });
  return new SafeHtml(out);
}

function render(v) {
  if (v instanceof SafeHtml) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v == null || v === false) return '';
  return escapeHtml(v);
}

export function setHtml(element, content) {
  element.innerHTML = render(content);
}

export const modelUrl = (id) => `model.html?id=${encodeURIComponent(id)}`;
export const familyUrl = (id) => `family.html?id=${encodeURIComponent(id)}`;

// ---------- badges ----------

const STATUS_TEXT = { ready: 'Ready', pending: 'Pending', processing: 'Processing', failed: 'Failed' };

export function statusBadge(status) {
  const s = String(status || 'pending').toLowerCase();
  const cls = STATUS_TEXT[s] ? `status-${s}` : 'badge-neutral';
  return html`<span class="badge ${cls}" data-status="${s}"><span class="dot" aria-hidden="true"></span>${STATUS_TEXT[s] || s}</span>`;
}

/** A stable, readable colour per family so the same family looks the same everywhere. */
export function familyColor(id) {
  const palette = ['#3b4fd8', '#0f7a5c', '#a0430a', '#7b2fb0', '#b0205c', '#1f6aa5', '#5e6b00', '#8c3b3b'];
  let h = 0;
  for (const ch of String(id)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return palette[h % palette.length];
}

export function familyBadge(family, { link = true } = {}) {
  if (!family) return html`<span class="badge badge-neutral" title="Not placed in a family yet">No family yet</span>`;
  const color = familyColor(family.id);
  const icon = raw(ICONS.family);
  if (!link) return html`<span class="badge badge-family" style="color:${color}">${icon}${familyLabel(family)}</span>`;
  return html`<a class="badge badge-family" style="color:${color}" href="${familyUrl(family.id)}" title="Open the family">${icon}${familyLabel(family)}</a>`;
}

export const ICONS = {
  family: '<svg width="12" height="12" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><circle cx="12" cy="5" r="2.5"/><circle cx="5" cy="19" r="2.5"/><circle cx="19" cy="19" r="2.5"/><path d="M12 7.5v4M12 11.5 5 16.5M12 11.5l7 5"/></svg>',
  file: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/><path d="M14 3v5h5"/></svg>',
  close: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" aria-hidden="true"><path d="M6 6l12 12M18 6 6 18"/></svg>',
  alert: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><circle cx="12" cy="12" r="9"/><path d="M12 7.5v5.5M12 16.5h.01"/></svg>',
  info: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><circle cx="12" cy="12" r="9"/><path d="M12 11v5.5M12 7.5h.01"/></svg>',
  empty: '<svg viewBox="0 0 64 64" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><ellipse cx="32" cy="14" rx="20" ry="7"/><path d="M12 14v18c0 3.9 9 7 20 7s20-3.1 20-7V14"/><path d="M12 32v18c0 3.9 9 7 20 7s20-3.1 20-7V32"/><path d="M32 44v8M28 48h8" /></svg>',
};

/** Shows a page-level error in `container` with the server's message as it is. */
export function showError(container, error, title = 'Something went wrong') {
  const message = error instanceof Error ? error.message : String(error);
  setHtml(container, html`<div class="alert alert-error" role="alert">${raw(ICONS.alert)}<div><p class="title">${title}</p><p class="message">${message}</p></div></div>`);
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function queryParam(name) {
  return new URLSearchParams(window.location.search).get(name);
}
