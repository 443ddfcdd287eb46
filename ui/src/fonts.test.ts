// The app's font stack stays short where WebKitGTK walks it: every family before the one installed costs a
// fontconfig match per font size and weight before the window's first layout (app.css, vite.config.ts).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import config from '../vite.config';

/** Names only macOS or Windows have: never installed where the list is walked (Linux). */
const NOT_ON_LINUX = ['-apple-system', 'BlinkMacSystemFont', 'Segoe UI', 'Helvetica Neue', 'SF Pro'];

function rootFontFamilies(css: string): string[] {
  const root = /:root\s*\{([^}]*)\}/.exec(css)?.[1] ?? '';
  const value = /font-family:\s*([^;]+);/.exec(root)?.[1] ?? '';
  return value.split(',').map((name) => name.trim().replace(/^['"]|['"]$/g, ''));
}

describe('the font stack', () => {
  const families = rootFontFamilies(readFileSync(join(import.meta.dirname, 'app.css'), 'utf8'));

  it('starts with the OS font and ends with a generic family', () => {
    expect(families[0]).toBe('system-ui');
    expect(families.at(-1)).toBe('sans-serif');
  });

  it('names no macOS or Windows font (system-ui finds those; on Linux each is a wasted lookup)', () => {
    expect(families.filter((name) => NOT_ON_LINUX.includes(name))).toEqual([]);
  });

  it('is kept as written by the CSS minifier (targets that all know system-ui)', () => {
    // an `es20xx` target makes the minifier insert macOS and Windows names after every system-ui
    const targets = [config.build?.cssTarget].flat();
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(String(target)).toMatch(/^(safari|chrome)\d+$/);
  });
});
