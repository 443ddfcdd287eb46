// An e-invoice (the core's canonical EN 16931 JSON) as a person reads it: parties with their addresses,
// references, lines and totals, leaving out what the document does not state.

type Json = Record<string, unknown>;

export interface ReadableParty {
  title: string;
  name: string;
  lines: string[];
}

export interface ReadableLine {
  id: string;
  item: string;
  quantity: string;
  unit: string;
  price: string;
  net: string;
  vat: string;
}

export interface ReadableInvoice {
  parties: ReadableParty[];
  facts: [string, string][];
  lines: ReadableLine[];
  totals: [string, string][];
  currency: string | null;
}

function obj(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function text(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

function party(title: string, value: unknown): ReadableParty | null {
  const p = obj(value);
  const address = obj(p.address);
  const name = text(p.name) ?? text(p.trading_name);
  const cityLine = [text(address.post_code), text(address.city)].filter(Boolean).join(' ');
  const lines = [
    text(address.line1),
    text(address.line2),
    text(address.line3),
    cityLine || null,
    text(address.country_code),
    text(p.vat_id) ? `VAT ${text(p.vat_id)}` : null,
  ].filter((line): line is string => line !== null);
  if (!name && lines.length === 0) return null;
  return { title, name: name ?? '—', lines };
}

const FACTS: [string, string][] = [
  ['number', 'Invoice number'],
  ['issue_date', 'Issue date'],
  ['due_date', 'Due date'],
  ['purchase_order_reference', 'Purchase order'],
  ['buyer_reference', 'Buyer reference'],
  ['contract_reference', 'Contract'],
  ['payment_terms', 'Payment terms'],
];

const TOTALS: [string, string][] = [
  ['line_net_total', 'Lines'],
  ['allowance_total', 'Allowances'],
  ['charge_total', 'Charges'],
  ['tax_exclusive', 'Net'],
  ['tax_total', 'VAT'],
  ['tax_inclusive', 'Gross'],
  ['prepaid', 'Paid'],
  ['amount_due', 'Amount due'],
];

export function readableInvoice(canonical: unknown): ReadableInvoice {
  const invoice = obj(canonical);
  const parties = [party('From', invoice.seller), party('To', invoice.buyer)].filter(
    (p): p is ReadableParty => p !== null,
  );
  const facts = FACTS.map(([key, label]): [string, string | null] => [label, text(invoice[key])]).filter(
    (fact): fact is [string, string] => fact[1] !== null,
  );
  const payment = obj(invoice.payment);
  const transfers = Array.isArray(payment.credit_transfers) ? payment.credit_transfers : [];
  for (const transfer of transfers) {
    const account = text(obj(transfer).account_id) ?? text(obj(transfer).iban);
    if (account) facts.push(['Pay to', account]);
  }
  const lines = (Array.isArray(invoice.lines) ? invoice.lines : []).map((value): ReadableLine => {
    const line = obj(value);
    return {
      id: text(line.id) ?? '',
      item: text(line.item_name) ?? text(line.item_description) ?? text(line.note) ?? '—',
      quantity: text(line.quantity) ?? '',
      unit: text(line.unit_code) ?? '',
      price: text(line.net_price) ?? '',
      net: text(line.net_amount) ?? '',
      vat: text(line.vat_rate) !== null ? `${text(line.vat_rate)}%` : '',
    };
  });
  const totalsOf = obj(invoice.totals);
  const totals = TOTALS.map(([key, label]): [string, string | null] => [label, text(totalsOf[key])]).filter(
    (total): total is [string, string] => total[1] !== null,
  );
  return { parties, facts, lines, totals, currency: text(invoice.currency) };
}
