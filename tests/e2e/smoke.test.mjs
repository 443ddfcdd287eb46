// End-to-end smoke test of the desktop app: the real window (WebKitGTK under Xvfb) driven over WebDriver
// through tauri-driver, on a fresh demo workspace. Run by scripts/e2e.sh, which sets the variables below.

import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { APP, DATA_DIR, DRIVER, coreJson, invokeInPage, saveFailure, screenshot } from './helpers.mjs';
import { Session, waitForDriver } from './webdriver.mjs';

/** What the core itself says the workspace holds (the CLI reads the same database). */
function invoicesFromCore() {
  return coreJson(DATA_DIR, ['invoices']);
}

describe('desktop app on the demo workspace', () => {
  /** @type {Session} */
  let session;

  before(async () => {
    await waitForDriver(DRIVER);
    session = await Session.start(DRIVER, APP, ['--data-dir', DATA_DIR, '--demo']);
  });

  after(async () => {
    await session?.end();
  });

  it('shows every demo invoice the core recorded, one row each', async () => {
    const rows = await session
      .waitFor('invoice rows in the list', async () => {
        const found = await session.findAll('[data-testid="invoice-row"]');
        return found.length > 0 ? found : null;
      })
      .catch(async (error) => {
        await saveFailure(session, 'no-invoice-rows');
        throw error;
      });
    assert.equal(await session.isDisplayed(rows[0]), true, 'the first invoice row should be visible');

    const expected = invoicesFromCore();
    assert.ok(expected.length >= 3, `the demo should hold at least 3 invoices, the core has ${expected.length}`);

    const shown = await session.execute(
      `return [...document.querySelectorAll('[data-testid="invoice-row"]')].map((row) => ({
         id: Number(row.dataset.invoiceId), number: row.dataset.invoiceNumber }));`,
    );
    const byId = (a, b) => a.id - b.id;
    assert.deepEqual(
      shown.toSorted(byId),
      expected.map((invoice) => ({ id: invoice.id, number: invoice.invoice_number ?? '' })).toSorted(byId),
      'the list should show exactly the invoices the core has, with their numbers',
    );

    const total = await session.execute(
      `return document.querySelector('[data-testid="tab-count-all"]')?.textContent ?? null;`,
    );
    assert.equal(Number(total), expected.length, 'the "All" tab (plugin-sql report view) should count them all');

    const badge = await session.findAll('[data-testid="demo-badge"]');
    assert.equal(badge.length, 1, 'the header should say this is the demo workspace');

    await screenshot(session, 'invoice-list');
  });

  it('cannot write through the reporting database connection', async () => {
    const overview = await invokeInPage(session, 'workspace_overview', {});
    assert.equal(overview.ok, true, `workspace_overview should answer: ${overview.error}`);
    const db = `sqlite:${overview.value.database}?mode=ro`;
    const countVendors = { db, query: 'SELECT COUNT(*) AS n FROM vendors', values: [] };

    const before = await invokeInPage(session, 'plugin:sql|select', countVendors);
    assert.equal(before.ok, true, `the UI should have loaded ${db}: ${before.error}`);
    const vendors = before.value[0].n;
    assert.ok(vendors > 0, 'the demo workspace should have vendors');

    // DELETE FROM vendors alone could fail for another reason (invoices reference vendors), so a CREATE
    // TABLE that always succeeds on a writable connection is tried too: both must be refused as read-only.
    for (const query of ['DELETE FROM vendors', 'CREATE TABLE e2e_write_probe (x INTEGER)']) {
      const written = await invokeInPage(session, 'plugin:sql|select', { db, query, values: [] });
      assert.equal(written.ok, false, `"${query}" through select must fail on the read-only connection`);
      assert.match(written.error, /read-?only/i, `"${query}" should fail because SQLite refuses to write`);
    }

    const executed = await invokeInPage(session, 'plugin:sql|execute', { db, query: 'DELETE FROM vendors', values: [] });
    assert.equal(executed.ok, false, 'execute must not be allowed to the window at all');
    assert.match(executed.error, /not allowed|denied|permission/i, 'the failure should come from the capability');

    const afterwards = await invokeInPage(session, 'plugin:sql|select', countVendors);
    assert.equal(afterwards.value[0].n, vendors, 'the vendors should all still be there');
  });

  it('updates the list from core events when a document is taken in behind its back', async () => {
    const fixture = join(import.meta.dirname, 'fixtures', 'salescompany-TOSL108.xml');
    const rowsBefore = (await session.findAll('[data-testid="invoice-row"]')).length;
    // The page itself does not start this ingest and so does not reload after it: only the core's
    // invoices_changed event, forwarded by the shell, can bring the new invoice into the list.
    const ingested = await invokeInPage(session, 'ingest_paths', { paths: [fixture] });
    assert.equal(ingested.ok, true, `ingest_paths should answer: ${ingested.error}`);
    assert.equal(ingested.value.processed, 1, 'the fixture is a readable e-invoice');

    await session
      .waitFor('the new invoice in the list', async () => {
        const rows = await session.findAll('[data-testid="invoice-row"][data-invoice-number="TOSL108"]');
        return rows.length === 1 ? rows : null;
      })
      .catch(async (error) => {
        await saveFailure(session, 'no-row-after-core-event');
        throw error;
      });
    const rowsAfter = (await session.findAll('[data-testid="invoice-row"]')).length;
    assert.equal(rowsAfter, rowsBefore + 1, 'exactly one row was added');
  });

  it('creates no database or config files of its own for the read-only connection', () => {
    const strays = readdirSync(DATA_DIR).filter((name) => name.includes('?') || name.includes('mode=ro'));
    assert.deepEqual(strays, [], 'the read-only load must not create a file named after the URL');
    const home = process.env.BACKDESK_E2E_HOME;
    if (home) {
      // plugin-sql's load creates the app config dir (and a missing database) unless autoCreate is false;
      // the shell's own window-state.json (src-tauri/src/window_state.rs) is the one file that belongs there
      const configDir = join(home, '.config', 'app.backdesk.Backdesk');
      const inConfig = existsSync(configDir) ? readdirSync(configDir).filter((name) => name !== 'window-state.json') : [];
      assert.deepEqual(inConfig, [], `the SQL plugin should not have created anything in ${configDir}`);
    }
  });
});

describe('desktop app on a first start', () => {
  /** @type {Session} */
  let session;
  const dataDir = `${DATA_DIR}-first-start`;
  const demoDir = `${DATA_DIR}-first-start-demo`;

  before(async () => {
    await waitForDriver(DRIVER);
    session = await Session.start(DRIVER, APP, ['--data-dir', dataDir, '--demo-dir', demoDir]);
  });

  after(async () => {
    await session?.end();
  });

  it('welcomes a new user and opens the demo in its own directory on request', async () => {
    const [openDemo] = await session
      .waitFor('the welcome screen', async () => {
        const found = await session.findAll('[data-testid="empty-state"] [data-testid="open-demo"]');
        return found.length > 0 ? found : null;
      })
      .catch(async (error) => {
        await saveFailure(session, 'no-welcome');
        throw error;
      });
    const welcome = await session.execute(
      `return document.querySelector('[data-testid="empty-state"]').innerText;`,
    );
    assert.match(welcome, /Choose the folder where your invoices arrive/, 'the welcome should say what to do');

    await screenshot(session, 'welcome');

    await session.click(openDemo);
    await session.waitFor('the demo invoices after opening the demo', async () => {
      const rows = await session.findAll('[data-testid="invoice-row"]');
      return rows.length >= 3;
    });
    const shownDir = await session.execute(
      `return document.querySelector('[data-testid="data-dir"]')?.textContent ?? null;`,
    );
    assert.equal(shownDir, demoDir, 'the header should show the demo directory as the open workspace');

    const own = coreJson(dataDir, ['invoices']);
    assert.deepEqual(own, [], 'the demo must not be put into the user\'s own data directory');
  });
});
