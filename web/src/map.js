// The map widget of /map and of network pages: located localities as points (clustered when
// dense) coloured by the server's colour class, regions shaded by their number of anonymised
// localities (counts only: the page data hold nothing finer), Natural Earth country boundaries
// (world-atlas, bundled — no tiles, no network). Data come from the page (<script id="page-data">,
// built by `map_view` in crates/mlgov-server/src/pages.rs). Every label is a text node
// (textElement/textLines): names come from the knowledge base and are never markup.
// `#locality=<id>` in the URL zooms to that locality's point.
import { textElement, textLines } from './common.js';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import './map.css';
import { feature } from 'topojson-client';
import countries110m from 'world-atlas/countries-110m.json';
import { isoNumericToAlpha2 } from './iso.js';

// Okabe–Ito colours (colour-blind safe), one per colour class of the legend.
const COLOURS = {
  member: '#009E73', other_years: '#F0E442',
  militant: '#D55E00', intermediate: '#CC79A7', sponsored: '#0072B2', unknown: '#999999', none: '#ffffff',
  accommodative: '#009E73', mixed: '#E69F00', restrictive: '#D55E00',
};
const colourOf = (key) => COLOURS[key] || '#999999';

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
const years = (s) => (s.from === s.to && s.from != null ? `${s.from}` : `${s.from ?? '?'}–${s.to ?? ''}`);

// A div icon whose element carries an accessible name and data attributes (set as attributes,
// never as HTML).
const LabelledIcon = L.DivIcon.extend({
  createIcon(old) {
    const div = L.DivIcon.prototype.createIcon.call(this, old);
    div.setAttribute('aria-label', this.options.label);
    for (const [k, v] of Object.entries(this.options.dataset || {})) div.dataset[k] = v;
    if (this.options.colour) div.style.setProperty('--c', this.options.colour);
    return div;
  },
});

function pointTooltip(p, data) {
  const place = [p.country, p.subdivision, p.population ? `${p.population.toLocaleString('en')} inhabitants (GeoNames)` : null].filter(Boolean).join(' · ');
  // One line per network (a locality may have several spells in one network).
  const byNetwork = new Map();
  for (const s of p.networks.filter((x) => x.in_year)) {
    if (!byNetwork.has(s.id)) byNetwork.set(s.id, { ...s, spells: [] });
    byNetwork.get(s.id).spells.push(years(s));
  }
  const spells = [...byNetwork.values()];
  const shown = spells.slice(0, 6).map((s) => `${s.name} (${s.spells.join('; ')}), ${s.class}${s.position != null ? ` ${s.position >= 0 ? '+' : '−'}${Math.abs(s.position).toFixed(2)}` : ''}`);
  if (spells.length > 6) shown.push(`and ${spells.length - 6} more networks`);
  return textLines([
    p.name,
    place,
    `Colour: ${p.label}`,
    p.outcome ? `Policy outcome: ${p.outcome}` : null,
    spells.length ? `Networks${data.year ? ` in ${data.year}` : ''}:` : `No network${data.year ? ` in ${data.year}` : ''}`,
    ...shown,
  ]);
}

function clusterIcon(markers, order) {
  const n = markers.length;
  const counts = new Map(order.map((k) => [k, 0]));
  for (const m of markers) counts.set(m.options.mlgovKey, (counts.get(m.options.mlgovKey) || 0) + 1);
  let acc = 0;
  const stops = [];
  for (const [key, c] of counts) {
    if (!c) continue;
    stops.push(`${colourOf(key)} ${(acc / n) * 360}deg ${((acc + c) / n) * 360}deg`);
    acc += c;
  }
  const ring = document.createElement('div');
  ring.className = 'map-cluster-ring';
  ring.style.background = `conic-gradient(${stops.join(', ')})`;
  const count = document.createElement('span');
  count.textContent = String(n);
  ring.appendChild(count);
  const size = n < 10 ? 30 : n < 30 ? 36 : 42;
  return new LabelledIcon({ html: ring, className: 'map-cluster', iconSize: [size, size], label: `${plural(n, 'locality', 'localities')} close together: select to zoom in`, dataset: { count: String(n) } });
}

function legendItem(swatchClass, colour, text) {
  const li = document.createElement('li');
  const sw = document.createElement('span');
  sw.className = `swatch ${swatchClass}`;
  if (colour) sw.style.background = colour;
  sw.setAttribute('aria-hidden', 'true');
  li.append(sw, textElement(text));
  return li;
}

function legend(data) {
  const box = document.createElement('div');
  box.className = 'map-legend';
  box.setAttribute('role', 'group');
  box.setAttribute('aria-label', 'Map legend');
  const rule = document.createElement('p');
  rule.textContent = data.rule;
  const classes = document.createElement('ul');
  for (const c of data.classes) classes.append(legendItem('', colourOf(c.key), `${c.label} (${c.count})`));
  const shapes = document.createElement('ul');
  const sample = data.classes.filter((c) => c.count).map((c) => colourOf(c.key));
  const ring = sample.length > 1 ? `conic-gradient(${sample.map((c, i) => `${c} ${(i / sample.length) * 360}deg ${((i + 1) / sample.length) * 360}deg`).join(', ')})` : sample[0] || '#999';
  shapes.append(legendItem('swatch-cluster', ring, 'numbered circle: that many localities close together, the ring shows the share of each colour; select it to zoom in'));
  if (data.regions.length) shapes.append(legendItem('swatch-region', null, 'shaded region: n anonymised localities (Whole-COMM) in this region, never placed — outline approximate; darker for more'));
  if (data.countries.some((c) => c.country_only > 0)) shapes.append(legendItem('swatch-country', null, 'tinted country: anonymised localities counted at country level only (their region has no outline)'));
  const attr = document.createElement('p');
  attr.className = 'attribution';
  attr.textContent = `${data.attribution.join('. ')}.`;
  box.append(rule, classes, shapes, attr);
  return box;
}

const el = document.getElementById('map-widget');
const dataEl = document.getElementById('page-data');
if (el && dataEl) {
  const data = JSON.parse(dataEl.textContent);
  const map = L.map(el, { worldCopyJump: false, keyboard: true, attributionControl: true, zoomSnap: 0.25, minZoom: 1, maxZoom: 12 });
  // A view first: Leaflet cannot place vector layers on a map without one. The sources are about
  // Europe: start there unless the map shows one network's members (then fit them).
  const latlngs = data.points.map((p) => [p.lat, p.lon]);
  if (data.fit && latlngs.length) map.fitBounds(L.latLngBounds(latlngs), { padding: [30, 30], maxZoom: 7 });
  else map.fitBounds([[35, -11], [66, 30]]);
  map.attributionControl.setPrefix(false);
  for (const a of data.attribution) map.attributionControl.addAttribution(escapeHtml(a));

  // Countries: a neutral base; tinted where anonymised localities count at country level only.
  const byCountry = new Map(data.countries.map((c) => [c.country, c]));
  const world = feature(countries110m, countries110m.objects.countries);
  // Polygons crossing the antimeridian (Russia's Chukotka, Fiji, Antarctica) would be drawn as a
  // band across the whole map in a plain Web Mercator view: drop those pieces.
  const spans = (poly) => { const xs = poly[0].map((p) => p[0]); return Math.max(...xs) - Math.min(...xs) > 180; };
  for (const f of world.features) {
    const g = f.geometry;
    if (!g) continue;
    if (g.type === 'MultiPolygon') g.coordinates = g.coordinates.filter((poly) => !spans(poly));
    else if (g.type === 'Polygon' && spans(g.coordinates)) g.coordinates = [];
  }
  L.geoJSON(world, {
    style: (f) => {
      const c = byCountry.get(isoNumericToAlpha2[f.id]);
      return { color: '#999', weight: 0.6, fillColor: c && c.country_only ? '#d6ecf8' : '#f4f4f2', fillOpacity: 1 };
    },
    onEachFeature: (f, lyr) => {
      const code = isoNumericToAlpha2[f.id];
      const c = byCountry.get(code);
      const lines = [`${f.properties.name}${code ? ` (${code})` : ''}`];
      if (c) {
        lines.push(`${plural(c.localities, 'locality', 'localities')} shown, ${c.located} on the map`);
        if (c.in_regions) lines.push(`${c.in_regions} anonymised, counted in shaded regions`);
        if (c.country_only) lines.push(`${c.country_only} anonymised, counted in the country only (their region has no outline)`);
        if (c.unlocated) lines.push(`${c.unlocated} named without coordinates`);
      } else lines.push('no locality shown');
      lyr.bindTooltip(textLines(lines), { sticky: true });
    },
  }).addTo(map);

  // Regions: anonymised localities as a count, outline approximate.
  const maxRegion = Math.max(1, ...data.regions.map((r) => r.count));
  for (const r of data.regions) {
    const poly = L.polygon(r.outline.map(([lon, lat]) => [lat, lon]), {
      className: 'map-region', color: '#0072B2', weight: 1, dashArray: '4 3', fillColor: '#56B4E9', fillOpacity: 0.25 + (0.4 * r.count) / maxRegion,
    });
    poly.bindTooltip(textLines([`${r.name} (${r.code})`, `${plural(r.count, 'anonymised Whole-COMM locality', 'anonymised Whole-COMM localities')} in this region — outline approximate`]), { sticky: true });
    poly.addTo(map);
  }

  // Points, clustered when dense; at the highest zoom a cluster spreads out (spiderfies) so that
  // every point can be selected.
  const order = data.classes.map((c) => c.key);
  const clusters = L.markerClusterGroup({
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: true,
    zoomToBoundsOnClick: true,
    removeOutsideVisibleBounds: false,
    maxClusterRadius: (z) => (z >= 7 ? 24 : 40),
    iconCreateFunction: (cluster) => clusterIcon(cluster.getAllChildMarkers(), order),
  });
  const markers = new Map();
  for (const p of data.points) {
    const icon = new LabelledIcon({ className: `map-point map-point--${p.key}`, html: '', iconSize: [16, 16], colour: colourOf(p.key), label: `${p.name}: ${p.label}`, dataset: { id: p.id, key: p.key } });
    const m = L.marker([p.lat, p.lon], { icon, keyboard: true, riseOnHover: true, mlgovKey: p.key });
    m.bindTooltip(pointTooltip(p, data), { direction: 'top', offset: [0, -8] });
    if (p.href) m.on('click', () => { window.location.href = p.href; });
    markers.set(p.id, m);
    clusters.addLayer(m);
  }
  map.addLayer(clusters);

  el.insertAdjacentElement('afterend', legend(data));

  // `#locality=turin` (or `#locality=loc:turin`) shows that locality's point.
  const focusFromHash = () => {
    const h = /^#locality=(.+)$/.exec(window.location.hash);
    if (!h) return;
    const raw = decodeURIComponent(h[1]);
    const m = markers.get(raw.includes(':') ? raw : `loc:${raw}`);
    if (m) clusters.zoomToShowLayer(m, () => { m.openTooltip(); });
  };
  window.addEventListener('hashchange', focusFromHash);
  focusFromHash();
}
