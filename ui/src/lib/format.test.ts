import { describe, expect, it } from 'vitest';

import { formatDate, formatMoney, formatNumber, formatPercent, statusLabel, userLocale } from './format';

// Intl output uses narrow/no-break spaces in some locales; compare with plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatMoney', () => {
  it('formats in the given locale with the currency symbol', () => {
    expect(formatMoney('1234.5', 'EUR', 'en-US')).toBe('€1,234.50');
    expect(plain(formatMoney('1234.5', 'EUR', 'de-DE'))).toBe('1.234,50 €');
  });

  it('never loses a digit to floating point', () => {
    expect(formatMoney('12345678901234567.89', 'USD', 'en-US')).toBe('$12,345,678,901,234,567.89');
    expect(formatMoney('0.1', 'USD', 'en-US')).toBe('$0.10');
  });

  it('keeps extra decimals the invoice states instead of rounding them away', () => {
    expect(formatMoney('10.125', 'EUR', 'en-US')).toBe('€10.125');
  });

  it('respects currencies without minor units', () => {
    expect(formatMoney('1500', 'JPY', 'en-US')).toBe('¥1,500');
  });

  it('shows negative amounts (credit notes)', () => {
    expect(formatMoney('-20.00', 'EUR', 'en-US')).toBe('-€20.00');
  });

  it('falls back to the number and the code for a currency Intl does not know', () => {
    expect(formatMoney('5.00', 'EURO', 'en-US')).toBe('5.00 EURO');
  });

  it('shows a missing amount as a dash and a malformed one as sent', () => {
    expect(formatMoney(null, 'EUR', 'en-US')).toBe('—');
    expect(formatMoney('12,50', 'EUR', 'en-US')).toBe('12,50 EUR');
  });
});

describe('formatDate', () => {
  it('formats a calendar date in the locale without shifting the day', () => {
    expect(formatDate('2024-05-01', 'en-US')).toBe('May 1, 2024');
    expect(formatDate('2024-12-31', 'de-DE')).toBe('31.12.2024');
  });

  it('shows impossible or unparsed dates as sent', () => {
    expect(formatDate('2024-02-30', 'en-US')).toBe('2024-02-30');
    expect(formatDate('01/05/2024', 'en-US')).toBe('01/05/2024');
    expect(formatDate(null, 'en-US')).toBe('—');
  });
});

describe('statusLabel', () => {
  it('names every known status in words', () => {
    expect(statusLabel('awaiting_approval')).toBe('Awaiting approval');
    expect(statusLabel('exception')).toBe('Exception');
  });

  it('makes an unknown status readable instead of hiding it', () => {
    expect(statusLabel('on_hold')).toBe('On hold');
  });
});

describe('userLocale', () => {
  it('accepts the tags webviews report', () => {
    expect(userLocale('de-DE')).toBe('de-DE');
    expect(userLocale('en-us')).toBe('en-US');
  });

  it('falls back to the default locale for POSIX names Intl refuses (LANG=C)', () => {
    expect(userLocale('C')).toBeUndefined();
    expect(userLocale('')).toBeUndefined();
    expect(userLocale(undefined)).toBeUndefined();
  });
});

describe('formatting never throws, whatever the locale', () => {
  it('shows the amount and date as sent when the locale is refused', () => {
    expect(formatMoney('12.50', 'EUR', 'C')).toBe('12.50 EUR');
    expect(formatMoney('12.50', null, 'C')).toBe('12.50');
    expect(formatDate('2024-05-01', 'C')).toBe('2024-05-01');
  });
});

describe('formatters made once', () => {
  it('keeps each locale, currency and precision apart when called again and again', () => {
    for (let i = 0; i < 3; i += 1) {
      expect(formatMoney('1234.5', 'EUR', 'de-DE')).toBe(formatMoney('1234.5', 'EUR', 'de-DE'));
      expect(formatMoney('1234.5', 'EUR', 'en-US')).toBe('€1,234.50');
      expect(formatMoney('1234.5', 'USD', 'en-US')).toBe('$1,234.50');
      expect(formatMoney('1234.125', 'USD', 'en-US')).toBe('$1,234.125');
      expect(formatMoney('7', 'JPY', 'en-US')).toBe('¥7');
      expect(formatMoney('1234.5', 'XYZ1', 'en-US')).toBe('1,234.5 XYZ1');
      expect(formatDate('2024-05-01', 'en-US')).toBe('May 1, 2024');
    }
  });
});

describe('formatNumber and formatPercent', () => {
  it('group and separate decimals the way each locale does, keeping every stated decimal', () => {
    expect(formatNumber('1234.50', 'en-US')).toBe('1,234.50');
    expect(formatNumber('1234.50', 'de-DE')).toBe('1.234,50');
    expect(formatNumber('12345678901234567.891', 'en-US')).toBe('12,345,678,901,234,567.891');
    expect(formatNumber('PO-7', 'en-US')).toBe('PO-7');
  });

  it('show shares as percentages in the locale', () => {
    expect(formatPercent(0.625, 'en-US')).toBe('62.5%');
    expect(plain(formatPercent(0.625, 'de-DE'))).toBe('62,5 %');
    expect(formatPercent(1, 'en-US')).toBe('100%');
  });
});
