// The working screens in the real window (WebKitGTK under Xvfb, over WebDriver): a file arriving in the
// watched inbox shows up in its queue with its reason; a field corrected by clicking a word on the rendered
// PDF makes the core decide again; approving with the keyboard changes the status and the audit shows it;
// the policy's what-if lists the invoices that would flip. The core's CLI is the oracle throughout.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { APP, DATA_DIR, DRIVER, coreJson, screenshot, waitForAll, withArtifacts } from './helpers.mjs';
import { textPdf } from './pdf.mjs';
import { Session, sleep, waitForDriver } from './webdriver.mjs';

const dataDir = `${DATA_DIR}-review`;
/** Bluem BV is a demo vendor (found by its VAT id). Extraction reads "Our order 4500012345" as the PO
 *  reference, which is not on file; the person clicks the other number on the page, the demo's PO. */
const PDF_LINES = [
  'Bluem BV',
  'VAT NL809163160B01',
  'Invoice number: BL-E2E-7731',
  'Invoice date: 2026-03-02',
  'Due date: 2026-04-01',
  'Our order 4500012345 delivered',
  'Framework 2018-471331',
  'Net amount: 100.00',
  'VAT 21%: 21.00',
  'Total: 121.00 EUR',
];
const PO_WORD = '2018-471331';

const invoiceIn = (invoices, number) => invoices.find((i) => i.invoice_number === number);
const codes = (reasons) => reasons.map((r) => (typeof r === 'string' ? r : r.code)).sort();

async function shownReasons(session) {
  return (
    await session.execute(
      `return [...document.querySelectorAll('[data-testid="reason"]')].map((r) => r.dataset.code);`,
    )
  ).sort();
}

/** Adds a person on the settings screen and chooses them in the header as the one acting. */
async function actAs(session, person, role) {
  await session.click((await waitForAll(session, 'the settings tab', '[data-testid="nav-settings"]'))[0]);
  const [name] = await waitForAll(session, 'the people form', '[data-testid="person-name"]');
  await session.type(name, person);
  await session.execute(
    `const s = document.querySelector('[data-testid="person-role"]'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));`,
    [role],
  );
  await session.click((await session.findAll('[data-testid="add-person"]'))[0]);
  await session.waitFor(`${person} in the picker`, () =>
    session.execute(`return [...document.querySelectorAll('[data-testid="acting-person"] option')].some((o) => o.value === arguments[0]);`, [person]),
  );
  await session.execute(
    `const s = document.querySelector('[data-testid="acting-person"]'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));`,
    [person],
  );
  await session.click((await session.findAll('[data-testid="nav-queues"]'))[0]);
}

async function openRow(session, id) {
  const [row] = await waitForAll(session, `row of invoice ${id}`, `[data-testid="invoice-row"][data-invoice-id="${id}"]`);
  await session.click(row);
  await waitForAll(session, `review of invoice ${id}`, `[data-testid="review"][data-invoice-id="${id}"]`);
}

describe('review screens', () => {
  /** @type {Session} */
  let session;
  let inbox;
  let pdfInvoice;

  before(async () => {
    await waitForDriver(DRIVER);
    session = await Session.start(DRIVER, APP, ['--data-dir', dataDir, '--demo']);
    await waitForAll(session, 'the demo invoices', '[data-testid="invoice-row"]');
    inbox = join(dataDir, 'demo-inbox');
    await withArtifacts(session, 'act-as-failed', () => actAs(session, 'Erin', 'owner'));
  });

  after(async () => {
    await session?.end();
  });

  it('shows a file arriving in the watched inbox in its queue, with its reason', async () => {
    await withArtifacts(session, 'arrival-failed', async () => {
      // WebDriver cannot drag OS files onto the window; a file landing in the watched inbox takes the same
      // path into the core (ingest) as a drop does
      writeFileSync(join(inbox, 'bluem-e2e.pdf'), textPdf(PDF_LINES));
      pdfInvoice = await session.waitFor('the core to take in the PDF', () => invoiceIn(coreJson(dataDir, ['invoices']), 'BL-E2E-7731'), 60000);
      const tab = pdfInvoice.status === 'exception' ? 'exceptions' : 'all';
      const [tabButton] = await session.findAll(`[data-testid="tab-${tab}"]`);
      await session.click(tabButton);
      await openRow(session, pdfInvoice.id);
      const rowCodes = await session.execute(
        `return [...document.querySelectorAll('[data-testid="invoice-row"][data-invoice-id="${pdfInvoice.id}"] [data-testid="row-reason"]')].map((r) => r.textContent);`,
      );
      assert.deepEqual(rowCodes.sort(), codes(pdfInvoice.reasons), 'the row shows the reasons the core recorded');
      assert.deepEqual(await shownReasons(session), codes(pdfInvoice.reasons), 'the review explains the same reasons');
      if (tab === 'exceptions') {
        const group = await session.execute(
          `const row = document.querySelector('[data-testid="invoice-row"][data-invoice-id="${pdfInvoice.id}"]');
           let el = row; while (el && el.dataset.testid !== 'reason-group') el = el.previousElementSibling;
           return el?.dataset.reason ?? null;`,
        );
        assert.ok(codes(pdfInvoice.reasons).includes(group), `grouped under one of its reasons (got ${group})`);
      }
      await waitForAll(session, 'the rendered PDF page with its words', '[data-testid="pdf-page"] [data-testid="page-word"]');
      await screenshot(session, 'review-arrived');
    });
  });

  it('fills the focused field from a word clicked on the page, and the core decides again', async () => {
    await withArtifacts(session, 'word-click-failed', async () => {
      const before = coreJson(dataDir, ['invoice', String(pdfInvoice.id)]);
      assert.notEqual(before.purchase_order_reference, PO_WORD, 'extraction did not know the PO yet');
      const [input] = await session.findAll('[data-testid="field"][data-field="purchase_order_reference"] input');
      await session.click(input);
      const [word] = await session.findAll(`[data-testid="page-word"][data-word="${PO_WORD}"]`);
      assert.ok(word, `the page shows the word ${PO_WORD}`);
      await session.click(word);
      const after = await session.waitFor('the correction in the core', () => {
        const now = coreJson(dataDir, ['invoice', String(pdfInvoice.id)]);
        return now.purchase_order_reference === PO_WORD ? now : null;
      });
      assert.ok(
        after.audit_trail.some((entry) => entry.action === 'corrected' || entry.action === 'field_corrected' || JSON.stringify(entry).includes(PO_WORD)),
        'the audit trail records the correction',
      );
      // the reasons on screen follow the core's new decision
      await session.waitFor('the re-evaluated reasons on screen', async () => {
        const shown = await shownReasons(session);
        return JSON.stringify(shown) === JSON.stringify(codes(after.reasons));
      });
      assert.notDeepEqual(codes(after.reasons), codes(before.reasons), 'naming the PO changed the decision');
      const value = await session.execute(
        `return document.querySelector('[data-testid="field"][data-field="purchase_order_reference"] input').value;`,
      );
      assert.equal(value, PO_WORD);
      await screenshot(session, 'review-corrected');
    });
  });

  it('approves with the keyboard as the person chosen in the header; the status changes and the audit shows it', async () => {
    await withArtifacts(session, 'keyboard-approve-failed', async () => {
      const waiting = coreJson(dataDir, ['invoices']).find((i) => i.status === 'awaiting_approval');
      assert.ok(waiting, 'the demo has an invoice awaiting approval');
      await session.click((await waitForAll(session, 'the All tab', '[data-testid="tab-all"]'))[0]);
      await openRow(session, waiting.id);
      // focus off any field, then the real key events: "a" approves
      await session.execute('document.activeElement?.blur?.();');
      await session.pressKeys('a');
      const approved = await session.waitFor('the approval in the core', () => {
        const now = coreJson(dataDir, ['invoice', String(waiting.id)]);
        return now.status !== 'awaiting_approval' || (now.approval?.steps ?? []).some((s) => s.approvals?.length > 0) ? now : null;
      });
      assert.ok(
        approved.audit_trail.some((entry) => entry.action === 'approved' && entry.actor === 'Erin'),
        'the core audit records Erin’s approval',
      );
      await session.waitFor('the new status and the approval in the window', async () =>
        session.execute(
          `const status = document.querySelector('[data-testid="review-status"]')?.textContent ?? '';
           const audit = [...document.querySelectorAll('[data-testid="audit-entry"]')].some((e) => e.dataset.action === 'approved' && e.textContent.includes('Erin'));
           return audit && status.trim() !== '' && arguments[0] !== 'awaiting_approval' ? status : (audit ? status : null);`,
          [approved.status],
        ),
      );
      // the core may still be moving the invoice on (the next step, or approved): compare with what it has now
      const shown = await session.waitFor('the list showing the status the core has', async () => {
        const row = await session.execute(
          `return document.querySelector('[data-testid="invoice-row"][data-invoice-id="${waiting.id}"]')?.dataset.status;`,
        );
        const now = coreJson(dataDir, ['invoice', String(waiting.id)]).status;
        return row === now ? { row, now } : null;
      });
      assert.equal(shown.row, shown.now, 'the list shows the status the core now has');
      await screenshot(session, 'review-approved');
    });
  });

  it('previews a policy edit and lists the invoices that would flip, as the core replays them', async () => {
    await withArtifacts(session, 'what-if-failed', async () => {
      await session.click((await session.findAll('[data-testid="nav-policy"]'))[0]);
      const [editor] = await waitForAll(session, 'the policy editor', '[data-testid="policy-text"]');
      await session.waitFor('the policy text', () => session.execute(`return document.querySelector('[data-testid="policy-text"]').value.length > 0;`));
      const current = await session.execute(`return document.querySelector('[data-testid="policy-text"]').value;`);
      // every invoice from 0.01 up must name a PO: the demo invoices without one flip to exceptions
      const edited = current
        .split('\n')
        .filter((line) => !/^\s*po_required_from\s*=/.test(line))
        .join('\n')
        .replace(/^\[matching\]\s*$/m, '[matching]\npo_required_from = "0.01"');
      assert.notEqual(edited, current, 'the policy has a [matching] section to edit');
      // the edited text is put in the editor as a paste would (WebDriver typing drops the newlines of a
      // textarea and takes a minute for a whole policy); the preview itself is asked for with the button
      await session.execute(
        `const t = arguments[0]; t.value = arguments[1]; t.dispatchEvent(new Event('input', { bubbles: true }));`,
        [{ 'element-6066-11e4-a52e-4f735466cecf': editor }, edited],
      );
      await session.click((await session.findAll('[data-testid="what-if"]'))[0]);
      await waitForAll(session, 'the flips', '[data-testid="flip"]', 60000);
      const shown = (
        await session.execute(`return [...document.querySelectorAll('[data-testid="flip"]')].map((r) => Number(r.dataset.invoiceId));`)
      ).sort((a, b) => a - b);
      const file = join(dataDir, 'e2e-proposed-policy.toml');
      writeFileSync(file, edited);
      const replay = coreJson(dataDir, ['policy', 'replay', file]);
      assert.deepEqual(shown, replay.flips.map((f) => f.invoice_id).sort((a, b) => a - b), 'the window lists the flips the core computes');
      assert.ok(shown.length > 0, 'requiring a PO from 0.01 flips some demo invoice');
      await sleep(200);
      await screenshot(session, 'policy-what-if');
    });
  });
});
