import { describe, expect, it } from 'vitest';

import { aboutLines, type About } from './desktop';

const about: About = {
  app: '0.1.0',
  core: '0.1.0',
  en16931_artefacts: '1.3.16',
  schema: 10,
  tauri: '2.12.5',
  webview: '2.48.1',
};

describe('aboutLines', () => {
  it('names every part of the app with its version', () => {
    expect(aboutLines(about)).toEqual([
      ['Backdesk', '0.1.0'],
      ['Core (backdesk crate)', '0.1.0'],
      ['Tauri', '2.12.5'],
      ['Web view (WebKitGTK on Linux)', '2.48.1'],
      ['EN 16931 validation artefacts (CEN)', '1.3.16'],
      ['Database schema', '10'],
    ]);
  });

  it("falls back to the page's WebKit version when the shell cannot say", () => {
    const lines = aboutLines({ ...about, webview: 'unknown (no webview)' }, 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko)');
    expect(lines[3]).toEqual(['Web view (WebKitGTK on Linux)', '605.1.15']);
    expect(aboutLines({ ...about, webview: 'unknown (no webview)' })[3]![1]).toBe('unknown (no webview)');
  });
});
