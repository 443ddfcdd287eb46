// The settings screens' testable logic: when an import may go ahead, the preview and receipt sentences, and
// the goods-receipt form turned into what the core takes (quantities stay decimal strings, never floats).

import type { BackupManifest, BankChange, BackupReport, ConnectionStatus, ImportReport, MasterDataKind, MasterDataPreview, OpenPurchaseOrder, ReceiptEntry, ReceiptRecorded, SyncReport } from './types';

const PLAIN_DECIMAL = /^\d+(\.\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** "Import" is offered only for the file and kind just previewed, when the preview found no error. */
export function canImport(preview: MasterDataPreview | null, kind: MasterDataKind, file: string): boolean {
  return preview !== null && preview.kind === kind && previewedFile(preview, file) && preview.errors.length === 0 && preview.rows > 0;
}

function previewedFile(preview: MasterDataPreview, file: string): boolean {
  const name = file.trim().split(/[\\/]/).pop() ?? '';
  return name === preview.file;
}

/** One sentence on what an import would do. */
export function describePreview(preview: MasterDataPreview): string {
  if (preview.errors.length > 0) {
    const lines = new Set(preview.errors.map((e) => e.line)).size;
    const problems = plural(preview.errors.length, 'problem');
    return `${problems} on ${plural(lines, 'line')} of ${preview.file}: nothing will be imported until they are fixed.`;
  }
  if (preview.rows === 0) return `${preview.file} has no rows to import.`;
  const unchanged = preview.rows - preview.new - preview.changed;
  return `${preview.file}: ${plural(preview.rows, 'row')} — ${String(preview.new)} new, ${String(preview.changed)} changed, ${String(unchanged)} unchanged. Nothing is kept until you import.`;
}

/** What an import did, in one sentence. */
export function describeImport(report: ImportReport): string {
  return `Imported ${report.file}: ${plural(report.rows, 'row')} on file, ${String(report.changed)} new or changed.`;
}

const BANK_FIELD_LABELS: Record<BankChange['field'], string> = { iban: 'IBAN', bic: 'BIC', account_number: 'account number' };

/** The warning for a bank detail an import changes, e.g. "V1 Acme GmbH: IBAN …3000 → …4321 — confirm the new account with the vendor by phone before paying to it". */
export function describeBankChange(change: BankChange): string {
  const label = BANK_FIELD_LABELS[change.field];
  return `${change.vendor_id} ${change.name}: ${label} ${lastFour(change.old)} → ${lastFour(change.new)} — confirm the new account with the vendor by phone before paying to it`;
}

/** A masked value as the warning shows it: "…" and its last four characters, or "none". */
function lastFour(masked: string | null): string {
  if (masked === null) return 'none';
  const chars = Array.from(masked);
  return chars.length <= 4 ? masked : `…${chars.slice(-4).join('')}`;
}

function plural(n: number, word: string): string {
  return `${String(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** `a − b` for plain decimal strings, exactly (BigInt at the larger scale), never below zero. */
export function outstanding(ordered: string, received: string): string {
  const scale = Math.max(fraction(ordered).length, fraction(received).length);
  const diff = scaled(ordered, scale) - scaled(received, scale);
  if (diff <= 0n) return '0';
  const text = diff.toString().padStart(scale + 1, '0');
  if (scale === 0) return text;
  const whole = text.slice(0, text.length - scale);
  const frac = text.slice(text.length - scale).replace(/0+$/, '');
  return frac === '' ? whole : `${whole}.${frac}`;
}

function fraction(value: string): string {
  return value.split('.')[1] ?? '';
}

function scaled(value: string, scale: number): bigint {
  const [whole = '0', frac = ''] = value.trim().replace(/^-/, '').split('.');
  const sign = value.trim().startsWith('-') ? -1n : 1n;
  return sign * BigInt(whole + frac.padEnd(scale, '0'));
}

/** Whether a typed quantity is zero (empty counts as zero: that line was not delivered). */
function isZero(quantity: string): boolean {
  return quantity.trim() === '' || /^0*(\.0*)?$/.test(quantity.trim());
}

/**
 * The form of a goods receipt as the core takes it, or the first problem in words. `quantities` holds the
 * typed text per PO line number.
 */
export function receiptEntry(
  order: OpenPurchaseOrder | null,
  quantities: Record<number, string>,
  receivedDate: string,
  receiptId: string,
  who: string | null,
): { entry: ReceiptEntry } | { problem: string } {
  if (order === null) return { problem: 'Choose the purchase order the goods came for.' };
  if (who === null || who.trim() === '') return { problem: 'Choose who you are (top right) before recording goods received.' };
  if (!ISO_DATE.test(receivedDate)) return { problem: 'Enter the date the goods arrived.' };
  const lines: ReceiptEntry['lines'] = [];
  for (const line of order.lines) {
    const typed = (quantities[line.line_no] ?? '').trim();
    if (isZero(typed)) continue;
    if (!PLAIN_DECIMAL.test(typed)) {
      return { problem: `Line ${String(line.line_no)}: "${typed}" is not a quantity; write it like 12 or 2.5.` };
    }
    lines.push({ line_no: line.line_no, quantity: typed });
  }
  if (lines.length === 0) return { problem: 'Type the quantity received on at least one line.' };
  const id = receiptId.trim();
  return { entry: { po_number: order.po_number, receipt_id: id === '' ? null : id, received_date: receivedDate, lines, who: who.trim() } };
}

/** What recording a receipt did, in one sentence. */
export function describeRecorded(recorded: ReceiptRecorded, po: string): string {
  const head = `Goods receipt ${recorded.receipt_id} recorded on ${po} (${plural(recorded.lines, 'line')}).`;
  if (recorded.redecided.length === 0) return `${head} No invoice was waiting on this purchase order.`;
  const changes = recorded.redecided
    .map((r) => (r.before === r.after ? `invoice ${String(r.invoice_id)} is still ${label(r.after)}` : `invoice ${String(r.invoice_id)} ${label(r.before)} → ${label(r.after)}`))
    .join('; ');
  return `${head} Decided again: ${changes}.`;
}

function label(status: string): string {
  return status.replaceAll('_', ' ');
}

/** A byte count for people (1 decimal above a kilobyte). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${String(bytes)} bytes` : `${value.toFixed(1)} ${units[unit] ?? ''}`;
}

/** Today's date in the local time zone as YYYY-MM-DD (the default receipt date). */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(now.getFullYear())}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The names people know the accounting systems by. */
export const TARGET_NAMES = { xero: 'Xero', qbo: 'QuickBooks Online' } as const;

/** A connection's state in one sentence (the keychain's problem first: nothing else can be known then). */
export function describeConnection(status: ConnectionStatus): string {
  if (status.keychain_problem !== null) return status.keychain_problem;
  const head = status.connected
    ? `Connected${status.tenant_id === null ? '' : ` to ${status.tenant_id}`}`
    : 'Not connected';
  const last = status.last_sync === null ? 'never synced' : `last sync ${status.last_sync.replace('T', ' ').slice(0, 16)} UTC`;
  const outbox = `${String(status.waiting)} waiting, ${String(status.failed)} failed`;
  return `${head} · ${last} · ${outbox}`;
}

/** What a sync run did, in one sentence. */
export function describeSync(report: SyncReport): string {
  const name = TARGET_NAMES[report.target];
  const parts = [`${plural(report.created, 'bill')} created`, `${String(report.paid)} paid`];
  if (report.recovered > 0) parts.push(`${String(report.recovered)} found already there`);
  if (report.failed.length > 0) parts.push(`${String(report.failed.length)} refused`);
  if (report.flagged.length > 0) parts.push(`${String(report.flagged.length)} changed there and flagged`);
  const tail = report.offline
    ? ` ${name} could not be reached: ${String(report.waiting)} wait in the outbox and go on the next sync.`
    : report.waiting > 0
      ? ` ${String(report.waiting)} still waiting.`
      : '';
  return `${name}: ${parts.join(', ')}.${tail}`;
}

/** What a backup holds, from its checked manifest. */
export function describeManifest(manifest: BackupManifest): string {
  const bytes = manifest.entries.reduce((sum, entry) => sum + entry.size, 0);
  const when = manifest.created_at.replace('T', ' ').slice(0, 16);
  return `This backup from ${when} UTC holds ${plural(manifest.invoice_count, 'invoice')} in ${plural(manifest.entries.length, 'file')} (${formatBytes(bytes)}, schema version ${String(manifest.schema_version)}).`;
}

/** What a backup wrote, in one sentence. */
export function describeBackup(report: BackupReport): string {
  return `Backed up ${plural(report.invoice_count, 'invoice')} and ${plural(report.entries, 'file')} (${formatBytes(report.bytes)}) to ${report.file}.`;
}
