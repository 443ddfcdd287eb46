// The Vendors and Purchase orders panels' testable logic: a vendor record turned into the edit form and back
// into what the core takes, when the call-back record is asked for, and the sentences the panels show.
// The core checks every field again (IBAN and VAT id checksums, the call-back); the form only catches what
// cannot be sent at all (a term that is not a whole number, a call-back without its time).

import type { CallBack, FieldChange, PurchaseOrderStatus, VendorRecord, VendorSaved, VendorUpdate } from './types';

/** The edit form: every field as typed. */
export interface VendorForm {
  name: string;
  tax_id: string;
  iban: string;
  bic: string;
  account_number: string;
  currency: string;
  email: string;
  payment_terms_days: string;
  default_account: string;
  /** Other names, separated by `|` as in vendors.csv. */
  aliases: string;
}

/** The call-back fields as typed; `called_at` from a datetime-local input (YYYY-MM-DDTHH:MM). */
export interface CallBackForm {
  contact: string;
  phone: string;
  number_source: string;
  called_at: string;
}

export const EMPTY_CALL_BACK: CallBackForm = { contact: '', phone: '', number_source: '', called_at: '' };

/** The form filled with what is on file. */
export function formOf(record: VendorRecord): VendorForm {
  return {
    name: record.name,
    tax_id: record.tax_id ?? '',
    iban: groupIban(record.iban ?? ''),
    bic: record.bic ?? '',
    account_number: record.account_number ?? '',
    currency: record.currency ?? '',
    email: record.email ?? '',
    payment_terms_days: record.payment_terms_days === null ? '' : String(record.payment_terms_days),
    default_account: record.default_account ?? '',
    aliases: record.aliases.join(' | '),
  };
}

/** An identifier as the core compares it: no white space, upper case. */
export function compact(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

/** An IBAN in groups of four for reading (`DE91 1000 0000 …`). */
export function groupIban(iban: string): string {
  return compact(iban).replace(/(.{4})(?=.)/g, '$1 ');
}

/** A masked IBAN from the list, short: `•••• 6789`. */
export function shortMasked(masked: string | null): string {
  if (masked === null || masked === '') return '—';
  const last = masked.slice(-4);
  return masked.length > 4 ? `•••• ${last}` : last;
}

/** Whether the form changes where the vendor is paid (IBAN, BIC or other account): then the call-back is needed. */
export function bankDetailsChanged(record: VendorRecord, form: VendorForm): boolean {
  return (
    compact(form.iban) !== compact(record.iban ?? '') ||
    compact(form.bic) !== compact(record.bic ?? '') ||
    form.account_number.trim() !== (record.account_number ?? '').trim()
  );
}

const optional = (text: string): string | null => (text.trim() === '' ? null : text.trim());

/**
 * What the core takes, or the first problem in words. The call-back is sent only when bank details change
 * and something was typed in it: with none the core refuses the change and says what it needs.
 */
export function vendorUpdate(
  record: VendorRecord,
  form: VendorForm,
  callBack: CallBackForm,
  who: string | null,
): { update: VendorUpdate } | { problem: string } {
  if (who === null || who.trim() === '') return { problem: 'Choose who you are (top right) before changing a vendor.' };
  const terms = form.payment_terms_days.trim();
  if (terms !== '' && !/^\d+$/.test(terms)) {
    return { problem: `Payment terms: "${terms}" is not a number of days; write it like 30.` };
  }
  let call_back: CallBack | null = null;
  const typed = [callBack.contact, callBack.phone, callBack.number_source, callBack.called_at].some((t) => t.trim() !== '');
  if (bankDetailsChanged(record, form) && typed) {
    const at = callBack.called_at.trim();
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(at)) return { problem: 'Enter when you made the call-back (date and time).' };
    call_back = {
      contact: callBack.contact.trim(),
      phone: callBack.phone.trim(),
      number_source: callBack.number_source.trim(),
      called_at: at.length === 16 ? `${at}:00` : at,
    };
  }
  return {
    update: {
      vendor_id: record.vendor_id,
      who: who.trim(),
      call_back,
      fields: {
        name: form.name.trim(),
        tax_id: optional(form.tax_id),
        iban: optional(form.iban),
        bic: optional(form.bic),
        account_number: optional(form.account_number),
        currency: optional(form.currency),
        email: optional(form.email),
        payment_terms_days: terms === '' ? null : Number(terms),
        default_account: optional(form.default_account),
        aliases: form.aliases
          .split('|')
          .map((a) => a.trim())
          .filter((a) => a !== ''),
      },
    },
  };
}

const FIELD_NAMES: Record<string, string> = {
  name: 'name',
  tax_id: 'VAT id',
  iban: 'IBAN',
  bic: 'BIC',
  account_number: 'account number',
  currency: 'currency',
  email: 'e-mail',
  payment_terms_days: 'payment terms (days)',
  default_account: 'default account',
  aliases: 'other names',
};

/** One change as a person reads it: `payment terms (days) 30 → 45`. */
export function describeChange(change: FieldChange): string {
  return `${FIELD_NAMES[change.field] ?? change.field} ${change.old ?? 'none'} → ${change.new ?? 'none'}`;
}

/** What saving did, in one sentence. */
export function describeSaved(saved: VendorSaved): string {
  if (saved.changes.length === 0) return `Nothing changed for ${saved.vendor.name}.`;
  const head = `Saved ${saved.vendor.name}: ${saved.changes.map(describeChange).join('; ')}.`;
  if (saved.redecided.length === 0) return head;
  const again = saved.redecided
    .map((r) => (r.before === r.after ? `invoice ${String(r.invoice_id)} is still ${words(r.after)}` : `invoice ${String(r.invoice_id)} ${words(r.before)} → ${words(r.after)}`))
    .join('; ');
  return `${head} Decided again: ${again}.`;
}

function words(status: string): string {
  return status.replaceAll('_', ' ');
}

/** A purchase order's status as the list shows it. */
export function statusLabel(status: PurchaseOrderStatus): string {
  switch (status) {
    case 'open':
      return 'Open';
    case 'partly_received':
      return 'Partly received';
    case 'received':
      return 'Received, invoices to come';
    case 'closed':
      return 'Closed';
  }
}

/** Whether goods can still be received against an order with this status. */
export function awaitsGoods(status: PurchaseOrderStatus): boolean {
  return status === 'open' || status === 'partly_received';
}
