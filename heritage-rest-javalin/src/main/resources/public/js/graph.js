// Draws a family tree as an interactive directed graph with vis-network (loaded as a WebJar by
// the page: window.vis). Each node opens its model page; edges carry the confidence of the link
// and are styled by kind (EDGE_KINDS); a merge has one edge per parent, thicker with its weight.

import { EDGE_KINDS, formatConfidence, formatCount, formatWeight, html, modelUrl, setHtml } from './api.js';

const COLORS = {
  node: { background: '#ffffff', border: '#9aa6c4', highlight: { background: '#eceffe', border: '#3b4fd8' }, hover: { background: '#f3f5ff', border: '#3b4fd8' } },
  current: { background: '#3b4fd8', border: '#23309a', highlight: { background: '#2f40b8', border: '#1b2680' }, hover: { background: '#2f40b8', border: '#1b2680' } },
  root: { background: '#f7f1ff', border: '#7b2fb0', highlight: { background: '#efe3fd', border: '#6b2fb3' }, hover: { background: '#efe3fd', border: '#6b2fb3' } },
  failed: { background: '#fdecea', border: '#b42318', highlight: { background: '#fbd9d5', border: '#b42318' }, hover: { background: '#fbd9d5', border: '#b42318' } },
};

const FONT_FACE = 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif';
const NODE_HEIGHT = 42; // a box of 14px text with 8px margins
const LEVEL_GAP_UD = 110; // between levels drawn top-down: room for the edge labels between the boxes
const LEVEL_GAP_UD_NARROW = 92; // the same on a phone, where height is scarcer
const ROW_GAP_LR = 58; // between siblings drawn left to right
const EDGE_ROOM_LR = 72; // between a level's widest box and the next level drawn left to right: an edge label
const PAD = 40; // the margin fit() leaves around the drawing
const READABLE_SCALE = 0.75; // below this the names on the canvas get hard to read
const MANY_NODES = 80; // beyond this the tree is an overview to zoom into, not something to read at once

/** A box's width for a label of 14px system-ui: about 7.4px a character, 31px of margins and border. */
function boxWidth(label) {
  return Math.min(320, 7.5 * Math.max(2, label.length) + 34);
}

/**
 * Draws `tree` ({nodes, edges, rootId} from readTree) into `container`, highlighting `currentId`.
 * Returns the vis Network, or null when there is nothing to draw.
 *
 * The names must stay readable at the panel's width: the tree is laid out top-down and, when that
 * has to be shrunk below READABLE_SCALE to fit, also left to right (a wide star reads down a
 * phone), then with the start every member's name shares left out (a wide tree on a phone); the
 * layout drawn at the largest scale wins, top-down and whole names first. The panel is made as
 * tall as the winner needs, within a share of the window that leaves room to scroll past it.
 */
export function drawFamilyGraph(container, tree, currentId = null) {
  if (!window.vis || !window.vis.Network) {
    throw new Error('The graph library (vis-network) did not load.');
  }
  const whole = new Map(tree.nodes.map((n) => [n.id, String(n.name ?? '')]));
  const width = Math.max(240, container.clientWidth || 0);
  const narrow = width < 560;
  const minHeight = narrow ? 300 : 360;
  const maxHeight = Math.max(minHeight, Math.round((window.innerHeight || 800) * (narrow ? 0.75 : 0.8)));
  const tries = [{ labels: whole, direction: 'UD' }, { labels: whole, direction: 'LR' }];
  const shorter = elideSharedPrefix(tree, whole);
  if (shorter) tries.push({ labels: shorter, direction: 'UD' }, { labels: shorter, direction: 'LR' });
  // a large family is drawn top-down as an overview in the stylesheet's panel, without measuring
  let chosen = tree.nodes.length > MANY_NODES ? { labels: whole, direction: 'UD', height: null } : null;
  for (const t of chosen ? [] : tries) {
    // measure each layout as vis-network places it (positions exist once it is built, before drawing)
    const network = buildNetwork(container, tree, currentId, t.labels, t.direction, narrow);
    const extent = layoutExtent(network, t.labels);
    network.destroy();
    t.scale = Math.min(1, width / (extent.width + PAD), (maxHeight - PAD) / (extent.height + PAD));
    t.height = Math.round(Math.min(maxHeight, Math.max(minHeight, extent.height * t.scale + 2 * PAD)));
    if (chosen == null || t.scale > chosen.scale * 1.1) chosen = t;
    if (chosen.scale >= READABLE_SCALE) break;
  }
  if (chosen.height != null) container.style.height = `${chosen.height}px`;
  const network = buildNetwork(container, tree, currentId, chosen.labels, chosen.direction, narrow);
  container.dataset.direction = chosen.direction;
  network.on('click', (params) => {
    if (params.nodes && params.nodes.length === 1) {
      window.location.href = modelUrl(params.nodes[0]);
    }
  });
  network.on('hoverNode', () => { container.style.cursor = 'pointer'; });
  network.on('blurNode', () => { container.style.cursor = ''; });
  network.once('afterDrawing', () => {
    network.fit({ animation: false });
    // A small family would otherwise be blown up to fill the whole panel.
    if (network.getScale() > 1.1) network.moveTo({ scale: 1.1, animation: false });
    container.dataset.scale = network.getScale().toFixed(2);
    container.dataset.drawn = 'true';
  });
  container.dataset.nodeCount = String(tree.nodes.length);
  container.dataset.edgeCount = String(tree.edges.length);
  window.heritageGraph = network;
  return network;
}

/** The size of a built network's drawing: node centres and the boxes around them. */
function layoutExtent(network, labels) {
  const positions = network.getPositions();
  let minX = Infinity; let maxX = -Infinity; let minY = Infinity; let maxY = -Infinity;
  for (const [id, p] of Object.entries(positions)) {
    const half = boxWidth(labels.get(id) ?? '') / 2;
    minX = Math.min(minX, p.x - half);
    maxX = Math.max(maxX, p.x + half);
    minY = Math.min(minY, p.y - NODE_HEIGHT / 2);
    maxY = Math.max(maxY, p.y + NODE_HEIGHT / 2);
  }
  return Number.isFinite(minX) ? { width: maxX - minX, height: maxY - minY } : { width: 0, height: 0 };
}

/**
 * A vis Network of `tree` in `container` (emptied first), its boxes labelled by `labels`, laid out
 * towards `direction`, its levels closer together when `narrow`.
 */
function buildNetwork(container, tree, currentId, labels, direction, narrow) {
  const widest = Math.max(...[...labels.values()].map(boxWidth));
  const nodes = tree.nodes.map((n) => {
    const isCurrent = currentId != null && n.id === String(currentId);
    const isRoot = n.id === tree.rootId;
    const color = isCurrent ? COLORS.current : n.status === 'failed' ? COLORS.failed : isRoot ? COLORS.root : COLORS.node;
    const tip = [n.name, isRoot ? 'root of the family' : null, n.parameter_count != null ? `${formatCount(n.parameter_count)} parameters` : null,
      n.status ? `status: ${n.status}` : null, 'click to open'].filter(Boolean).join('\n');
    return {
      id: n.id,
      label: labels.get(n.id),
      title: tip,
      color,
      borderWidth: isCurrent || isRoot ? 2.5 : 1.5,
      font: { color: isCurrent ? '#ffffff' : '#1b2233', size: 14, face: FONT_FACE, bold: isCurrent ? { color: '#ffffff' } : undefined },
      shape: 'box',
      margin: { top: 8, right: 12, bottom: 8, left: 12 },
      shapeProperties: { borderRadius: 6 },
    };
  });
  const edges = tree.edges.map((e, i) => {
    const style = EDGE_KINDS[e.kind] || EDGE_KINDS['fine-tune'];
    const merge = e.kind === 'merge';
    const kindText = e.kind === 'fine-tune' ? null : merge ? `merge ${formatWeight(e.weight)}` : e.kind;
    return {
      id: `e${i}`,
      from: e.from,
      to: e.to,
      kind: e.kind,
      weight: e.weight,
      // a merge's label is its weight (its confidence is in the tooltip): two labels meet at the child
      label: merge ? kindText : [kindText, e.confidence != null ? formatConfidence(e.confidence) : null].filter(Boolean).join(' · ') || undefined,
      title: [style.title + (merge ? `, weight ${formatWeight(e.weight)}` : ''),
        e.confidence != null ? `confidence ${formatConfidence(e.confidence)}` : null].filter(Boolean).join(', '),
      dashes: style.dashes,
      color: { color: style.color, highlight: '#3b4fd8', hover: '#3b4fd8' },
      width: merge ? 1.5 + 2.5 * e.weight : 1.5,
      // copies of the same weights: which came first the weights cannot tell, so no arrowhead
      arrows: e.kind === 'duplicate' ? { to: { enabled: false } } : undefined,
      font: { color: e.kind === 'fine-tune' ? '#556079' : style.color },
    };
  });

  const data = { nodes: new window.vis.DataSet(nodes), edges: new window.vis.DataSet(edges) };
  const across = direction === 'LR';
  const options = {
    autoResize: true,
    layout: {
      hierarchical: {
        enabled: true,
        direction,
        sortMethod: 'directed',
        shakeTowards: 'roots',
        levelSeparation: across ? Math.round(widest + EDGE_ROOM_LR) : narrow ? LEVEL_GAP_UD_NARROW : LEVEL_GAP_UD,
        nodeSpacing: across ? ROW_GAP_LR : Math.round(widest + 24),
        treeSpacing: across ? 2 * ROW_GAP_LR : Math.round(widest + 60),
      },
    },
    physics: false,
    interaction: { hover: true, navigationButtons: false, keyboard: false, tooltipDelay: 150, zoomView: true, dragView: true },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.6 } },
      color: { color: '#9aa6c4', highlight: '#3b4fd8', hover: '#3b4fd8' },
      width: 1.5,
      smooth: { enabled: true, type: 'cubicBezier', forceDirection: across ? 'horizontal' : 'vertical', roundness: 0.45 },
      font: { size: 12, color: '#556079', strokeWidth: 0, background: '#ffffff', align: 'horizontal', face: FONT_FACE },
    },
  };
  container.innerHTML = '';
  return new window.vis.Network(container, data, options);
}

/**
 * Labels without the start every member's name shares up to a separator (`star-b0-c3` becomes
 * `…c3` beside the root's `star-b0`), the root keeping its whole name; null when nothing
 * worth dropping is shared. The tooltips and the member list keep the whole names.
 */
function elideSharedPrefix(tree, labels) {
  const names = [...labels].filter(([id]) => id !== tree.rootId).map(([, label]) => label);
  if (names.length < 2) return null;
  let prefix = names.reduce((a, b) => {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return a.slice(0, i);
  });
  // cut after the last separator, so that a name is never split inside a word or number
  const cut = Math.max(...['-', '_', '.', '/', ' '].map((c) => prefix.lastIndexOf(c)));
  prefix = cut >= 0 ? prefix.slice(0, cut + 1) : '';
  if (prefix.length < 4) return null;
  const out = new Map();
  for (const [id, label] of labels) {
    out.set(id, id === tree.rootId || label.length === prefix.length ? label : `…${label.slice(prefix.length)}`);
  }
  return out;
}

/** A line sample per edge kind present in `tree`, in EDGE_KINDS order, into `element` (if any). */
export function renderEdgeLegend(element, tree) {
  if (!element) return;
  const present = new Set(tree.edges.map((e) => e.kind));
  const kinds = Object.keys(EDGE_KINDS).filter((k) => present.has(k));
  setHtml(element, kinds.map((k) => {
    const style = EDGE_KINDS[k];
    const dash = style.dashes ? style.dashes.join(' ') : 'none';
    const width = k === 'merge' ? 3 : 2;
    return html`<span class="edge-key" data-kind="${k}" title="${style.title}"><svg width="26" height="8" viewBox="0 0 26 8" aria-hidden="true"><line x1="1" y1="4" x2="25" y2="4" stroke="${style.color}" stroke-width="${width}" stroke-dasharray="${dash}"/></svg>${k === 'merge' ? 'merge (weight)' : k}</span>`;
  }));
  element.hidden = kinds.length === 0;
}
