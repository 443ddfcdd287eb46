// End-to-end onboarding in the real window (WebKitGTK under Xvfb, driven over WebDriver through
// tauri-driver): a coordinator creates a hire from a template in the UI, documents are dropped into the
// inbox the app watches (into the hire's folder, and one naming the hire in the inbox root), and the
// checklist updates by itself — a clean bank-details form and tax form ticked with no human step, an
// expired ID card flagged with its reason and the date as evidence. Then a task is ticked by hand and a
// reminder drafted. The core (the CLI on the same database) must agree with what the window shows.
// Run by scripts/e2e.sh, which sets the variables below.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { APP, DRIVER, coreJson, invokeInPage, required, saveFailure, screenshot } from './helpers.mjs';
import { textPdf as pdfWithLayout } from './pdf.mjs';
import { Session, waitForDriver } from './webdriver.mjs';

const DATA_DIR = `${required('BACKDESK_E2E_DATA_DIR')}-onboarding`;
const INBOX = `${DATA_DIR}-inbox`;

// --- documents -------------------------------------------------------------------------------------

/** A one-page A4 text PDF: each line in Helvetica 14 pt (ASCII), 22 pt apart from (60, 760). */
export const textPdf = (lines) => pdfWithLayout(lines, { size: 14, leading: 22, x: 60, y: 760 });

/** `YYYY-MM-DD` of `date` (UTC), and the `DD.MM.YYYY` a document prints. */
const iso = (date) => date.toISOString().slice(0, 10);
const printed = (date) => iso(date).split('-').reverse().join('.');
const addDays = (date, days) => new Date(date.getTime() + days * 86400000);

// --- the window ------------------------------------------------------------------------------------

/** Types `value` into the field `selector` the way a person does: the value changes, then `input` fires. */
async function fill(session, selector, value) {
  const found = await session.execute(
    `const field = document.querySelector(arguments[0]);
     if (!field) return false;
     field.focus();
     field.value = arguments[1];
     field.dispatchEvent(new Event('input', { bubbles: true }));
     field.dispatchEvent(new Event('change', { bubbles: true }));
     return true;`,
    [selector, value],
  );
  assert.equal(found, true, `the form should have a field ${selector}`);
}

/** Clicks `selector` once it is there and enabled (buttons are disabled while the screen loads). */
async function clickOn(session, selector, what) {
  await session.waitFor(what, () =>
    session.execute(`const b = document.querySelector(arguments[0]); return b !== null && !b.disabled;`, [selector]),
  );
  const [element] = await session.findAll(selector);
  await session.click(element);
}

/** The checklist as the window shows it: key → {state, reasons: [{code, evidence}]}. */
function checklistInWindow(session) {
  return session.execute(
    `return Object.fromEntries([...document.querySelectorAll('[data-testid="checklist-item"]')].map((item) => [
       item.dataset.itemKey,
       { state: item.dataset.state,
         reasons: [...item.querySelectorAll('[data-testid="item-reason"]')].map((reason) => ({
           code: reason.dataset.code,
           evidence: reason.querySelector('[data-testid="reason-evidence"]')?.textContent ?? null })) },
     ]));`,
  );
}

/** The hire as the core records it (the CLI reads the same database). */
function hireFromCore(id) {
  return coreJson(DATA_DIR, ['hires', 'show', String(id)]);
}

// --- the test --------------------------------------------------------------------------------------

describe('onboarding in the desktop app', () => {
  /** @type {Session} */
  let session;
  const today = new Date(`${iso(new Date())}T00:00:00Z`);
  const start = addDays(today, 30);
  const hire = { name: 'Lena Fischer', email: 'lena.fischer@example.com', slug: 'lena-fischer', country: 'GB' };
  let hireId;

  before(async () => {
    mkdirSync(INBOX, { recursive: true });
    await waitForDriver(DRIVER);
    session = await Session.start(DRIVER, APP, ['--data-dir', DATA_DIR, '--demo-dir', `${DATA_DIR}-demo`]);
    // the folder picker is a native dialog WebDriver cannot reach: choose the inbox the way it does
    await session.waitFor('the window', async () => (await session.findAll('[data-testid="nav-onboarding"]')).length > 0);
    const chosen = await invokeInPage(session, 'set_inbox_folder', { folder: INBOX });
    assert.equal(chosen.ok, true, `set_inbox_folder should answer: ${chosen.error}`);
  });

  after(async () => {
    await session?.end();
  });

  it('creates a hire from a template in the form', async () => {
    try {
      await clickOn(session, '[data-testid="nav-onboarding"]', 'the Onboarding tab');
      await session.waitFor('the empty hire list', async () => (await session.findAll('[data-testid="no-hires"]')).length > 0);
      await clickOn(session, '[data-testid="new-hire"]', 'the New hire button');
      await session.waitFor('the new-hire form', async () => (await session.findAll('[data-testid="new-hire-form"]')).length > 0);
      await fill(session, '[data-testid="hire-name"]', hire.name);
      await fill(session, '[data-testid="hire-email"]', hire.email);
      await fill(session, '[data-testid="hire-role"]', 'Analyst');
      await fill(session, '[data-testid="hire-start"]', iso(start));
      await fill(session, '[data-testid="hire-type"]', 'employee');
      await fill(session, '[data-testid="hire-country"]', hire.country);
      const preview = await session.execute(
        `return document.querySelector('[data-testid="template-preview"]').textContent;`,
      );
      assert.match(preview, /employee-default/, 'the form should preview the template the hire gets');
      await screenshot(session, 'onboarding-new-hire');
      await clickOn(session, '[data-testid="create-hire"]', 'the Create hire button');

      await session.waitFor('the new hire in the list with its checklist', async () => {
        const rows = await session.findAll('[data-testid="hire-row"]');
        const items = await session.findAll('[data-testid="checklist-item"]');
        return rows.length === 1 && items.length > 0;
      });
    } catch (error) {
      await saveFailure(session, 'onboarding-no-hire');
      throw error;
    }
    hireId = Number(
      await session.execute(`return document.querySelector('[data-testid="hire-row"]').dataset.hireId;`),
    );
    const core = hireFromCore(hireId);
    assert.equal(core.name, hire.name);
    assert.equal(core.start_date, iso(start));
    assert.equal(core.template_key, 'employee-default', 'an employee in GB gets the any-country employee template');
    assert.equal(core.folder, `onboarding/${hire.slug}`);
    const shown = await checklistInWindow(session);
    assert.deepEqual(Object.keys(shown).sort(), core.items.map((item) => item.key).sort(), 'every item is shown');
    assert.ok(Object.values(shown).every((item) => item.state === 'open'), 'nothing is done yet');
    const folder = await session.execute(`return document.querySelector('[data-testid="drop-folder"]')?.textContent;`);
    assert.equal(folder, join(INBOX, 'onboarding', hire.slug), 'the checklist says where to drop documents');
  });

  it('files dropped documents on the checklist: clean ones ticked, an expired ID flagged with the date', async () => {
    assert.ok(hireId, 'the hire was created');
    const folder = join(INBOX, 'onboarding', hire.slug);
    mkdirSync(folder, { recursive: true });
    const expired = addDays(start, -40);
    writeFileSync(
      join(folder, 'id-card.pdf'),
      textPdf([
        'NATIONAL IDENTITY CARD',
        'Surname: FISCHER',
        'Given names: LENA',
        'Document No: C7Y4K2M19',
        'Date of birth: 14.05.1994',
        `Date of issue: ${printed(addDays(expired, -3650))}`,
        `Date of expiry: ${printed(expired)}`,
      ]),
    );
    writeFileSync(
      join(folder, 'bank.pdf'),
      textPdf(['BANK DETAILS FORM', `Account holder: ${hire.name}`, 'IBAN: GB33 BUKB 2020 1555 5555 55', 'BIC: BUKBGB22']),
    );
    // not in her folder: the file name says whose it is
    writeFileSync(
      join(INBOX, `${hire.name} - tax form.pdf`),
      textPdf(['TAX FORM - Tax identification', `Employee name: ${hire.name}`, 'Tax ID: QQ123456C', 'Date of birth: 14.05.1994']),
    );

    let shown;
    try {
      shown = await session.waitFor(
        'the checklist to show the dropped documents',
        async () => {
          const items = await checklistInWindow(session);
          const settled =
            items.bank_details?.state === 'done' && items.tax_form?.state === 'done' && items.id?.state === 'problem';
          return settled ? items : null;
        },
        90000,
      );
    } catch (error) {
      await saveFailure(session, 'onboarding-no-update');
      throw error;
    }
    assert.deepEqual(
      shown.id.reasons.map((reason) => reason.code),
      ['EXPIRED'],
      'the ID card is expired by the start date and nothing else is wrong with it',
    );
    assert.match(shown.id.reasons[0].evidence ?? '', new RegExp(printed(expired).replace(/\./g, '\\.')), 'the date read is shown');
    assert.ok(
      ['right_to_work', 'contract', 'policies', 'it_account'].every((key) => shown[key].state === 'open'),
      'items no document was sent for stay open',
    );
    const states = await session.execute(
      `return [...document.querySelectorAll('[data-testid="checklist-item"][data-state="done"] [data-testid="item-state"]')].map((s) => s.textContent);`,
    );
    assert.ok(
      states.every((text) => /automatically/.test(text)),
      `the ticks are the core's, with no human step: ${states}`,
    );
    await screenshot(session, 'onboarding-checklist');

    const core = hireFromCore(hireId);
    const byKey = Object.fromEntries(core.items.map((item) => [item.key, item]));
    assert.equal(byKey.bank_details.done_by, 'backdesk');
    assert.equal(byKey.tax_form.done_by, 'backdesk');
    assert.equal(byKey.id.state, 'problem');
    assert.equal(byKey.id.reasons[0].evidence.value, printed(expired));
  });

  it('ticks a task by hand and drafts a reminder listing what is missing', async () => {
    assert.ok(hireId, 'the hire was created');
    await fill(session, '[data-testid="acting-as"]', 'it-desk');
    await clickOn(
      session,
      '[data-testid="checklist-item"][data-item-key="it_account"] [data-testid="tick-item"]',
      'the IT account tick button',
    );
    await session.waitFor('the IT account ticked', async () => {
      const items = await checklistInWindow(session);
      return items.it_account?.state === 'done';
    });
    assert.equal(hireFromCore(hireId).items.find((item) => item.key === 'it_account').done_by, 'it-desk');

    const [toHire] = await session.findAll('[data-testid="draft-reminder"]');
    assert.match(await session.text(toHire), new RegExp(hire.email), 'the first reminder goes to the hire');
    await session.click(toHire);
    const path = await session
      .waitFor('the reminder draft', async () => {
        const text = await session.execute(
          `return document.querySelector('[data-testid="reminder-path"]')?.textContent ?? null;`,
        );
        return text;
      })
      .catch(async (error) => {
        await saveFailure(session, 'onboarding-no-reminder');
        throw error;
      });
    assert.ok(path.startsWith(DATA_DIR), `the draft is written in the data directory: ${path}`);
    assert.ok(existsSync(path), `${path} exists`);
    const eml = readFileSync(path, 'utf8');
    assert.match(eml, new RegExp(`To: ${hire.email}\\r\\n`));
    for (const label of ['Identity document', 'Right-to-work evidence', 'Signed employment contract']) {
      assert.ok(eml.includes(label), `the reminder asks for ${label}`);
    }
    assert.ok(!eml.includes('Bank details form'), 'a ticked document is not asked for again');
    const mailto = await session.execute(
      `return document.querySelector('[data-testid="reminder-mailto"]').getAttribute('href');`,
    );
    assert.ok(mailto.startsWith(`mailto:${hire.email}?subject=`), mailto);
    await screenshot(session, 'onboarding-reminder');

    await clickOn(session, '[data-testid="tab-due"]', 'the due tab');
    await session.waitFor('the due list', async () => (await session.findAll('[data-testid="due-list"]')).length > 0);
    const overdue = await session.execute(
      `return document.querySelector('[data-testid="items-overdue"]').textContent;`,
    );
    assert.equal(Number(overdue), 0, 'nothing is overdue 30 days before the start date');
    await screenshot(session, 'onboarding-due');
  });
});
