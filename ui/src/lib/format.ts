// Display formatting in the user's locale (the OS locale, as the webview reports it). Amounts arrive as
// decimal strings and are handed to Intl as strings, so no digit is ever lost to a float.

import type { InvoiceStatus } from './types';

const DECIMAL = /^-?\d+(\.\d+)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The locale to format with: the webview's (= the OS's) preferred language, when it is a valid BCP 47 tag.
 * Under `LANG=C` WebKitGTK reports `"C"`, which Intl rejects: then Intl's default is used.
 */
export function userLocale(language: string | undefined = globalThis.navigator?.language): string | undefined {
  if (!language) return undefined;
  try {
    return Intl.getCanonicalLocales(language)[0];
  } catch {
    return undefined;
  }
}

/**
 * `"1234.5"`, `"EUR"` → `"€1,234.50"` (en-US) / `"1.234,50 €"` (de-DE). Keeps every decimal the core sent
 * (never rounds away a digit); falls back to `amount currency` for codes Intl does not know.
 */
export function formatMoney(
  amount: string | null,
  currency: string | null,
  locale: string | undefined = userLocale(),
): string {
  try {
    return formatMoneyIn(amount, currency, locale);
  } catch {
    // a locale Intl refuses: the amount as sent is still right, just not localised
    return amount === null || amount === '' ? '—' : `${amount}${currency ? ` ${currency}` : ''}`;
  }
}

function formatMoneyIn(amount: string | null, currency: string | null, locale: string | undefined): string {
  if (amount === null || amount === '') return '—';
  if (!DECIMAL.test(amount)) return currency ? `${amount} ${currency}` : amount;
  const decimals = amount.split('.')[1]?.length ?? 0;
  const exact = amount as Intl.StringNumericLiteral;
  if (currency) {
    try {
      const digits = new Intl.NumberFormat(locale, { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2;
      const fraction = Math.max(digits, decimals);
      return new Intl.NumberFormat(locale, {
        style: 'currency',
        currency,
        minimumFractionDigits: fraction,
        maximumFractionDigits: fraction,
      }).format(exact);
    } catch {
      // not an ISO 4217 code Intl knows: show the number and the code as stated
    }
  }
  const plain = new Intl.NumberFormat(locale, {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(exact);
  return currency ? `${plain} ${currency}` : plain;
}

/** `"2024-05-01"` → `"May 1, 2024"` (en-US) / `"01.05.2024"` (de-DE); a calendar date, no time zone shift. */
export function formatDate(date: string | null, locale: string | undefined = userLocale()): string {
  if (date === null || date === '') return '—';
  const parts = ISO_DATE.exec(date);
  if (!parts) return date;
  const [, year, month, day] = parts.map(Number) as [number, number, number, number];
  const utc = new Date(Date.UTC(year, month - 1, day));
  if (utc.getUTCMonth() !== month - 1) return date;
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(utc);
  } catch {
    return date;
  }
}

const STATUS_LABELS: Record<InvoiceStatus, string> = {
  exception: 'Exception',
  awaiting_approval: 'Awaiting approval',
  approved: 'Approved',
  posted: 'Posted',
  paid: 'Paid',
  rejected: 'Rejected',
};

/** The label shown for a status; unknown statuses (from a newer core) are shown as sent, made readable. */
export function statusLabel(status: string): string {
  if (status in STATUS_LABELS) return STATUS_LABELS[status as InvoiceStatus];
  const words = status.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
