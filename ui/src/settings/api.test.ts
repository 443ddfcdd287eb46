import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn() }));
vi.mock('@tauri-apps/plugin-dialog', () => ({ open: vi.fn(), save: vi.fn() }));

import { backUpWorkspace, previewMasterData, recordReceipt, restoreWorkspace, switchDataDir } from './api';

describe('settings commands', () => {
  beforeEach(() => {
    invoke.mockReset();
  });

  it('sends the argument names the shell commands take', async () => {
    invoke.mockResolvedValue({});
    const entry = { po_number: 'PO-7', receipt_id: null, received_date: '2026-02-01', lines: [{ line_no: 1, quantity: '6' }], who: 'Dana' };
    await previewMasterData('receipts', '/tmp/r.csv');
    await recordReceipt(entry);
    await backUpWorkspace('/tmp/b.backdesk-backup');
    await restoreWorkspace('/tmp/b.backdesk-backup', '/tmp/new');
    await switchDataDir('/tmp/new');
    expect(invoke.mock.calls).toEqual([
      ['preview_master_data', { kind: 'receipts', file: '/tmp/r.csv' }],
      ['record_receipt', { entry }],
      ['back_up_workspace', { file: '/tmp/b.backdesk-backup' }],
      ['restore_workspace', { file: '/tmp/b.backdesk-backup', dir: '/tmp/new' }],
      ['switch_data_dir', { dir: '/tmp/new' }],
    ]);
  });

  it('passes the core’s error on as {code, message}', async () => {
    invoke.mockRejectedValue({ code: 'INVALID_DATA', message: '/tmp/b is not a complete Backdesk backup (its end is missing)' });
    const thrown = await restoreWorkspace('/tmp/b', '/tmp/new').catch((error: unknown) => error);
    expect(thrown).toEqual({ code: 'INVALID_DATA', message: '/tmp/b is not a complete Backdesk backup (its end is missing)' });
  });
});
