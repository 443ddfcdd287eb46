import { describe, expect, it } from 'vitest';

import { clockTime, describeStage, describeSync, type SyncState } from './syncLine';

const time = (at: string) => at.slice(11, 16);

function xero(overrides: Partial<SyncState> = {}): SyncState {
  return { target: 'xero', connected: true, waiting: 0, failed: 0, last_sync: null, last_attempt: null, ...overrides };
}

describe('describeSync', () => {
  it('says nothing when no accounting system is configured', () => {
    expect(describeSync([], time)).toBeNull();
    expect(describeSync([xero({ connected: false })], time)).toBeNull();
  });

  it('is online with jobs queued after a good attempt, and only connected before any attempt', () => {
    const ok = { at: '2026-11-22T10:40:00Z', ok: true, unreachable: false, error: null };
    expect(describeSync([xero({ waiting: 3, last_attempt: ok })], time)).toEqual({
      text: 'Sync: online · 3 queued',
      tone: 'waiting',
      detail: null,
    });
    expect(describeSync([xero({ last_attempt: ok })], time)?.text).toBe('Sync: online · all sent');
    expect(describeSync([xero({ last_attempt: ok })], time)?.tone).toBe('ok');
    expect(describeSync([xero({ waiting: 3 })], time)?.text).toBe('Sync: connected · 3 queued');
  });

  it('is offline when the last attempt reached no server, and tells a server error apart', () => {
    const offline = { at: '2026-11-22T10:42:00Z', ok: false, unreachable: true, error: 'create bills: connection refused' };
    const line = describeSync([xero({ waiting: 12, last_attempt: offline })], time);
    expect(line).toEqual({
      text: 'Sync: offline (last try 10:42) · 12 queued (will retry)',
      tone: 'waiting',
      detail: 'create bills: connection refused',
    });
    const answered = { ...offline, unreachable: false, error: 'create bills: HTTP 502' };
    expect(describeSync([xero({ waiting: 1, last_attempt: answered })], time)?.text).toBe(
      'Sync: the server answered with an error (last try 10:42) · 1 queued (will retry)',
    );
  });

  it('sends the user to Connections for failed jobs or queued jobs without a connection', () => {
    expect(describeSync([xero({ failed: 2 })], time)).toMatchObject({ text: 'Sync: 2 failed — open Connections', tone: 'problem' });
    expect(describeSync([xero({ failed: 1, waiting: 4 })], time)?.text).toBe('Sync: 1 failed, 4 queued — open Connections');
    expect(describeSync([xero({ connected: false, waiting: 4 })], time)?.text).toBe(
      'Sync: not connected · 4 queued — open Connections',
    );
  });

  it('names each system when more than one is in use and takes the worst tone', () => {
    const line = describeSync([xero({ waiting: 2 }), { ...xero({ failed: 1 }), target: 'qbo' }], time);
    expect(line?.text).toBe('Sync: Xero connected · 2 queued; QuickBooks 1 failed — open Connections');
    expect(line?.tone).toBe('problem');
  });
});

describe('clockTime', () => {
  const now = new Date('2026-11-22T15:00:00Z');
  it('shows the time of day for today and adds the date for another day, in the given zone', () => {
    expect(clockTime('2026-11-22T10:42:00Z', now, 'en-GB', 'UTC')).toBe('10:42');
    expect(clockTime('2026-11-22T10:42:00Z', now, 'en-GB', 'Europe/Berlin')).toBe('11:42');
    expect(clockTime('2026-11-21T10:42:00Z', now, 'en-GB', 'UTC')).toBe('21 Nov 10:42');
    expect(clockTime('not a time', now, 'en-GB', 'UTC')).toBe('not a time');
  });
});

describe('describeStage', () => {
  it('names the file being read and the OCR page being recognised', () => {
    expect(describeStage({ kind: 'reading', file: 'invoice.pdf' })).toBe('Reading invoice.pdf');
    expect(describeStage({ kind: 'ocr_progress', file: 'scan.pdf', done: 0, pages: 5 })).toBe('OCR page 1 of 5 — scan.pdf');
    expect(describeStage({ kind: 'ocr_progress', file: 'scan.pdf', done: 1, pages: 5 })).toBe('OCR page 2 of 5 — scan.pdf');
    expect(describeStage({ kind: 'ocr_progress', file: 'scan.pdf', done: 5, pages: 5 })).toBe('Reading scan.pdf');
  });
});
