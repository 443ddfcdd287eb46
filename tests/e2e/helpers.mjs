// What every e2e test file shares: the environment scripts/e2e.sh sets, the core's CLI as the oracle,
// calls through the page's IPC bridge, screenshots, and failure artifacts.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e tests through scripts/e2e.sh`);
  return value;
}

export const DRIVER = process.env.TAURI_DRIVER_URL ?? 'http://127.0.0.1:4444';
export const APP = required('BACKDESK_APP');
export const CLI = required('BACKDESK_CLI');
export const DATA_DIR = required('BACKDESK_E2E_DATA_DIR');
export const ARTIFACTS = process.env.BACKDESK_E2E_ARTIFACTS ?? join(import.meta.dirname, 'artifacts');

/** Runs the core's CLI on a data directory and parses its JSON answer. */
export function coreJson(dataDir, args) {
  return JSON.parse(execFileSync(CLI, ['--data-dir', dataDir, ...args, '--json'], { encoding: 'utf8' }));
}

/** Runs `shell command` through the page's IPC bridge; resolves to {ok, value} or {ok: false, error}. */
export function invokeInPage(session, command, args) {
  return session.executeAsync(
    `window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(
       (value) => done({ ok: true, value }),
       (error) => done({ ok: false, error: typeof error === 'string' ? error : JSON.stringify(error) }));`,
    [command, args],
  );
}

/** Lets two frames paint (WebKit's snapshot can lag the DOM), then saves a screenshot as `name`.png. */
export async function screenshot(session, name) {
  await session.executeAsync('requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 300)));');
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, `${name}.png`), await snapshot(session));
}

// WebKitWebDriver's screenshot waits for the page's next paint. Without a GPU the app paints non-composited
// (src-tauri/src/rendering.rs), and a page that no longer changes never paints again: the request would hang.
// While it is pending, a 1-pixel mark in the top-left corner changes its alpha every 50 ms (1/255 and 2/255:
// invisible in the picture), so there is always a next paint; the mark is removed afterwards.
const NUDGE_START = `
  const mark = document.createElement('div');
  mark.id = '__e2e_paint_nudge';
  mark.setAttribute('aria-hidden', 'true');
  mark.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483647';
  document.body.appendChild(mark);
  let odd = false;
  window.__e2eNudge = setInterval(() => {
    odd = !odd;
    mark.style.background = odd ? 'rgba(0,0,0,0.004)' : 'rgba(0,0,0,0.008)';
  }, 50);`;
const NUDGE_STOP = `clearInterval(window.__e2eNudge); document.getElementById('__e2e_paint_nudge')?.remove();`;

/** The window's screenshot, with a paint guaranteed while it is taken (see NUDGE_START). */
async function snapshot(session) {
  await session.execute(NUDGE_START);
  try {
    return await session.screenshot();
  } finally {
    await session.execute(NUDGE_STOP).catch(() => {});
  }
}

/** Keeps what the window showed when a test failed: a screenshot and the page text. */
export async function saveFailure(session, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  try {
    writeFileSync(join(ARTIFACTS, `${name}.png`), await snapshot(session));
    const text = await session.execute('return document.body.innerText;');
    writeFileSync(join(ARTIFACTS, `${name}.txt`), text);
    console.error(`window text when "${name}" failed:\n${text}`);
  } catch (error) {
    console.error(`could not save the failure artifacts: ${error.message}`);
  }
}

/** Waits for at least one element matching `selector` and returns their references. */
export async function waitForAll(session, what, selector, timeoutMs = 30000) {
  return session.waitFor(
    what,
    async () => {
      const found = await session.findAll(selector);
      return found.length > 0 ? found : null;
    },
    timeoutMs,
  );
}

/** Runs `body`; on failure saves the window as `name` and rethrows. */
export async function withArtifacts(session, name, body) {
  try {
    return await body();
  } catch (error) {
    await saveFailure(session, name);
    throw error;
  }
}
