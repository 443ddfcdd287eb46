// Desktop conventions in the real window (WebKitGTK under Xvfb, driven over WebDriver through tauri-driver):
// the About box names every part with its version (checked against the sources and the installed WebKitGTK),
// the window comes back at the size it was left at after a restart, light/dark follows the OS's preference,
// and the shell answers who approvals wait for as the core does. Run by scripts/e2e.sh.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { APP, CLI, DRIVER, coreJson, invokeInPage, required, screenshot, waitForAll, withArtifacts } from './helpers.mjs';
import { Session, waitForDriver } from './webdriver.mjs';

const DATA_DIR = `${required('BACKDESK_E2E_DATA_DIR')}-desktop`;
const ARGS = ['--data-dir', DATA_DIR, '--demo'];
const ROOT = join(import.meta.dirname, '..', '..');
/** Where the shell keeps the window state: the app's config dir under the e2e run's own HOME. */
const CONFIG_HOME = process.env.XDG_CONFIG_HOME ?? join(required('BACKDESK_E2E_HOME'), '.config');
const STATE_FILE = join(CONFIG_HOME, 'app.backdesk.Backdesk', 'window-state.json');

/** The versions the sources state, worked out here without the app. */
function versionsFromSources() {
  const tauriConf = JSON.parse(readFileSync(join(ROOT, 'src-tauri', 'tauri.conf.json'), 'utf8'));
  const core = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync(join(ROOT, 'Cargo.toml'), 'utf8'))[1];
  const lock = readFileSync(join(ROOT, 'Cargo.lock'), 'utf8');
  const tauri = /name = "tauri"\nversion = "([^"]+)"/.exec(lock)[1];
  const sch = readFileSync(join(ROOT, 'assets', 'en16931', 'EN16931-UBL-validation-preprocessed.sch'), 'utf8');
  const artefacts = /Schematron version ([\d.]+)/.exec(sch)[1];
  const schema = Math.max(...readdirSync(join(ROOT, 'migrations')).map((name) => Number.parseInt(name, 10)).filter(Number.isFinite));
  let webkit = null;
  try {
    webkit = execFileSync('pkg-config', ['--modversion', 'webkit2gtk-4.1'], { encoding: 'utf8' }).trim();
  } catch {
    // no pkg-config: the version is only checked for its shape
  }
  return { app: tauriConf.version, core, tauri, artefacts, schema: String(schema), webkit };
}

async function startApp() {
  const session = await Session.start(DRIVER, APP, ARGS);
  await waitForAll(session, 'the invoice list', '[data-testid="invoice-row"]');
  return session;
}

describe('desktop conventions', () => {
  /** @type {Session} */
  let session;

  before(async () => {
    await waitForDriver(DRIVER);
    session = await startApp();
  });

  after(async () => {
    await session?.end();
    // the other test files share this HOME: they start at the default size again
    rmSync(STATE_FILE, { force: true });
  });

  it('shows an About box with the version of every part', async () => {
    await withArtifacts(session, 'about-failed', async () => {
      await session.click((await waitForAll(session, 'the About button', '[data-testid="open-about"]'))[0]);
      await waitForAll(session, 'the versions', '[data-testid="about-versions"] dd');
      const shown = await session.execute(
        `return Object.fromEntries([...document.querySelectorAll('[data-testid="about-versions"] dd')].map((dd) => [dd.dataset.label, dd.textContent.trim()]));`,
      );
      const expected = versionsFromSources();
      assert.equal(shown['Backdesk'], expected.app, 'the app version is tauri.conf.json’s');
      assert.equal(shown['Core (backdesk crate)'], expected.core, 'the core version is Cargo.toml’s');
      assert.equal(shown['Tauri'], expected.tauri, 'the Tauri version is the one Cargo.lock resolved');
      assert.equal(shown['EN 16931 validation artefacts (CEN)'], expected.artefacts, 'the vendored artefacts’ release');
      assert.equal(shown['Database schema'], expected.schema, 'the last migration');
      const webview = shown['Web view (WebKitGTK on Linux)'];
      assert.match(webview, /^\d+\.\d+(\.\d+)?$/, `WebKitGTK states a version: ${webview}`);
      if (expected.webkit) assert.equal(webview, expected.webkit, 'the installed WebKitGTK (pkg-config)');
      await screenshot(session, 'about');
      await session.pressKeys('\uE00C');
      await session.waitFor('the About box to close', async () => (await session.findAll('[data-testid="about-box"]')).length === 0);
    });
  });

  it('follows the OS’s light or dark preference', async () => {
    const seen = await session.execute(
      `const dark = matchMedia('(prefers-color-scheme: dark)').matches;
       const [r, g, b] = getComputedStyle(document.querySelector('[data-testid="status-bar"]')).backgroundColor.match(/\\d+/g).map(Number);
       return { dark, luminance: (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255,
                scheme: getComputedStyle(document.documentElement).colorScheme };`,
    );
    assert.match(seen.scheme, /light/, 'the page offers a light scheme');
    assert.match(seen.scheme, /dark/, 'and a dark one, so native controls follow too');
    assert.equal(seen.luminance < 0.5, seen.dark, `the page is dark exactly when the OS prefers dark: ${JSON.stringify(seen)}`);
  });

  it('answers who approvals wait for as the core does', async () => {
    const queues = coreJson(DATA_DIR, ['queues']);
    const roles = new Set(['clerk', 'manager', 'owner']);
    // an owner may take every step that asks for a role; steps naming someone else are not theirs
    const forOwner = queues.awaiting_approval.filter((item) => roles.has(item.owner ?? '')).length;
    // an owner on file, added the way an administrator would (the CLI on the same database)
    execFileSync(CLI, ['--data-dir', DATA_DIR, 'people', 'add', 'Olga Owner', '--role', 'owner']);
    const owner = coreJson(DATA_DIR, ['people']).find((p) => p.name === 'Olga Owner');
    assert.equal(owner?.role, 'owner', 'the core has the owner on file');
    const answer = await invokeInPage(session, 'watch_approvals_for', { person: owner.name });
    assert.equal(answer.ok, true, `watch_approvals_for should answer: ${answer.error}`);
    assert.equal(answer.value, forOwner, `approvals ${owner.name} (owner) can give now`);
    const nobody = await invokeInPage(session, 'watch_approvals_for', { person: 'Nobody On File' });
    assert.deepEqual(nobody, { ok: true, value: 0 }, 'nobody on file has nothing waiting');
  });

  it('comes back at the size it was left at after a restart', async () => {
    await withArtifacts(session, 'window-state-failed', async () => {
      const before = await session.windowRect();
      const wanted = { width: before.width === 900 ? 960 : 900, height: before.height === 640 ? 680 : 640 };
      await session.setWindowRect(wanted);
      const resized = await session.waitFor('the window at its new size', async () => {
        const now = await session.execute('return { width: window.outerWidth, height: window.outerHeight, inner: [innerWidth, innerHeight] };');
        return now.width === wanted.width && now.height === wanted.height ? now : null;
      });
      await session.waitFor('the window state saved', async () => existsSync(STATE_FILE) && JSON.parse(readFileSync(STATE_FILE, 'utf8')).width > 0);
      await session.end();
      session = await startApp();
      const again = await session.waitFor('the remembered size applied', async () => {
        const now = await session.execute('return { width: window.outerWidth, height: window.outerHeight, inner: [innerWidth, innerHeight] };');
        return now.width === resized.width && now.height === resized.height ? now : null;
      }, 10000);
      assert.deepEqual(again.inner, resized.inner, 'the page has the same room as before the restart');
      await screenshot(session, 'window-restored');
    });
  });
});
