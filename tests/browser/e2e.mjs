// e2e.mjs - the web chat end to end in Debian's headless Chromium, driven
// by playwright-core: the real `deskbot run`, an employee who reports a
// printer problem, declines the article, answers the questions and
// submits; an agent who takes and resolves the ticket on the agents' page;
// the employee who sees it and rates 5; the rating in `deskbot report`.
// Then: a reload mid-conversation loses and doubles nothing, a message
// typed while the desk is down is delivered once when it is back, and a
// forged link gets a clear page. Screenshots go to OUTDIR/screenshots.
//
//   node e2e.mjs DESKBOT OUTDIR
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  console.error('FAIL: playwright-core is not installed: run scripts/test.sh, or npm ci --prefix tests/browser');
  process.exit(1);
}
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const [deskbot, outDir] = process.argv.slice(2);
if (!deskbot || !outDir) {
  console.error('usage: node e2e.mjs DESKBOT OUTDIR');
  process.exit(2);
}
const WAIT = 15000;
const shots = join(outDir, 'screenshots');
mkdirSync(shots, { recursive: true });
const dir = mkdtempSync(join(outDir, 'e2e-'));

// The whole test is bounded: a hang is a failure, not a stuck CI.
const deadline = setTimeout(() => fail('timed out after 240 s'), 240000);

let bot = null;
let browser = null;

function fail(why) {
  console.error(`FAIL: ${why}\n(the bot's log is ${dir}/deskbot.log)`);
  if (bot) bot.kill('SIGKILL');
  if (browser) browser.close().catch(() => {});
  process.exit(1);
}

function check(cond, what) {
  if (!cond) fail(what);
  console.log(`ok - ${what}`);
}

function freePort() {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const env = {
  ...process.env,
  DESKBOT_DB: join(dir, 'deskbot.db'),
  DESKBOT_HTTP_LISTEN: `127.0.0.1:${port}`,
  DESKBOT_WEB_PUBLIC_URL: base,
  DESKBOT_LOG_LEVEL: 'info',
};
for (const k of ['SLACK_APP_TOKEN', 'SLACK_BOT_TOKEN', 'DESKBOT_CONFIG']) delete env[k];

async function startBot() {
  const log = openSync(join(dir, 'deskbot.log'), 'a');
  bot = spawn(deskbot, ['run'], { env, stdio: ['ignore', log, log] });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  fail('the bot did not start');
}

async function stopBot() {
  const gone = new Promise((r) => bot.once('exit', (code, signal) => r(code ?? signal)));
  bot.kill('SIGTERM');
  const code = await gone;
  bot = null;
  // A clean stop; under the sanitizers a leak or error would make it fail.
  check(code === 0, `the bot stops cleanly on SIGTERM (exit ${code})`);
}

function cli(...args) {
  return execFileSync(deskbot, args, { env, encoding: 'utf8' }).trim();
}

await startBot();
const aliceLink = cli('webchat-link', '--user', 'alice');
const carolLink = cli('webchat-link', '--agent', 'carol');
check(aliceLink.startsWith(`${base}/?token=`), 'webchat-link prints a link to the chat');

browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
// The employee on a phone-sized window, the agent on a desk.
const employee = await (await browser.newContext({ viewport: { width: 390, height: 760 } })).newPage();
const agent = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
for (const [name, page] of [['employee', employee], ['agent', agent]]) {
  page.on('pageerror', (e) => fail(`${name} page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/WebSocket|ERR_CONNECTION_REFUSED|status of 403/.test(m.text()))
      fail(`${name} console error: ${m.text()}`);
  });
}

const connected = (page) =>
  page.waitForSelector('#status[data-state="connected"]', { timeout: WAIT });

/* The highest seq among the bot's entries shown. */
const lastBotSeq = (page) =>
  page.$$eval('#log .entry.from-bot', (els) =>
    Math.max(0, ...els.map((e) => Number(e.dataset.seq || 0))));

/*
 * Wait for a new bot message newer than `after`; its text. A clicked message
 * replaced by its outcome ("You chose: …") is not one: its answer follows it.
 */
async function nextBotEntry(page, after) {
  const handle = await page.waitForFunction(
    (n) => {
      const els = [...document.querySelectorAll('#log .entry.from-bot')]
        .filter((e) => Number(e.dataset.seq) > n && !/You chose:/.test(e.textContent));
      return els.length ? els[els.length - 1] : null;
    },
    after,
    { timeout: WAIT },
  );
  return handle.evaluate((e) => e.textContent);
}

async function type(page, text) {
  await page.fill('#composer textarea', text);
  await page.press('#composer textarea', 'Enter');
}

/* Every entry shown, as "seq|text", in page order. */
const entries = (page) =>
  page.$$eval('#log .entry:not(.pending)', (els) => els.map((e) => `${e.dataset.seq}|${e.textContent}`));

// ---- the employee reports a printer problem ------------------------------
await employee.goto(aliceLink);
await connected(employee);
check(!(await employee.url()).includes('token='), 'the token leaves the address bar');
check((await employee.textContent('#user')).includes('Alice'), 'the page knows who is signed in');
// Accessible basics: labelled controls, keyboard use, a phone-sized window without sideways scrolling.
check(await employee.getByRole('textbox', { name: 'Message' }).isVisible(), 'the message box is labelled');
check(await employee.getByRole('button', { name: 'Send' }).isVisible(), 'the send button is labelled');
check(await employee.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
  'nothing scrolls sideways on a 390 px window');
await employee.keyboard.press('Tab');
await employee.keyboard.press('Tab');
await employee.keyboard.press('Tab');
check(await employee.evaluate(() => !!document.activeElement && document.activeElement !== document.body),
  'Tab moves the focus onto the page\'s controls');
let seen = await lastBotSeq(employee);
await type(employee, 'my printer is jammed');
let said = await nextBotEntry(employee, seen);
check(/Printer paper jam/.test(said), 'the knowledge base answers first');
await employee.screenshot({ path: join(shots, '1-employee-article.png'), fullPage: true });

seen = await lastBotSeq(employee);
await employee.click('#log .entry.from-bot button:has-text("I still need help")');
said = await nextBotEntry(employee, seen);

// The questions, one at a time, until the summary and its Submit button.
const answers = [
  [/which printer|where/i, 'the printer next to room 301, building B, floor 3'],
  [/who is affected/i, 'just me'],
  [/how urgent/i, 'medium'],
  [/since when/i, 'since this morning'],
  [/error message/i, 'skip'],
];
let reloaded = false;
for (let round = 0; round < 8; round++) {
  if (await employee.$('#log .entry.from-bot button:has-text("Submit")')) break;
  const answer = answers.find(([re]) => re.test(said));
  check(answer !== undefined, `a question the test knows: ${said.slice(0, 80)}`);
  seen = await lastBotSeq(employee);
  await type(employee, answer[1]);
  said = await nextBotEntry(employee, seen);

  if (!reloaded) {
    // Reload mid-conversation: the same entries come back, once each.
    reloaded = true;
    const before = await entries(employee);
    await employee.reload();
    await connected(employee);
    await employee.waitForFunction(
      (n) => document.querySelectorAll('#log .entry:not(.pending)').length >= n,
      before.length, { timeout: WAIT });
    await employee.waitForTimeout(500); // anything doubled would have arrived by now
    const after = await entries(employee);
    check(JSON.stringify(after) === JSON.stringify(before),
      `a reload shows the same ${before.length} entries, none missing or doubled`);
    said = (await employee.$$eval('#log .entry.from-bot', (els) => els[els.length - 1].textContent));
  }
}
await employee.screenshot({ path: join(shots, '2-employee-summary.png'), fullPage: true });
seen = await lastBotSeq(employee);
await employee.click('#log .entry.from-bot button:has-text("Submit")');
said = await nextBotEntry(employee, seen);
const number = (said.match(/INC-\d+/) || [])[0];
check(number !== undefined, `the ticket is opened and named: ${number}`);

// ---- the agent takes and resolves it ----------------------------------------
await agent.goto(carolLink);
await connected(agent);
await agent.click('#rooms button[data-room="desktop-support"]');
const card = `#log .entry:has(.card-title:has-text("${number}"))`;
await agent.waitForSelector(`${card} button[data-name="ticket.take"]`, { timeout: WAIT });
await agent.screenshot({ path: join(shots, '3-agent-card.png'), fullPage: true });
await agent.click(`${card} button[data-name="ticket.take"]`);
await agent.waitForSelector(`${card} button[data-name="ticket.take"]`, { state: 'detached', timeout: WAIT });
check(true, 'Take replaces the card: its Take button is gone');

await agent.click(`${card} button[data-name="ticket.resolve"]`);
await agent.fill('.note-form textarea', 'Cleared the jam and replaced the pickup roller');
await agent.click('.note-form button[type=submit]');
await agent.waitForSelector(`${card} button[data-name="ticket.resolve"]`, { state: 'detached', timeout: WAIT });
check(true, 'Resolve with a note resolves it: the card has no Resolve button any more');
await agent.screenshot({ path: join(shots, '4-agent-resolved.png'), fullPage: true });

// ---- the employee sees it and rates 5 ------------------------------------------
const rate5 = '#log .entry.from-bot button:text-is("5")';
await employee.waitForSelector(rate5, { timeout: WAIT });
const resolvedText = await employee.$$eval('#log .entry.from-bot', (els) => els.map((e) => e.textContent).join('\n'));
check(resolvedText.includes(number) && /resolved/i.test(resolvedText), 'the employee is told it is resolved');
seen = await lastBotSeq(employee);
await employee.click(rate5);
said = await nextBotEntry(employee, seen);
await employee.screenshot({ path: join(shots, '5-employee-rated.png'), fullPage: true });
const csat = JSON.parse(cli('report', '--json')).csat;
check(csat.real.count === 1 && csat.real.mean === 5,
  `deskbot report has the rating: ${csat.real.count} real rating, mean ${csat.real.mean}`);

// ---- sent while the desk is down: delivered once when it is back -------------------
await stopBot();
await employee.waitForSelector('#status[data-state="offline"]', { timeout: WAIT });
const late = 'one more thing: it jammed again just now';
await type(employee, late);
await employee.waitForSelector('#log .entry.pending', { timeout: WAIT });
await employee.screenshot({ path: join(shots, '6-employee-offline.png'), fullPage: true });
await startBot();
await connected(employee);
await employee.waitForSelector('#log .entry.pending', { state: 'detached', timeout: WAIT });
await employee.waitForTimeout(1000);
const count = async () => employee.$$eval('#log .entry.from-user', (els, t) =>
  els.filter((e) => e.textContent.includes(t)).length, late);
check((await count()) === 1, 'the message typed offline is shown once after reconnecting');
await employee.reload();
await connected(employee);
await employee.waitForTimeout(1000);
check((await count()) === 1, 'and the history holds it once');

// ---- a forged link ---------------------------------------------------------------------
// One character changed in the middle of the signature.
const at = aliceLink.length - 20;
const forged = aliceLink.slice(0, at) + (aliceLink[at] === 'A' ? 'B' : 'A') + aliceLink.slice(at + 1);
const res = await employee.goto(forged);
check(res.status() === 403, 'a forged link is refused with 403');
check(/not valid/.test(await employee.textContent('body')), 'and a page that says so');
await employee.screenshot({ path: join(shots, '7-forged-link.png'), fullPage: true });

await browser.close();
await stopBot();
clearTimeout(deadline);
console.log('all browser checks passed');
