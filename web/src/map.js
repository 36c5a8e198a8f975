// The map page: Natural Earth country polygons (world-atlas, bundled — no tiles, no network)
// shaded by the number of localities per country, and the localities that have coordinates as
// points. Data come from the page itself (<script id="page-data">).
import { textElement } from './common.js';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { feature } from 'topojson-client';
import countries110m from 'world-atlas/countries-110m.json';
import { isoNumericToAlpha2 } from './iso.js';

const el = document.getElementById('map-widget');
const dataEl = document.getElementById('page-data');
if (el && dataEl) {
  const data = JSON.parse(dataEl.textContent);
  const counts = new Map(data.countries.map((c) => [c.country, c.localities]));
  const max = Math.max(1, ...counts.values());
  const map = L.map(el, { worldCopyJump: false, keyboard: true, attributionControl: true, zoomSnap: 0.25 });
  // A view first: Leaflet cannot place vector layers on a map without one (adding a point before
  // it threw "Cannot read properties of undefined (reading 'min')"). The sources are about Europe:
  // start there (the country table lists the rest).
  map.fitBounds([[35, -11], [66, 30]]);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution('Boundaries: Natural Earth (world-atlas)');
  const shades = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];
  const colour = (n) => (n ? shades[Math.min(4, 1 + Math.floor((3 * n) / max))] : '#eeeeee');
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
  const layer = L.geoJSON(world, {
    style: (f) => {
      const n = counts.get(isoNumericToAlpha2[f.id]) || 0;
      return { color: '#888', weight: 0.6, fillColor: colour(n), fillOpacity: 0.9 };
    },
    onEachFeature: (f, lyr) => {
      const code = isoNumericToAlpha2[f.id];
      const n = counts.get(code) || 0;
      lyr.bindTooltip(textElement(`${f.properties.name}${code ? ` (${code})` : ''}: ${n} localit${n === 1 ? 'y' : 'ies'}`));
    },
  }).addTo(map);
  for (const p of data.points) {
    const m = L.circleMarker([p.lat, p.lon], { radius: 6, color: '#d55e00', weight: 2, fillOpacity: 0.8 });
    m.bindTooltip(textElement(p.name));
    if (p.href) m.on('click', () => { window.location.href = p.href; });
    m.addTo(map);
  }
  const legend = L.control({ position: 'bottomleft' });
  legend.onAdd = () => {
    const d = L.DomUtil.create('div', 'map-legend');
    d.style.cssText = 'background:#fff;padding:4px 8px;border-radius:4px;font-size:12px';
    d.innerHTML = `Localities per country (max ${max})<br>` + shades.slice(1).map((c) => `<span style="display:inline-block;width:14px;height:10px;background:${c}"></span>`).join(' ') + ' <span style="color:#d55e00">●</span> located locality';
    return d;
  };
  legend.addTo(map);
}
