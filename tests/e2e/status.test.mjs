// The status bar's sync line in the real window: a workspace whose approved invoices wait in the Xero
// outbox (queued through the core's CLI) shows them queued and not connected; once Xero is connected (a
// browser sign-in against the local identity server, tokens in the private keyring) and a sync cannot reach
// the accounting system (BACKDESK_XERO_API_URL names a port nobody listens on), the line says offline, when
// it last tried, and that the jobs will be retried. The outbox itself (sqlite3) is the oracle.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { APP, CLI, DATA_DIR, DRIVER, invokeInPage, required, screenshot, waitForAll, withArtifacts } from './helpers.mjs';
import { startIdentityServer } from './identity.mjs';
import { Session, waitForDriver } from './webdriver.mjs';

const root = join(import.meta.dirname, '..', '..');
const dataDir = `${DATA_DIR}-status`;
const demo = (name) => join(root, 'demo', name);
const cli = (args) => execFileSync(CLI, ['--data-dir', dataDir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const outbox = (sql) => execFileSync('sqlite3', [join(dataDir, 'backdesk.db'), sql], { encoding: 'utf8' }).trim();

async function typeInto(session, testid, text) {
  const [input] = await waitForAll(session, testid, `[data-testid="${testid}"]`);
  await session.clear(input);
  await session.type(input, text);
}

describe('status bar sync line', () => {
  /** @type {Session} */
  let session;
  let queued;
  const syncLine = () => session.execute(`return document.querySelector('[data-testid="sync-state"]')?.textContent ?? null;`);

  before(async () => {
    // the demo's master data and inbox; every clean invoice approved; `sync` queues them in the outbox and
    // stops there (this process has no connection in a keychain), leaving them waiting
    for (const [kind, file] of [['accounts', 'accounts.csv'], ['vendors', 'vendors.csv'], ['purchase-orders', 'purchase_orders.csv'], ['receipts', 'receipts.csv']]) {
      cli(['import', kind, demo(file)]);
    }
    cli(['ingest', demo('inbox')]);
    cli(['people', 'add', 'Olga', '--role', 'owner', '--limit', '1000000']);
    cli(['approve', '--all-clean', '--as', 'Olga']);
    assert.throws(() => cli(['sync', '--target', 'xero']), 'sync without a connection fails, after queueing');
    queued = Number(outbox(`SELECT COUNT(*) FROM sync_jobs WHERE target = 'xero' AND state = 'pending'`));
    assert.ok(queued > 0, 'the approved invoices wait in the outbox');

    await waitForDriver(DRIVER);
    session = await Session.start(DRIVER, APP, ['--data-dir', dataDir]);
    await withArtifacts(session, 'status-start-failed', () => waitForAll(session, 'the invoice list', '[data-testid="invoice-row"]'));
  });

  after(async () => {
    await session?.end();
  });

  it('shows the queued jobs of a system that is not connected', async () => {
    await withArtifacts(session, 'status-queued-failed', async () => {
      const expected = `Sync: not connected · ${queued} queued — open Connections`;
      const shown = await session.waitFor('the sync line', async () => ((await syncLine()) === expected ? expected : null));
      assert.equal(shown, expected);
      await screenshot(session, 'status-sync-queued');
    });
  });

  it('says offline, when it last tried and that it will retry once a sync cannot reach the server', async (t) => {
    await withArtifacts(session, 'status-offline-failed', async () => {
      const status = await invokeInPage(session, 'connection_status', { target: 'xero' });
      assert.equal(status.ok, true, `connection_status answers: ${status.error}`);
      if (status.value.keychain_problem !== null) {
        t.skip(`no Secret Service in this session: ${status.value.keychain_problem}`);
        return;
      }
      required('BACKDESK_XERO_API_URL');
      await session.click((await waitForAll(session, 'the settings tab', '[data-testid="nav-settings"]'))[0]);
      const identity = await startIdentityServer(Number(required('BACKDESK_E2E_IDENTITY_PORT')));
      try {
        await session.click((await waitForAll(session, 'the Xero sign-in', '[data-testid="connect-xero"]'))[0]);
        await typeInto(session, 'sign-in-client-id', 'e2e-client');
        await typeInto(session, 'sign-in-tenant-id', 'tenant-e2e-status');
        await session.click((await session.findAll('[data-testid="sign-in-submit"]'))[0]);
        await session.waitFor('Xero connected', async () => (await invokeInPage(session, 'connection_status', { target: 'xero' })).value?.connected, 60000);
      } finally {
        await identity.close();
      }
      // connected, nothing tried yet
      await session.waitFor('the connected sync line', async () => (await syncLine()) === `Sync: connected · ${queued} queued`);

      const report = await invokeInPage(session, 'sync_now', { target: 'xero' });
      assert.equal(report.ok, true, `sync_now answers: ${report.error}`);
      assert.equal(report.value.offline, true, 'the run stopped because the server could not be reached');
      const attempts = outbox(`SELECT COUNT(*) FROM sync_jobs WHERE target = 'xero' AND last_error IS NOT NULL AND state != 'done'`);
      assert.ok(Number(attempts) > 0, 'the failed attempt is recorded in the outbox');
      const waiting = Number(outbox(`SELECT COUNT(*) FROM sync_jobs WHERE target = 'xero' AND state IN ('pending', 'sending', 'created')`));
      const pattern = new RegExp(`^Sync: offline \\(last try [^)]*\\d\\d[^)]*\\) · ${waiting} queued \\(will retry\\)$`);
      const shown = await session.waitFor('the offline sync line', async () => {
        const line = await syncLine();
        return line && pattern.test(line) ? line : null;
      });
      assert.match(shown, pattern);
      const detail = await session.execute(`return document.querySelector('[data-testid="sync-state"]').getAttribute('title');`);
      assert.ok(detail && detail.length > 0, 'the recorded error is one hover away');
      // back to the queues, where the status bar sits under the list
      await session.click((await waitForAll(session, 'the queues tab', '[data-testid="nav-queues"]'))[0]);
      await waitForAll(session, 'the invoice list', '[data-testid="invoice-row"]');
      await screenshot(session, 'status-sync-offline');

      await invokeInPage(session, 'disconnect_account', { target: 'xero' });
    });
  });
});
