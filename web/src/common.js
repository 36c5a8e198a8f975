// Shared enhancements of every page: filter forms with data-autosubmit submit on change (the
// page state stays in the URL), and the header's type-ahead search.
import { typeahead } from './typeahead.js';

export function autosubmit() {
  for (const form of document.querySelectorAll('form[data-autosubmit]')) {
    form.addEventListener('change', (e) => {
      if (e.target.matches('select')) {
        // Drop empty parameters so URLs stay short and linkable.
        for (const el of form.elements) if (el.name && el.value === '') el.disabled = true;
        form.submit();
      }
    });
  }
}

/// A text node wrapped in a span, for Leaflet tooltips and other widgets that would otherwise
/// render a string as HTML: names come from the knowledge base (any user can import one), so they
/// are never markup.
export function textElement(text) {
  const span = document.createElement('span');
  span.textContent = String(text);
  return span;
}

/// Lines of text for a tooltip (the first in bold), each a text node: nothing in them is markup.
export function textLines(lines) {
  const span = document.createElement('span');
  lines.filter((l) => l !== null && l !== undefined && l !== '').forEach((line, i) => {
    const d = document.createElement(i === 0 ? 'strong' : 'span');
    d.textContent = String(line);
    d.style.display = 'block';
    span.appendChild(d);
  });
  return span;
}

export function init() {
  autosubmit();
  for (const input of document.querySelectorAll('input[data-typeahead]')) typeahead(input);
}

init();
