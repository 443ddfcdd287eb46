// Typed wrappers over the shell's onboarding commands (src-tauri/src/onboarding.rs), through the one module
// that talks to the shell (../lib/api.ts). Everything they throw is an `AppError`.

import { callCommand as command } from '../lib/api';
import type { Dashboard, DueItem, HireStatus, HireSummary, NewHire, SavedReminder, Template } from './types';

export function onboardingTemplates(): Promise<Template[]> {
  return command('onboarding_templates');
}

export function listHires(): Promise<HireSummary[]> {
  return command('list_hires');
}

export function addHire(hire: NewHire, actor: string): Promise<HireStatus> {
  return command('add_hire', { hire, actor });
}

export function hireStatus(id: number): Promise<HireStatus> {
  return command('hire_status', { id });
}

export function tickHireItem(id: number, item: string, person: string): Promise<HireStatus> {
  return command('tick_hire_item', { id, item, person });
}

/** Items overdue today or due within `days`, across all hires. */
export function dueHireItems(days: number): Promise<DueItem[]> {
  return command('due_hire_items', { days });
}

/** Writes a reminder draft (.eml in the data directory): to the hire, or to `owner` for their tasks. */
export function draftHireReminder(id: number, owner: string | null): Promise<SavedReminder> {
  return command('draft_hire_reminder', { id, owner });
}

export function onboardingDashboard(): Promise<Dashboard> {
  return command('onboarding_dashboard');
}
