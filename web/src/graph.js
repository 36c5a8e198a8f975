// The governance graph page: cytoscape over the filtered graph embedded in the page
// (<script id="page-data">), nodes sized by the chosen centrality and coloured by kind.
// Keyboard: Tab into the graph, arrow keys move between nodes (by position), Enter opens the
// focused node's page. The tables on the page hold the same nodes and edges.
import './common.js';
import cytoscape from 'cytoscape';

// Cytoscape adds a <style> element for its container (`position: relative`) unless an element
// with the id below exists; the server's Content-Security-Policy refuses inline styles, so the
// rule is in the server's app.css and this marker tells cytoscape not to add its own.
const CYTOSCAPE_STYLESHEET_ID = '__________cytoscape_stylesheet';
if (!document.getElementById(CYTOSCAPE_STYLESHEET_ID)) {
  const marker = document.createElement('meta');
  marker.id = CYTOSCAPE_STYLESHEET_ID;
  document.head.append(marker);
}

const el = document.getElementById('graph-widget');
const dataEl = document.getElementById('page-data');
if (el && dataEl) {
  const g = JSON.parse(dataEl.textContent);
  const colours = { locality: '#0072B2', network: '#D55E00', organisation: '#009E73', person: '#CC79A7', country: '#E69F00' };
  const max = Math.max(1e-9, ...g.nodes.map((n) => n.centrality));
  const cy = cytoscape({
    container: el,
    elements: [
      ...g.nodes.map((n) => ({ data: { id: n.id, label: n.label, kind: n.kind, href: n.href, size: 10 + 40 * (n.centrality / max) } })),
      ...g.edges.map((e, i) => ({ data: { id: `e${i}`, source: e.source, target: e.target, kind: e.kind } })),
    ],
    style: [
      { selector: 'node', style: { 'background-color': (n) => colours[n.data('kind')] || '#999', width: 'data(size)', height: 'data(size)', label: 'data(label)', 'font-size': 9, 'text-opacity': 0.85, 'min-zoomed-font-size': 7 } },
      { selector: 'edge', style: { width: 1, 'line-color': '#b8c2cc', 'curve-style': 'haystack' } },
      { selector: 'node.focused', style: { 'border-width': 4, 'border-color': '#f0b400', 'font-size': 14, 'text-opacity': 1 } },
    ],
    layout: { name: 'cose', animate: false, randomize: false, nodeRepulsion: 8000, idealEdgeLength: 60, numIter: 600 },
    wheelSensitivity: 0.3,
  });
  cy.on('tap', 'node', (e) => { const h = e.target.data('href'); if (h) window.location.href = h; });
  const live = document.createElement('p');
  live.className = 'visually-hidden';
  live.setAttribute('aria-live', 'polite');
  el.after(live);
  let focused = null;
  const focus = (n) => {
    if (focused) focused.removeClass('focused');
    focused = n;
    n.addClass('focused');
    live.textContent = `${n.data('label')} (${n.data('kind')}), ${n.degree()} ties`;
  };
  el.addEventListener('keydown', (e) => {
    const nodes = cy.nodes();
    if (!nodes.length) return;
    if (!focused) { focus(nodes[0]); e.preventDefault(); return; }
    const p = focused.position();
    const dir = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] }[e.key];
    if (dir) {
      e.preventDefault();
      let best = null; let bestD = Infinity;
      nodes.forEach((n) => {
        if (n === focused) return;
        const q = n.position();
        const dx = q.x - p.x; const dy = q.y - p.y;
        const along = dx * dir[0] + dy * dir[1];
        if (along <= 0) return;
        const d = along + 2 * Math.abs(dx * dir[1] - dy * dir[0]);
        if (d < bestD) { bestD = d; best = n; }
      });
      if (best) focus(best);
    } else if (e.key === 'Enter' && focused.data('href')) {
      window.location.href = focused.data('href');
    }
  });
  const legend = document.createElement('p');
  legend.className = 'widget-note';
  // Built from nodes, not markup: the kinds come from the data.
  legend.replaceChildren(...Object.entries(colours).flatMap(([k, c], i) => {
    const dot = document.createElement('span');
    dot.style.color = c;
    dot.textContent = '●';
    return [...(i ? [document.createTextNode('\u00a0\u00a0 ')] : []), dot, document.createTextNode(` ${k}`)];
  }));
  el.after(legend);
}
