// Wire types of onboarding: the JSON the core's `api::onboarding` sends through the shell's onboarding
// commands (src-tauri/src/onboarding.rs). Dates are `YYYY-MM-DD` strings.

export type EmploymentType = 'employee' | 'contractor' | 'intern';

export const EMPLOYMENT_TYPES: readonly EmploymentType[] = ['employee', 'contractor', 'intern'];

export type Stage = 'new' | 'collecting' | 'documents_complete' | 'complete' | 'purged';

export const STAGES: readonly Stage[] = ['new', 'collecting', 'documents_complete', 'complete', 'purged'];

export type ItemState = 'open' | 'problem' | 'done';

/** Where a value was read: page (1-based) and box `[x0, y0, x1, y1]` in points from the bottom-left. */
export interface Evidence {
  value: string;
  page?: number;
  bbox?: [number, number, number, number];
}

export interface ItemReason {
  code: string;
  message: string;
  evidence?: Evidence;
}

export interface ChecklistItem {
  key: string;
  label: string;
  kind: 'document' | 'task';
  document_type?: string;
  owner: string;
  due_date: string;
  min_pages: number;
  state: ItemState;
  done_by: string | null;
  done_at: string | null;
  document_id: number | null;
  reasons: ItemReason[];
  fields: Record<string, unknown>;
}

/** A hire as the core keeps it: what the coordinator entered, and what the core gave it. */
export interface Hire extends NewHire {
  id: number;
  slug: string;
  template_key: string;
  template_version: number;
  retention_days: number;
  created_at: string;
  purged_at: string | null;
}

export interface HireSummary extends Hire {
  stage: Stage;
  items_done: number;
  items_total: number;
  items_with_problems: number;
}

export interface HireStatus extends HireSummary {
  /** The inbox sub-folder (relative to the inbox) this hire's documents can be dropped into. */
  folder: string;
  items: ChecklistItem[];
}

export interface NewHire {
  name: string;
  email: string | null;
  role: string;
  start_date: string;
  employment_type: EmploymentType;
  country: string;
  manager: string | null;
}

export interface TemplateItem {
  key: string;
  label: string;
  kind: 'document' | 'task';
  document?: string;
  owner: string;
  due_days: number;
  min_pages?: number;
}

export interface Template {
  key: string;
  employment_type: EmploymentType;
  country: string;
  retention_days: number;
  items: TemplateItem[];
  version?: number;
}

export type Urgency = 'overdue' | 'due_soon';

export interface DueItem {
  hire_id: number;
  hire_name: string;
  item_key: string;
  label: string;
  owner: string;
  due_date: string;
  state: ItemState;
  urgency: Urgency;
  days_left: number;
}

export interface SavedReminder {
  to: string;
  subject: string;
  body: string;
  eml: string;
  mailto: string;
  path: string;
}

export interface Dashboard {
  hires_by_stage: Partial<Record<Stage, number>>;
  items_overdue: number;
  hires_measured: number;
  average_coordinator_minutes: number | null;
}
