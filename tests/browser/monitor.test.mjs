// Staff monitor in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; run by ctest as
// reception_monitor_browser). Starts the real `uketsuke-reception serve` on a free loopback port with a fresh data
// folder, logs in as a clerk, and checks that:
//   1. a check-in pushed by a kiosk appears in the queue without a reload (over server-sent events),
//   2. the staff "call" action changes the entry on the server and on the page,
//   3. a kiosk's visual-check request appears and "confirm" answers the kiosk with the staff id,
//   4. after the service is SIGKILLed and restarted, the page reconnects by itself and shows what arrived,
//   5. the page raises no script errors and no Content-Security-Policy violations.
// Exits non-zero with a message naming the failed step. Needs: UK_RECEPTION_EXE, node_modules (setup.d/20).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const exe = process.env.UK_RECEPTION_EXE;
const chromiumPath = process.env.UK_CHROMIUM || '/usr/bin/chromium';
const shotDir = process.env.UK_SCREENSHOT_DIR || '';

function fail(step, detail) {
  console.error(`FAIL: ${step}${detail ? `: ${detail}` : ''}`);
  process.exitCode = 1;
  throw new Error(step);
}
function check(cond, step, detail) { if (!cond) fail(step, detail); console.log(`ok: ${step}`); }

if (!exe || !existsSync(exe)) { console.error('FAIL: UK_RECEPTION_EXE is not set to the built binary'); process.exit(1); }
if (!existsSync(path.join(here, 'node_modules', 'playwright-core'))) {
  console.error('FAIL: playwright-core is not installed: run scripts/setup.d/20-browser-tools.sh');
  process.exit(1);
}
if (!existsSync(chromiumPath)) { console.error(`FAIL: ${chromiumPath} missing: apt-get install chromium`); process.exit(1); }
const { chromium } = await import('playwright-core');

const freePort = () => new Promise((resolve) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

const data = mkdtempSync(path.join(os.tmpdir(), 'uk-browser-'));
const password = 'correct horse battery';
let server = null;
let browser = null;

function request(port, ca, method, urlPath, { token, body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const req = https.request({ host: '127.0.0.1', port, method, path: urlPath, ca, headers: h, agent: false },
      (res) => {
        let text = '';
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode, text, json: () => JSON.parse(text) }));
      });
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

function record(kioskId, ticket) {
  const now = new Date();
  return {
    schema: 1, record_id: randomUUID(), facility_code: '1312345678', facility_type: 'clinic', kiosk_id: kioskId,
    started_at: new Date(now.getTime() - 60000).toISOString(), completed_at: now.toISOString(), language: 'ja',
    kiosk_ticket: ticket,
    verification: { method: 'face', face: { distance: 0.31, threshold: 0.45, model: 'arcface-112', liveness_passed: true } },
    consents: { medication: 'agreed', health_checkup: 'refused' },
    qualification: { status: 'pending' },
  };
}

try {
  const addUser = spawnSync(exe, ['user', 'add', 'suzuki', '--role', 'clerk', '--data', data], { input: `${password}\n` });
  check(addUser.status === 0, 'user add', addUser.stderr.toString());
  const addKiosk = spawnSync(exe, ['kiosk', 'add', 'kiosk-1', '--data', data]);
  const token = addKiosk.stdout.toString().trim();
  check(addKiosk.status === 0 && token.startsWith('ukk_'), 'kiosk add prints a token');

  const port = await freePort();
  let serverLog = '';
  const startServer = async () => {
    serverLog = '';
    server = spawn(exe, ['serve', '--data', data, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout.on('data', (d) => { serverLog += d; });
    server.stderr.on('data', (d) => { serverLog += d; });
    const started = Date.now();
    while (!serverLog.includes('listening on')) {
      if (Date.now() - started > 10000 || server.exitCode !== null) fail('service starts', serverLog);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await startServer();
  const ca = readFileSync(path.join(data, 'tls', 'cert.pem'));
  check((await request(port, ca, 'GET', '/healthz')).status === 200, 'service answers /healthz over pinned TLS');

  browser = await chromium.launch({
    executablePath: chromiumPath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  // The self-signed certificate is the reception's own; the browser is told to accept it for this test only.
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'ja-JP' });
  const page = await context.newPage();
  const problems = [];
  let restarting = false;
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // The page asks /api/v1/session before log-in and is told 401: that is the expected answer, not a problem.
    const url = m.location().url || '';
    if (m.type() === 'error' && !url.endsWith('/api/v1/session') && !(restarting && url.endsWith('/api/v1/events'))) {
      problems.push(`console: ${m.text()} (${m.location().url})`);
    }
  });

  await page.goto(`https://127.0.0.1:${port}/`);
  await page.waitForSelector('#login-form', { state: 'visible', timeout: 10000 });
  check(await page.textContent('h1') === '受付モニター', 'monitor opens in Japanese');
  await page.fill('input[name=name]', 'suzuki');
  await page.fill('input[name=password]', password);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#monitor-view', { state: 'visible', timeout: 10000 });
  await page.waitForSelector('#conn.on', { timeout: 10000 });
  check(true, 'staff log-in and live connection');
  const cookies = await context.cookies();
  const sessionCookie = cookies.find((c) => c.name === 'uk_session');
  check(sessionCookie && sessionCookie.httpOnly && sessionCookie.secure && sessionCookie.sameSite === 'Strict',
    'session cookie is HttpOnly, Secure, SameSite=Strict');

  // 1. Push a check-in as the kiosk; it must appear without reload.
  const rec = record('kiosk-1', 42);
  const pushedAt = Date.now();
  const pushed = await request(port, ca, 'POST', '/api/v1/checkins', { token, body: rec });
  check(pushed.status === 201, 'kiosk push answered 201', pushed.text);
  const row = `tr[data-record-id="${rec.record_id}"]`;
  await page.waitForSelector(row, { timeout: 5000 }).catch(() => fail('pushed check-in appears without reload'));
  console.log(`ok: pushed check-in appears without reload (${Date.now() - pushedAt} ms)`);
  check((await page.textContent(`${row} td.ticket`)).trim() === '42', 'row shows the kiosk ticket');
  check((await page.textContent(row)).includes('確認待ち'), 'qualification shows as pending');
  check((await page.textContent(row)).includes('薬剤: 同意'), 'consents are shown');

  // 2. Staff action: call the patient.
  await page.click(`${row} button[data-action=call]`);
  await page.waitForSelector(`${row}[data-status=called]`, { timeout: 5000 })
    .catch(() => fail('call action updates the row'));
  const q = await page.evaluate(async () => (await fetch('/api/v1/queue')).json());
  const entry = q.entries.find((e) => e.record_id === rec.record_id);
  check(entry && entry.status === 'called' && entry.updated_by === 'suzuki', 'server holds the call by suzuki');

  // 3. Visual check from the kiosk, confirmed on the monitor.
  const vid = randomUUID();
  const asked = await request(port, ca, 'POST', '/api/v1/visual-checks', { token, body: { id: vid, kiosk_ticket: 43 } });
  check(asked.status === 201, 'kiosk asks for a visual check', asked.text);
  await page.waitForSelector(`[data-visual-id="${vid}"]`, { timeout: 5000 })
    .catch(() => fail('visual-check request appears on the monitor'));
  await page.click(`[data-visual-id="${vid}"] button[data-action=confirm]`);
  await page.waitForSelector(`[data-visual-id="${vid}"]`, { state: 'detached', timeout: 5000 })
    .catch(() => fail('confirmed request leaves the list'));
  const answer = (await request(port, ca, 'GET', `/api/v1/visual-checks/${vid}`, { token })).json();
  check(answer.state === 'confirmed' && answer.staff === 'suzuki', 'kiosk learns confirmed by suzuki');

  // 4. The service dies (SIGKILL) and comes back: the page reconnects by itself and shows what arrived meanwhile.
  restarting = true;  // the event stream's reconnect attempts fail while the service is down: expected
  await new Promise((r) => { server.on('exit', r); server.kill('SIGKILL'); });
  await page.waitForSelector('#conn.off', { timeout: 5000 }).catch(() => fail('page shows the connection lost'));
  await startServer();
  const rec2 = record('kiosk-1', 44);
  check((await request(port, ca, 'POST', '/api/v1/checkins', { token, body: rec2 })).status === 201,
    'push accepted by the restarted service');
  await page.waitForSelector(`tr[data-record-id="${rec2.record_id}"]`, { timeout: 10000 })
    .catch(() => fail('page reconnects by itself and shows the check-in pushed during the outage'));
  await page.waitForSelector('#conn.on', { timeout: 5000 });
  check(true, 'page reconnected by itself after the service restarted');

  // Tablet (portrait iPad-sized viewport): everything fits the width, the action buttons are reachable.
  await page.setViewportSize({ width: 768, height: 1024 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (shotDir) await page.screenshot({ path: path.join(shotDir, 'monitor-tablet.png'), fullPage: true });
  check(overflow <= 0, 'no horizontal scrolling on a 768 px wide tablet', `${overflow} px too wide`);
  const box = await page.locator(`tr[data-record-id="${rec2.record_id}"] button[data-action=call]`).boundingBox();
  check(box && box.x + box.width <= 768 && box.height >= 40, 'action buttons are on screen and finger-sized');
  await page.setViewportSize({ width: 1280, height: 720 });

  // English switch keeps working data.
  await page.click('#lang');
  check(await page.textContent('h1') === 'Reception monitor', 'switches to English');
  if (shotDir) await page.screenshot({ path: path.join(shotDir, 'monitor.png'), fullPage: true });

  check(problems.length === 0, 'no script errors or CSP violations', problems.join('\n'));
  console.log('PASS: staff monitor');
} catch (e) {
  if (!process.exitCode) { console.error(`FAIL: ${e.stack || e}`); process.exitCode = 1; }
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => { const t = setTimeout(() => { server.kill('SIGKILL'); r(); }, 8000); server.on('exit', () => { clearTimeout(t); r(); }); });
  }
  rmSync(data, { recursive: true, force: true });
}
