// Matched PO lines beside the invoice lines, with the price variance computed exactly on the decimal
// strings (scaled integers, no floats) and flagged when the invoice charges a different price.

export interface MatchRow {
  invoiceLine: string;
  po: string;
  tier: string;
  mode: string;
  quantity: string;
  unitPrice: string | null;
  poUnitPrice: string;
  /** invoice unit price − PO unit price, exact; `null` when the invoice line has no unit price. */
  variance: string | null;
  /** The variance as a share of the PO price, rounded to 0.1 % (for reading only). */
  variancePercent: string | null;
  differs: boolean;
}

function parse(text: string): { digits: bigint; scale: number } | null {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return null;
  const fraction = match[3] ?? '';
  const digits = BigInt(`${match[2]}${fraction}`);
  return { digits: match[1] === '-' ? -digits : digits, scale: fraction.length };
}

/** `a − b` of two decimal strings, exact (`"10.5" − "10.25"` → `"0.25"`); `null` if either is not a decimal. */
export function decimalDifference(a: string, b: string): string | null {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return null;
  const scale = Math.max(x.scale, y.scale);
  const diff = x.digits * 10n ** BigInt(scale - x.scale) - y.digits * 10n ** BigInt(scale - y.scale);
  const negative = diff < 0n;
  const text = (negative ? -diff : diff).toString().padStart(scale + 1, '0');
  const whole = text.slice(0, text.length - scale);
  const fraction = scale > 0 ? `.${text.slice(text.length - scale)}` : '';
  return `${negative && diff !== 0n ? '-' : ''}${whole}${fraction}`;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
}

export function matchRows(matches: readonly Record<string, unknown>[]): MatchRow[] {
  return matches.map((m) => {
    const unitPrice = str(m.unit_price);
    const poUnitPrice = str(m.po_unit_price) ?? '';
    const variance = unitPrice === null ? null : decimalDifference(unitPrice, poUnitPrice);
    const differs = variance !== null && /[1-9]/.test(variance);
    const po = Number(poUnitPrice);
    const variancePercent =
      variance !== null && differs && po !== 0 ? `${((Number(variance) / po) * 100).toFixed(1)}%` : null;
    return {
      invoiceLine: str(m.invoice_line) ?? '',
      po: `${str(m.po_number) ?? '?'} / ${str(m.po_line_no) ?? '?'}`,
      tier: str(m.tier) ?? '',
      mode: str(m.mode) ?? '',
      quantity: str(m.quantity) ?? '',
      unitPrice,
      poUnitPrice,
      variance,
      variancePercent,
      differs,
    };
  });
}
