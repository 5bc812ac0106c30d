#!/usr/bin/env node
// check.mjs — open a page of the Alkemio web client in headless Chromium, wait until the network
// settles, and report every GraphQL operation (HTTP and graphql-ws) with OK/FAILED.
//
// Usage: node check.mjs [URL-or-path] [options]
//   URL-or-path          full URL, or a path joined to --base (default "/")
//   --base URL           default http://localhost:3000 (use "localhost", not 127.0.0.1: the client's
//                        API origin in env-config.js is http://localhost:3000 and cookies are per host)
//   --out DIR            default ./out/<slug-of-path>; gets screenshot.png, dom.txt, dom.html, report.json
//   --timeout MS         overall wait for the page to settle (default 60000)
//   --settle MS          quiet period with no GraphQL/fetch in flight (default 2500)
//   --expect-text S      also fail unless the final DOM text contains S (repeatable)
//   --reject-text S      also fail if the final DOM text contains S (repeatable)
//   --ignore-op NAME     don't count this operation's failure (repeatable)
//   --width N --height N viewport (default 1440x900)
//   --chromium PATH      default /usr/bin/chromium (or $CHROMIUM)
//   --verbose            print every GraphQL request body variables and full error objects
//   --type SEL=TEXT      after the page settled, type TEXT (after the last "=") into the CSS
//                        selector SEL's element, press Enter, and wait for it to settle again
//                        (repeatable; with --click, in the order given)
//   --click SEL          after the page settled, click the CSS selector SEL's element and wait
//                        for it to settle again
// Exit: 0 all operations OK (and text expectations met); 1 some operation failed or an expectation
// was not met, or no GraphQL operation was seen at all; 2 the check itself could not run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const here = path.dirname(fileURLToPath(import.meta.url));

// ---------------- arguments ----------------
const opts = { base: 'http://localhost:3000', timeout: 60000, settle: 2500, width: 1440, height: 900,
  chromium: process.env.CHROMIUM ?? '/usr/bin/chromium', expect: [], reject: [], ignore: [], verbose: false, actions: [] };
let target = '/';
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const next = () => { if (i + 1 >= argv.length) die(`missing value for ${a}`); return argv[++i]; };
  switch (a) {
    case '--base': opts.base = next(); break;
    case '--out': opts.out = next(); break;
    case '--timeout': opts.timeout = Number(next()); break;
    case '--settle': opts.settle = Number(next()); break;
    case '--expect-text': opts.expect.push(next()); break;
    case '--reject-text': opts.reject.push(next()); break;
    case '--ignore-op': opts.ignore.push(next()); break;
    case '--width': opts.width = Number(next()); break;
    case '--height': opts.height = Number(next()); break;
    case '--chromium': opts.chromium = next(); break;
    case '--verbose': opts.verbose = true; break;
    case '--type': { const v = next(); const at = v.lastIndexOf('='); if (at < 1) die('--type needs SEL=TEXT'); opts.actions.push({ selector: v.slice(0, at), text: v.slice(at + 1) }); break; }
    case '--click': opts.actions.push({ selector: next() }); break;
    case '-h': case '--help':
      console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1).filter((l, i, a) => a.slice(0, i + 1).every(x => x.startsWith('//'))).map(l => l.replace(/^\/\/ ?/, '')).join('\n'));
      process.exit(0);
    default:
      if (a.startsWith('--')) die(`unknown option ${a}`);
      target = a;
  }
}
function die(msg) { console.error(`check.mjs: ${msg}`); process.exit(2); }

const url = /^https?:\/\//.test(target) ? target : new URL(target, opts.base).href;
const slug = (new URL(url).pathname.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9._-]+/g, '_') || 'home');
const outDir = path.resolve(opts.out ?? path.join(here, 'out', slug));
fs.mkdirSync(outDir, { recursive: true });

// ---------------- helpers ----------------
const isGraphqlUrl = u => { try { return /\/graphql\/?$/.test(new URL(u).pathname); } catch { return false; } };
function opNameFromQuery(q) {
  if (typeof q !== 'string') return undefined;
  const m = q.match(/\b(query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/);
  if (m) return m[2];
  return /^\s*\{/.test(q) ? '(anonymous query)' : undefined;
}
function opKind(q) {
  const m = typeof q === 'string' && q.match(/\b(query|mutation|subscription)\b/);
  return m ? m[1] : 'query';
}
// Returns [{name, kind, variables}] for a request body (single, batched, or multipart upload).
function parseOps(postData, contentType = '') {
  if (!postData) return [{ name: '(no body)', kind: '?' }];
  let body;
  try { body = JSON.parse(postData); } catch {
    if (/multipart\/form-data/i.test(contentType)) {
      const m = postData.match(/name="operations"\r?\n\r?\n([\s\S]*?)\r?\n--/);
      if (m) { try { body = JSON.parse(m[1]); } catch { /* ignore */ } }
    }
  }
  if (!body) return [{ name: '(unparsed body)', kind: '?' }];
  const list = Array.isArray(body) ? body : [body];
  return list.map(b => ({ name: b.operationName || opNameFromQuery(b.query) || '(unnamed)', kind: opKind(b.query), variables: b.variables }));
}
function errMessages(errors) {
  return (errors ?? []).map(e => {
    const code = e?.extensions?.code ? ` [${e.extensions.code}]` : '';
    const p = Array.isArray(e?.path) ? ` (path: ${e.path.join('.')})` : '';
    return `${e?.message ?? JSON.stringify(e)}${code}${p}`;
  });
}
const sleep = ms => new Promise(r => setTimeout(r, ms));

// ---------------- state ----------------
const ops = [];            // one entry per GraphQL operation
const wsOps = new Map();   // `${requestId}:${id}` -> op (graphql-ws subscriptions)
const sockets = new Map(); // requestId -> {url, closed, frames}
const otherFailures = [];  // non-GraphQL requests that failed or got >= 400
const consoleErrors = [];
const pageErrors = [];
let inflight = 0;          // fetch/xhr/document requests in flight
let lastActivity = Date.now();
const touch = () => { lastActivity = Date.now(); };

// ---------------- browser ----------------
if (!fs.existsSync(opts.chromium)) die(`Chromium not found at ${opts.chromium} (apt-get install -y chromium)`);
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webcheck-chromium-'));
let browser;
try {
  browser = await puppeteer.launch({
    executablePath: opts.chromium,
    headless: true,
    userDataDir,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--mute-audio',
      // Closed network: fail every non-loopback host at once (Google Fonts, the issuer host of the
      // OIDC id-token-hint probe, analytics...) instead of waiting on DNS.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1]',
      `--window-size=${opts.width},${opts.height}`,
    ],
    defaultViewport: { width: opts.width, height: opts.height },
    protocolTimeout: Math.max(opts.timeout, 60000) + 60000,
  });
} catch (e) {
  die(`could not start Chromium: ${e.message}`);
}

let exitCode = 2;
try {
  const page = await browser.newPage();
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');

  // --- HTTP requests ---
  const byRequest = new Map(); // puppeteer HTTPRequest -> [op...]
  page.on('request', req => {
    const rt = req.resourceType();
    if (['fetch', 'xhr', 'document', 'script', 'stylesheet'].includes(rt)) { inflight++; touch(); req.__counted = true; }
    if (isGraphqlUrl(req.url()) && req.method() === 'POST') {
      const parsed = parseOps(req.postData(), req.headers()['content-type']);
      const list = parsed.map(p => ({ transport: 'http', url: req.url(), endpoint: new URL(req.url()).pathname, name: p.name, kind: p.kind,
        variables: p.variables, status: null, ok: null, errors: [], problem: null, t0: Date.now(), ms: null }));
      ops.push(...list);
      byRequest.set(req, list);
    }
  });
  const done = req => { if (req.__counted && !req.__done) { req.__done = true; inflight--; touch(); } };
  page.on('requestfinished', async req => {
    const list = byRequest.get(req);
    const res = req.response();
    if (list) {
      const status = res?.status() ?? 0;
      let text = '';
      try { text = await res.text(); } catch (e) { text = ''; }
      let json;
      try { json = JSON.parse(text); } catch { /* not json */ }
      const bodies = Array.isArray(json) ? json : [json];
      list.forEach((op, i) => {
        op.status = status; op.ms = Date.now() - op.t0;
        const b = bodies[i] ?? bodies[0];
        if (status < 200 || status >= 300) op.problem = `HTTP ${status}`;
        if (!b || typeof b !== 'object') op.problem = op.problem ?? `response is not JSON: ${text.slice(0, 200).replace(/\s+/g, ' ')}`;
        else {
          op.errors = b.errors ?? [];
          if (op.errors.length) op.problem = op.problem ?? 'GraphQL errors';
          if (!('data' in b) && !op.errors.length) op.problem = op.problem ?? 'no data in response';
          if (b.data === null && !op.errors.length) op.problem = op.problem ?? 'data is null';
          op.hasData = b.data != null;
        }
        op.ok = !op.problem;
      });
    } else if (res && res.status() >= 400) {
      otherFailures.push({ url: req.url(), method: req.method(), status: res.status(), type: req.resourceType() });
    }
    done(req);
  });
  page.on('requestfailed', req => {
    const list = byRequest.get(req);
    const why = req.failure()?.errorText ?? 'failed';
    if (list) list.forEach(op => { op.ok = false; op.problem = `network: ${why}`; op.ms = Date.now() - op.t0; });
    else otherFailures.push({ url: req.url(), method: req.method(), status: null, error: why, type: req.resourceType() });
    done(req);
  });

  // --- graphql-ws (subscriptions) over WebSocket, via CDP ---
  cdp.on('Network.webSocketCreated', e => { sockets.set(e.requestId, { url: e.url, closed: false, frames: 0 }); touch(); });
  cdp.on('Network.webSocketClosed', e => { const s = sockets.get(e.requestId); if (s) s.closed = true;
    for (const [k, op] of wsOps) if (k.startsWith(`${e.requestId}:`) && op.ok === null) { op.ok = false; op.problem = 'socket closed before complete'; } });
  cdp.on('Network.webSocketFrameError', e => { const s = sockets.get(e.requestId); if (s) s.error = e.errorMessage; });
  cdp.on('Network.webSocketHandshakeResponseReceived', e => { const s = sockets.get(e.requestId); if (s) s.status = e.response?.status; });
  const wsFrame = dir => e => {
    const s = sockets.get(e.requestId); if (s) s.frames++;
    touch();
    let m; try { m = JSON.parse(e.response.payloadData); } catch { return; }
    const key = `${e.requestId}:${m.id}`;
    if (dir === 'sent' && m.type === 'subscribe') {
      const op = { transport: 'ws', url: s?.url, endpoint: s ? new URL(s.url).pathname : '?', name: m.payload?.operationName || opNameFromQuery(m.payload?.query) || '(unnamed)',
        kind: opKind(m.payload?.query), variables: m.payload?.variables, status: 'ws', ok: null, errors: [], problem: null, t0: Date.now(), ms: null };
      ops.push(op); wsOps.set(key, op);
    } else if (dir === 'recv') {
      const op = wsOps.get(key); if (!op) return;
      if (m.type === 'error' || m.type === 'complete') op.ms = op.ms ?? Date.now() - op.t0;
      if (m.type === 'error') { op.ok = false; op.errors = Array.isArray(m.payload) ? m.payload : [m.payload]; op.problem = 'graphql-ws error'; }
      else if (m.type === 'next') { op.events = (op.events ?? 0) + 1; if (m.payload?.errors?.length) { op.errors.push(...m.payload.errors); op.ok = false; op.problem = 'GraphQL errors in event'; } }
      else if (m.type === 'complete' && op.ok === null) op.ok = true;
    }
  };
  cdp.on('Network.webSocketFrameSent', wsFrame('sent'));
  cdp.on('Network.webSocketFrameReceived', wsFrame('recv'));

  // --- console ---
  page.on('console', msg => {
    if (msg.type() === 'error') consoleErrors.push({ text: msg.text(), location: msg.location()?.url });
  });
  page.on('pageerror', err => pageErrors.push(String(err?.stack ?? err?.message ?? err)));

  // --- navigate and wait ---
  const started = Date.now();
  console.log(`check.mjs: opening ${url}`);
  try {
    await page.goto(url, { waitUntil: 'networkidle2', timeout: opts.timeout });
  } catch (e) {
    if (/ERR_CONNECTION_REFUSED|ERR_NAME_NOT_RESOLVED|ERR_ADDRESS_UNREACHABLE/.test(e.message)) {
      throw new Error(`cannot load ${url}: ${e.message.split('\n')[0]} — is serve.mjs running?`);
    }
    console.log(`check.mjs: navigation did not reach network idle (${e.message.split('\n')[0]}); continuing`);
  }
  // Then our own settle: nothing in flight and no new activity for opts.settle ms.
  const settle = async () => {
    while (Date.now() - started < opts.timeout) {
      const httpPending = ops.some(o => o.transport === 'http' && o.ok === null);
      if (inflight <= 0 && !httpPending && Date.now() - lastActivity >= opts.settle) break;
      await sleep(200);
    }
  };
  await settle();
  for (const { selector, text } of opts.actions) {
    await page.waitForSelector(selector, { timeout: 10000 });
    if (text === undefined) {
      console.log(`check.mjs: clicking ${selector}`);
      await page.click(selector);
    } else {
      console.log(`check.mjs: typing ${JSON.stringify(text)} into ${selector}`);
      await page.type(selector, text, { delay: 50 });
      await page.keyboard.press('Enter');
    }
    lastActivity = Date.now();
    await settle();
  }
  const timedOut = Date.now() - started >= opts.timeout;
  // Open subscriptions are normal (they stay open): mark as OK if no error arrived.
  for (const op of ops) if (op.transport === 'ws' && op.ok === null) { op.ok = true; op.note = 'still open (no error received)'; }
  for (const op of ops) if (op.ok === null) { op.ok = false; op.problem = 'no response before timeout'; }

  // --- artifacts ---
  const finalUrl = page.url();
  const title = await page.title().catch(() => '');
  const text = await page.evaluate(() => document.body?.innerText ?? '').catch(() => '');
  const html = await page.content().catch(() => '');
  fs.writeFileSync(path.join(outDir, 'dom.txt'), text);
  fs.writeFileSync(path.join(outDir, 'dom.html'), html);
  await page.screenshot({ path: path.join(outDir, 'screenshot.png'), fullPage: true }).catch(async () =>
    page.screenshot({ path: path.join(outDir, 'screenshot.png') }).catch(() => {}));

  // --- verdict ---
  const counted = ops.filter(o => !opts.ignore.includes(o.name));
  const failed = counted.filter(o => !o.ok);
  const expectMissing = opts.expect.filter(s => !text.includes(s));
  const rejectFound = opts.reject.filter(s => text.includes(s));
  const noOps = ops.length === 0;

  const pad = (s, n) => String(s).padEnd(n);
  console.log(`\n=== ${url}`);
  console.log(`final URL: ${finalUrl}${finalUrl !== url ? '  (redirected)' : ''}`);
  console.log(`title:     ${title}`);
  console.log(`settled:   ${timedOut ? `NO (timeout ${opts.timeout} ms)` : `${Date.now() - started} ms`}`);
  console.log(`\nGraphQL operations (${ops.length}):`);
  const w = Math.max(10, ...ops.map(o => o.name.length));
  for (const o of ops) {
    const ignored = opts.ignore.includes(o.name) ? ' (ignored)' : '';
    console.log(`  ${o.ok ? 'OK    ' : 'FAILED'} ${pad(o.name, w)} ${pad(o.kind, 12)} ${pad(o.endpoint, 22)} ${pad(o.status ?? '-', 4)} ${o.ms ?? '-'} ms${o.events ? ` events=${o.events}` : ''}${o.note ? ` ${o.note}` : ''}${ignored}`);
    if (!o.ok && o.problem) console.log(`           ${o.problem}`);
    for (const m of errMessages(o.errors)) console.log(`           error: ${m}`);
    if (opts.verbose) {
      if (o.variables && Object.keys(o.variables).length) console.log(`           variables: ${JSON.stringify(o.variables)}`);
      if (o.errors?.length) console.log(`           errors: ${JSON.stringify(o.errors)}`);
    }
  }
  if (sockets.size) {
    console.log(`\nWebSockets (${sockets.size}):`);
    for (const s of sockets.values()) console.log(`  ${s.url} handshake=${s.status ?? '-'} frames=${s.frames}${s.closed ? ' closed' : ''}${s.error ? ` error=${s.error}` : ''}`);
  }
  if (otherFailures.length) {
    console.log(`\nOther failed requests (${otherFailures.length}; informational, not counted):`);
    for (const f of otherFailures) console.log(`  ${f.status ?? 'ERR'} ${f.method} ${f.url}${f.error ? ` (${f.error})` : ''}`);
  }
  if (consoleErrors.length || pageErrors.length) {
    console.log(`\nConsole errors (${consoleErrors.length}) / uncaught page errors (${pageErrors.length}); informational:`);
    for (const c of consoleErrors) console.log(`  console: ${c.text.slice(0, 400)}${c.location ? `  @ ${c.location}` : ''}`);
    for (const p of pageErrors) console.log(`  pageerror: ${p.split('\n').slice(0, 3).join(' | ').slice(0, 400)}`);
  }
  for (const s of expectMissing) console.log(`\nEXPECTED TEXT MISSING: ${JSON.stringify(s)}`);
  for (const s of rejectFound) console.log(`\nREJECTED TEXT PRESENT: ${JSON.stringify(s)}`);
  if (noOps) console.log('\nNo GraphQL operation was seen at all (is env-config.js / the proxy right?)');

  const summary = `${counted.length - failed.length} OK, ${failed.length} FAILED` +
    (ops.length !== counted.length ? `, ${ops.length - counted.length} ignored` : '');
  console.log(`\nartifacts: ${outDir}/{screenshot.png,dom.txt,dom.html,report.json}`);
  const verdict = failed.length || expectMissing.length || rejectFound.length || noOps ? 'FAIL' : 'PASS';
  console.log(`${verdict}: ${summary}`);

  fs.writeFileSync(path.join(outDir, 'report.json'), JSON.stringify({
    url, finalUrl, title, verdict, settled: !timedOut, operations: ops, webSockets: [...sockets.values()],
    otherFailures, consoleErrors, pageErrors, expectMissing, rejectFound,
  }, null, 2));
  exitCode = verdict === 'PASS' ? 0 : 1;
} catch (e) {
  console.error(`check.mjs: ${/^cannot load/.test(e.message) ? e.message : e.stack ?? e}`);
  exitCode = 2;
} finally {
  await browser.close().catch(() => {});
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(exitCode);
