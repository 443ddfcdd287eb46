// The onboarding screens' own logic, kept out of the components so it can be tested: labels, the new-hire
// form's checks, which template a hire will get (a preview; the core decides), overdue counts per hire,
// evidence and deadline wording, and who a reminder can go to.

import {
  EMPLOYMENT_TYPES,
  STAGES,
  type ChecklistItem,
  type Dashboard,
  type DueItem,
  type EmploymentType,
  type Evidence,
  type NewHire,
  type Stage,
  type Template,
} from './types';

const STAGE_LABELS: Record<Stage, string> = {
  new: 'New',
  collecting: 'Collecting documents',
  documents_complete: 'Documents complete',
  complete: 'Complete',
  purged: 'Purged',
};

export function stageLabel(stage: Stage): string {
  return STAGE_LABELS[stage] ?? stage;
}

/** The dashboard's hires per stage in life-cycle order, every stage shown (zero included). */
export function stageCounts(dashboard: Dashboard): { stage: Stage; count: number }[] {
  return STAGES.map((stage) => ({ stage, count: dashboard.hires_by_stage[stage] ?? 0 }));
}

/** "1 h 20 min", "45 min", or a sentence when no hire has been handled by a person yet. */
export function formatMinutes(minutes: number | null): string {
  if (minutes === null || !Number.isFinite(minutes)) return 'not measured yet';
  const rounded = Math.round(minutes);
  const hours = Math.floor(rounded / 60);
  const rest = rounded % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** How a deadline stands, from the core's `days_left` (negative: days late). */
export function daysLeftLabel(daysLeft: number): string {
  if (daysLeft < 0) return daysLeft === -1 ? '1 day late' : `${-daysLeft} days late`;
  if (daysLeft === 0) return 'due today';
  return daysLeft === 1 ? 'due tomorrow' : `due in ${daysLeft} days`;
}

/** Overdue and due-soon counts per hire id, from the due list. */
export function dueCountsByHire(due: DueItem[]): Map<number, { overdue: number; dueSoon: number }> {
  const counts = new Map<number, { overdue: number; dueSoon: number }>();
  for (const item of due) {
    const entry = counts.get(item.hire_id) ?? { overdue: 0, dueSoon: 0 };
    if (item.urgency === 'overdue') entry.overdue += 1;
    else entry.dueSoon += 1;
    counts.set(item.hire_id, entry);
  }
  return counts;
}

/** Where a value was read, for a reason's evidence: `"31.12.2025" on page 1`. */
export function describeEvidence(evidence: Evidence | undefined): string | null {
  if (!evidence || evidence.value.trim() === '') return null;
  const where = evidence.page ? ` on page ${evidence.page}` : '';
  return `“${evidence.value}”${where}`;
}

/** Who a reminder can go to: the hire (if they owe documents) and each owner of an open task. */
export function reminderTargets(items: ChecklistItem[], hireEmail: string | null): (string | null)[] {
  const open = items.filter((item) => item.state !== 'done');
  const targets: (string | null)[] = [];
  if (hireEmail && open.some((item) => item.owner === 'hire')) targets.push(null);
  for (const item of open) {
    if (item.owner !== 'hire' && !targets.includes(item.owner)) targets.push(item.owner);
  }
  return targets;
}

/** The template the core will choose: same employment type, the hire's own country before `*`. */
export function previewTemplate(
  templates: Template[],
  employmentType: EmploymentType,
  country: string,
): Template | null {
  const wanted = country.trim().toUpperCase();
  const fitting = templates.filter((t) => t.employment_type === employmentType);
  return (
    fitting.find((t) => t.country.toUpperCase() === wanted) ?? fitting.find((t) => t.country === '*') ?? null
  );
}

/** The new-hire form as typed. */
export interface HireForm {
  name: string;
  email: string;
  role: string;
  startDate: string;
  employmentType: string;
  country: string;
  manager: string;
}

export function emptyHireForm(): HireForm {
  return { name: '', email: '', role: '', startDate: '', employmentType: 'employee', country: '', manager: '' };
}

export type HireFormErrors = Partial<Record<keyof HireForm, string>>;

function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Checks the form and builds the hire the core expects, or says what to fix per field. */
export function readHireForm(form: HireForm): { hire: NewHire } | { errors: HireFormErrors } {
  const errors: HireFormErrors = {};
  const name = form.name.trim().replace(/\s+/g, ' ');
  if (name === '') errors.name = 'Give the hire’s name as on their ID.';
  const email = form.email.trim();
  if (email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    errors.email = 'This is not an e-mail address; leave it empty if you do not know it.';
  }
  const startDate = form.startDate.trim();
  if (!isCalendarDate(startDate)) errors.startDate = 'Give the start date (YYYY-MM-DD).';
  const employmentType = form.employmentType as EmploymentType;
  if (!EMPLOYMENT_TYPES.includes(employmentType)) errors.employmentType = 'Choose employee, contractor or intern.';
  const country = form.country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) errors.country = 'Give the country as two letters (DE, FR, GB…).';
  if (Object.keys(errors).length > 0) return { errors };
  return {
    hire: {
      name,
      email: email === '' ? null : email,
      role: form.role.trim(),
      start_date: startDate,
      employment_type: employmentType,
      country,
      manager: form.manager.trim() === '' ? null : form.manager.trim(),
    },
  };
}

/** A checklist item's state for people: done by whom, open, or the number of problems. */
export function itemStateLabel(item: ChecklistItem): string {
  if (item.state === 'done') return item.done_by === 'backdesk' ? 'Done (checked automatically)' : `Done by ${item.done_by ?? 'someone'}`;
  if (item.state === 'problem') return item.reasons.length === 1 ? '1 problem' : `${item.reasons.length} problems`;
  return 'Waiting';
}
