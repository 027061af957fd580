// Screenshots of the object browser and sharing (light and dark), with the bridge mocked by
// dev/mock-ipc.js, and a check of the 100,000-object folder: long tasks (over 50 ms, from a
// Chromium trace) while it streams in, scrolls, and is sorted and filtered.
// Not a test and not part of the app. Needs `npm run build`, then `npx vite preview --port 4173`
// running, then: node dev/shots-objects.mjs [outDir]  (default /tmp/ui-shots-objects).
import { pause, studio } from './shoot.mjs';

const { out, base, browser, page: open, shot } = await studio('/tmp/ui-shots-objects');

async function page(scheme, scenario = 'default') {
  const p = await open(scheme, scenario);
  // The keychain notice is about the sandbox; these shots are about objects.
  await p.locator('[data-testid="notice"] button').first().click().catch(() => {});
  return p;
}

const row = (p, key) => p.locator(`[data-testid="object-row"][data-key="${key}"]`);
const openBucket = async (p, name) => {
  await p.locator(`[data-testid="bucket"][data-name="${name}"]`).click();
  await p.waitForSelector('[data-testid="listing-status"][data-state="done"]');
  await pause(150);
};

for (const scheme of ['light', 'dark']) {
  const p = await page(scheme);
  await openBucket(p, 'analytics-exports');
  await shot(p, `${scheme}-browser`);

  // Properties of one file.
  await row(p, 'exports/').dblclick();
  await p.waitForSelector('[data-testid="listing-status"][data-state="done"]');
  await row(p, 'exports/customers-2025-07.csv').click();
  await pause(600);
  await shot(p, `${scheme}-properties`);

  // Several selected and the context menu.
  await row(p, 'exports/customers-2025-06.csv').click({ modifiers: ['Shift'] });
  await row(p, 'exports/orders-2025-07.parquet').click({ modifiers: ['Control'] });
  await row(p, 'exports/orders-2025-07.parquet').click({ button: 'right' });
  await pause(200);
  await shot(p, `${scheme}-selection-menu`);
  await p.keyboard.press('Escape');

  // Delete confirmation (counts first).
  await p.keyboard.press('Delete');
  await pause(900);
  await shot(p, `${scheme}-delete-confirm`);
  await p.keyboard.press('Escape');
  await pause(150);

  // Share: the form, a 1-hour link, then 7 days (longer than the SSO credentials last).
  await row(p, 'exports/customers-2025-07.csv').click();
  await p.keyboard.press('Control+l');
  await pause(250);
  await p.locator('[data-testid="share-dialog"]').screenshot({ path: `${out}/${scheme}-share-form.png` });
  await p.click('[data-testid="share-create"]');
  await p.waitForSelector('[data-testid="share-url"]');
  await pause(150);
  await p.click('[data-testid="share-qr"]');
  await pause(300);
  await p.locator('[data-testid="share-dialog"]').screenshot({ path: `${out}/${scheme}-share-link.png` });
  await p.click('[data-testid="share-back"]');
  await p.click('[data-testid="expiry-7d"]');
  await p.click('[data-testid="share-create"]');
  await p.waitForSelector('[data-testid="share-warning"]');
  await pause(150);
  await p.locator('[data-testid="share-dialog"]').screenshot({ path: `${out}/${scheme}-share-warning.png` });
  await p.keyboard.press('Escape');

  // Several files: one link each, Copy all.
  await row(p, 'exports/customers-2025-06.csv').click();
  await row(p, 'exports/locked-ledger.csv').click({ modifiers: ['Shift'] });
  await p.keyboard.press('Control+l');
  await p.click('[data-testid="share-create"]');
  await p.waitForSelector('[data-testid="share-copy-all"]');
  await pause(200);
  await p.locator('[data-testid="share-dialog"]').screenshot({ path: `${out}/${scheme}-share-many.png` });
  await p.keyboard.press('Escape');

  // Upload link for the current folder.
  await p.locator('[data-testid="object-row"]').first().click({ button: 'right' });
  await p.click('[data-action="upload-link"]');
  await p.fill('#share-upload-name', 'scan-0043.pdf');
  await p.fill('#share-content-type', 'application/pdf');
  await p.click('[data-testid="share-create"]');
  await p.waitForSelector('[data-testid="share-curl"]');
  await pause(150);
  await p.locator('[data-testid="share-dialog"]').screenshot({ path: `${out}/${scheme}-share-upload.png` });
  await p.keyboard.press('Escape');

  // Previews: CSV and JSON (and an image).
  await p.keyboard.press('Backspace');
  await p.waitForSelector('[data-testid="listing-status"][data-state="done"]');
  await row(p, 'daily-summary.csv').click();
  await p.keyboard.press(' ');
  await p.waitForSelector('[data-testid="preview-table"]');
  await shot(p, `${scheme}-preview-csv`);
  await p.keyboard.press('Escape');
  await row(p, 'config.json').click();
  await p.keyboard.press(' ');
  await p.waitForSelector('[data-testid="preview"][data-kind="json"]');
  await shot(p, `${scheme}-preview-json`);
  await p.keyboard.press('Escape');
  await row(p, 'dashboard.png').click();
  await p.keyboard.press(' ');
  await p.waitForSelector('[data-testid="preview"][data-kind="image"]');
  await shot(p, `${scheme}-preview-image`);
  await p.keyboard.press('Escape');

  // New folder with a broken rule.
  await p.click('[data-testid="action-new-folder"]');
  await p.fill('#new-folder-name', 'a/b');
  await p.click('[data-testid="new-folder-ok"]');
  await pause(200);
  await shot(p, `${scheme}-new-folder-rule`);
  await p.keyboard.press('Escape');

  // Filter with no match, then search below the prefix.
  await p.click('#object-filter');
  await p.keyboard.type('q3');
  await pause(150);
  await shot(p, `${scheme}-filter-none`);
  await p.click('[data-testid="action-search"]');
  await p.waitForSelector('[data-testid="search-banner"][data-state="done"]', { timeout: 30000 });
  await pause(200);
  await shot(p, `${scheme}-search`);
  await p.click('[data-testid="search-close"]');
  await p.fill('#object-filter', '');

  // A bucket that can't be listed.
  await openBucketError(p);
  await shot(p, `${scheme}-listing-error`);

  // Shared links.
  await p.click('[data-testid="show-links"]');
  await p.waitForSelector('[data-testid="issued-link"]');
  await pause(300);
  await shot(p, `${scheme}-link-history`);
  await p.locator('[data-testid="reissue"]').nth(1).click();
  await p.waitForSelector('[data-testid="reissued"] [data-testid="share-url"]');
  await pause(200);
  await p.locator('[data-testid="link-history"]').screenshot({ path: `${out}/${scheme}-link-history-reissued.png` });
  await p.keyboard.press('Escape');
  await p.context().close();
}

async function openBucketError(p) {
  await p.locator('[data-testid="bucket"][data-name="raw-sensor-data"]').click();
  await p.waitForSelector('[data-testid="listing-status"][data-state="error"]');
  await pause(150);
}

// The 100,000-object folder: streaming, scrolling, keys and sorting, each traced; a main-thread
// task over 50 ms is a long task (what makes scrolling stutter).
{
  const p = await page('light');
  await openBucket(p, 'analytics-exports');

  async function traced(action) {
    await browser.startTracing(p, { categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    const started = Date.now();
    await action();
    const ms = Date.now() - started;
    const { traceEvents } = JSON.parse((await browser.stopTracing()).toString());
    const calls = new Map();
    for (const e of traceEvents) if (e.name === 'FunctionCall') calls.set(e.tid, (calls.get(e.tid) || 0) + 1);
    const main = [...calls.entries()].sort((x, y) => y[1] - x[1])[0]?.[0];
    const tasks = traceEvents.filter((e) => e.tid === main && e.name === 'RunTask' && e.dur > 0);
    const long = tasks.filter((e) => e.dur > 50_000);
    return { ms, tasks: tasks.length, count: long.length, longest: Math.max(0, ...tasks.map((e) => e.dur / 1000)) };
  }
  const fmt = (t) => `${t.count} of ${t.tasks} tasks over 50 ms (longest ${t.longest.toFixed(0)} ms)`;

  let firstRows = 0;
  const streaming = await traced(async () => {
    const started = Date.now();
    await row(p, 'raw/').dblclick();
    await p.waitForSelector('[data-testid="object-row"][data-key="raw/events-000000.json.gz"]');
    firstRows = Date.now() - started;
    await pause(1500);
    await shot(p, 'light-100k-streaming');
    await p.waitForSelector('[data-testid="listing-status"][data-state="done"]', { timeout: 60000 });
  });

  const box = await p.locator('[data-testid="object-table"]').boundingBox();
  await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const scrolling = await traced(async () => {
    for (let i = 0; i < 120; i++) {
      await p.mouse.wheel(0, 1400);
      await pause(16);
    }
    // A jump to the end and back, as dragging the scrollbar does.
    await p.evaluate(() => {
      const g = document.querySelector('[data-testid="object-table"]');
      g.scrollTop = g.scrollHeight;
    });
    await pause(200);
    await p.evaluate(() => (document.querySelector('[data-testid="object-table"]').scrollTop = 0));
    await pause(200);
  });

  await p.locator('[data-testid="object-table"]').focus();
  const keys = await traced(async () => {
    await p.keyboard.press('Home');
    for (let i = 0; i < 40; i++) await p.keyboard.press('PageDown');
    await p.keyboard.press('Shift+Home');
    await p.keyboard.press('Control+a');
    await pause(300);
  });
  await shot(p, 'light-100k-selected');
  await p.keyboard.press('Escape');

  const sortSize = await traced(async () => {
    await p.click('[data-column="size"] .sort');
    await p.waitForSelector('[data-column="size"][aria-sort="ascending"]');
    await pause(200);
  });
  const sortBack = await traced(async () => {
    await p.click('[data-column="size"] .sort');
    await p.waitForSelector('[data-column="size"][aria-sort="descending"]');
    await pause(200);
  });
  const sortName = await traced(async () => {
    await p.click('[data-column="name"] .sort');
    await p.waitForSelector('[data-column="name"][aria-sort="ascending"]');
    await pause(200);
  });
  const filtering = await traced(async () => {
    await p.click('#object-filter');
    await p.keyboard.type('0999', { delay: 30 });
    await pause(200);
    await p.keyboard.press('Escape');
    await pause(200);
  });
  await p.locator('[data-testid="object-table"]').focus();
  await p.keyboard.press('End');
  await pause(200);
  await shot(p, 'light-100k-end');
  const domRows = await p.locator('[data-testid="object-row"]').count();

  console.log(`100k folder: first rows after ${firstRows} ms, all 100,000 after ${streaming.ms} ms`);
  console.log(`  streaming: ${fmt(streaming)}`);
  console.log(`  scrolling (120 wheel steps, a jump to the end and back): ${fmt(scrolling)}`);
  console.log(`  Home, 40 × PageDown, Shift+Home, Ctrl+A: ${fmt(keys)}`);
  console.log(`  sort by size: ${fmt(sortSize)}; the other way: ${fmt(sortBack)}; by name again: ${fmt(sortName)}`);
  console.log(`  typing a filter and clearing it: ${fmt(filtering)}`);
  console.log(`  rows in the DOM: ${domRows}`);
  await p.context().close();
}

await browser.close();
console.log(`screenshots in ${out}`);
