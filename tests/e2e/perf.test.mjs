// Performance with many invoices (50,000 unless BACKDESK_E2E_INVOICES says otherwise), measured in the real
// window: app start → first painted list (wall clock from the WebDriver request, and from the page's own
// start), opening an invoice, next-invoice navigation (j), filtering (typing in the search box), and the
// memory of the app's processes (RSS from /proc). Prints a table; asserts only that each was measured —
// timings depend on the machine, so they are reported, never asserted.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { APP, ARTIFACTS, DATA_DIR, DRIVER, required, screenshot, waitForAll, withArtifacts } from './helpers.mjs';
import { Session, sleep, waitForDriver } from './webdriver.mjs';

const SEEDER = required('BACKDESK_SEEDER');
const COUNT = Number(process.env.BACKDESK_E2E_INVOICES ?? 50000);
const dataDir = `${DATA_DIR}-perf`;
const TARGETS = { 'first-list': 1500, 'open-invoice': 150, 'next-invoice': 50, filter: 100 };

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The page's timings (lib/perf.ts), optionally only those named `name`. */
async function timings(session, name) {
  const all = await session.execute('return window.__backdeskPerf ?? [];');
  return name ? all.filter((t) => t.name === name) : all;
}

async function waitForTimings(session, name, count) {
  return session.waitFor(`${count} "${name}" timings`, async () => {
    const found = await timings(session, name);
    return found.length >= count ? found : null;
  });
}

/** Processes whose command line names the app binary and this data directory, and their descendants. */
function appProcesses() {
  const parents = new Map();
  const commands = new Map();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parents.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      commands.set(pid, readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'));
    } catch {
      // the process ended meanwhile
    }
  }
  const roots = [...commands].filter(([, cmd]) => cmd[0] === APP && cmd.includes(dataDir)).map(([pid]) => pid);
  const found = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, parent] of parents) if (found.has(parent) && !found.has(pid)) (found.add(pid), (grew = true));
  }
  return [...found].map((pid) => ({ pid, command: (commands.get(pid)?.[0] ?? '').split('/').pop() }));
}

function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kib / 1024) * 10) / 10;
}

describe(`performance with ${COUNT.toLocaleString('en')} invoices`, () => {
  /** @type {Session} */
  let session;
  let startWall;
  const rows = [];

  /** The rows saying where an interaction's time went: the data in hand, the DOM updated, then the paint. */
  async function splitRows(session, name) {
    for (const [suffix, what] of [
      ['data', 'the detail in hand (prefetched, or asked from the core)'],
      ['dom', 'and the review pane updated in the DOM (before the frame is painted)'],
    ]) {
      const values = (await timings(session, `${name}-${suffix}`)).map((t) => t.ms);
      if (values.length > 0) rows.push({ measure: `  of which: ${what}`, value: `${median(values)} ms`, runs: values.length, target: '' });
    }
  }

  before(async () => {
    const seeded = JSON.parse(execFileSync(SEEDER, [dataDir, String(COUNT)], { encoding: 'utf8' }));
    console.log(`seeded ${seeded.added} invoices (copies of ${seeded.templates}) in ${seeded.seconds} s`);
    await waitForDriver(DRIVER);
    startWall = Date.now();
    session = await Session.start(DRIVER, APP, ['--data-dir', dataDir]);
  });

  after(async () => {
    if (rows.length > 0) {
      const table = [
        '',
        `| measure (${COUNT.toLocaleString('en')} invoices) | median | runs | target |`,
        '|---|---:|---:|---:|',
        ...rows.map((r) => `| ${r.measure} | ${r.value} | ${r.runs} | ${r.target} |`),
        '',
      ].join('\n');
      console.log(table);
    }
    await session?.end();
  });

  it('measures start, open, next, filter and memory', async () => {
    await withArtifacts(session, 'perf-failed', async () => {
      const [first] = await waitForTimings(session, 'first-list', 1);
      const origin = await session.execute('return performance.timeOrigin;');
      const wall = Math.round(origin + first.at - startWall);
      const shown = await session.execute(`return Number(document.querySelector('[data-testid="tab-count-all"]').textContent.replace(/\\D/g, ''));`);
      assert.ok(shown >= COUNT, `the list holds every invoice (${shown})`);
      const domRows = (await session.findAll('[data-testid="invoice-row"]')).length;
      assert.ok(domRows < 200, `only the visible rows are in the DOM (${domRows})`);
      rows.push({ measure: 'start → first painted list (wall clock, from the WebDriver request)', value: `${wall} ms`, runs: 1, target: '≤ 1500 ms' });
      rows.push({ measure: 'start → first painted list (page clock, from navigation)', value: `${first.ms} ms`, runs: 1, target: '' });
      for (const [name, what] of [
        ['script-start', 'the app script running (bundle loaded and parsed)'],
        ['first-frame', 'the first frame painted (no data yet)'],
        ['workspace-overview', 'the workspace overview from the core'],
        ['reports-open', 'the read-only reporting connection open'],
      ]) {
        const [mark] = await timings(session, name);
        if (mark) rows.push({ measure: `  navigation → ${what}`, value: `${mark.ms} ms`, runs: 1, target: '' });
      }
      const [query] = await timings(session, 'list-query');
      if (query) rows.push({ measure: '  of which: counts + first page of report_invoice_list through plugin-sql (asked → rows in the page)', value: `${query.ms} ms`, runs: 1, target: '' });
      for (const [name, what] of [
        ['list-rows', 'the first rows handed to Svelte'],
        ['list-flushed', 'the list in the DOM (Svelte flushed; the first layout of the window included)'],
      ]) {
        const [mark] = await timings(session, name);
        if (mark) rows.push({ measure: `  navigation → ${what}`, value: `${mark.ms} ms`, runs: 1, target: '' });
      }
      await screenshot(session, 'perf-list');
      // the rest of the list arrives in the background in pages; the measures below run on all of it
      const [whole] = await waitForTimings(session, 'list-complete', 1);
      rows.push({ measure: '  then: every row loaded in the background (page clock, from navigation)', value: `${whole.ms} ms`, runs: 1, target: '' });

      // open: click rows far apart (never prefetched), each waits for its review
      const ids = await session.execute(`return [...document.querySelectorAll('[data-testid="invoice-row"]')].map((r) => r.dataset.invoiceId);`);
      const picks = [ids[2], ids[10], ids[6], ids[14], ids[4]].filter(Boolean);
      for (const id of picks) {
        await session.click((await session.findAll(`[data-testid="invoice-row"][data-invoice-id="${id}"]`))[0]);
        await waitForAll(session, `review of ${id}`, `[data-testid="review"][data-invoice-id="${id}"]`);
        await sleep(400);
      }
      const opens = (await waitForTimings(session, 'open-invoice', picks.length)).map((t) => t.ms);
      rows.push({ measure: 'open an invoice (click → fields painted)', value: `${median(opens)} ms`, runs: opens.length, target: `≤ ${TARGETS['open-invoice']} ms` });
      await splitRows(session, 'open-invoice');

      // next: j, with time for the neighbour prefetch as a person reading would give
      await session.execute('document.activeElement?.blur?.();');
      for (let i = 0; i < 10; i += 1) {
        await session.pressKeys('j');
        await sleep(300);
      }
      const nexts = (await waitForTimings(session, 'next-invoice', 10)).map((t) => t.ms);
      rows.push({ measure: 'next invoice (j → next invoice painted)', value: `${median(nexts)} ms`, runs: nexts.length, target: `≤ ${TARGETS['next-invoice']} ms` });
      await splitRows(session, 'next-invoice');

      // filter: type in the search box one key at a time, with a person's pause between keys (keys sent
      // together would be handled before the first one's frame is painted, and its timing would include
      // the filtering of the keys after it); each key filters all rows, or what the last key left
      const [search] = await session.findAll('[data-testid="search"]');
      for (const [i, key] of [...'S12'].entries()) {
        await session.type(search, key);
        await waitForTimings(session, 'filter', i + 1);
        await sleep(300);
      }
      const filters = (await waitForTimings(session, 'filter', 3)).map((t) => t.ms);
      const matching = await session.execute(`return document.querySelector('[data-testid="shown-count"]').textContent;`);
      rows.push({ measure: `filter (one key typed in the search → list painted; ${matching})`, value: `${median(filters)} ms`, runs: filters.length, target: `≤ ${TARGETS.filter} ms` });
      const computes = (await timings(session, 'filter-compute')).map((t) => t.ms);
      rows.push({ measure: '  of which: filtering the rows (tab, search, filters; before drawing)', value: `${median(computes)} ms`, runs: computes.length, target: '' });
      const doms = (await timings(session, 'filter-dom')).map((t) => t.ms);
      rows.push({ measure: '  of which: filtering and updating the DOM (before the frame is painted)', value: `${median(doms)} ms`, runs: doms.length, target: '' });

      const processes = appProcesses();
      assert.ok(processes.length > 0, 'the app process was found in /proc');
      let total = 0;
      for (const { pid, command } of processes) {
        const rss = rssMiB(pid);
        total += rss;
        rows.push({ measure: `memory: ${command} (pid ${pid}) RSS`, value: `${rss} MiB`, runs: 1, target: '' });
      }
      rows.push({ measure: 'memory: app and its web processes, RSS total', value: `${Math.round(total)} MiB`, runs: 1, target: '' });
      await screenshot(session, 'perf-filtered');
      // every timing the page kept (performance.now() at its end, and its length), for a closer look
      const all = await timings(session);
      const lines = [`start (WebDriver request, epoch ms) ${startWall}`, `navigation (epoch ms) ${Math.round(origin)}`];
      for (const t of all) lines.push(`${t.at.toFixed(1).padStart(9)} ${String(t.ms).padStart(8)}  ${t.name}`);
      writeFileSync(join(ARTIFACTS, 'perf-timings.txt'), `${lines.join('\n')}\n`);
    });
  });
});
