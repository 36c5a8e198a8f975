// The search page and home: the common enhancements (type-ahead in the header) plus type-ahead
// on the page's own search field.
import './common.js';
import { typeahead } from './typeahead.js';

const q = document.querySelector('form.filters input[name="q"]');
if (q) typeahead(q);
