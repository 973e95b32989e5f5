// Home page: live totals from /api/stats.

import { fetchStats, formatCount, formatInteger, formatRelative, formatDate, html, modelUrl, setHtml, showError, parseDate } from './api.js';

const byId = (id) => document.getElementById(id);

function number(...candidates) {
  for (const c of candidates) {
    if (typeof c === 'number') return c;
    if (c && typeof c === 'object' && typeof c.total === 'number') return c.total;
    if (c && typeof c === 'object' && typeof c.count === 'number') return c.count;
  }
  return null;
}

async function load() {
  let stats;
  try {
    stats = await fetchStats();
  } catch (e) {
    showError(byId('stats-error'), e, 'Could not load the totals');
    return;
  }
  stats = stats || {};
  const models = number(stats.models, stats.model_count, stats.total_models);
  const families = number(stats.families, stats.family_count, stats.total_families);
  const parameters = number(stats.parameters, stats.total_parameters, stats.parameter_count);
  byId('stat-models').textContent = models == null ? '—' : formatInteger(models);
  byId('stat-families').textContent = families == null ? '—' : formatInteger(families);
  byId('stat-parameters').textContent = parameters == null ? '—' : formatCount(parameters);
  if (parameters != null) byId('stat-parameters').title = `${formatInteger(parameters)} parameters`;

  const byStatus = stats.by_status || stats.statuses || {};
  const parts = ['ready', 'processing', 'pending', 'failed']
    .filter((s) => byStatus[s])
    .map((s) => `${formatInteger(byStatus[s])} ${s}`);
  byId('stat-models-sub').textContent = parts.length ? parts.join(' · ') : (models ? '' : 'the lake is empty');

  const byFormat = stats.by_format || stats.formats || {};
  const formats = Object.entries(byFormat).filter(([, n]) => n).sort((a, b) => b[1] - a[1]).map(([f, n]) => `${n} ${f}`);
  byId('stat-formats').textContent = formats.length ? `in ${formats.join(', ')}` : 'across all models';

  const last = stats.last_upload ?? stats.last_upload_at ?? null;
  const lastAt = last && typeof last === 'object' ? (last.created_at ?? last.uploaded_at ?? last.at) : last;
  const lastDate = parseDate(lastAt);
  if (lastDate) {
    byId('stat-last').textContent = formatRelative(lastDate);
    byId('stat-last').title = formatDate(lastDate);
    if (last && typeof last === 'object' && last.id != null) {
      setHtml(byId('stat-last-sub'), html`<a href="${modelUrl(last.id)}">${last.name || 'open the model'}</a>`);
    } else {
      byId('stat-last-sub').textContent = formatDate(lastDate);
    }
  } else {
    byId('stat-last').textContent = 'never';
    setHtml(byId('stat-last-sub'), html`<a href="add.html" data-needs="upload">upload the first model</a>`);
  }
}

load();
