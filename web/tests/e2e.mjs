// End-to-end tests of the mlgov explorer in headless Chromium (Debian's /usr/bin/chromium driven
// by playwright-core). Usage: MLGOV_URL=http://127.0.0.1:PORT node tests/e2e.mjs
// Saves a screenshot of every page into test-output/screenshots/ (from the repository root) and
// fails on any console error or failed assertion.
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
let failures = 0;
const check = (cond, msg) => { if (cond) { console.log(`ok   ${msg}`); } else { failures++; console.log(`FAIL ${msg}`); } };

async function newPage(width) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on('request', (r) => { const u = r.url(); if (!u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('blob:')) external.push(u); });
  return page;
}

try {
  const page = await newPage(1280);
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
  // Survey: change a filter (auto-submits; state in the URL).
  await page.goto(`${base}/survey`);
  check((await page.locator('.notice').textContent()).includes('SYNTHETIC'), 'survey page labels synthetic data');
  await Promise.all([page.waitForURL(/group_by=orientation/), page.selectOption('#f-group_by', 'orientation')]);
  check(page.url().includes('group_by=orientation'), 'survey filter change is in the URL');
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
    ['conflicts', '/conflicts', '#conflicts'],
    ['organisation', '/search?q=unhcr', '#results'],
  ]) {
    await page.goto(`${base}${path}`);
    await page.locator(sel).first().waitFor({ timeout: 10000, state: 'attached' });
    check(true, `${name} renders ${sel}`);
    if (name === 'map' || name === 'graph') await page.waitForTimeout(800);
    await page.screenshot({ path: `${shots}/${name}.png`, fullPage: name !== 'map' && name !== 'graph' });
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
  const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const nojs = await ctx.newPage();
  await nojs.goto(`${base}/localities/saint-etienne`);
  check(await nojs.locator('#timeline svg').count() === 1 && await nojs.locator('#memberships tbody tr').count() > 0, 'profile works without JavaScript');
  check(await nojs.locator('#learning-enabling tbody tr').count() > 0 && await nojs.locator('#survey-groups tbody tr').count() > 0, 'learning profile and survey results work without JavaScript');
  await nojs.goto(`${base}/map`);
  check(await nojs.locator('#countries tbody tr').count() > 0, 'map page has its country table without JavaScript');
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
check(external.length === 0, `no request left the machine${external.length ? `: ${external.slice(0, 5).join(' ')}` : ''}`);
console.log(failures ? `${failures} failure(s)` : 'all browser checks passed');
process.exit(failures ? 1 : 0);
