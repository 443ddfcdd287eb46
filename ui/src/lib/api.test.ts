import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn() }));
vi.mock('@tauri-apps/plugin-dialog', () => ({ open: vi.fn() }));

import {
  SHELL_ERROR,
  UNEXPECTED_ERROR,
  invoiceCountsByStatus,
  isAppError,
  listInvoices,
  openReports,
  reportDatabaseUrl,
  toAppError,
} from './api';

describe('toAppError', () => {
  it('keeps the code and message the core sent', () => {
    expect(toAppError({ code: 'NOT_FOUND', message: 'invoice 42 does not exist' })).toEqual({
      code: 'NOT_FOUND',
      message: 'invoice 42 does not exist',
    });
  });

  it('drops anything but code and message from a core error', () => {
    const mapped = toAppError({ code: 'IO', message: 'could not read a.xml', extra: 1 });
    expect(Object.keys(mapped).sort()).toEqual(['code', 'message']);
  });

  it('turns a plugin or permission rejection string into a shell error', () => {
    expect(toAppError('sql.execute not allowed. Permissions associated with this command: sql:allow-execute')).toEqual({
      code: SHELL_ERROR,
      message: 'sql.execute not allowed. Permissions associated with this command: sql:allow-execute',
    });
  });

  it('keeps only the message of a JS error, never its stack', () => {
    const error = new TypeError('window.__TAURI_INTERNALS__ is undefined');
    const mapped = toAppError(error);
    expect(mapped).toEqual({ code: UNEXPECTED_ERROR, message: 'window.__TAURI_INTERNALS__ is undefined' });
    expect(JSON.stringify(mapped)).not.toContain('at ');
  });

  it('gives a sentence for things that carry no reason at all', () => {
    for (const thrown of [undefined, null, '', 42, {}]) {
      const mapped = toAppError(thrown);
      expect(mapped.code).toBe(UNEXPECTED_ERROR);
      expect(mapped.message.length).toBeGreaterThan(0);
    }
  });

  it('does not mistake an object with a numeric code for a core error', () => {
    expect(toAppError({ code: 3, message: 'boom' })).toEqual({ code: UNEXPECTED_ERROR, message: 'boom' });
  });
});

describe('isAppError', () => {
  it('recognises mapped errors only', () => {
    expect(isAppError({ code: 'IO', message: 'x' })).toBe(true);
    expect(isAppError(new Error('x'))).toBe(false);
    expect(isAppError('IO')).toBe(false);
  });
});

describe('commands', () => {
  beforeEach(() => {
    invoke.mockReset();
  });

  it('passes the status filter to list_invoices', async () => {
    invoke.mockResolvedValue([]);
    await listInvoices('exception');
    expect(invoke).toHaveBeenCalledWith('list_invoices', { status: 'exception' });
  });

  it('rejects with the mapped error when the core fails', async () => {
    invoke.mockRejectedValue({ code: 'DATABASE', message: 'database error while trying to list invoices' });
    await expect(listInvoices()).rejects.toEqual({
      code: 'DATABASE',
      message: 'database error while trying to list invoices',
    });
  });

  it('rejects with a shell error when the bridge rejects with a string', async () => {
    invoke.mockRejectedValue('Command list_invoices not found');
    await expect(listInvoices()).rejects.toEqual({ code: SHELL_ERROR, message: 'Command list_invoices not found' });
  });
});

describe('reporting database', () => {
  beforeEach(() => {
    invoke.mockReset();
  });

  it('opens the database read-only by absolute path', () => {
    expect(reportDatabaseUrl('/home/a/.local/share/backdesk/backdesk.db')).toBe(
      'sqlite:/home/a/.local/share/backdesk/backdesk.db?mode=ro',
    );
  });

  it('escapes characters sqlx would read as query or escapes', () => {
    expect(reportDatabaseUrl('/data/100%?#/backdesk.db')).toBe('sqlite:/data/100%25%3F%23/backdesk.db?mode=ro');
  });

  it('loads without auto-create so the plugin never makes a database file', async () => {
    invoke.mockResolvedValue(undefined);
    await openReports('/tmp/ws/backdesk.db');
    expect(invoke).toHaveBeenCalledWith('plugin:sql|load', {
      db: 'sqlite:/tmp/ws/backdesk.db?mode=ro',
      options: { autoCreate: false },
    });
  });

  it('selects from the counts view on the loaded database', async () => {
    invoke.mockResolvedValue(undefined);
    await openReports('/tmp/ws2/backdesk.db');
    invoke.mockResolvedValue([{ status: 'exception', invoice_count: 2 }]);
    await expect(invoiceCountsByStatus()).resolves.toEqual([{ status: 'exception', invoice_count: 2 }]);
    expect(invoke).toHaveBeenLastCalledWith('plugin:sql|select', {
      db: 'sqlite:/tmp/ws2/backdesk.db?mode=ro',
      query: expect.stringContaining('report_invoice_counts_by_status'),
      values: [],
    });
  });
});
