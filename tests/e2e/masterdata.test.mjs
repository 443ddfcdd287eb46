// The Vendors and Purchase orders panels in the real window: a vendor found by search has its payment terms
// changed and the list shows it; a new IBAN without the call-back record is refused with the core's sentence
// and saved once the call-back is recorded, the audit trail holding it old → new; a purchase order opened
// shows each line's ordered, received, invoiced and open quantities. The core's CLI and the database file
// are the oracle throughout.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { APP, CLI, DATA_DIR, DRIVER, coreJson, screenshot, waitForAll, withArtifacts } from './helpers.mjs';
import { Session, waitForDriver } from './webdriver.mjs';

const root = join(import.meta.dirname, '..', '..');
const dataDir = `${DATA_DIR}-masterdata`;
const scratch = `${DATA_DIR}-masterdata-files`;
const PO = '2018-471331';
const VENDOR = 'V-ELEK';
const OLD_IBAN = 'DE91100000000123456789';
const NEW_IBAN = 'GB82WEST12345698765432';

const demo = (name) => join(root, 'demo', name);
const cli = (args) => execFileSync(CLI, ['--data-dir', dataDir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const sql = (query) => execFileSync('sqlite3', [join(dataDir, 'backdesk.db'), query], { encoding: 'utf8' }).trim();

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

const scrollTo = (session, selector) => session.execute(`document.querySelector(arguments[0])?.scrollIntoView({ block: 'center' });`, [selector]);

const textOf = (session, selector) => session.execute(`return document.querySelector(arguments[0])?.textContent?.trim() ?? null;`, [selector]);

async function saveVendor(session) {
  await session.execute(`document.querySelector('[data-testid="vendor-error"]')?.remove(); document.querySelector('[data-testid="vendor-saved"]')?.remove();`);
  await session.click((await session.findAll('[data-testid="vendor-save"]'))[0]);
  return session.waitFor('the answer to saving the vendor', async () => {
    const error = await textOf(session, '[data-testid="vendor-error"]');
    const saved = await textOf(session, '[data-testid="vendor-saved"]');
    return error !== null || saved !== null ? { error, saved } : null;
  });
}

describe('vendors and purchase orders', () => {
  /** @type {Session} */
  let session;

  before(async () => {
    // the demo's master data, goods received on line 1 of the PO only, its partial invoice and ELEKTRON's taken in
    mkdirSync(scratch, { recursive: true });
    for (const [kind, file] of [['accounts', 'accounts.csv'], ['vendors', 'vendors.csv'], ['purchase-orders', 'purchase_orders.csv']]) {
      cli(['import', kind, demo(file)]);
    }
    const firstDelivery = join(scratch, 'first-delivery.csv');
    writeFileSync(firstDelivery, `receipt_id,po_number,line_no,quantity_received,received_date\nGR-1,${PO},1,3,2018-05-20\n`);
    cli(['import', 'receipts', firstDelivery]);
    cli(['ingest', demo('inbox/lieferant-471102-teilrechnung.xml'), demo('inbox/elektron-181301674.xml')]);
    cli(['people', 'add', 'Dana', '--role', 'clerk']);

    await waitForDriver(DRIVER);
    session = await Session.start(DRIVER, APP, ['--data-dir', dataDir]);
    await withArtifacts(session, 'masterdata-start-failed', async () => {
      await waitForAll(session, 'the invoice list', '[data-testid="invoice-row"]');
      await session.waitFor('Dana in the picker', () =>
        session.execute(`return [...document.querySelectorAll('[data-testid="acting-person"] option')].some((o) => o.value === 'Dana');`),
      );
      await choose(session, 'acting-person', 'Dana');
      await session.click((await waitForAll(session, 'the settings tab', '[data-testid="nav-settings"]'))[0]);
      await waitForAll(session, 'the vendors panel', '[data-testid="vendors-panel"]');
    });
  });

  after(async () => {
    await session?.end();
  });

  it('finds a vendor, changes its payment terms, and the list shows what was saved', async () => {
    await withArtifacts(session, 'masterdata-terms-failed', async () => {
      await typeInto(session, 'vendor-search', 'elektron');
      await session.waitFor('only ELEKTRON listed', async () => {
        const shown = await session.execute(`return [...document.querySelectorAll('[data-testid="vendor-row"]')].map((r) => r.dataset.vendor);`);
        return shown.length === 1 && shown[0] === VENDOR;
      });
      const listText = await textOf(session, '[data-testid="vendor-list"]');
      assert.ok(!listText.includes(OLD_IBAN), `the list shows no whole IBAN: ${listText}`);
      assert.equal(await textOf(session, '[data-testid="vendor-iban-masked"]'), `•••• ${OLD_IBAN.slice(-4)}`);

      await session.click((await session.findAll('[data-testid="vendor-row"] button'))[0]);
      await waitForAll(session, 'the vendor form', '[data-testid="vendor-field-payment_terms_days"]');
      await typeInto(session, 'vendor-field-payment_terms_days', '30');
      const answer = await saveVendor(session);
      assert.equal(answer.error, null, `saved without a problem: ${answer.error}`);
      assert.match(answer.saved, /payment terms \(days\) 14 → 30/);
      await session.waitFor('the list shows the new terms', async () => (await textOf(session, '[data-testid="vendor-terms"]')) === '30');
      assert.equal(sql(`SELECT payment_terms_days FROM vendors WHERE vendor_id = '${VENDOR}'`), '30', 'stored');
      await screenshot(session, 'masterdata-vendor-terms');
    });
  });

  it('refuses a new IBAN without the call-back with the core’s sentence, saves it with one, and audits it', async () => {
    await withArtifacts(session, 'masterdata-iban-failed', async () => {
      await typeInto(session, 'vendor-field-iban', NEW_IBAN);
      await waitForAll(session, 'the call-back fields', '[data-testid="callback-fields"]');
      const refused = await saveVendor(session);
      assert.equal(refused.saved, null);
      assert.match(refused.error, new RegExp(`bank details of vendor ${VENDOR} would change \\(IBAN ${OLD_IBAN} → ${NEW_IBAN}\\) without a call-back record`));
      assert.equal(sql(`SELECT iban FROM vendors WHERE vendor_id = '${VENDOR}'`), OLD_IBAN, 'nothing saved');
      await scrollTo(session, '[data-testid="callback-fields"]');
      await screenshot(session, 'masterdata-iban-refused');

      await typeInto(session, 'callback-contact', 'Eva Roth, accounts');
      await typeInto(session, 'callback-phone', '+49 30 5550 1234');
      await typeInto(session, 'callback-source', 'the signed framework contract');
      // a datetime input's typed keys follow the OS locale's field order: set the value as the picker does
      const calledAt = await session.execute(
        `const d = new Date(Date.now() - 15 * 60000); const p = (n) => String(n).padStart(2, '0');
         const v = d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes());
         const i = document.querySelector('[data-testid="callback-at"]'); i.value = v; i.dispatchEvent(new Event('input', { bubbles: true })); return v;`,
      );
      const saved = await saveVendor(session);
      assert.equal(saved.error, null, `saved with the call-back: ${saved.error}`);
      assert.match(saved.saved, new RegExp(`IBAN ${OLD_IBAN} → ${NEW_IBAN}`));
      assert.equal(sql(`SELECT iban FROM vendors WHERE vendor_id = '${VENDOR}'`), NEW_IBAN, 'stored');

      const history = await session.waitFor('the change history', () => textOf(session, '[data-testid="vendor-history"]'));
      assert.match(history, new RegExp(`IBAN ${OLD_IBAN} → ${NEW_IBAN}`));
      assert.match(history, /call-back: Eva Roth, accounts on \+49 30 5550 1234, number from the signed framework contract/);
      const trail = JSON.parse(cli(['audit', 'export', '--format', 'json']));
      const entries = trail.filter((e) => e.action === 'vendor_changed' && e.detail.vendor_id === VENDOR);
      assert.equal(entries.length, 2, `terms and IBAN, one entry each: ${JSON.stringify(entries)}`);
      assert.deepEqual(entries[1].detail.changes, [{ field: 'iban', old: OLD_IBAN, new: NEW_IBAN }]);
      assert.equal(entries[1].actor, 'Dana');
      assert.equal(entries[1].detail.call_back.called_at, `${calledAt}:00`);
      assert.equal(coreJson(dataDir, ['audit', 'verify']).ok, true, 'the hash chain holds');
      await scrollTo(session, '[data-testid="vendor-history"]');
      await screenshot(session, 'masterdata-iban-saved');
    });
  });

  it('opens a purchase order with each line’s ordered, received, invoiced and open quantities', async () => {
    await withArtifacts(session, 'masterdata-po-failed', async () => {
      await typeInto(session, 'po-search', PO.slice(0, 7));
      await session.waitFor('the PO listed', async () => (await session.findAll(`[data-testid="po-row"][data-po="${PO}"]`)).length === 1);
      assert.equal(await textOf(session, `[data-testid="po-row"][data-po="${PO}"] [data-testid="po-status"]`), 'Partly received');
      await session.click((await session.findAll(`[data-testid="po-row"][data-po="${PO}"] button`))[0]);
      await waitForAll(session, 'the PO lines', '[data-testid="po-line"]');
      const shown = await session.execute(
        `return [...document.querySelectorAll('[data-testid="po-line"]')].map((r) => ({
           line: Number(r.dataset.line),
           ordered: r.querySelector('[data-testid="po-ordered"]').textContent.trim(),
           received: r.querySelector('[data-testid="po-received"]').textContent.trim(),
           invoiced: r.querySelector('[data-testid="po-invoiced"]').textContent.trim(),
           toReceive: r.querySelector('[data-testid="po-open-to-receive"]').textContent.trim(),
           toInvoice: r.querySelector('[data-testid="po-open-to-invoice"]').textContent.trim() }));`,
      );
      // the oracle: ordered and received from the database, invoiced from the invoice's matches as the CLI shows them
      const stored = sql(
        `SELECT l.line_no || '|' || l.quantity || '|' || COALESCE((SELECT SUM(CAST(r.quantity_received AS REAL)) FROM receipts r
           WHERE r.po_number = l.po_number AND r.line_no = l.line_no), 0) FROM purchase_order_lines l WHERE l.po_number = '${PO}' ORDER BY l.line_no`,
      ).split('\n').map((row) => row.split('|').map(Number));
      const invoice = coreJson(dataDir, ['invoices']).find((i) => i.purchase_order_reference === PO);
      const matches = coreJson(dataDir, ['invoice', String(invoice.id)]).matches;
      assert.equal(shown.length, stored.length, JSON.stringify(shown));
      for (const [line, ordered, received] of stored) {
        const row = shown.find((r) => r.line === line);
        const invoiced = matches.filter((m) => m.po_line_no === line && m.consumes).reduce((sum, m) => sum + Number(m.quantity), 0);
        assert.equal(Number(row.ordered), ordered, `line ${line} ordered`);
        assert.equal(Number(row.received), received, `line ${line} received`);
        assert.equal(Number(row.invoiced), invoiced, `line ${line} invoiced`);
        assert.equal(Number(row.toReceive), Math.max(0, ordered - received), `line ${line} open to receive`);
        assert.equal(Number(row.toInvoice), Math.max(0, ordered - invoiced), `line ${line} open to invoice`);
      }
      assert.ok(shown.some((r) => Number(r.toReceive) > 0), 'goods are still due on the PO');
      await scrollTo(session, '[data-testid="po-lines"]');
      await screenshot(session, 'masterdata-purchase-order');

      // "record a goods receipt" takes the PO to the receipt form
      await session.click((await session.findAll('[data-testid="po-receive-goods"]'))[0]);
      await session.waitFor('the receipt form on this PO', () =>
        session.execute(`return document.querySelector('[data-testid="receipt-po"]').value === arguments[0] && document.querySelector('[data-testid="receipt-lines"]') !== null;`, [PO]),
      );
    });
  });
});
