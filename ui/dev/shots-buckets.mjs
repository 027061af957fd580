// Screenshots of bucket management (new-bucket wizard, bucket overview, delete dialog) in light and
// dark, with the bridge mocked by dev/mock-ipc.js. Not a test and not part of the app. Needs
// `npm run build`, then `npx vite preview --port 4173` running, then:
// node dev/shots-buckets.mjs [outDir]  (default /tmp/ui-shots-buckets).
import { pause, studio } from './shoot.mjs';

const { out, base, browser, page, shot } = await studio('/tmp/ui-shots-buckets');

const dialogShot = async (p, name, selector) => {
  await shot(p, name);
  // The whole dialog, scrolled content included, for sheets taller than the window.
  const el = p.locator(selector);
  if (await el.count()) await el.screenshot({ path: `${out}/${name}-dialog.png` });
};

for (const scheme of ['light', 'dark']) {
  const p = await page(scheme);

  // The bucket list with its filter and New bucket.
  await p.keyboard.press('Control+f');
  await p.keyboard.type('fin');
  await pause(150);
  await shot(p, `${scheme}-list-filtered`);
  await p.keyboard.press('Escape');

  // The wizard: a broken name, then the defaults.
  await p.click('[data-testid="new-bucket"]');
  await pause(200);
  await p.keyboard.type('Finance_Q3');
  await pause(400);
  await dialogShot(p, `${scheme}-wizard-name-rule`, '[data-testid="bucket-wizard"]');
  await p.fill('#bucket-name', 'finance-q3-exports');
  await pause(300);
  await p.check('#bucket-object-lock');
  await p.click('text=Add tag');
  await p.keyboard.type('project');
  await p.keyboard.press('Tab');
  await p.keyboard.type('apollo');
  await pause(200);
  await dialogShot(p, `${scheme}-wizard-options`, '[data-testid="bucket-wizard"]');

  // ACLs on, a public ACL: Block Public Access must go, then the confirmation.
  await p.check('#bucket-ownership-object_writer');
  await p.selectOption('#bucket-acl', 'public-read');
  await pause(150);
  await dialogShot(p, `${scheme}-wizard-public-bpa`, '[data-testid="bucket-wizard"]');
  await p.click('[data-testid="bucket-allow-public"]');
  await p.click('[data-testid="bucket-create"]');
  await pause(200);
  await dialogShot(p, `${scheme}-wizard-public-confirm`, '[data-testid="bucket-wizard"]');
  await p.check('#bucket-public-confirm');

  // A name someone else has.
  await p.fill('#bucket-name', 'photos');
  await pause(250);
  await p.click('[data-testid="bucket-create"]');
  await pause(600);
  await dialogShot(p, `${scheme}-wizard-taken`, '[data-testid="bucket-wizard"]');
  await p.keyboard.press('Escape');
  await pause(200);

  // A bucket on the sandbox: several settings skipped.
  await p.locator('[data-testid="connection"][data-name="Local sandbox"]').click();
  await pause(500);
  await p.keyboard.press('Control+b');
  await pause(200);
  await p.keyboard.type('scratch-area');
  await pause(300);
  await dialogShot(p, `${scheme}-wizard-sandbox`, '[data-testid="bucket-wizard"]');
  await p.check('#bucket-versioning');
  await p.click('[data-testid="bucket-create"]');
  await pause(1200);
  await shot(p, `${scheme}-created-skipped`);
  await p.click('[data-testid="tab-overview"]');
  await pause(600);
  await shot(p, `${scheme}-overview-sandbox`);
  await p.click('[data-testid="census-run"]');
  await pause(1500);
  await shot(p, `${scheme}-overview-sandbox-counted`);

  // Overview of an AWS bucket, counting.
  await p.locator('[data-testid="connection"][data-name="AWS prod"]').click();
  await pause(400);
  await p.locator('[data-testid="bucket"][data-name="finance-reports-2024"]').click();
  await pause(600);
  await p.click('[data-testid="census-run"]');
  await pause(300);
  await shot(p, `${scheme}-overview-counting`);
  await pause(1300);
  await shot(p, `${scheme}-overview-counted`);

  // Delete: the census, the typed name, progress, and a bucket kept by legal holds.
  await p.click('[data-testid="delete-bucket"]');
  await pause(300);
  await dialogShot(p, `${scheme}-delete-counting`, '[data-testid="delete-dialog"]');
  await pause(1300);
  await p.keyboard.type('finance-reports');
  await dialogShot(p, `${scheme}-delete-census`, '[data-testid="delete-dialog"]');
  await p.keyboard.type('-2024');
  await p.click('[data-testid="delete-confirm"]');
  await pause(1500);
  await dialogShot(p, `${scheme}-delete-progress`, '[data-testid="delete-dialog"]');
  await pause(6000);
  await dialogShot(p, `${scheme}-delete-kept`, '[data-testid="delete-dialog"]');
  await p.click('[data-testid="delete-close"]');
  await pause(200);

  // An empty bucket deleted for real.
  await p.locator('[data-testid="bucket"][data-name="analytics-exports"]').click();
  await pause(300);
  await p.click('[data-testid="delete-bucket"]');
  await pause(1500);
  await p.keyboard.type('analytics-exports');
  await dialogShot(p, `${scheme}-delete-empty`, '[data-testid="delete-dialog"]');
  await p.click('[data-testid="delete-confirm"]');
  await pause(7000);
  await shot(p, `${scheme}-deleted`);

  // Cancelling a deletion.
  await p.locator('[data-testid="bucket"][data-name="team-shared"]').click();
  await pause(300);
  await p.click('[data-testid="delete-bucket"]');
  await pause(1500);
  await p.keyboard.type('team-shared');
  await p.click('[data-testid="delete-confirm"]');
  await pause(900);
  await p.click('[data-testid="delete-cancel"]');
  await pause(600);
  await dialogShot(p, `${scheme}-delete-cancelled`, '[data-testid="delete-dialog"]');
  await p.context().close();
}

await browser.close();
console.log(`screenshots in ${out}`);
