// The settings and master-data screens in the real window: a CSV with a bad row is previewed with its
// errors and nothing is imported; a goods receipt typed by hand releases the invoice that waited for the
// goods (the core decides again); a backup restored into a new folder and opened holds the same invoices.
// The core's CLI is the oracle throughout.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { APP, CLI, DATA_DIR, DRIVER, coreJson, invokeInPage, required, screenshot, waitForAll, withArtifacts } from './helpers.mjs';
import { startIdentityServer } from './identity.mjs';
import { Session, waitForDriver } from './webdriver.mjs';

const root = join(import.meta.dirname, '..', '..');
const dataDir = `${DATA_DIR}-settings`;
const scratch = `${DATA_DIR}-settings-files`;
const PO = '2018-471331';
const RECEIPT_REASON = 'QUANTITY_EXCEEDS_RECEIVED';

const demo = (name) => join(root, 'demo', name);
const cli = (dir, args) => execFileSync(CLI, ['--data-dir', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const reasonCodes = (invoice) => invoice.reasons.map((r) => (typeof r === 'string' ? r : r.code));

/** Sets a <select> the way a person's choice does (Svelte listens to `change`). */
async function choose(session, testid, value) {
  await session.execute(
    `const s = document.querySelector('[data-testid="' + arguments[0] + '"]'); s.value = arguments[1]; s.dispatchEvent(new Event('change', { bubbles: true }));`,
    [testid, value],
  );
}

async function typeInto(session, testid, text) {
  const [input] = await waitForAll(session, testid, `[data-testid="${testid}"]`);
  await session.clear(input);
  await session.type(input, text);
}

async function openSettings(session) {
  await session.click((await waitForAll(session, 'the settings tab', '[data-testid="nav-settings"]'))[0]);
  await waitForAll(session, 'the import section', '[data-testid="master-data-import"]');
}

describe('settings and master data', () => {
  /** @type {Session} */
  let session;
  let waiting;
  let restoredDir;

  before(async () => {
    // a workspace whose invoice waits for goods: the demo's master data with only line 1 of the PO received
    mkdirSync(scratch, { recursive: true });
    for (const [kind, file] of [['accounts', 'accounts.csv'], ['vendors', 'vendors.csv'], ['purchase-orders', 'purchase_orders.csv']]) {
      cli(dataDir, ['import', kind, demo(file)]);
    }
    const firstDelivery = join(scratch, 'first-delivery.csv');
    writeFileSync(firstDelivery, `receipt_id,po_number,line_no,quantity_received,received_date\nGR-1,${PO},1,3,2018-05-20\n`);
    cli(dataDir, ['import', 'receipts', firstDelivery]);
    cli(dataDir, ['ingest', demo('inbox/lieferant-471102-teilrechnung.xml')]);
    waiting = coreJson(dataDir, ['invoices']).find((i) => i.purchase_order_reference === PO || reasonCodes(i).includes(RECEIPT_REASON));
    assert.ok(waiting && reasonCodes(waiting).includes(RECEIPT_REASON), `the invoice should wait for its goods: ${JSON.stringify(waiting)}`);

    await waitForDriver(DRIVER);
    session = await Session.start(DRIVER, APP, ['--data-dir', dataDir]);
    await withArtifacts(session, 'settings-start-failed', () => waitForAll(session, 'the invoice list', '[data-testid="invoice-row"]'));
  });

  after(async () => {
    await session?.end();
  });

  it('previews a bad CSV with its error rows, offers no import, and keeps nothing', async () => {
    await withArtifacts(session, 'csv-preview-failed', async () => {
      const bad = join(scratch, 'vendors.csv');
      writeFileSync(bad, 'vendor_id,name,iban\nV-NEW,New Supplier GmbH,DE89370400440532013000\nV-BAD,,DE89370400440532013001\n');
      const vendorsBefore = (await invokeInPage(session, 'workspace_overview', {})).value.vendor_count;
      await openSettings(session);
      await choose(session, 'import-kind', 'vendors');
      await typeInto(session, 'import-file', bad);
      await session.click((await session.findAll('[data-testid="import-check"]'))[0]);
      const rows = await waitForAll(session, 'the error rows of the preview', '[data-testid="import-error-row"]');
      const shown = await session.execute(
        `return [...document.querySelectorAll('[data-testid="import-error-row"]')].map((r) => [...r.cells].map((c) => c.textContent.trim()));`,
      );
      assert.equal(rows.length, 2, `line 3 lacks a name and has a bad IBAN: ${JSON.stringify(shown)}`);
      assert.deepEqual(shown.map((r) => [r[0], r[1]]), [['3', 'name'], ['3', 'iban']]);
      assert.ok(shown.every((r) => r[2].length > 10), 'each error says what is wrong');
      const importDisabled = await session.execute(`return document.querySelector('[data-testid="import-run"]').disabled;`);
      assert.equal(importDisabled, true, 'Import is not offered while the file has errors');
      const vendorsAfter = (await invokeInPage(session, 'workspace_overview', {})).value.vendor_count;
      assert.equal(vendorsAfter, vendorsBefore, 'the preview kept nothing, not even the good row');
      await screenshot(session, 'settings-csv-preview');

      // fixed, the same file previews clean and imports
      writeFileSync(bad, 'vendor_id,name\nV-NEW,New Supplier GmbH\n');
      await session.click((await session.findAll('[data-testid="import-check"]'))[0]);
      await session.waitFor('Import offered for the clean file', () =>
        session.execute(`return document.querySelector('[data-testid="import-run"]')?.disabled === false;`),
      );
      await session.click((await session.findAll('[data-testid="import-run"]'))[0]);
      await waitForAll(session, 'the import report', '[data-testid="import-done"]');
      assert.equal((await invokeInPage(session, 'workspace_overview', {})).value.vendor_count, vendorsBefore + 1);
    });
  });

  it('records goods received by hand and the waiting invoice loses its receipt reason', async () => {
    await withArtifacts(session, 'goods-receipt-failed', async () => {
      const [name] = await waitForAll(session, 'the people form', '[data-testid="person-name"]');
      await session.type(name, 'Dana');
      await session.click((await session.findAll('[data-testid="add-person"]'))[0]);
      await session.waitFor('Dana in the picker', () =>
        session.execute(`return [...document.querySelectorAll('[data-testid="acting-person"] option')].some((o) => o.value === 'Dana');`),
      );
      await choose(session, 'acting-person', 'Dana');
      await session.waitFor('the open PO in the receipt form', () =>
        session.execute(`return [...document.querySelectorAll('[data-testid="receipt-po"] option')].some((o) => o.value === arguments[0]);`, [PO]),
      );
      await choose(session, 'receipt-po', PO);
      await waitForAll(session, 'the PO lines', '[data-testid="receipt-lines"]');
      const outstanding = await session.execute(
        `return [2, 3, 4].map((n) => document.querySelector('[data-testid="receipt-qty-' + n + '"]').placeholder);`,
      );
      assert.deepEqual(outstanding, ['1', '20', '20'], 'each line offers what is still outstanding');
      // a date input's typed keys follow the OS locale's field order: set the value as the picker does
      await session.execute(
        `const d = document.querySelector('[data-testid="receipt-date"]'); d.value = '2018-06-01'; d.dispatchEvent(new Event('input'));`,
      );
      for (const [line, quantity] of [[2, '1'], [3, '20'], [4, '20']]) {
        await typeInto(session, `receipt-qty-${line}`, quantity);
      }
      await screenshot(session, 'settings-goods-receipt-form');
      await session.click((await session.findAll('[data-testid="receipt-record"]'))[0]);
      const [done] = await waitForAll(session, 'the receipt confirmation', '[data-testid="receipt-done"]');
      const sentence = await session.text(done);
      assert.match(sentence, new RegExp(`invoice ${waiting.id}`), `the confirmation names the invoice decided again: ${sentence}`);
      const after = coreJson(dataDir, ['invoice', String(waiting.id)]);
      assert.ok(!reasonCodes(after).includes(RECEIPT_REASON), `the receipt reason is gone: ${reasonCodes(after)}`);
      const receipts = execFileSync('sqlite3', [join(dataDir, 'backdesk.db'), `SELECT origin FROM receipts WHERE po_number = '${PO}' AND line_no = 3`], { encoding: 'utf8' });
      assert.equal(receipts.trim(), 'manual:Dana', 'stored like an imported receipt, with who entered it');
      const date = execFileSync('sqlite3', [join(dataDir, 'backdesk.db'), `SELECT DISTINCT received_date FROM receipts WHERE origin = 'manual:Dana'`], { encoding: 'utf8' });
      assert.equal(date.trim(), '2018-06-01', 'the date entered is the date stored');
      await screenshot(session, 'settings-goods-receipt');
    });
  });

  it('connects Xero through the browser sign-in and disconnects, or says why the keychain cannot take it', async () => {
    await withArtifacts(session, 'connections-failed', async () => {
      const status = () => session.execute(`return document.querySelector('[data-testid="connection-status-xero"]')?.textContent ?? null;`);
      const shown = await session.waitFor('the Xero connection status', status);
      const fromCore = await invokeInPage(session, 'connection_status', { target: 'xero' });
      assert.equal(fromCore.ok, true, `connection_status answers: ${fromCore.error}`);
      if (fromCore.value.keychain_problem !== null) {
        // no Secret Service in this session: the core's sentence reaches the screen as it is, and no sign-in
        assert.equal(shown, fromCore.value.keychain_problem);
        assert.match(shown, /keychain/i);
        const disabled = await session.execute(
          `return [...document.querySelectorAll('[data-testid="connection-xero"] button')].every((b) => b.disabled);`,
        );
        assert.equal(disabled, true, 'no sign-in is offered while the keychain cannot take the tokens');
        await screenshot(session, 'settings-connections');
        return;
      }
      assert.match(shown, /^Not connected/);
      const identity = await startIdentityServer(Number(required('BACKDESK_E2E_IDENTITY_PORT')));
      try {
        await session.click((await session.findAll('[data-testid="connect-xero"]'))[0]);
        await typeInto(session, 'sign-in-client-id', 'e2e-client');
        await typeInto(session, 'sign-in-tenant-id', 'tenant-e2e-42');
        await session.click((await session.findAll('[data-testid="sign-in-submit"]'))[0]);
        await session.waitFor('Xero connected on screen', async () => (await status())?.startsWith('Connected to tenant-e2e-42'), 60000);
        assert.deepEqual(identity.exchanges, [{ client: 'e2e-client', ok: true }], 'one code traded, with the PKCE verifier');
        await screenshot(session, 'settings-connections');
        await session.click((await session.findAll('[data-testid="disconnect-xero"]'))[0]);
        await session.waitFor('Xero disconnected on screen', async () => (await status())?.startsWith('Not connected'));
        const after = await invokeInPage(session, 'connection_status', { target: 'xero' });
        assert.equal(after.value.connected, false, 'the keychain entry is gone');
      } finally {
        await identity.close();
      }
    });
  });

  it('backs up, restores into a new folder and opens it with the same invoices', async () => {
    await withArtifacts(session, 'backup-restore-failed', async () => {
      const file = join(scratch, 'books.backdesk-backup');
      const restored = join(scratch, 'restored');
      await typeInto(session, 'backup-file', file);
      await session.click((await session.findAll('[data-testid="backup-run"]'))[0]);
      await waitForAll(session, 'the backup report', '[data-testid="backup-done"]', 60000);
      await typeInto(session, 'restore-file', file);
      await session.execute(`document.querySelector('[data-testid="restore-file"]').dispatchEvent(new Event('change', { bubbles: true }));`);
      const [holds] = await waitForAll(session, 'what the backup holds', '[data-testid="restore-holds"]');
      const original = coreJson(dataDir, ['invoices']);
      assert.match(await session.text(holds), new RegExp(`holds ${original.length} invoice`), 'the manifest is read before restoring');
      await typeInto(session, 'restore-dir', restored);
      await session.click((await session.findAll('[data-testid="restore-run"]'))[0]);
      const [open] = await waitForAll(session, 'the restore report', '[data-testid="restore-open"]', 60000);
      await screenshot(session, 'settings-restored');
      await session.click(open);
      await session.waitFor('the restored workspace to be open', async () => {
        const overview = await invokeInPage(session, 'workspace_overview', {});
        return overview.ok && overview.value.data_dir === restored;
      });
      const copy = coreJson(restored, ['invoices']);
      assert.equal(copy.length, original.length, 'the restored workspace holds the same invoices');
      assert.deepEqual(copy.map((i) => [i.invoice_number, i.status]), original.map((i) => [i.invoice_number, i.status]));
      await session.click((await session.findAll('[data-testid="nav-queues"]'))[0]);
      const rows = await waitForAll(session, 'the restored list', '[data-testid="invoice-row"]');
      assert.equal(rows.length, original.length, 'the window lists them');
      restoredDir = restored;
    });
  });

  it('opens the data directory chosen last on the next start without --data-dir', async () => {
    assert.ok(restoredDir, 'the restore test ran first');
    const config = readFileSync(join(required('BACKDESK_E2E_HOME'), '.config', 'backdesk', 'config.toml'), 'utf8');
    assert.ok(config.includes(restoredDir), `the app's config remembers it: ${config}`);
    await session.end();
    session = await Session.start(DRIVER, APP, []);
    await withArtifacts(session, 'remembered-dir-failed', async () => {
      const overview = await session.waitFor('the workspace of the new start', async () => {
        const answer = await invokeInPage(session, 'workspace_overview', {});
        return answer.ok ? answer.value : null;
      });
      assert.equal(overview.data_dir, restoredDir, 'the remembered data directory is opened');
    });
  });
});
