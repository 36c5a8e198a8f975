// Type-ahead for a plain GET search form: suggestions from /api/v1/search in an ARIA listbox;
// arrow keys move, Enter opens the highlighted entity, Escape closes. Without JavaScript the
// form still submits to /search.
export function typeahead(input) {
  if (input.dataset.taReady) return;
  input.dataset.taReady = '1';
  const form = input.form;
  const wrap = input.parentElement;
  if (getComputedStyle(wrap).position === 'static') wrap.style.position = 'relative';
  const list = document.createElement('ul');
  const id = `${input.id || 'q'}-suggestions`;
  list.id = id;
  list.className = 'typeahead';
  list.setAttribute('role', 'listbox');
  list.hidden = true;
  wrap.appendChild(list);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', id);
  let items = [];
  let active = -1;
  let timer = null;
  let seq = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const highlight = (i) => {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0) input.setAttribute('aria-activedescendant', `${id}-${i}`);
  };
  const render = () => {
    list.replaceChildren();
    items.forEach((h, i) => {
      const li = document.createElement('li');
      li.id = `${id}-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.textContent = h.name;
      const k = document.createElement('span');
      k.className = 'kind';
      k.textContent = h.kind;
      li.appendChild(k);
      li.addEventListener('mousedown', (e) => { e.preventDefault(); window.location.href = h.href; });
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute('aria-expanded', String(!list.hidden));
    active = -1;
  };
  const fetchHits = async () => {
    const q = input.value.trim();
    const my = ++seq;
    if (q.length < 2) { items = []; render(); return; }
    try {
      const r = await fetch(`/api/v1/search?q=${encodeURIComponent(q)}&limit=8`, { headers: { accept: 'application/json' } });
      if (!r.ok || my !== seq) return;
      const body = await r.json();
      items = body.hits.filter((h) => h.href);
      render();
    } catch (_) { /* offline or aborted: the form still works */ }
  };
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(fetchHits, 120); });
  input.addEventListener('keydown', (e) => {
    if (list.hidden) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (e.key === 'Escape') { close(); }
    else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); window.location.href = items[active].href; }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
  if (form) form.addEventListener('submit', close);
}
