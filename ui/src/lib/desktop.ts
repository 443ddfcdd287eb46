// Desktop conventions as the window sees them: the About box's versions, telling the shell who is acting
// (so it can announce approvals arriving for them), and the tray's "About Backdesk".

import { callCommand, onShellSignal } from './api';

/** The shell's `about` answer (src-tauri/src/about.rs). */
export interface About {
  app: string;
  core: string;
  en16931_artefacts: string;
  schema: number;
  tauri: string;
  webview: string;
}

export function about(): Promise<About> {
  return callCommand('about');
}

/** From now on the shell announces approvals arriving for `person`; answers how many wait for them now. */
export function watchApprovalsFor(person: string): Promise<number> {
  return callCommand('watch_approvals_for', { person });
}

/** The tray's "About Backdesk" was chosen. */
export function onShowAbout(handler: () => void): Promise<() => void> {
  return onShellSignal('show-about', handler);
}

/** The About box's lines, labelled, in reading order. `userAgent` names the engine when the shell could not. */
export function aboutLines(about: About, userAgent = ''): [string, string][] {
  const engine = /^unknown\b/.test(about.webview) ? webkitFromUserAgent(userAgent) ?? about.webview : about.webview;
  return [
    ['Backdesk', about.app],
    ['Core (backdesk crate)', about.core],
    ['Tauri', about.tauri],
    ['Web view (WebKitGTK on Linux)', engine],
    ['EN 16931 validation artefacts (CEN)', about.en16931_artefacts],
    ['Database schema', String(about.schema)],
  ];
}

function webkitFromUserAgent(userAgent: string): string | null {
  return /AppleWebKit\/([\d.]+)/.exec(userAgent)?.[1] ?? null;
}
