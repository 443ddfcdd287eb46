// Reasons as the user reads them: the core's sentence plus its evidence (the detail object) as labelled
// values — amounts, dates and shares in the OS locale, field names as labels, the page a field was read on.

import { formatDate, formatMoney, formatNumber, formatPercent } from './format';

const FIELD_LABELS: Record<string, string> = {
  invoice_number: 'Invoice number',
  issue_date: 'Issue date',
  due_date: 'Due date',
  currency: 'Currency',
  total_net: 'Net total',
  total_tax: 'Tax total',
  total_gross: 'Gross total',
  amount_due: 'Amount due',
  purchase_order_reference: 'PO reference',
  seller_name: 'Vendor name',
  seller_vat_id: 'Vendor VAT id',
  buyer_name: 'Buyer name',
  buyer_reference: 'Buyer reference',
  iban: 'IBAN',
};

/** `total_gross` → `Gross total`; unknown names are made readable (`tax_point_date` → `Tax point date`). */
export function fieldLabel(name: string): string {
  const known = FIELD_LABELS[name];
  if (known) return known;
  const words = name.replace(/[_.]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Labels for the keys reasons use in their evidence, where the key read as words is not good enough. */
const KEY_LABELS: Record<string, string> = {
  field: 'Field',
  fields: 'Fields',
  rule: 'Check',
  stated: 'Stated',
  on_file: 'On file',
  history: 'Paid or confirmed before',
  vendor_id: 'Vendor',
  po_vendor_id: 'Vendor of the PO',
  invoice_vendor_id: 'Vendor of the invoice',
  po_number: 'PO number',
  po_line: 'PO line',
  po_unit_price: 'PO unit price',
  po_currency: 'PO currency',
  invoice_line: 'Invoice line',
  invoice_currency: 'Invoice currency',
  purchase_orders: 'Purchase orders',
  tolerance_percent: 'Tolerance (share)',
  tolerance_absolute: 'Tolerance (amount)',
  duplicate_of: 'Duplicate of',
  possible_duplicate_of: 'Possibly a duplicate of',
  seller_tax_id: 'Vendor tax id',
  seller_account: 'Vendor bank account',
};

/** Key words of evidence values that are amounts in the invoice's currency. */
const MONEY_WORDS = new Set(['amount', 'price', 'gross', 'net', 'tax', 'total', 'difference', 'allowed', 'stated', 'computed', 'tolerance']);
/** Keys whose numbers are shares between 0 and 1 (confidences and their thresholds). */
const SHARE_KEYS = new Set(['confidence', 'threshold']);
const DECIMAL = /^-?\d+(\.\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** One labelled value of a reason's evidence; `mono` when it is a code, number or amount to compare by eye. */
export interface EvidenceValue {
  label: string;
  value: string;
  mono: boolean;
}

/** A top-level entry: a value, or (for lists of objects such as the fields read with low confidence) records. */
export interface EvidenceEntry extends Partial<EvidenceValue> {
  label: string;
  records?: EvidenceValue[][];
}

/** What the evidence is shown against: the invoice's currency, its fields (for their page), the locale. */
export interface EvidenceContext {
  currency: string | null;
  fields: Record<string, { page?: number }>;
  locale?: string;
}

function keyLabel(key: string): string {
  return KEY_LABELS[key] ?? fieldLabel(key).replace(/\bPo\b/g, 'PO').replace(/\bpo\b/g, 'PO');
}

function isMoneyKey(key: string): boolean {
  const words = key.split(/[_.]/);
  return !words.includes('percent') && !words.includes('id') && words.some((word) => MONEY_WORDS.has(word));
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/** A scalar under `key` as the user reads it: amounts in the currency, dates and shares in the locale. */
function formatScalar(key: string, value: unknown, context: EvidenceContext): { value: string; mono: boolean } {
  const { locale } = context;
  if (typeof value === 'boolean') return { value: value ? 'yes' : 'no', mono: false };
  if (typeof value === 'number') {
    if (SHARE_KEYS.has(key)) return { value: formatPercent(value, locale), mono: true };
    return { value: String(value), mono: true };
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (key === 'field' || key === 'fields') return { value: fieldLabel(text), mono: false };
  if (key === 'message') return { value: text, mono: false };
  if (ISO_DATE.test(text)) return { value: formatDate(text, locale), mono: false };
  if (DECIMAL.test(text)) {
    if (key === 'tolerance_percent') return { value: formatPercent(Number(text) / 100, locale), mono: true };
    if (SHARE_KEYS.has(key)) return { value: formatPercent(Number(text), locale), mono: true };
    if (isMoneyKey(key)) return { value: formatMoney(text, context.currency, locale), mono: true };
    return { value: formatNumber(text, locale), mono: true };
  }
  return { value: text, mono: true };
}

/** One object of the evidence as labelled values; a record naming a field also says on which page it was read. */
function record(object: Record<string, unknown>, context: EvidenceContext): EvidenceValue[] {
  const field = typeof object.field === 'string' ? object.field : null;
  const values: EvidenceValue[] = [];
  for (const [key, value] of readingOrder(object)) {
    if (isEmpty(value)) continue;
    // the value read for a field is formatted as that field: an amount, a date or text
    const as = key === 'value' && field ? field : key;
    const items = Array.isArray(value) ? value : [value];
    const shown = items.map((item) => formatScalar(as, item, context));
    values.push({ label: keyLabel(key), value: shown.map((s) => s.value).join(', '), mono: shown.every((s) => s.mono) });
  }
  const page = field ? context.fields[field]?.page : undefined;
  if (page !== undefined && !('page' in object)) values.push({ label: 'Page', value: String(page), mono: true });
  return values;
}

/** Keys read first when present (the core's JSON arrives sorted by key) and the check's name last. */
const FIRST_KEYS = ['field', 'value'];

function readingOrder(object: Record<string, unknown>): [string, unknown][] {
  const entries = Object.entries(object);
  const rank = (key: string) => (FIRST_KEYS.includes(key) ? FIRST_KEYS.indexOf(key) - FIRST_KEYS.length : key === 'rule' ? 1 : 0);
  // a stable sort: keys of equal rank keep the core's order
  return entries.sort(([a], [b]) => rank(a) - rank(b));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The evidence of a reason (its `detail` object) as labelled entries, in the order the core wrote them:
 * amounts in the invoice's currency, dates and shares in the locale, field names as labels, and lists of
 * objects (the fields read with low confidence, the totals that do not add up, …) as records of their own.
 */
export function evidenceEntries(detail: unknown, context: EvidenceContext): EvidenceEntry[] {
  if (!isObject(detail)) {
    return isEmpty(detail) ? [] : [{ label: 'Detail', ...formatScalar('detail', detail, context) }];
  }
  const entries: EvidenceEntry[] = [];
  for (const [key, value] of readingOrder(detail)) {
    if (isEmpty(value)) continue;
    const label = keyLabel(key);
    if (isObject(value)) {
      entries.push({ label, records: [record(value, context)] });
    } else if (Array.isArray(value) && value.some(isObject)) {
      entries.push({ label, records: value.filter(isObject).map((item) => record(item, context)) });
    } else {
      const shown = (Array.isArray(value) ? value : [value]).map((item) => formatScalar(key, item, context));
      entries.push({ label, value: shown.map((s) => s.value).join(', '), mono: shown.every((s) => s.mono) });
    }
  }
  return entries;
}

/** The confidence as a percentage and how to show it (`low` under 0.8, `mid` under 0.95). */
export function confidenceBand(confidence: number): { percent: string; band: 'low' | 'mid' | 'high' } {
  const percent = `${Math.round(Math.max(0, Math.min(1, confidence)) * 100)}%`;
  return { percent, band: confidence < 0.8 ? 'low' : confidence < 0.95 ? 'mid' : 'high' };
}
