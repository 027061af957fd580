// Screenshots of the built UI in light and dark, with the bridge mocked by dev/mock-ipc.js.
// Not a test and not part of the app. Needs `npm run build`, then `npx vite preview --port 4173`
// running, then: node dev/shots.mjs [outDir]  (default /tmp/ui-shots).
import { pause, studio } from './shoot.mjs';

const { out, base, browser, page, shot } = await studio('/tmp/ui-shots');


for (const scheme of ['light', 'dark']) {
  let p = await page(scheme);
  await shot(p, `${scheme}-main`);

  // Keyboard into the tree: Garage (lab) fails to list.
  await p.locator('[data-testid="connection"][data-name="AWS prod"]').focus();
  await p.keyboard.press('ArrowDown');
  await pause(50);
  const active = await p.evaluate(() => document.activeElement?.getAttribute('data-name'));
  console.log(`[${scheme}] focused after ArrowDown:`, active);
  await p.keyboard.press('End');
  await p.keyboard.press('ArrowUp');
  await p.keyboard.press('ArrowRight');
  await p.keyboard.press('Enter');
  await pause(700);
  await shot(p, `${scheme}-garage-error`);

  await p.locator('[data-testid="bucket"][data-name="team-shared"]').click();
  await pause(200);
  await p.locator('[data-testid="test-selected"]').click();
  await pause(700);
  await shot(p, `${scheme}-bucket-tested`);

  // New connection form with a mistake shown.
  await p.keyboard.press('Control+n');
  await pause(200);
  await p.fill('#conn-name', 'MinIO at the office');
  await p.check('#conn-storage-custom');
  await p.fill('#conn-url', 'minio.office.lan:9000/photos');
  await p.press('#conn-url', 'Tab');
  await p.fill('#conn-access-key', 'AKIAIOSFODNN7EXAMPLE');
  await p.fill('#conn-secret', 'wrong');
  await pause(200);
  await shot(p, `${scheme}-form-invalid`);

  await p.fill('#conn-url', 'http://minio.office.lan:9000');
  await p.fill('#conn-region', 'us-east-1');
  await p.click('[data-testid="conn-test"]');
  await pause(700);
  await shot(p, `${scheme}-form-test-failed`);
  await p.fill('#conn-secret', 'right');
  await p.click('[data-testid="conn-test"]');
  await pause(700);
  await shot(p, `${scheme}-form-test-ok`);
  await p.keyboard.press('Escape');
  await pause(200);

  // Edit the sandbox: read-only storage, Remove confirmation.
  await p.locator('[data-testid="connection"][data-name="Local sandbox"]').click();
  await pause(500);
  await p.click('[data-testid="edit-selected"]');
  await pause(200);
  await shot(p, `${scheme}-edit-sandbox`);
  await p.click('[data-testid="conn-remove"]');
  await pause(200);
  await shot(p, `${scheme}-confirm-remove`);
  await p.context().close();

  p = await page(scheme, 'many');
  await pause(300);
  await shot(p, `${scheme}-many`);
  await p.keyboard.press('Control+n');
  await pause(200);
  await p.check('#conn-cred-profile');
  await pause(100);
  await shot(p, `${scheme}-form-profile`);
  await p.context().close();

  p = await page(scheme, 'empty');
  await shot(p, `${scheme}-empty`);
  await p.context().close();

  p = await page(scheme, 'fail');
  await p.click('summary');
  await pause(100);
  await shot(p, `${scheme}-startup-failed`);
  await p.context().close();
}

await browser.close();
console.log(`screenshots in ${out}`);
