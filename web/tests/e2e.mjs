// End-to-end tests of the mlgov explorer in headless Chromium (Debian's /usr/bin/chromium driven
// by playwright-core). Usage: MLGOV_URL=http://127.0.0.1:PORT node tests/e2e.mjs
// Saves a screenshot of every page into test-output/screenshots/ (from the repository root) and
// fails on any console error, any Content-Security-Policy violation (every browser context
// records `securitypolicyviolation` events and console messages naming the policy, on every page
// it visits) or failed assertion.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const base = process.env.MLGOV_URL || 'http://127.0.0.1:8080';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shots = resolve(root, process.env.MLGOV_SCREENSHOTS || 'test-output/screenshots');
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const errors = [];
const external = [];
const cspViolations = [];
const pagesWatched = new Set();
// Every context records Content-Security-Policy violations: a `securitypolicyviolation` listener
// installed before any page script runs (an init script, which the policy does not govern)
// reports each one through a binding; console messages naming the policy are kept too (with
// JavaScript off, or for what happens before the listener). The policy itself is checked on
// every document the context loads.
async function watched(options) {
  const ctx = await browser.newContext(options);
  ctx.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${m.page() ? m.page().url() : '?'}: console: ${m.text()}`); });
  ctx.on('response', (r) => {
    if (r.request().resourceType() !== 'document' || !r.url().startsWith(base)) return;
    pagesWatched.add(new URL(r.url()).pathname);
    const csp = r.headers()['content-security-policy'] || '';
    if (!csp.includes("frame-ancestors 'none'") || !/script-src 'self'(;|$)/.test(csp) || csp.includes('unsafe-inline') || r.headers()['x-frame-options'] !== 'DENY' || r.headers()['x-content-type-options'] !== 'nosniff') {
      cspViolations.push(`${r.url()}: security headers missing or weak: ${csp} | ${r.headers()['x-frame-options']} | ${r.headers()['x-content-type-options']}`);
    }
  });
  if (options?.javaScriptEnabled !== false) {
    await ctx.exposeBinding('__mlgovCspViolation', ({ page }, v) => { cspViolations.push(`${page ? page.url() : '?'}: ${v}`); });
    await ctx.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__mlgovCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile || '?'}:${e.lineNumber || '?'} ${e.sample || ''}`);
      });
    });
  }
  // axe-core is loaded as a same-origin script (the policy allows no inline script).
  await ctx.route(`${base}/__e2e__/axe.min.js`, (route) => route.fulfill({ path: axePath, contentType: 'text/javascript' }));
  return ctx;
}
const axePath = new URL('../node_modules/axe-core/axe.min.js', import.meta.url).pathname;
let failures = 0;
const check = (cond, msg) => { if (cond) { console.log(`ok   ${msg}`); } else { failures++; console.log(`FAIL ${msg}`); } };

async function newPage(width) {
  const ctx = await watched({ viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  // A refused approval answers 409 on purpose (the page says why); the browser logs the status.
  const expected = (url, text) => /\/changes\/\d+\/approve$/.test(new URL(url).pathname) && text.includes('status of 409');
  page.on('console', (m) => { if (m.type() === 'error' && !expected(page.url(), m.text())) errors.push(`${page.url()}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on('request', (r) => { const u = r.url(); if (!u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('blob:')) external.push(u); });
  return page;
}

// The admin token of an account made by scripts/test.sh (for publishing releases and collecting).
const adminToken = process.env.MLGOV_ADMIN_TOKEN || '';
const api = async (method, path, body) => {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text };
};
// Waits until the server has reloaded the store and `path` answers 200 to the public.
async function publicly(path) {
  for (let i = 0; i < 50; i++) {
    const r = await fetch(`${base}${path}`);
    if (r.status === 200) return true;
    await new Promise((res) => setTimeout(res, 200));
  }
  return false;
}

try {
  const page = await newPage(1280);
  // Surveys: a collected one, answered through its invitation links in the browser (the
  // no-JavaScript form), then releases of it, of an imported Qualtrics export and of a synthetic
  // dataset a user made; the public sees releases only.
  check(adminToken !== '', 'an admin token was given (MLGOV_ADMIN_TOKEN)');
  check((await api('POST', '/api/v1/surveys', { name: 'pilot', instrument: 'whole-comm-interactions', project: 'e2e' })).status === 201, 'collected survey created');
  const inv = await api('POST', '/api/v1/surveys/pilot/invitations', { count: 6, locality: 'loc:wc-se-jonkoping' });
  check(inv.status === 201 && inv.json.links.length === 6, 'six invitation links');
  const form = await newPage(1280);
  for (const [i, link] of (inv.json.links || []).entries()) {
    await form.goto(`${base}${link}`);
    await form.selectOption('#role', i % 2 === 0 ? 'elected_policymaker' : 'local_official');
    await form.selectOption('#freq_p2_pro_migrant_groups', String(2 + (i % 3)));
    await form.selectOption('#freq_p2_trade_unions', String(1 + (i % 4)));
    const [posted] = await Promise.all([form.waitForResponse((r) => r.request().method() === 'POST'), form.click('button[value="submit"]')]);
    await form.waitForLoadState('load');
    check(posted.status() === 200 && (await form.locator('h1').textContent()).includes('Thank you'), `invitation ${i + 1} submitted through the form`);
  }
  await form.screenshot({ path: `${shots}/respond-submitted.png`, fullPage: true });
  check((await api('GET', '/api/v1/survey?survey=pilot')).status !== 500, 'no server error before any release');
  for (const name of ['pilot', 'wave1', 'demo-synth']) {
    const r = await api('POST', `/api/v1/surveys/${name}/releases`);
    check(r.status === 201, `release 1 of ${name} published (${r.status} ${r.status === 201 ? '' : r.text})`);
  }
  // The server reloads the store every 2 s: wait until one snapshot holds all three releases.
  let all = false;
  for (let i = 0; i < 5 && !all; i++) {
    all = (await publicly('/api/v1/survey?survey=pilot')) && (await publicly('/api/v1/survey?survey=wave1')) && (await publicly('/api/v1/survey?survey=demo-synth'));
  }
  check(all, 'the explorer picks up the releases');
  // The collected survey as the public sees it: its release, every role listed, small counts suppressed.
  await page.goto(`${base}/survey?survey=pilot`);
  check((await page.locator('.notice').first().textContent()).includes('Published release 1 of survey "pilot"'), 'collected survey: the public sees release 1');
  const roles = page.locator('#choices table').first();
  check(await roles.locator('tbody tr').count() === 15, 'collected survey: the role table lists every role of the instrument');
  check((await roles.textContent()).includes('suppressed'), 'collected survey: six answers, cells below 5 suppressed');
  await page.screenshot({ path: `${shots}/survey-collected.png`, fullPage: true });
  // The imported export: release to the public, live figures for an admin.
  await page.goto(`${base}/survey?survey=wave1`);
  const wave1 = await page.locator('.notice').first().textContent();
  check(wave1.includes('Published release 1 of survey "wave1"') && !wave1.includes('SYNTHETIC'), 'imported survey: the public sees its release, not labelled synthetic');
  check(await page.locator('#f-analysis').count() === 0, 'imported survey: no live filters for the public');
  await page.screenshot({ path: `${shots}/survey-imported.png`, fullPage: true });
  const adminCtx = await watched({ viewport: { width: 1280, height: 900 }, extraHTTPHeaders: { Authorization: `Bearer ${adminToken}` } });
  const admin = await adminCtx.newPage();
  await admin.goto(`${base}/survey?survey=wave1&analysis=frequency&period=p1`);
  check((await admin.locator('.notice').first().textContent()).includes('Live figures of survey "wave1"'), 'imported survey: an admin sees live figures');
  check((await admin.locator('#estimates tbody tr').count()) > 0, 'imported survey: live estimates table');
  await admin.screenshot({ path: `${shots}/survey-imported-live.png`, fullPage: true });
  // The collected survey's progress page (mlgov-collect), as its admin sees it.
  await admin.goto(`${base}/admin/surveys/pilot`);
  check((await admin.locator('h1').textContent()).includes('pilot'), 'the survey progress page renders');
  await admin.screenshot({ path: `${shots}/survey-progress.png`, fullPage: true });
  await adminCtx.close();
  // Search "saint etienne" with the type-ahead, then open the profile.
  await page.goto(`${base}/`);
  await page.screenshot({ path: `${shots}/home.png`, fullPage: true });
  await page.fill('#top-q', 'saint etienne');
  const option = page.locator('#top-q-suggestions [role="option"]').first();
  await option.waitFor({ timeout: 5000 });
  check((await option.textContent()).includes('Saint-Étienne'), 'type-ahead suggests Saint-Étienne');
  await page.keyboard.press('ArrowDown');
  await Promise.all([page.waitForURL('**/localities/saint-etienne'), page.keyboard.press('Enter')]);
  check(page.url().endsWith('/localities/saint-etienne'), 'keyboard selection opens the profile');
  // The search page without the type-ahead (plain GET form).
  await page.goto(`${base}/search?q=saint+etienne`);
  check(await page.locator('#results a', { hasText: 'Saint-Étienne' }).count() > 0, 'search page lists Saint-Étienne');
  await page.screenshot({ path: `${shots}/search.png`, fullPage: true });
  await page.locator('#results a', { hasText: 'Saint-Étienne' }).first().click();
  await page.waitForURL('**/localities/saint-etienne');
  // Gantt shows ICCAR from 2019.
  const gantt = page.locator('#timeline svg');
  check(await gantt.count() === 1, 'profile has an inline SVG Gantt');
  const svgText = await gantt.textContent();
  check(/ICCAR/.test(svgText), 'Gantt has an ICCAR row');
  const iccarRow = page.locator('#timeline-rows tr', { hasText: 'ICCAR' }).first();
  check((await iccarRow.textContent()).includes('2019'), 'ICCAR membership starts in 2019');
  // Learning profile and survey results, rendered on the server.
  const learning = page.locator('#learning');
  check(await learning.isVisible() && (await page.locator('#learning-ties tr', { hasText: 'ICCAR' }).count()) === 1, 'profile shows the learning profile with its ICCAR tie');
  check((await page.locator('#learning-attributes').textContent()).includes('assumed'), 'learning profile gives each value its status');
  check((await page.locator('#survey .notice').textContent()).includes('SYNTHETIC'), 'profile labels group-level survey figures as synthetic');
  await learning.screenshot({ path: `${shots}/locality-saint-etienne-learning.png` });
  await page.screenshot({ path: `${shots}/locality-saint-etienne.png`, fullPage: true });
  // Open a network from the profile.
  await page.locator('#memberships a', { hasText: 'ICCAR' }).first().click();
  await page.waitForURL('**/networks/**');
  check(await page.locator('#traits').count() === 1, 'network page shows the typology traits');
  check(await page.locator('#members tbody tr').count() > 0, 'network page lists members');
  await page.screenshot({ path: `${shots}/network.png`, fullPage: true });
  // Task 4: the members of a network in a chosen year, from its page (list, count and map).
  await page.goto(`${base}/networks/eurocities`);
  await page.fill('#f-year', '2010');
  await Promise.all([page.waitForURL(/year=2010/), page.locator('form.filters button[type="submit"]').click()]);
  check((await page.locator('#members-section-h').textContent()).includes('Members in 2010'), 'task 4: the network page lists its members in 2010');
  const memberRows = await page.locator('#members tbody tr').allTextContents();
  check(memberRows.length > 0, 'task 4: members in force that year are listed');
  check(memberRows.some((r) => r.includes('Barcelona')) && !memberRows.some((r) => r.includes('Turin')), 'task 4: Barcelona (founder, 1989–) is listed; Turin, whose membership is undated, is not');
  check((await page.locator('#members-section').textContent()).includes('no start year and are not counted'), 'task 4: the page says undated memberships are not counted');
  check(await page.locator('a[href*="/map?network=eurocities"][href*="year=2010"]').count() === 1, 'task 4: a link shows those members on the map');
  const byYear = await page.locator('#members-by-year tbody tr').allTextContents();
  check(byYear.length > 0 && /20(1[89]|2[0-9])/.test(byYear[byYear.length - 1]), 'task 4: counts by year run past the last start year (running memberships)');
  // Task 7: a downloaded table named after its content, from/to columns, a CSV for Excel.
  const dl = await page.evaluate(async () => {
    const a = document.querySelector('table#members caption a[href*="bom=true"]');
    const r = await fetch(a.href);
    const buf = new Uint8Array(await r.arrayBuffer());
    return { disposition: r.headers.get('content-disposition'), bom: buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf, head: new TextDecoder().decode(buf.slice(3, 60)) };
  });
  check(dl.disposition.includes('networks-eurocities-members-year-2010.csv'), `task 7: the download is named after its content (${dl.disposition})`);
  check(dl.bom && dl.head.startsWith('member,role,from,to'), 'task 7: the CSV for Excel has a UTF-8 mark and from/to columns');
  // Task 8: from a statement, its source and passage through its permanent link.
  await page.goto(`${base}/localities/turin`);
  await Promise.all([page.waitForURL('**/statements/**'), page.locator('#memberships a[href="/statements/mem:turin-quartiers-en-crise"]').first().click()]);
  check((await page.locator('h1').textContent()).includes('mem:turin-quartiers-en-crise'), 'task 8: a membership row opens its statement page');
  check((await page.locator('#fields').textContent()).includes('2015'), 'task 8: the statement page shows its values');
  await Promise.all([page.waitForURL('**/passage**'), page.locator('#source a', { hasText: 'passage' }).first().click()]);
  check(await page.locator('mark').count() > 0, 'task 8: the passage opens with the quoted words marked');
  await page.screenshot({ path: `${shots}/statement-passage.png`, fullPage: true });
  // Task 2: from Turin's profile, compare with Saint-Étienne on one shared timeline.
  await page.goto(`${base}/localities/turin`);
  await Promise.all([page.waitForURL('**/compare?l1=turin'), page.locator('a', { hasText: 'Compare with…' }).first().click()]);
  await page.selectOption('#f-l2', 'saint-etienne');
  await Promise.all([page.waitForURL(/l2=saint-etienne/), page.locator('form.filters button[type="submit"]').click()]);
  const shared = await page.locator('#timeline svg').textContent();
  check(shared.includes('Turin: ') && shared.includes('Saint-Étienne: '), 'task 2: both localities on one timeline');
  check(shared.includes('URBACT'), "task 2: all memberships by default (Saint-Étienne's URBACT)");
  await page.screenshot({ path: `${shots}/compare.png`, fullPage: true });
  // Task 3: which networks are militant, on what evidence and coverage (home → Networks → position).
  await page.goto(`${base}/`);
  await Promise.all([page.waitForURL('**/networks'), page.locator('header a, nav a', { hasText: 'Networks' }).first().click()]);
  await Promise.all([page.waitForURL(/position=militant/), page.selectOption('#f-position', 'militant')]);
  const militant = await page.locator('#networks tbody tr').allTextContents();
  check(militant.length > 0 && militant.some((r) => r.includes('Association Nationale des Villes et Territoires Accueillants') && r.includes('of 4') && r.includes('agrees')), 'task 3: ANVITA is listed as militant with its traits observed and the paper agreeing');
  check(!militant.some((r) => r.includes('Eurocities')), 'task 3: sponsored Eurocities is not');
  check((await page.locator('#positions').textContent()).includes('sponsored'), 'task 3: counts by position are shown');
  await page.screenshot({ path: `${shots}/networks-militant.png`, fullPage: true });
  // Task 6: a diffusion what-if with a plain verdict and who adopts.
  await page.goto(`${base}/diffusion`);
  await page.selectOption('#f-scenario', 'integration_officers');
  await Promise.all([page.waitForURL(/scenario=integration_officers/), page.locator('form.filters button[type="submit"]').click()]);
  const verdict = await page.locator('#verdict').textContent();
  check(verdict.includes('integration mandate') && verdict.includes('95 % interval'), 'task 6: the verdict says what changed and how sure');
  check(await page.locator('#adopters tbody tr').count() > 0, 'task 6: who adopts is listed');
  check(!(await page.locator('main').textContent()).includes('integration_officers'), 'task 6: no raw scenario code in the page');
  // Task 5: survey results for a size class with their uncertainty, periods in words.
  await page.goto(`${base}/survey?survey=demo-synth`);
  const tableChoices = await page.locator('#f-table option').allTextContents();
  check(tableChoices.some((x) => /\d{4}–\d{4}/.test(x)) && !tableChoices.some((x) => /\bp[12]\b/.test(x)), 'task 5: published tables name their period in years, not p1/p2');
  check((await page.locator('#figure-h').textContent()).match(/\d{4}–\d{4}/) !== null, 'task 5: the figure heading names its period');
  const small = await page.locator('#estimates tbody tr', { hasText: 'small town' }).first().textContent();
  check(/\d\.\d{3}.*\d\.\d{3}.*\d\.\d{3}/.test(small) && !/\bp[12]\b/.test(small) && /\d{4}–\d{4}/.test(small), `task 5: a small-town estimate with its interval and its period in years (${small.trim().slice(0, 90)})`);
  // Task 1: a locality's Gantt: hover text ends in the table's year, events have names.
  await page.goto(`${base}/localities/saint-etienne`);
  const titles = await page.locator('#timeline svg title').allTextContents();
  const euromedTip = titles.find((x) => x.includes('Euromed'));
  const euromedRow = await page.locator('#timeline-rows tr', { hasText: 'Euromed' }).first().textContent();
  check(euromedTip && euromedTip.includes('1999–2001') && euromedRow.includes('2001'), `task 1: the Euromed bar's hover ends in 2001 like the table (${euromedTip})`);
  check(!titles.some((x) => /^\s*\(\d/.test(x)), 'task 1: every event diamond has a name');
  // Survey: the synthetic dataset's release, labelled; choose another published table
  // (auto-submits; state in the URL).
  await page.goto(`${base}/survey?survey=demo-synth`);
  check((await page.locator('.notice').first().textContent()).includes('SYNTHETIC'), 'survey page labels synthetic data');
  await Promise.all([page.waitForURL(/table=attitudes_by_orientation/), page.selectOption('#f-table', 'attitudes_by_orientation')]);
  check(page.url().includes('table=attitudes_by_orientation'), 'survey table choice is in the URL');
  check((await page.locator('#estimates').textContent()).includes('progressive'), 'survey table grouped by orientation');
  await page.screenshot({ path: `${shots}/survey.png`, fullPage: true });
  // The other pages.
  for (const [name, path, sel] of [
    ['localities', '/localities', '#localities'],
    ['networks', '/networks', '#networks'],
    ['map', '/map', '#map-widget path.leaflet-interactive'],
    ['graph', '/graph?year=2015', '#graph-widget canvas'],
    ['diffusion', '/diffusion?scenario=join_network', '#curves svg'],
    ['analyses', '/analyses', '#outcome-by-size'],
    ['sources', '/sources', '#sources'],
    ['source', '/sources/caponio-clement-2020', '#citing'],
    ['conflicts', '/conflicts', '#conflicts-identity-ambiguity'],
    ['organisation', '/search?q=unhcr', '#results'],
  ]) {
    await page.goto(`${base}${path}`);
    await page.locator(sel).first().waitFor({ timeout: 10000, state: 'attached' });
    check(true, `${name} renders ${sel}`);
    if (name === 'map' || name === 'graph') await page.waitForTimeout(800);
    await page.screenshot({ path: `${shots}/${name}.png`, fullPage: name !== 'map' && name !== 'graph' });
  }
  // The map: every located locality is a point or counted in a cluster; regions are shaded by
  // their number of anonymised localities, none of which is a point or named on the page.
  const mapCount = (p) => p.evaluate(() => document.querySelectorAll('#map-widget .map-point').length
    + [...document.querySelectorAll('#map-widget .map-cluster')].reduce((a, e) => a + Number(e.dataset.count || 0), 0));
  const pageData = (p) => p.evaluate(() => JSON.parse(document.getElementById('page-data').textContent));
  await page.goto(`${base}/map`);
  await page.locator('#map-widget .map-cluster').first().waitFor({ timeout: 10000, state: 'attached' });
  const mapData = await pageData(page);
  const shownOnMap = await mapCount(page);
  check(shownOnMap >= 40 && shownOnMap === mapData.points.length, `the map shows ${shownOnMap} located localities as points or in clusters (${mapData.points.length} in its data)`);
  check(await page.locator('#map-widget path.map-region').count() === mapData.regions.length && mapData.regions.length > 0, `shaded regions of anonymised localities (${mapData.regions.length})`);
  const anonymised = [];
  for (let pg = 1, pages = 1; pg <= pages; pg++) {
    const j = await (await fetch(`${base}/api/v1/localities?per_page=100&page=${pg}`)).json();
    pages = j.meta.pages;
    anonymised.push(...j.items.filter((l) => l.anonymised));
  }
  const mapHtml = await page.content();
  const pointIds = await page.evaluate(() => [...document.querySelectorAll('#map-widget .map-point')].map((e) => e.dataset.id));
  check(anonymised.length > 0 && !anonymised.some((l) => pointIds.includes(l.id) || mapHtml.includes(l.id) || mapHtml.includes(`/localities/${l.id.slice(4)}`) || mapHtml.includes(l.name)),
    `no marker, id or label of the ${anonymised.length} anonymised localities on the map page`);
  check((await page.locator('.map-legend').textContent()).includes('GeoNames.org (CC BY 4.0)') && (await page.locator('.leaflet-control-attribution').textContent()).includes('Natural Earth'), 'legend and map carry the GeoNames and Natural Earth attribution');
  // Selecting a cluster zooms in and splits it.
  const before = await page.locator('#map-widget .map-cluster, #map-widget .map-point').count();
  const biggest = await page.evaluate(() => { const cs = [...document.querySelectorAll('#map-widget .map-cluster')]; cs.sort((a, b) => b.dataset.count - a.dataset.count); cs[0].id = 'e2e-biggest-cluster'; return Number(cs[0].dataset.count); });
  await page.locator('#e2e-biggest-cluster').click();
  await page.waitForTimeout(1200);
  check(await page.locator('#map-widget .map-cluster, #map-widget .map-point').count() > before, `selecting a cluster of ${biggest} zooms in and splits it`);
  await page.screenshot({ path: `${shots}/map-zoomed.png` });
  // Turin: zoomed to (#locality=turin, as a link from elsewhere would), its marker opens its profile.
  await page.goto(`${base}/map#locality=turin`);
  const turin = page.locator('#map-widget .map-point[data-id="loc:turin"]');
  await turin.waitFor({ timeout: 10000 });
  await page.waitForTimeout(800);
  await Promise.all([page.waitForURL('**/localities/turin'), turin.click()]);
  check(page.url().endsWith('/localities/turin'), "clicking Turin's marker opens /localities/turin");
  // Filters in the URL: ICCAR's members, coloured by membership in 2020; the no-JS table agrees.
  await page.goto(`${base}/map?network=iccar&year=2020`);
  const se = page.locator('#map-widget .map-point[data-id="loc:saint-etienne"]');
  await se.waitFor({ timeout: 10000 });
  check(await se.getAttribute('data-key') === 'member' && (await page.locator('#located').textContent()).includes('Saint-Étienne'), 'the network and year filters: Saint-Étienne is an ICCAR member in 2020');
  check((await page.locator('#f-colour').inputValue()) === 'network', 'the colour control shows membership colouring');
  await Promise.all([page.waitForURL(/colour=position/), page.selectOption('#f-colour', 'position')]);
  check(page.url().includes('network=iccar') && page.url().includes('year=2020'), 'changing the colouring keeps the filters in the URL');
  // A network page shows its members on the same map.
  await page.goto(`${base}/networks/anvita`);
  await page.locator('#members-map #map-widget .map-point, #members-map #map-widget .map-cluster').first().waitFor({ timeout: 10000 });
  const netData = await pageData(page);
  const netShown = await mapCount(page);
  check(netData.points.length > 1 && netShown === netData.points.length && netData.points.every((p) => p.networks.some((n) => n.id === 'net:anvita')), `the ANVITA page maps its ${netShown} located members`);
  await page.locator('#members-map').screenshot({ path: `${shots}/network-map.png` });
  // A locality named with markup (imported by scripts/test.sh) is a point on the map: its
  // tooltip shows the name as text and runs nothing.
  await page.goto(`${base}/map#locality=e2e-hostile`);
  const hostile = page.locator('#map-widget .map-point[data-id="loc:e2e-hostile"]');
  await hostile.waitFor({ timeout: 10000 });
  check(await hostile.count() === 1, 'the located hostile-name locality is one point on the map');
  await page.waitForTimeout(800);
  await hostile.hover({ force: true });
  const tip = page.locator('.leaflet-tooltip');
  await tip.first().waitFor({ timeout: 5000 });
  check((await tip.first().textContent()).includes('<img src=x onerror='), 'the tooltip shows the name as text');
  check(await tip.first().locator('img').count() === 0, 'the tooltip holds no element made from the name');
  check((await hostile.getAttribute('aria-label')).includes('<img src=x'), "the marker's accessible name is the name as text");
  await page.waitForTimeout(300);
  check(await page.evaluate(() => window.__xss === undefined), 'no script from a locality name ran on the map');
  await page.goto(`${base}/localities/e2e-hostile`);
  check(await page.evaluate(() => window.__xss === undefined) && (await page.locator('h1').textContent()).includes('<img'), 'the profile shows the name as text and runs nothing');
  // Proposals (issue 14): a contributor proposes one statement through the form; a reviewer
  // approves it; the contributor proposes two corrections of that statement; two reviewers approve
  // them at the same moment in two browsers: one applies, the other is refused and says why.
  const password = 'e2e passphrase for reviewers';
  for (const [username, role] of [['e2e-cora', 'contributor'], ['e2e-rev1', 'admin'], ['e2e-rev2', 'admin']]) {
    const u = await api('POST', '/api/v1/users', { username, role, password });
    check(u.status === 201, `${role} ${username} created (${u.status} ${u.status === 201 ? '' : u.text})`);
  }
  const signedIn = async (username) => {
    const p = await newPage(1280);
    await p.goto(`${base}/login?next=/changes`);
    await p.fill('#username', username);
    await p.fill('#password', password);
    await Promise.all([p.waitForURL(`${base}/changes`), p.click('form[action="/login"] button[type="submit"]')]);
    return p;
  };
  const cora = await signedIn('e2e-cora');
  check((await cora.locator('h1').textContent()).includes('Proposed changes'), 'the contributor reaches the proposals page after logging in');
  const propose = async (from, correct) => {
    await cora.goto(`${base}/changes?table=memberships`);
    const values = { id: 'mem:e2e-turin-acm', network: 'net:acm', member: 'loc:turin', role: 'member', from, source: 'src:caponio-clement-2020', locator: 'Table 3' };
    for (const [k, v] of Object.entries(values)) await cora.fill(`#statement [name="col:${k}"]`, v);
    await cora.fill('#statement [name="note"]', `Turin in ACM from ${from}`);
    if (correct) await cora.check('#statement [name="update"]');
    await Promise.all([cora.waitForURL(/\/changes\/\d+\?done=proposed$/), cora.click('#statement button[type="submit"]')]);
    return new URL(cora.url()).pathname;
  };
  const first = await propose('2019', false);
  check((await cora.locator('#added').textContent()).includes('mem:e2e-turin-acm'), 'the proposal shows the statement it adds');
  check(await cora.locator('#approve').count() === 0, 'a contributor is offered no approval');
  await cora.screenshot({ path: `${shots}/proposal-contributor.png`, fullPage: true });
  const rev1 = await signedIn('e2e-rev1');
  const rev2 = await signedIn('e2e-rev2');
  await rev1.goto(`${base}${first}`);
  await Promise.all([rev1.waitForURL(/done=approved/), rev1.click('#approve button[type="submit"]')]);
  check((await rev1.locator('.notice').first().textContent()).includes('Approved'), 'the first proposal is approved and applied');
  const a = await propose('2017', true);
  const b = await propose('2018', true);
  await rev1.goto(`${base}${a}`);
  await rev2.goto(`${base}${b}`);
  check((await rev1.locator('#corrected mark').first().textContent()).trim() === '2017', 'the reviewer sees the corrected value highlighted');
  await rev1.screenshot({ path: `${shots}/proposal-review.png`, fullPage: true });
  const decided = (u) => u.pathname.endsWith('/approve') || u.search.includes('done=approved');
  await Promise.all([
    Promise.all([rev1.waitForURL(decided), rev1.click('#approve button[type="submit"]')]),
    Promise.all([rev2.waitForURL(decided), rev2.click('#approve button[type="submit"]')]),
  ]);
  await rev1.waitForFunction(() => document.querySelector('.notice') !== null);
  await rev2.waitForFunction(() => document.querySelector('.notice') !== null);
  const n1 = await rev1.locator('.notice').first().textContent();
  const n2 = await rev2.locator('.notice').first().textContent();
  const won = [n1, n2].filter((t) => t.includes('Approved')).length;
  const refused = [n1, n2].filter((t) => t.includes('Not done')).length;
  check(won === 1 && refused === 1, `two concurrent approvals: one applies, one is refused (${n1.trim()} | ${n2.trim()})`);
  const loser = n1.includes('Not done') ? rev1 : rev2;
  await loser.screenshot({ path: `${shots}/proposal-refused.png`, fullPage: true });
  check(await loser.locator('#again-form textarea').count() === 1, 'the refused proposal offers to propose its rows again against the current base');
  const winner = n1.includes('Approved') ? '2017' : '2018';
  const stored = await (await fetch(`${base}/api/v1/memberships?member=loc:turin&network=net:acm&per_page=200`)).json();
  const row = (stored.items || []).find((m) => m.id === 'mem:e2e-turin-acm');
  const loserYear = winner === '2017' ? '2018' : '2017';
  check(row && JSON.stringify(row).includes(winner) && !JSON.stringify(row).includes(loserYear), `the base holds the winner's start year ${winner}, nothing of the refused one`);
  // Reading the base as it was before: a banner, and links that stay in that version.
  await cora.goto(`${base}/localities/turin?as_of=cs:1`);
  check(await cora.locator('.as-of-banner').count() === 1, 'a page read with as_of says which version it shows');
  const net = cora.locator('main a[href^="/networks/"]').first();
  check(((await net.getAttribute('href')) || '').includes('as_of=cs:1'), 'its links keep the version');
  // Every page at 1366×900 and at 390×844 (a phone): screenshots, ids unique, no sideways
  // scrolling of the page, and axe-core's accessibility rules with no serious or critical
  // violation.
  const everyPage = [
    ['home', '/'], ['localities', '/localities'], ['locality', '/localities/saint-etienne'], ['networks', '/networks'],
    ['network', '/networks/eurocities'], ['map', '/map'], ['graph', '/graph'], ['survey', '/survey?survey=demo-synth'],
    ['diffusion', '/diffusion?scenario=join_network'], ['analyses', '/analyses'], ['compare', '/compare?l1=turin&l2=saint-etienne'],
    ['sources', '/sources'], ['source', '/sources/caponio-clement-2020'], ['statement', '/statements/mem:turin-quartiers-en-crise'],
    ['passage', '/sources/caponio-clement-2020/passage?locator=%22founding+member+in+1989%22'], ['conflicts', '/conflicts'],
    ['search', '/search?q=saint+etienne'], ['changes', '/changes'], ['practices', '/practices'],
    ['practice', '/practices/barcelona-emergency-accommodation'],
  ];
  for (const [width, height] of [[1366, 900], [390, 844]]) {
    const ctx = await watched({ viewport: { width, height } });
    const p = await ctx.newPage();
    p.on('pageerror', (e) => errors.push(`${p.url()}: ${e.message}`));
    for (const [name, path] of everyPage) {
      await p.goto(`${base}${path}`);
      if (name === 'map' || name === 'graph') await p.waitForTimeout(800);
      await p.screenshot({ path: `${shots}/${name}-${width}.png`, fullPage: true });
      const dup = await p.evaluate(() => { const seen = new Set(); const d = []; for (const e of document.querySelectorAll('[id]')) { if (seen.has(e.id)) d.push(e.id); seen.add(e.id); } return d; });
      check(dup.length === 0, `${name} at ${width} px: ids are unique${dup.length ? ` (${dup.slice(0, 5).join(', ')})` : ''}`);
      const over = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(over <= 1, `${name} at ${width} px: no sideways scrolling of the page (${over})`);
      if (width === 1366) {
        await p.addScriptTag({ url: `${base}/__e2e__/axe.min.js` });
        const v = await p.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
          .filter((x) => x.impact === 'serious' || x.impact === 'critical').map((x) => `${x.id} (${x.nodes.length})`));
        check(v.length === 0, `${name}: axe-core finds no serious or critical violation${v.length ? `: ${v.join(', ')}` : ''}`);
      }
    }
    await ctx.close();
  }
  // Phone width.
  const phone = await newPage(375);
  await phone.goto(`${base}/localities/saint-etienne`);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `no horizontal page overflow at 375 px (${overflow})`);
  await phone.screenshot({ path: `${shots}/locality-375.png`, fullPage: false });
  await phone.goto(`${base}/`);
  await phone.screenshot({ path: `${shots}/home-375.png`, fullPage: false });
  // Without JavaScript the core content is there.
  const ctx = await watched({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const nojs = await ctx.newPage();
  await nojs.goto(`${base}/localities/saint-etienne`);
  check(await nojs.locator('#timeline svg').count() === 1 && await nojs.locator('#memberships tbody tr').count() > 0, 'profile works without JavaScript');
  check(await nojs.locator('#learning-enabling tbody tr').count() > 0 && await nojs.locator('#survey-groups tbody tr').count() > 0, 'learning profile and survey results work without JavaScript');
  await nojs.goto(`${base}/map`);
  check(await nojs.locator('#countries tbody tr').count() > 0 && await nojs.locator('#located tbody tr').count() >= 40 && await nojs.locator('#regions tbody tr').count() > 0, 'map page has its point, region and country tables without JavaScript');
  // The pages of the accounts and the API docs under the same policy: the login form logs in
  // (above), the Swagger UI renders the document.
  const docs = await newPage(1280);
  await docs.goto(`${base}/login`);
  check(await docs.locator('#username').isVisible(), 'the login page renders');
  await docs.goto(`${base}/api/docs/`);
  await docs.locator('.swagger-ui .info .title').first().waitFor({ timeout: 15000 });
  check((await docs.locator('.swagger-ui .info .title').first().textContent()).includes('mlgov API'), 'the API docs (Swagger UI) render under the policy');
  await docs.screenshot({ path: `${shots}/api-docs.png` });
  // No page can be framed (clickjacking): another origin's frame of /login stays empty.
  const framer = await browser.newContext();
  const outer = await framer.newPage();
  await outer.setContent(`<iframe id="f" src="${base}/login" width="600" height="400"></iframe>`);
  await outer.waitForTimeout(1000);
  const framedTexts = await Promise.all(outer.frames().filter((f) => f !== outer.mainFrame()).map((f) => f.evaluate(() => (document.body ? document.body.innerText : '')).catch(() => '')));
  check(!framedTexts.some((t) => t.includes('Log in')), 'a page framed by another origin is refused (frame-ancestors, X-Frame-Options)');
  await framer.close();
  // Keyboard: the skip link is the first focus stop.
  await page.goto(`${base}/`);
  await page.keyboard.press('Tab');
  check((await page.evaluate(() => document.activeElement.textContent)).includes('Skip to content'), 'skip link is the first tab stop');
} catch (e) {
  failures++;
  console.log(`FAIL ${e.stack || e}`);
} finally {
  await browser.close();
}
check(errors.length === 0, `no console errors${errors.length ? `: ${errors.join(' | ')}` : ''}`);
for (const p of ['/', '/login', '/map', '/graph', '/survey', '/api/docs/', '/admin/surveys/pilot']) check(pagesWatched.has(p), `the policy was checked on ${p}`);
check([...pagesWatched].some((p) => p.startsWith('/respond/')), 'the policy was checked on the respondent form');
check(cspViolations.length === 0, `no Content-Security-Policy violation on the ${pagesWatched.size} pages visited${cspViolations.length ? `: ${cspViolations.slice(0, 10).join(' | ')}` : ''}`);
check(external.length === 0, `no request left the machine${external.length ? `: ${external.slice(0, 5).join(' ')}` : ''}`);
console.log(failures ? `${failures} failure(s)` : 'all browser checks passed');
process.exit(failures ? 1 : 0);
