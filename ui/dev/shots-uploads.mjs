// Screenshots of uploads (light and dark), with the bridge mocked by dev/mock-ipc.js: the drop
// overlay, the summary sheet (conflicts, unreadable files, required tags), the transfers bar and
// panel while a batch runs, paused and finished, interrupted uploads, and the bucket overview's
// tags, required tags and unfinished multipart uploads.
// Not a test and not part of the app. Needs `npm run build`, then `npx vite preview --port 4173`
// running, then: node dev/shots-uploads.mjs [outDir]  (default /tmp/ui-shots-uploads).
import { pause, studio } from './shoot.mjs';

const { browser, page: open, shot } = await studio('/tmp/ui-shots-uploads');

async function page(scheme) {
  const p = await open(scheme);
  await p.locator('[data-testid="notice"] button').first().click().catch(() => {});
  return p;
}

const openBucket = async (p, name) => {
  await p.locator(`[data-testid="bucket"][data-name="${name}"]`).click();
  await p.waitForSelector('[data-testid="listing-status"][data-state="done"]', { timeout: 30000 });
  await pause(150);
};

for (const scheme of ['light', 'dark']) {
  const p = await page(scheme);
  await pause(300);
  await shot(p, `${scheme}-interrupted-banner`);

  // Drop overlay, then the summary sheet of dropped files: conflicts, unreadable, required tags.
  await openBucket(p, 'analytics-exports');
  await p.evaluate(() => window.__satchelMock.hover(true));
  await pause(150);
  await shot(p, `${scheme}-drop-overlay`);
  await p.evaluate(() => window.__satchelMock.drop(false));
  await p.waitForSelector('[data-testid="upload-sheet-body"][data-step="ready"]');
  await pause(150);
  await shot(p, `${scheme}-sheet-conflicts`);
  await p.click('[data-testid="upload-conflicts"] summary');
  await p.click('[data-testid="upload-conflict-keep_both"]');
  await pause(100);
  await shot(p, `${scheme}-sheet-ready`);
  await p.click('[data-testid="upload-start"]');
  await pause(2500);
  await p.click('[data-testid="transfer-status"]');
  await pause(1500);
  await shot(p, `${scheme}-transfers-running`);
  await p.click('[data-testid="batch-pause"]');
  await pause(600);
  await shot(p, `${scheme}-transfers-paused`);
  await p.click('[data-testid="batch-resume"]');
  await pause(500);
  await p.waitForSelector('[data-testid="batch"][data-state="incomplete"]', { timeout: 60000 });
  await pause(200);
  await shot(p, `${scheme}-transfers-failed`);
  await p.click('[data-testid="batch-close"]');
  await pause(200);
  await shot(p, `${scheme}-transfers-history`);
  await p.click('[data-testid="transfer-status"]');

  // A bucket with required tags: Start waits for the project.
  await p.locator('[data-testid="bucket"][data-name="finance-reports-2024"]').click();
  await p.waitForSelector('[data-testid="listing-status"][data-state="done"]');
  await p.keyboard.press('Control+u');
  await p.waitForSelector('[data-testid="upload-sheet-body"][data-step="ready"]');
  await pause(150);
  await shot(p, `${scheme}-sheet-required`);
  await p.keyboard.press('Escape');
  await pause(150);

  // Resume the interrupted uploads of finance-reports-2024.
  await p.click('[data-testid="interrupted-resume"]');
  await pause(300);
  const group = p.locator('[data-testid="interrupted-group"][data-bucket="finance-reports-2024"] [data-testid="interrupted-group-resume"]');
  if (await group.count()) await group.click();
  await p.waitForSelector('[data-testid="upload-sheet-body"][data-step="ready"]');
  await p.selectOption('[data-testid="upload-tag-value"] >> nth=1', 'ledger').catch(() => {});
  await pause(150);
  await shot(p, `${scheme}-sheet-resume`);
  await p.keyboard.press('Escape');

  // The overview: tags, required tags, unfinished multipart uploads.
  await p.click('[data-testid="tab-overview"]');
  await p.waitForSelector('[data-testid="multipart"][data-state="ready"]');
  await pause(200);
  await p.locator('[data-testid="panel-overview"]').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await pause(100);
  await shot(p, `${scheme}-overview-uploads`);
  await p.click('[data-testid="bucket-tags-edit"]');
  await p.click('[data-testid="required-tags-edit"]');
  await pause(150);
  await shot(p, `${scheme}-overview-editing`);
  await p.locator('[data-testid="multipart-upload"] input').first().check();
  await p.click('[data-testid="multipart-abort-selected"]');
  await pause(150);
  await shot(p, `${scheme}-multipart-confirm`);
  await p.close();
}

await browser.close();
