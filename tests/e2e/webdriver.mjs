// A small W3C WebDriver client over Node's fetch: just what the smoke tests need to drive the Tauri window
// through tauri-driver (sessions, scripts, screenshots, waiting). No dependencies.

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** A failed WebDriver call: the W3C error code and message, plus the request that caused it. */
export class WebDriverError extends Error {
  constructor(request, status, value) {
    super(`${request}: HTTP ${status} ${value?.error ?? ''}: ${value?.message ?? JSON.stringify(value)}`);
    this.name = 'WebDriverError';
    this.error = value?.error;
  }
}

/** No single WebDriver request may take longer than this (starting the app is the slowest). */
const REQUEST_TIMEOUT_MS = 60000;

async function call(base, method, path, body) {
  const request = `${method} ${path}`;
  let response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    const reason = error?.name === 'TimeoutError' ? `no answer within ${REQUEST_TIMEOUT_MS} ms` : error?.message;
    throw new WebDriverError(request, 'none', { error: 'request failed', message: `${reason} (${error?.cause?.message ?? ''})` });
  }
  const text = await response.text();
  let payload;
  try {
    payload = text ? JSON.parse(text) : {};
  } catch {
    throw new WebDriverError(request, response.status, { error: 'invalid json', message: text.slice(0, 500) });
  }
  if (!response.ok) throw new WebDriverError(request, response.status, payload.value);
  return payload.value;
}

/** Waits until the driver answers `/status` (tauri-driver takes a moment to listen). */
export async function waitForDriver(base, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const status = await call(base, 'GET', '/status');
      if (status?.ready !== false) return;
    } catch (error) {
      last = error;
    }
    await sleep(250);
  }
  throw new Error(`the WebDriver server at ${base} did not answer within ${timeoutMs} ms: ${last?.message ?? ''}`);
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One browser session: here, one running instance of the desktop app. */
export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  /** Starts the app `application` with `args` (tauri-driver's `tauri:options`). No browserName: tauri-driver refuses it. */
  static async start(base, application, args = []) {
    const value = await call(base, 'POST', '/session', {
      capabilities: { alwaysMatch: { 'tauri:options': { application, args } } },
    });
    return new Session(base, value.sessionId);
  }

  #call(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  /** Runs `script` (a function body; `arguments` are `args`) in the page and returns its result. */
  execute(script, args = []) {
    return this.#call('POST', '/execute/sync', { script, args });
  }

  /**
   * Runs `script` (a function body) in the page; it must call `done(value)` (the last argument) once.
   * Runs with a script timeout of `timeoutMs`.
   */
  async executeAsync(script, args = [], timeoutMs = 15000) {
    await this.#call('POST', '/timeouts', { script: timeoutMs });
    return this.#call('POST', '/execute/async', {
      script: `const done = arguments[arguments.length - 1]; ${script}`,
      args,
    });
  }

  /** Element references for a CSS selector (possibly none). */
  async findAll(selector) {
    const found = await this.#call('POST', '/elements', { using: 'css selector', value: selector });
    return found.map((element) => element[ELEMENT]);
  }

  isDisplayed(element) {
    return this.#call('GET', `/element/${element}/displayed`);
  }

  text(element) {
    return this.#call('GET', `/element/${element}/text`);
  }

  click(element) {
    return this.#call('POST', `/element/${element}/click`, {});
  }

  /** Types `text` into an element (focusing it first), as a person would. */
  type(element, text) {
    return this.#call('POST', `/element/${element}/value`, { text });
  }

  clear(element) {
    return this.#call('POST', `/element/${element}/clear`, {});
  }

  /**
   * Presses keys on whatever has the focus (W3C actions: real key events through the webview). Each
   * character of `keys` is one key down and up; use '\uE00C' for Escape.
   */
  async pressKeys(keys) {
    const actions = [...keys].flatMap((key) => [
      { type: 'keyDown', value: key },
      { type: 'keyUp', value: key },
    ]);
    await this.#call('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
    await this.#call('DELETE', '/actions').catch(() => {});
  }

  /** The window's position and size in CSS pixels: {x, y, width, height}. */
  windowRect() {
    return this.#call('GET', '/window/rect');
  }

  /** Moves and resizes the window as a person dragging it would (W3C Set Window Rect). */
  setWindowRect(rect) {
    return this.#call('POST', '/window/rect', rect);
  }

  title() {
    return this.#call('GET', '/title');
  }

  /** A PNG of the window. */
  async screenshot() {
    return Buffer.from(await this.#call('GET', '/screenshot'), 'base64');
  }

  /** Ends the session; tauri-driver closes the app. Never throws (used in teardown). */
  async end() {
    try {
      await this.#call('DELETE', '');
    } catch {
      // the app may already be gone; teardown goes on
    }
  }

  /** Polls `probe` until it returns a truthy value, or fails with `what` after `timeoutMs`. */
  async waitFor(what, probe, timeoutMs = 30000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      try {
        const value = await probe();
        if (value) return value;
      } catch (error) {
        last = error;
      }
      await sleep(250);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
  }
}
