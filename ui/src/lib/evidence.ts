// Reasons as the user reads them: the core's sentence plus its evidence (the detail object) as short
// "label: value" lines, and field names as labels.

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

function shown(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(shown).join(', ');
  return JSON.stringify(value);
}

/** The evidence of a reason as `[label, value]` pairs, in the order the core wrote them. */
export function evidenceLines(detail: unknown): [string, string][] {
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
    return detail === null || detail === undefined || detail === '' ? [] : [['Detail', shown(detail)]];
  }
  return Object.entries(detail as Record<string, unknown>)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => [fieldLabel(key), shown(value)]);
}

/** The confidence as a percentage and how to show it (`low` under 0.8, `mid` under 0.95). */
export function confidenceBand(confidence: number): { percent: string; band: 'low' | 'mid' | 'high' } {
  const percent = `${Math.round(Math.max(0, Math.min(1, confidence)) * 100)}%`;
  return { percent, band: confidence < 0.8 ? 'low' : confidence < 0.95 ? 'mid' : 'high' };
}
