// uPlot, loaded when the dashboard first draws a chart (not at app start). uPlot builds an
// Intl.NumberFormat from navigator.language while it loads; WebKitGTK under LANG=C reports "C", which Intl
// rejects with a RangeError that would fail the whole import: then the locale Intl uses by default is
// given as the page's language, before the import.
import type uPlot from 'uplot';

import { userLocale } from '../lib/format';

let loading: Promise<typeof uPlot> | null = null;

export function loadUplot(): Promise<typeof uPlot> {
  loading ??= (async () => {
    if (userLocale() === undefined) {
      const fallback = new Intl.NumberFormat().resolvedOptions().locale;
      Object.defineProperty(globalThis.navigator, 'language', { value: fallback, configurable: true });
    }
    const module = (await import('uplot')) as unknown as { default: typeof uPlot };
    return module.default;
  })();
  return loading;
}
