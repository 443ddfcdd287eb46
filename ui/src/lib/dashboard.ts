// The dashboard's numbers from rows of the `report_*` views: exceptions per reason per week, cycle times
// (received → approved, received → posted) and per-vendor extraction accuracy.

export interface WeekReasonRow {
  week: string;
  reason_codes: string | null;
}

export interface ReasonSeries {
  /** Week starts (ISO dates), ascending, every week from the first to the last. */
  weeks: string[];
  /** Reason code → count per week, aligned with `weeks`. */
  series: Map<string, number[]>;
}

function addDays(iso: string, days: number): string {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Counts each reason per week (an invoice with two reasons counts once under each); gaps are zero weeks. */
export function exceptionsByWeek(rows: readonly WeekReasonRow[]): ReasonSeries {
  const counts = new Map<string, Map<string, number>>();
  let first: string | null = null;
  let last: string | null = null;
  for (const row of rows) {
    if (!row.reason_codes || !/^\d{4}-\d{2}-\d{2}$/.test(row.week)) continue;
    if (first === null || row.week < first) first = row.week;
    if (last === null || row.week > last) last = row.week;
    for (const code of new Set(row.reason_codes.split(',').filter(Boolean))) {
      let perWeek = counts.get(code);
      if (!perWeek) counts.set(code, (perWeek = new Map()));
      perWeek.set(row.week, (perWeek.get(row.week) ?? 0) + 1);
    }
  }
  const weeks: string[] = [];
  if (first !== null && last !== null) {
    for (let week = first; week <= last && weeks.length < 520; week = addDays(week, 7)) weeks.push(week);
  }
  const series = new Map<string, number[]>();
  for (const code of [...counts.keys()].sort()) {
    const perWeek = counts.get(code) ?? new Map<string, number>();
    series.set(code, weeks.map((week) => perWeek.get(week) ?? 0));
  }
  return { weeks, series };
}

export interface CycleRow {
  received_at: string | null;
  approved_at: string | null;
  posted_at: string | null;
}

/** The median of some numbers (`null` for none). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Median hours from receipt to first approval and to posting, and how many invoices each is over. */
export function cycleTimes(rows: readonly CycleRow[]): { toApproved: number | null; toPosted: number | null; approved: number; posted: number } {
  const hours = (from: string | null, to: string | null) => {
    if (!from || !to) return null;
    const ms = Date.parse(to) - Date.parse(from);
    return Number.isFinite(ms) && ms >= 0 ? ms / 3_600_000 : null;
  };
  const approved = rows.map((r) => hours(r.received_at, r.approved_at)).filter((h): h is number => h !== null);
  const posted = rows.map((r) => hours(r.received_at, r.posted_at)).filter((h): h is number => h !== null);
  return { toApproved: median(approved), toPosted: median(posted), approved: approved.length, posted: posted.length };
}

export interface VendorAccuracyRow {
  vendor_id: string | null;
  invoices: number;
  fields: number;
  fields_corrected: number;
}

/** Share of extracted fields nobody had to correct, per vendor, worst first. */
export function vendorAccuracy(rows: readonly VendorAccuracyRow[]): { vendor: string; invoices: number; accuracy: number | null }[] {
  return rows
    .map((row) => ({
      vendor: row.vendor_id ?? 'unknown vendor',
      invoices: row.invoices,
      accuracy: row.fields > 0 ? Math.max(0, 1 - row.fields_corrected / row.fields) : null,
    }))
    .sort((a, b) => (a.accuracy ?? 2) - (b.accuracy ?? 2) || a.vendor.localeCompare(b.vendor));
}
