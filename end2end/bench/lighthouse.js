// Lighthouse scores per page, with Lighthouse's default mobile configuration (a Moto G Power
// screen, simulated slow 4G and a 4x slower CPU). Prints figures; never fails on a score. Goals
// (docs/PERFORMANCE.md): performance at least 95; accessibility, best practices and SEO 100.
//
//   BASE_URL=http://127.0.0.1:3000 node bench/lighthouse.js                 # / /privacy /cookies /demo
//   BASE_URL=http://127.0.0.1:3000 RUNS=1 node bench/lighthouse.js / /privacy
//
// Each page is measured RUNS times (default 3); the row shown is the run with the median
// performance score (the other categories barely vary between runs). Pages that answer with an
// error status (a 404) are still scored and their status is shown. For the three 100-goal
// categories every failing audit is listed below the table, with a few of the elements or URLs
// it names. Exit status: 0 whatever the scores; 1 when Lighthouse could not run or measure a page.
// LHR_DIR=folder also saves each page's shown run as Lighthouse JSON (open it in Lighthouse's
// viewer or DevTools for the full report).
//
// Chromium is Debian's (CHROMIUM_PATH, default /usr/bin/chromium), started headless by
// chrome-launcher, which comes with the lighthouse package.
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RUNS = Math.max(1, Number(process.env.RUNS ?? 3));
const paths = process.argv.slice(2).length ? process.argv.slice(2) : ['/', '/privacy', '/cookies', '/demo'];
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const GOALS = { performance: 95, accessibility: 100, 'best-practices': 100, seo: 100 };
const NOT_SCORED = new Set(['informative', 'manual', 'notApplicable']);

const score = (lhr, id) => {
  const s = lhr.categories[id]?.score;
  return s == null ? null : Math.round(s * 100);
};
const median = (runs) => [...runs].sort((a, b) => score(a, 'performance') - score(b, 'performance'))[(runs.length - 1) >> 1];

/** The HTTP status of the page's document, as Lighthouse recorded it. */
function documentStatus(lhr) {
  const items = lhr.audits['network-requests']?.details?.items ?? [];
  const doc = items.find((i) => i.resourceType === 'Document' && i.url === lhr.mainDocumentUrl)
    ?? items.find((i) => i.resourceType === 'Document');
  return doc?.statusCode ?? lhr.audits['http-status-code']?.displayValue ?? '?';
}

/** Scored audits of a category that did not pass, with their weight in the category. */
function failingAudits(lhr, category) {
  return (lhr.categories[category]?.auditRefs ?? [])
    .map((ref) => ({ ...lhr.audits[ref.id], weight: ref.weight }))
    .filter((a) => a.id && !NOT_SCORED.has(a.scoreDisplayMode) && (a.score == null || a.score < 1));
}

/** A few of the elements or URLs an audit names, so someone can find them. */
function examples(audit, max = 3) {
  const items = audit.details?.items ?? [];
  return items.slice(0, max).map((item) => {
    const node = item.node ?? item.source ?? item;
    const what = node.selector ?? node.snippet ?? node.url ?? item.url ?? item.scriptUrl ?? item.description;
    const why = (item.subItems?.items ?? []).map((sub) => sub.error).filter(Boolean).join('; ');
    return what ? `${what}${why ? `: ${why}` : ''}` : JSON.stringify(item).slice(0, 160);
  }).concat(items.length > max ? [`... ${items.length - max} more`] : []);
}

let chrome;
try {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (scripts/setup --test installs it)`);
  chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    // Running as root (as CI does) needs --no-sandbox.
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const rows = [];
  for (const path of paths) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const result = await lighthouse(`${BASE_URL}${path}`, {
        port: chrome.port,
        logLevel: 'error',
        ignoreStatusCode: true, // score a 404 page too, and show its status
      });
      const lhr = result?.lhr;
      if (!lhr || lhr.runtimeError) {
        throw new Error(`Lighthouse could not measure ${path}: ${lhr?.runtimeError?.message ?? 'no result'}`);
      }
      runs.push(lhr);
    }
    rows.push({ path, lhr: median(runs), perfRuns: runs.map((r) => score(r, 'performance')) });
    if (process.env.LHR_DIR) {
      mkdirSync(process.env.LHR_DIR, { recursive: true });
      const name = path.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'root';
      writeFileSync(`${process.env.LHR_DIR}/${name}.json`, JSON.stringify(rows.at(-1).lhr));
    }
  }

  const { lighthouseVersion, environment } = rows[0].lhr;
  const browser = (await (await fetch(`http://127.0.0.1:${chrome.port}/json/version`)).json()).Browser;
  console.log(`Lighthouse ${lighthouseVersion}, ${browser}, mobile (simulated throttling), ${BASE_URL}`);
  console.log(`Lighthouse's CPU benchmark index of this machine: ${environment.benchmarkIndex}.`);
  console.log(`Each page run ${RUNS} time(s); the row is the run with the median performance score.\n`);
  const header = ['page', 'status', 'perf', 'a11y', 'best-pr.', 'seo', 'LCP ms', 'TBT ms', 'CLS', `perf of ${RUNS} runs`];
  const table = rows.map(({ path, lhr, perfRuns }) => [
    path,
    String(documentStatus(lhr)),
    ...CATEGORIES.map((c) => String(score(lhr, c) ?? '-')),
    String(Math.round(lhr.audits['largest-contentful-paint'].numericValue)),
    String(Math.round(lhr.audits['total-blocking-time'].numericValue)),
    lhr.audits['cumulative-layout-shift'].numericValue.toFixed(3),
    perfRuns.join(' '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  for (const r of table) console.log(line(r));

  console.log(`\nGoals: ${CATEGORIES.map((c) => `${c} >= ${GOALS[c]}`).join(', ')}.`);
  for (const { path, lhr } of rows) {
    const missed = CATEGORIES.filter((c) => (score(lhr, c) ?? 0) < GOALS[c]);
    console.log(`\n${path}: ${missed.length ? `below goal: ${missed.join(', ')}` : 'all goals met'}`);
    for (const w of lhr.runWarnings) console.log(`  warning: ${w}`);
    const errored = failingAudits(lhr, 'performance').filter((a) => a.scoreDisplayMode === 'error');
    if (errored.length) console.log(`  performance audits Lighthouse could not compute: ${errored.map((a) => a.id).join(', ')}`);
    for (const category of ['accessibility', 'best-practices', 'seo']) {
      for (const audit of failingAudits(lhr, category)) {
        const value = audit.displayValue ? ` (${audit.displayValue})` : '';
        const weight = audit.weight ? '' : ' [weight 0: does not lower the score]';
        console.log(`  ${category}: ${audit.id}: ${audit.title}${value}${weight}`);
        console.log(`      ${audit.description.replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 <$2>')}`);
        if (audit.explanation) console.log(`      ${audit.explanation}`);
        for (const example of examples(audit)) console.log(`      - ${example}`);
      }
    }
  }
} catch (error) {
  console.error(`lighthouse bench: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await chrome?.kill();
}
