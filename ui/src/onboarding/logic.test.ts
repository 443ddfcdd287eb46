import { describe, expect, it } from 'vitest';

import {
  daysLeftLabel,
  describeEvidence,
  dueCountsByHire,
  emptyHireForm,
  formatMinutes,
  itemStateLabel,
  previewTemplate,
  readHireForm,
  reminderTargets,
  stageCounts,
} from './logic';
import type { ChecklistItem, DueItem, Template } from './types';

function item(overrides: Partial<ChecklistItem>): ChecklistItem {
  return {
    key: 'id',
    label: 'Identity document',
    kind: 'document',
    document_type: 'id',
    owner: 'hire',
    due_date: '2026-03-18',
    min_pages: 1,
    state: 'open',
    done_by: null,
    done_at: null,
    document_id: null,
    reasons: [],
    fields: {},
    ...overrides,
  };
}

function due(hire_id: number, urgency: DueItem['urgency']): DueItem {
  return {
    hire_id,
    hire_name: `hire ${hire_id}`,
    item_key: 'id',
    label: 'ID',
    owner: 'hire',
    due_date: '2026-03-18',
    state: 'open',
    urgency,
    days_left: urgency === 'overdue' ? -2 : 3,
  };
}

describe('readHireForm', () => {
  const filled = {
    ...emptyHireForm(),
    name: '  Zoë   Müller ',
    email: 'zoe@example.com',
    startDate: '2026-04-01',
    country: 'de',
    role: 'Engineer',
  };

  it('builds the hire the core expects, normalised', () => {
    expect(readHireForm(filled)).toEqual({
      hire: {
        name: 'Zoë Müller',
        email: 'zoe@example.com',
        role: 'Engineer',
        start_date: '2026-04-01',
        employment_type: 'employee',
        country: 'DE',
        manager: null,
      },
    });
  });

  it('says what to fix for each wrong field, and nothing for the right ones', () => {
    const result = readHireForm({ ...filled, name: ' ', email: 'zoe at example', startDate: '2026-02-30', country: 'Deutschland' });
    expect('errors' in result && Object.keys(result.errors).sort()).toEqual(['country', 'email', 'name', 'startDate']);
  });

  it('accepts a hire without an e-mail address', () => {
    const result = readHireForm({ ...filled, email: '' });
    expect('hire' in result && result.hire.email).toBeNull();
  });

  it('refuses an employment type the core does not know', () => {
    const result = readHireForm({ ...filled, employmentType: 'freelancer' });
    expect('errors' in result && result.errors.employmentType).toBeTruthy();
  });
});

describe('previewTemplate', () => {
  const template = (key: string, employment_type: Template['employment_type'], country: string): Template => ({
    key,
    employment_type,
    country,
    retention_days: 100,
    items: [],
    version: 1,
  });
  const templates = [
    template('employee-default', 'employee', '*'),
    template('employee-de', 'employee', 'DE'),
    template('intern-default', 'intern', '*'),
  ];

  it('prefers the hire’s own country, then any country', () => {
    expect(previewTemplate(templates, 'employee', 'de')?.key).toBe('employee-de');
    expect(previewTemplate(templates, 'employee', 'FR')?.key).toBe('employee-default');
  });

  it('finds none when no template has the employment type', () => {
    expect(previewTemplate(templates, 'contractor', 'DE')).toBeNull();
  });
});

describe('dueCountsByHire', () => {
  it('counts overdue and due-soon items per hire', () => {
    const counts = dueCountsByHire([due(1, 'overdue'), due(1, 'overdue'), due(1, 'due_soon'), due(2, 'due_soon')]);
    expect(counts.get(1)).toEqual({ overdue: 2, dueSoon: 1 });
    expect(counts.get(2)).toEqual({ overdue: 0, dueSoon: 1 });
    expect(counts.get(3)).toBeUndefined();
  });
});

describe('reminderTargets', () => {
  it('offers the hire for missing documents and each owner of an open task once', () => {
    const items = [
      item({ key: 'id', state: 'problem' }),
      item({ key: 'tax', state: 'done' }),
      item({ key: 'it', kind: 'task', owner: 'it@company.example' }),
      item({ key: 'laptop', kind: 'task', owner: 'it@company.example' }),
      item({ key: 'payroll', kind: 'task', owner: 'payroll@company.example', state: 'done' }),
    ];
    expect(reminderTargets(items, 'zoe@example.com')).toEqual([null, 'it@company.example']);
  });

  it('leaves the hire out when they have no address or owe nothing', () => {
    expect(reminderTargets([item({ state: 'open' })], null)).toEqual([]);
    expect(reminderTargets([item({ state: 'done' })], 'zoe@example.com')).toEqual([]);
  });
});

describe('wording', () => {
  it('describes evidence with its page, and nothing when there is none', () => {
    expect(describeEvidence({ value: '31.12.2025', page: 1, bbox: [1, 2, 3, 4] })).toBe('“31.12.2025” on page 1');
    expect(describeEvidence({ value: 'Marie Curie' })).toBe('“Marie Curie”');
    expect(describeEvidence(undefined)).toBeNull();
  });

  it('tells late, today and upcoming deadlines apart', () => {
    expect([-3, -1, 0, 1, 5].map(daysLeftLabel)).toEqual([
      '3 days late',
      '1 day late',
      'due today',
      'due tomorrow',
      'due in 5 days',
    ]);
  });

  it('formats measured coordinator time, or says it is not measured', () => {
    expect(formatMinutes(null)).toBe('not measured yet');
    expect(formatMinutes(0)).toBe('0 min');
    expect(formatMinutes(80.4)).toBe('1 h 20 min');
    expect(formatMinutes(120)).toBe('2 h');
  });

  it('says who ticked an item or how many problems it has', () => {
    expect(itemStateLabel(item({ state: 'done', done_by: 'backdesk' }))).toBe('Done (checked automatically)');
    expect(itemStateLabel(item({ state: 'done', done_by: 'coordinator' }))).toBe('Done by coordinator');
    const reason = { code: 'EXPIRED', message: 'expired' };
    expect(itemStateLabel(item({ state: 'problem', reasons: [reason, reason] }))).toBe('2 problems');
    expect(itemStateLabel(item({ state: 'open' }))).toBe('Waiting');
  });

  it('lists every stage in life-cycle order with zero for the empty ones', () => {
    const counts = stageCounts({ hires_by_stage: { collecting: 2, new: 1 }, items_overdue: 0, hires_measured: 0, average_coordinator_minutes: null });
    expect(counts).toEqual([
      { stage: 'new', count: 1 },
      { stage: 'collecting', count: 2 },
      { stage: 'documents_complete', count: 0 },
      { stage: 'complete', count: 0 },
      { stage: 'purged', count: 0 },
    ]);
  });
});
