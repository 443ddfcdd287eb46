// The status bar's one shell command (src-tauri/src/connections.rs `sync_states`), through the one module
// that talks to the shell (../lib/api.ts). Everything it throws is an `AppError`.

import { callCommand } from '../lib/api';
import type { SyncState } from './syncLine';

/** The sync state of every accounting system in use; empty when none is configured. */
export function syncStates(): Promise<SyncState[]> {
  return callCommand('sync_states');
}
