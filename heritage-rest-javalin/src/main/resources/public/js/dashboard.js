// Dashboard: charts of the lake from /api/stats/charts, drawn with Apache ECharts (a WebJar).
// Every chart is decoration over a summary line and a table holding the same numbers: the
// canvases are aria-hidden, the tables are what screen readers and narrow phones read.

import * as echarts from '../webjars/echarts/5.3.1/dist/echarts.esm.min.js';
import { getJson, formatBytes, formatCount, formatInteger, html, setHtml, showError, familyUrl, modelUrl, shortId } from './api.js';

const byId = (id) => document.getElementById(id);

// Okabe–Ito: told apart with the common colour-vision deficiencies; the bars also carry decal patterns.
const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#F0E442', '#000000'];
const STATUS_COLOURS = { ready: '#009E73', processing: '#0072B2', pending: '#E69F00', failed: '#D55E00' };
const KIND_COLOURS = { 'fine-tune': '#0072B2', duplicate: '#56B4E9', quantized: '#E69F00', adapter: '#009E73', resize: '#CC79A7', merge: '#D55E00' };

const charts = [];

function chart(id, option) {
  const el = byId(id);
  const c = echarts.init(el, null, { renderer: 'canvas' });
  c.setOption({
    aria: { enabled: true, decal: { show: true } },
    color: OKABE_ITO,
    textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
    // drawn at once: a chart that grows for a second reads as empty to whoever looks at it then
    animation: false,
    tooltip: { trigger: 'axis', confine: true },
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    ...option,
  });
  charts.push(c);
  el.dataset.drawn = 'true';
}

const plural = (n, one, many = `${one}s`) => `${formatInteger(n)} ${n === 1 ? one : many}`;
const sum = (values) => values.reduce((a, b) => a + b, 0);

function table(id, headers, rows) {
  setHtml(byId(id), html`<thead><tr>${headers.map((h, i) => html`<th scope="col" class="${i ? 'num' : ''}">${h}</th>`)}</tr></thead>
    <tbody>${rows.map((r) => html`<tr>${r.map((cell, i) => (i === 0
      ? html`<th scope="row">${cell}</th>`
      : html`<td class="num">${typeof cell === 'number' ? formatInteger(cell) : cell}</td>`))}</tr>`)}</tbody>`);
}

function uploads(s) {
  const days = s.uploads_by_day;
  const statuses = Object.keys(days[0].cumulative);
  const last = days[days.length - 1];
  byId('uploads-summary').textContent = `${plural(last.cumulative_total, 'model')} uploaded over ${plural(days.length, 'day')}, `
    + `from ${days[0].day} to ${last.day}; now ${statuses.map((st) => `${formatInteger(last.cumulative[st])} ${st}`).join(', ')}.`;
  // a stacked area needs a few days to read as growth; before that, stacked bars
  const area = days.length >= 3;
  chart('chart-uploads', {
    legend: { top: 0, type: 'scroll' },
    xAxis: { type: 'category', boundaryGap: !area, data: days.map((d) => d.day) },
    yAxis: { type: 'value', minInterval: 1 },
    series: statuses.map((st) => ({
      name: st, type: area ? 'line' : 'bar', stack: 'total', barMaxWidth: 64,
      ...(area ? { areaStyle: { opacity: 0.55 }, symbol: 'none' } : {}),
      color: STATUS_COLOURS[st], data: days.map((d) => d.cumulative[st]),
    })),
  });
  table('table-uploads', ['Day', ...statuses, 'Total'],
    days.map((d) => [d.day, ...statuses.map((st) => d.cumulative[st]), d.cumulative_total]));
}

function bars(id, labels, values, colours, horizontal = false) {
  const category = { type: 'category', data: labels, axisLabel: { interval: 0, hideOverlap: true } };
  const value = { type: 'value', minInterval: 1 };
  chart(id, {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? { ...category, inverse: true, axisLabel: { width: 120, overflow: 'truncate' } } : value,
    series: [{ type: 'bar', data: values.map((v, i) => (colours ? { value: v, itemStyle: { color: colours[i] } } : v)), barMaxWidth: 48 }],
  });
}

function formats(s) {
  const entries = Object.entries(s.by_format).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  byId('formats-summary').textContent = entries.map(([f, n]) => `${formatInteger(n)} ${f}`).join(', ') + '.';
  bars('chart-formats', entries.map(([f]) => f), entries.map(([, n]) => n), entries.map((_, i) => OKABE_ITO[i % OKABE_ITO.length]));
  table('table-formats', ['Format', 'Models'], entries);
}

function familySizes(s) {
  const sizes = s.family_sizes;
  const families = sum(sizes.map((x) => x.families));
  byId('family-sizes-summary').textContent = families
    ? `${plural(families, 'family', 'families')}; ${sizes.map((x) => `${plural(x.families, 'family', 'families')} of ${plural(x.models, 'model')}`).join(', ')}.`
    : 'No families yet: models join one once they are processed.';
  bars('chart-family-sizes', sizes.map((x) => plural(x.models, 'model')), sizes.map((x) => x.families), null);
  table('table-family-sizes', ['Models in the family', 'Families'], sizes.map((x) => [formatInteger(x.models), x.families]));
}

function largest(s) {
  const list = s.largest_families;
  const name = (f) => (f.root_name ? `${f.root_name}’s family` : `family ${shortId(f.id)}`);
  byId('largest-summary').textContent = list.length
    ? `The ${plural(list.length, 'largest family', 'largest families')} by models; ${formatCount(s.total_parameters)} parameters in the whole lake.`
    : 'No families yet.';
  bars('chart-largest', list.map(name), list.map((f) => f.models), list.map((_, i) => OKABE_ITO[i % OKABE_ITO.length]), true);
  byId('chart-largest').style.height = `${Math.max(160, 40 + 34 * list.length)}px`;
  charts[charts.length - 1].resize();
  setHtml(byId('table-largest'), html`<thead><tr><th scope="col">Family</th><th scope="col" class="hide-sm">Root</th><th scope="col" class="num">Models</th><th scope="col" class="num">Parameters</th><th scope="col" class="num">Size</th></tr></thead>
    <tbody>${list.map((f) => html`<tr data-family="${f.id}"><th scope="row"><a href="${familyUrl(f.id)}">${name(f)}</a></th>
      <td class="hide-sm">${f.root_id ? html`<a href="${modelUrl(f.root_id)}">${f.root_name || shortId(f.root_id)}</a>` : '—'}</td>
      <td class="num">${formatInteger(f.models)}</td><td class="num" title="${formatInteger(f.parameters)} parameters">${formatInteger(f.parameters)}</td>
      <td class="num" title="${formatInteger(f.bytes)} bytes">${formatBytes(f.bytes)}</td></tr>`)}</tbody>`);
}

function kinds(s) {
  const entries = Object.entries(s.edges_by_kind);
  const total = sum(entries.map(([, n]) => n));
  byId('kinds-summary').textContent = total
    ? `${plural(total, 'edge')}: ${entries.filter(([, n]) => n).map(([k, n]) => `${formatInteger(n)} ${k}`).join(', ')}.`
    : 'No lineage edges yet.';
  bars('chart-kinds', entries.map(([k]) => k), entries.map(([, n]) => n), entries.map(([k]) => KIND_COLOURS[k] || '#000000'));
  table('table-kinds', ['Kind', 'Edges'], entries);
}

function confidence(s) {
  const bins = s.edge_confidence;
  const label = (b) => `${b.from.toFixed(1)}–${b.to.toFixed(1)}`;
  const total = sum(bins.map((b) => b.edges));
  const sure = sum(bins.filter((b) => b.from >= 0.8).map((b) => b.edges));
  byId('confidence-summary').textContent = total
    ? `${plural(total, 'edge')}; ${formatInteger(sure)} with confidence 0.8 or more.`
    : 'No lineage edges yet.';
  bars('chart-confidence', bins.map(label), bins.map((b) => b.edges), bins.map(() => '#0072B2'));
  table('table-confidence', ['Confidence', 'Edges'], bins.map((b) => [label(b), b.edges]));
}

async function load() {
  let s;
  try {
    s = await getJson('api/stats/charts');
  } catch (e) {
    byId('dashboard-loading').hidden = true;
    showError(byId('dashboard-error'), e, 'Could not load the dashboard');
    return;
  }
  byId('dashboard-loading').hidden = true;
  const models = s.uploads_by_day.length ? s.uploads_by_day[s.uploads_by_day.length - 1].cumulative_total : 0;
  if (!models) {
    byId('empty-dashboard').hidden = false;
    document.body.dataset.drawn = 'empty';
    return;
  }
  byId('dashboard').hidden = false;
  byId('dash-models').textContent = formatInteger(models);
  byId('dash-parameters').textContent = formatCount(s.total_parameters);
  byId('dash-parameters').title = `${formatInteger(s.total_parameters)} parameters`;
  byId('dash-bytes').textContent = `${formatBytes(s.total_bytes)} of weights`;
  byId('dash-pending').textContent = formatInteger(s.queue.pending);
  byId('dash-processing').textContent = formatInteger(s.queue.processing);
  uploads(s);
  formats(s);
  familySizes(s);
  largest(s);
  kinds(s);
  confidence(s);
  window.addEventListener('resize', () => charts.forEach((c) => c.resize()));
  document.body.dataset.drawn = 'true';
}

load();
