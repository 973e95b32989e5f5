// Compare page: /api/compare?a=&b= as a summary, a layer x module heatmap of the relative change
// (Apache ECharts, the dashboard's WebJar; decoration over the table, which holds every number)
// and a table of every tensor, sortable by any column.

import * as echarts from '/webjars/echarts/5.3.1/dist/echarts.esm.min.js';
import { getJson, html, modelUrl, queryParam, setHtml, showError } from './api.js';

const byId = (id) => document.getElementById(id);
const a = queryParam('a');
const b = queryParam('b');

const COLUMNS = [
  { key: 'name', label: 'Tensor', text: true },
  { key: 'status', label: 'Status', text: true },
  { key: 'relative_change', label: 'Rel. change' },
  { key: 'cosine', label: 'Cosine' },
  { key: 'rank', label: 'Rank of Δ' },
  { key: 'grid', label: 'Grid', text: true },
];
let tensors = [];
let sort = { key: 'relative_change', dir: -1 };

const fmt = (v, digits = 3) => (v == null ? '—' : Number(v).toPrecision(digits));

function renderTable() {
  const col = COLUMNS.find((c) => c.key === sort.key);
  const rows = [...tensors].sort((x, y) => {
    const u = x[sort.key];
    const v = y[sort.key];
    if (u == null && v == null) return x.name.localeCompare(y.name);
    if (u == null) return 1;
    if (v == null) return -1;
    const c = col.text ? String(u).localeCompare(String(v), undefined, { numeric: true }) : u - v;
    return c !== 0 ? sort.dir * c : x.name.localeCompare(y.name);
  });
  setHtml(byId('tensor-table'), html`<thead><tr>${COLUMNS.map((c) => html`<th scope="col"${c.key === sort.key ? html` aria-sort="${sort.dir > 0 ? 'ascending' : 'descending'}"` : ''}><button type="button" class="sort" data-key="${c.key}">${c.label}</button></th>`)}</tr></thead>
    <tbody>${rows.map((t) => html`<tr data-tensor="${t.name}">
      <td class="tensor-name">${t.name}</td><td>${t.status}</td><td class="num">${fmt(t.relative_change)}</td>
      <td class="num">${fmt(t.cosine, 4)}</td><td class="num">${t.rank == null ? '—' : `${t.rank} / ${t.rank_cap}`}</td><td>${t.grid || '—'}</td></tr>`)}</tbody>`);
}

byId('tensor-table').addEventListener('click', (e) => {
  const button = e.target.closest('button.sort');
  if (!button) return;
  const key = button.dataset.key;
  sort = sort.key === key ? { key, dir: -sort.dir } : { key, dir: COLUMNS.find((c) => c.key === key).text ? 1 : -1 };
  renderTable();
  byId('tensor-table').querySelector(`button.sort[data-key="${key}"]`).focus();
});

function drawHeatmap(list) {
  const cells = list.filter((t) => t.layer != null && t.relative_change != null);
  const el = byId('heatmap');
  if (!cells.length) {
    el.hidden = true;
    byId('heatmap-note').textContent = 'No tensor of these models belongs to a numbered block.';
    return;
  }
  const layers = [...new Set(cells.map((t) => t.layer))].sort((x, y) => Number(x) - Number(y));
  const modules = [...new Set(cells.map((t) => t.module))].sort();
  const max = Math.max(...cells.map((t) => t.relative_change), 1e-12);
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
    tooltip: { confine: true, formatter: (p) => `layer ${layers[p.value[1]]}, ${modules[p.value[0]]}: ${fmt(p.value[2])}` },
    grid: { left: 8, right: 8, top: 8, bottom: 64, containLabel: true },
    xAxis: { type: 'category', data: modules, axisLabel: { rotate: 40, fontSize: 10, hideOverlap: true } },
    yAxis: { type: 'category', data: layers, name: 'layer' },
    visualMap: { min: 0, max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120,
      inRange: { color: ['#f7fbff', '#6baed6', '#08306b'] }, text: [fmt(max, 2), '0'] },
    series: [{ type: 'heatmap', data: cells.map((t) => [modules.indexOf(t.module), layers.indexOf(t.layer), t.relative_change]) }],
  });
  el.dataset.drawn = 'true';
  window.addEventListener('resize', () => chart.resize());
}

async function load() {
  if (!a || !b) {
    byId('compare-loading').hidden = true;
    showError(byId('compare-error'), new Error('Open this page with two models: compare.html?a=ID&b=ID (the "Compare with parent" link on a model page does).'), 'Nothing to compare');
    return;
  }
  try {
    const c = await getJson(`/api/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
    byId('compare-loading').hidden = true;
    setHtml(byId('compare-title'), html`<a href="${modelUrl(c.a.id)}">${c.a.name}</a> → <a href="${modelUrl(c.b.id)}">${c.b.name}</a>`);
    document.title = `${c.a.name} → ${c.b.name} — Model Heritage`;
    const s = c.summary;
    byId('compare-summary').textContent = s.text;
    const moved = (s.most_moved || []).map((l) => `layer ${l.layer} (${fmt(l.relative_change, 2)})`).join(', ');
    setHtml(byId('compare-facts'), html`<span id="fact-change">relative change ${fmt(s.relative_change)}</span>
      <span>${s.changed} of ${s.compared} tensors changed</span>${moved ? html`<span>moved most: ${moved}</span>` : ''}`);
    tensors = c.tensors || [];
    byId('compare-view').hidden = false;
    renderTable();
    const extra = [];
    if (c.added && c.added.length) extra.push(`only in ${c.b.name}: ${c.added.join(', ')}`);
    if (c.removed && c.removed.length) extra.push(`only in ${c.a.name}: ${c.removed.join(', ')}`);
    byId('added-removed').textContent = extra.join('; ');
    drawHeatmap(tensors);
  } catch (e) {
    byId('compare-loading').hidden = true;
    showError(byId('compare-error'), e, 'The models could not be compared');
  }
}

load();
