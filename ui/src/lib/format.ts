// Display formatting in the user's locale (the OS locale, as the webview reports it). Amounts arrive as
// decimal strings and are handed to Intl as strings, so no digit is ever lost to a float.

import type { InvoiceStatus } from './types';

const DECIMAL = /^-?\d+(\.\d+)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Intl formatters by their locale and options, made once: building one is far slower than formatting with
 * it (WebKit: a fraction of a millisecond each, times every cell of every visible row on each keystroke).
 * A constructor that throws (a locale or currency Intl refuses) caches nothing and throws again next time.
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(locale: string | undefined, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale ?? ''}|${JSON.stringify(options)}`;
  let made = formatters.get(key) as Intl.NumberFormat | undefined;
  if (!made) formatters.set(key, (made = new Intl.NumberFormat(locale, options)));
  return made;
}

function dateFormat(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale ?? ''}|${JSON.stringify(options)}`;
  let made = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!made) formatters.set(key, (made = new Intl.DateTimeFormat(locale, options)));
  return made;
}

const canonical = new Map<string, string | undefined>();

/**
 * The locale to format with: the webview's (= the OS's) preferred language, when it is a valid BCP 47 tag.
 * Under `LANG=C` WebKitGTK reports `"C"`, which Intl rejects: then Intl's default is used.
 */
export function userLocale(language: string | undefined = globalThis.navigator?.language): string | undefined {
  if (!language) return undefined;
  if (canonical.has(language)) return canonical.get(language);
  let locale: string | undefined;
  try {
    locale = Intl.getCanonicalLocales(language)[0];
  } catch {
    locale = undefined;
  }
  canonical.set(language, locale);
  return locale;
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
      const digits = numberFormat(locale, { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2;
      const fraction = Math.max(digits, decimals);
      return numberFormat(locale, {
        style: 'currency',
        currency,
        minimumFractionDigits: fraction,
        maximumFractionDigits: fraction,
      }).format(exact);
    } catch {
      // not an ISO 4217 code Intl knows: show the number and the code as stated
    }
  }
  const plain = numberFormat(locale, {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(exact);
  return currency ? `${plain} ${currency}` : plain;
}

/**
 * A decimal string that is not money (a quantity) in the locale, every stated decimal kept:
 * `"1234.5"` → `"1,234.5"` (en-US) / `"1.234,5"` (de-DE). Anything else is shown as sent.
 */
export function formatNumber(value: string, locale: string | undefined = userLocale()): string {
  if (!DECIMAL.test(value)) return value;
  const decimals = value.split('.')[1]?.length ?? 0;
  try {
    return numberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(
      value as Intl.StringNumericLiteral,
    );
  } catch {
    return value;
  }
}

/** A share (0.87) as a percentage in the locale: `"87%"` (en-US) / `"87 %"` (de-DE), at most one decimal. */
export function formatPercent(share: number, locale: string | undefined = userLocale()): string {
  if (!Number.isFinite(share)) return String(share);
  try {
    return numberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(share);
  } catch {
    return `${Math.round(share * 1000) / 10}%`;
  }
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
    return dateFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(utc);
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
