import { describe, expect, it } from 'vitest';

import { canImport, describeBankChange, describeBackup, describeConnection, describeManifest, describeImport, describePreview, describeSync, describeRecorded, formatBytes, localToday, outstanding, receiptEntry } from './logic';
import type { MasterDataPreview, OpenPurchaseOrder } from './types';

const clean: MasterDataPreview = { file: 'vendors.csv', kind: 'vendors', rows: 5, new: 2, changed: 1, errors: [], warnings: [], bank_changes: [] };
const broken: MasterDataPreview = {
  ...clean,
  rows: 0,
  new: 0,
  changed: 0,
  errors: [
    { line: 3, column: 'iban', message: 'not an IBAN' },
    { line: 3, column: 'name', message: 'required' },
    { line: 7, column: null, message: 'ragged' },
  ],
};

const order: OpenPurchaseOrder = {
  po_number: 'PO-7',
  vendor_id: 'V1',
  vendor_name: 'Acme',
  order_date: '2026-01-05',
  lines: [
    { line_no: 1, description: 'Bolts', ordered: '10', received: '4' },
    { line_no: 2, description: 'Nuts', ordered: '2.5', received: '0' },
  ],
};

describe('import preview', () => {
  it('warns of a changed bank detail naming the vendor and only the last four characters, old and new', () => {
    const change = { vendor_id: 'V1', name: 'Acme GmbH', field: 'iban' as const, old: '••••••••••••••••••3000', new: '••••••••••••••••••4321' };
    expect(describeBankChange(change)).toBe('V1 Acme GmbH: IBAN …3000 → …4321 — confirm the new account with the vendor by phone before paying to it');
    expect(describeBankChange({ ...change, field: 'account_number', old: null, new: '•••••6789' })).toBe(
      'V1 Acme GmbH: account number none → …6789 — confirm the new account with the vendor by phone before paying to it',
    );
    expect(describeBankChange({ ...change, field: 'bic', old: 'ABC', new: null })).toContain('BIC ABC → none');
  });

  it('offers Import only for the previewed file and kind, and only without errors', () => {
    expect(canImport(clean, 'vendors', '/home/a/vendors.csv')).toBe(true);
    expect(canImport(clean, 'accounts', '/home/a/vendors.csv')).toBe(false);
    expect(canImport(clean, 'vendors', '/home/a/other.csv')).toBe(false);
    expect(canImport(broken, 'vendors', '/home/a/vendors.csv')).toBe(false);
    expect(canImport({ ...clean, errors: broken.errors }, 'vendors', '/home/a/vendors.csv')).toBe(false);
    expect(canImport(null, 'vendors', '/home/a/vendors.csv')).toBe(false);
    expect(canImport({ ...clean, rows: 0, new: 0, changed: 0 }, 'vendors', 'vendors.csv')).toBe(false);
  });

  it('says what an import would do, or how many problems on how many lines', () => {
    expect(describePreview(clean)).toBe('vendors.csv: 5 rows — 2 new, 1 changed, 2 unchanged. Nothing is kept until you import.');
    expect(describeImport({ file: 'v.csv', kind: 'vendors', rows: 1, changed: 1, warnings: [], bank_changes: [] })).toBe('Imported v.csv: 1 row on file, 1 new or changed.');
    expect(describePreview(broken)).toBe('3 problems on 2 lines of vendors.csv: nothing will be imported until they are fixed.');
  });
});

describe('goods receipt form', () => {
  it('computes what is still outstanding exactly, never below zero', () => {
    expect(outstanding('10', '4')).toBe('6');
    expect(outstanding('2.5', '0.75')).toBe('1.75');
    expect(outstanding('0.3', '0.1')).toBe('0.2');
    expect(outstanding('3', '5')).toBe('0');
  });

  it('turns the typed quantities into an entry, skipping lines left empty or at zero', () => {
    const result = receiptEntry(order, { 1: ' 6 ', 2: '0' }, '2026-02-01', ' DN-1 ', 'Dana');
    expect(result).toEqual({
      entry: { po_number: 'PO-7', receipt_id: 'DN-1', received_date: '2026-02-01', lines: [{ line_no: 1, quantity: '6' }], who: 'Dana' },
    });
    const noId = receiptEntry(order, { 2: '2.5' }, '2026-02-01', '', 'Dana');
    expect('entry' in noId && noId.entry.receipt_id).toBe(null);
  });

  it('names the first problem: no PO, nobody acting, no date, a bad quantity, nothing typed', () => {
    expect(receiptEntry(null, {}, '2026-02-01', '', 'Dana')).toEqual({ problem: 'Choose the purchase order the goods came for.' });
    expect(receiptEntry(order, { 1: '1' }, '2026-02-01', '', null)).toHaveProperty('problem');
    expect(receiptEntry(order, { 1: '1' }, '', '', 'Dana')).toEqual({ problem: 'Enter the date the goods arrived.' });
    expect(receiptEntry(order, { 1: '1,5' }, '2026-02-01', '', 'Dana')).toEqual({
      problem: 'Line 1: "1,5" is not a quantity; write it like 12 or 2.5.',
    });
    expect(receiptEntry(order, { 1: '-2' }, '2026-02-01', '', 'Dana')).toHaveProperty('problem');
    expect(receiptEntry(order, {}, '2026-02-01', '', 'Dana')).toEqual({ problem: 'Type the quantity received on at least one line.' });
  });

  it('says which invoices were decided again and how they moved', () => {
    const text = describeRecorded(
      { receipt_id: 'DN-1', lines: 2, redecided: [{ invoice_id: 4, before: 'exception', after: 'awaiting_approval' }, { invoice_id: 5, before: 'exception', after: 'exception' }] },
      'PO-7',
    );
    expect(text).toBe('Goods receipt DN-1 recorded on PO-7 (2 lines). Decided again: invoice 4 exception → awaiting approval; invoice 5 is still exception.');
    expect(describeRecorded({ receipt_id: 'X', lines: 1, redecided: [] }, 'PO-7')).toContain('No invoice was waiting');
  });
});

describe('small formats', () => {
  it('formats sizes and the local date', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(localToday(new Date(2026, 0, 9))).toBe('2026-01-09');
    const manifest = {
      format: 1,
      schema_version: 10,
      created_at: '2026-11-22T05:10:00.000Z',
      invoice_count: 1,
      entries: [
        { path: 'backdesk.db', size: 1024, sha256: 'a' },
        { path: 'archive/ab/abc', size: 1024, sha256: 'b' },
      ],
    };
    expect(describeBackup({ file: '/b/x.backdesk-backup', entries: 2, bytes: 2048, invoice_count: 1, schema_version: 10 })).toBe(
      'Backed up 1 invoice and 2 files (2.0 KB) to /b/x.backdesk-backup.',
    );
    expect(describeManifest(manifest)).toBe('This backup from 2026-11-22 05:10 UTC holds 1 invoice in 2 files (2.0 KB, schema version 10).');
  });
});

describe('connections', () => {
  const base = { target: 'xero' as const, connected: false, tenant_id: null, last_sync: null, waiting: 0, failed: 0, keychain_problem: null };

  it('says whether and where a workspace is connected, the last sync and the outbox', () => {
    expect(describeConnection(base)).toBe('Not connected · never synced · 0 waiting, 0 failed');
    expect(describeConnection({ ...base, connected: true, tenant_id: 'Acme Ltd', last_sync: '2026-11-22T04:50:12.123Z', waiting: 2, failed: 1 })).toBe(
      'Connected to Acme Ltd · last sync 2026-11-22 04:50 UTC · 2 waiting, 1 failed',
    );
  });

  it('puts a locked keychain first, as the core words it', () => {
    const problem = 'could not read the credentials from the OS keychain: the OS keychain is locked or absent: unlock it';
    expect(describeConnection({ ...base, keychain_problem: problem })).toBe(problem);
  });

  it('sums up a sync run, and an offline one says the invoices wait', () => {
    const report = { target: 'qbo' as const, queued: 2, created: 2, recovered: 0, attached: 2, posted: 2, paid: 1, retries: 0, waiting: 0, offline: false, failed: [], flagged: [], pulled: {} };
    expect(describeSync(report)).toBe('QuickBooks Online: 2 bills created, 1 paid.');
    expect(describeSync({ ...report, created: 0, paid: 0, offline: true, waiting: 3 })).toBe(
      'QuickBooks Online: 0 bills created, 0 paid. QuickBooks Online could not be reached: 3 wait in the outbox and go on the next sync.',
    );
  });
});
