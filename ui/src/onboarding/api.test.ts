import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn() }));
vi.mock('@tauri-apps/plugin-dialog', () => ({ open: vi.fn() }));

import { addHire, draftHireReminder, dueHireItems, tickHireItem } from './api';

describe('onboarding commands', () => {
  beforeEach(() => {
    invoke.mockReset();
  });

  it('sends the argument names the shell commands take', async () => {
    invoke.mockResolvedValue({});
    const hire = {
      name: 'Zoë Müller',
      email: null,
      role: '',
      start_date: '2026-04-01',
      employment_type: 'employee' as const,
      country: 'DE',
      manager: null,
    };
    await addHire(hire, 'coordinator');
    await tickHireItem(3, 'it_account', 'it-desk');
    await dueHireItems(7);
    await draftHireReminder(3, null);
    expect(invoke.mock.calls).toEqual([
      ['add_hire', { hire, actor: 'coordinator' }],
      ['tick_hire_item', { id: 3, item: 'it_account', person: 'it-desk' }],
      ['due_hire_items', { days: 7 }],
      ['draft_hire_reminder', { id: 3, owner: null }],
    ]);
  });

  it('passes the core’s error on as {code, message}', async () => {
    invoke.mockRejectedValue({ code: 'NOT_FOUND', message: 'checklist item coffee of hire 3 does not exist' });
    const thrown = await tickHireItem(3, 'coffee', 'x').catch((error: unknown) => error);
    expect(thrown).toEqual({
      code: 'NOT_FOUND',
      message: 'checklist item coffee of hire 3 does not exist',
    });
  });
});
