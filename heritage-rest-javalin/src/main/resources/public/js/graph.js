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

/**
 * Draws `tree` ({nodes, edges, rootId} from readTree) into `container`, highlighting `currentId`.
 * Returns the vis Network, or null when there is nothing to draw.
 */
export function drawFamilyGraph(container, tree, currentId = null) {
  if (!window.vis || !window.vis.Network) {
    throw new Error('The graph library (vis-network) did not load.');
  }
  const narrow = container.clientWidth < 560;
  const nodes = tree.nodes.map((n) => {
    const isCurrent = currentId != null && n.id === String(currentId);
    const isRoot = n.id === tree.rootId;
    const color = isCurrent ? COLORS.current : n.status === 'failed' ? COLORS.failed : isRoot ? COLORS.root : COLORS.node;
    const tip = [n.name, isRoot ? 'root of the family' : null, n.parameter_count != null ? `${formatCount(n.parameter_count)} parameters` : null,
      n.status ? `status: ${n.status}` : null, 'click to open'].filter(Boolean).join('\n');
    return {
      id: n.id,
      label: n.name,
      title: tip,
      color,
      borderWidth: isCurrent || isRoot ? 2.5 : 1.5,
      font: { color: isCurrent ? '#ffffff' : '#1b2233', size: 14, face: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif', bold: isCurrent ? { color: '#ffffff' } : undefined },
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
  const options = {
    autoResize: true,
    layout: {
      hierarchical: {
        enabled: true,
        direction: narrow ? 'LR' : 'UD',
        sortMethod: 'directed',
        shakeTowards: 'roots',
        levelSeparation: narrow ? 150 : 110,
        nodeSpacing: narrow ? 60 : 170,
        treeSpacing: 120,
      },
    },
    physics: false,
    interaction: { hover: true, navigationButtons: false, keyboard: false, tooltipDelay: 150, zoomView: true, dragView: true },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.6 } },
      color: { color: '#9aa6c4', highlight: '#3b4fd8', hover: '#3b4fd8' },
      width: 1.5,
      smooth: { enabled: true, type: 'cubicBezier', forceDirection: narrow ? 'horizontal' : 'vertical', roundness: 0.45 },
      font: { size: 12, color: '#556079', strokeWidth: 0, background: '#ffffff', align: 'horizontal', face: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif' },
    },
  };

  container.innerHTML = '';
  const network = new window.vis.Network(container, data, options);
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
    container.dataset.drawn = 'true';
  });
  container.dataset.nodeCount = String(nodes.length);
  container.dataset.edgeCount = String(edges.length);
  window.heritageGraph = network;
  return network;
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
