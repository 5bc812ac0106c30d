#!/usr/bin/env node
// serve.mjs — static server for the built alkem-io/client-web + reverse proxy to a local
// Alkemio server, with small stand-ins for the identity endpoints an anonymous visitor probes.
// No dependencies beyond Node's standard library.
//
// Routes (first match wins):
//   /env-config.js                    generated: the build's window._env_ with VITE_APP_ALKEMIO_DOMAIN
//                                     (and the COLLAB URLs) set to this server's origin
//   /ory/kratos/public/*              Kratos stand-in (or proxied to $KRATOS_URL if set):
//                                       sessions/whoami -> 401 Kratos-shaped JSON (= "no session")
//                                       anything else   -> 501 JSON
//   /api/auth/oidc/id-token-hint      401 stand-in (the BFF's "no OIDC session"), unless STUB_OIDC=0
//   /api/*, /graphql, /graphiql,      proxied to $BACKEND (default http://127.0.0.1:4000), HTTP and
//   /rest/*, /health/*                WebSocket upgrades (graphql-ws), path unchanged
//   anything else                     static file from $BUILD_DIR, else index.html (SPA fallback)
//
// Env: PORT (3000), HOST (127.0.0.1 and ::1), BACKEND, BUILD_DIR (./client/build),
//      PUBLIC_ORIGIN (default http://localhost:$PORT), KRATOS_URL, STUB_OIDC (1), LOG (1).
import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const PORT = Number(process.env.PORT ?? 3000);
const BACKEND = new URL(process.env.BACKEND ?? 'http://127.0.0.1:4000');
const BUILD_DIR = path.resolve(process.env.BUILD_DIR ?? path.join(here, 'client', 'build'));
const PUBLIC_ORIGIN = (process.env.PUBLIC_ORIGIN ?? `http://localhost:${PORT}`).replace(/\/$/, '');
const KRATOS_URL = process.env.KRATOS_URL ? new URL(process.env.KRATOS_URL) : null;
const STUB_OIDC = process.env.STUB_OIDC !== '0';
const LOG = process.env.LOG !== '0';

if (!fs.existsSync(path.join(BUILD_DIR, 'index.html'))) {
  console.error(`serve.mjs: ${BUILD_DIR}/index.html not found — build the client first (see README.md)`);
  process.exit(2);
}

const PROXY_PREFIXES = ['/api/', '/graphql', '/graphiql', '/rest/', '/health/'];
const isProxied = p => PROXY_PREFIXES.some(pre => p === pre.replace(/\/$/, '') || p.startsWith(pre));

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.map': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.webp': 'image/webp', '.ico': 'image/x-icon', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf',
  '.eot': 'application/vnd.ms-fontobject', '.txt': 'text/plain; charset=utf-8', '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm', '.xml': 'application/xml',
};
const NO_CACHE = { 'Cache-Control': 'no-store, no-cache, must-revalidate, max-age=0', Pragma: 'no-cache', Expires: '0' };

// ---- env-config.js: what the Docker image's env.sh does at container start ----
function envConfig() {
  let env = {};
  try {
    const raw = fs.readFileSync(path.join(BUILD_DIR, 'env-config.js'), 'utf8');
    env = JSON.parse(raw.replace(/^\s*window\._env_\s*=\s*/, '').replace(/;\s*$/, ''));
  } catch (e) {
    console.warn('serve.mjs: could not parse build/env-config.js, generating a minimal one:', e.message);
  }
  env.VITE_APP_ALKEMIO_DOMAIN = PUBLIC_ORIGIN;
  env.VITE_APP_COLLAB_URL = PUBLIC_ORIGIN;
  env.VITE_APP_COLLAB_DOC_URL = PUBLIC_ORIGIN;
  // Any VITE_APP_* in our own environment overrides (like env.sh does).
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('VITE_APP_')) env[k] = v;
  return `window._env_ = ${JSON.stringify(env, null, 2)}\n`;
}

function log(...a) { if (LOG) console.log(new Date().toISOString().slice(11, 23), ...a); }

function sendJson(res, status, body, extra = {}) {
  const s = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(s), ...NO_CACHE, ...extra });
  res.end(s);
}

// ---- Kratos stand-in ----
function kratosStub(req, res, sub) {
  if (sub === '/sessions/whoami' || sub.startsWith('/sessions/whoami?')) {
    // What Kratos answers when the request carries no session cookie/token.
    return sendJson(res, 401, {
      error: {
        code: 401, status: 'Unauthorized', reason: 'No valid session credentials found in the request.',
        message: 'The request could not be authorized',
      },
    });
  }
  return sendJson(res, 501, {
    error: { code: 501, status: 'Not Implemented', message: `webcheck Kratos stand-in: ${req.method} ${sub} is not implemented (anonymous only)` },
  });
}

// ---- reverse proxy (HTTP) ----
function proxyHttp(req, res, target, pathOverride) {
  const headers = { ...req.headers };
  headers['x-forwarded-host'] = req.headers.host ?? '';
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  const upstream = http.request(
    { protocol: target.protocol, hostname: target.hostname, port: target.port || 80, method: req.method,
      path: pathOverride ?? req.url, headers },
    up => {
      res.writeHead(up.statusCode ?? 502, up.rawHeaders.length ? rawToObj(up.rawHeaders) : up.headers);
      up.pipe(res);
      up.on('end', () => log(req.method, req.url, '->', target.host, up.statusCode));
    }
  );
  upstream.on('error', err => {
    log(req.method, req.url, '->', target.host, 'ERROR', err.code ?? err.message);
    if (!res.headersSent) {
      sendJson(res, 502, { errors: [{ message: `webcheck proxy: backend ${target.origin} unreachable (${err.code ?? err.message})` }] });
    } else res.destroy();
  });
  req.pipe(upstream);
}
function rawToObj(raw) {
  const o = {};
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i];
    if (k.toLowerCase() === 'set-cookie') (o[k] ??= []).push(raw[i + 1]);
    else o[k] = o[k] !== undefined ? `${o[k]}, ${raw[i + 1]}` : raw[i + 1];
  }
  return o;
}

// ---- reverse proxy (WebSocket upgrade, e.g. graphql-ws on /graphql) ----
function proxyUpgrade(req, socket, head, target) {
  let connected = false;
  const up = net.connect(Number(target.port || 80), target.hostname, () => {
    connected = true;
    let out = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
    for (let i = 0; i < req.rawHeaders.length; i += 2) out += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
    out += `X-Forwarded-Host: ${req.headers.host ?? ''}\r\nX-Forwarded-Proto: http\r\n\r\n`;
    up.write(out);
    if (head?.length) up.write(head);
    up.pipe(socket);
    socket.pipe(up);
    log('WS', req.url, '->', target.host, 'connected');
  });
  const fail = err => {
    log('WS', req.url, '->', target.host, 'ERROR', err?.code ?? err?.message ?? '');
    if (!connected && socket.writable) socket.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  };
  up.on('error', fail);
  socket.on('error', () => up.destroy());
}

// ---- static files ----
function serveStatic(req, res, pathname) {
  let rel;
  try { rel = decodeURIComponent(pathname); } catch { rel = pathname; }
  const file = path.join(BUILD_DIR, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
  if (file.startsWith(BUILD_DIR) && rel !== '/' ) {
    try {
      const st = fs.statSync(file);
      if (st.isFile()) {
        const ext = path.extname(file).toLowerCase();
        const immutable = rel.startsWith('/assets/');
        res.writeHead(200, {
          'Content-Type': MIME[ext] ?? 'application/octet-stream', 'Content-Length': st.size,
          ...(immutable ? { 'Cache-Control': 'public, max-age=31536000, immutable' } : NO_CACHE),
        });
        if (req.method === 'HEAD') return res.end();
        return fs.createReadStream(file).pipe(res);
      }
    } catch { /* fall through */ }
    // A missing asset (has an extension) is a 404, like nginx's try_files $uri =404.
    if (path.extname(rel) && !rel.endsWith('.html')) {
      res.writeHead(404, { 'Content-Type': 'text/plain', ...NO_CACHE });
      return res.end('not found');
    }
  }
  const html = fs.readFileSync(path.join(BUILD_DIR, 'index.html'));
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': html.length, ...NO_CACHE });
  res.end(req.method === 'HEAD' ? undefined : html);
}

function handler(req, res) {
  const pathname = new URL(req.url, 'http://x').pathname;
  if (pathname === '/env-config.js') {
    const body = envConfig();
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', ...NO_CACHE });
    return res.end(body);
  }
  if (pathname.startsWith('/ory/kratos/public')) {
    const sub = req.url.slice('/ory/kratos/public'.length) || '/';
    if (KRATOS_URL) return proxyHttp(req, res, KRATOS_URL, KRATOS_URL.pathname.replace(/\/$/, '') + sub);
    log(req.method, req.url, '-> kratos stand-in');
    return kratosStub(req, res, sub);
  }
  if (STUB_OIDC && pathname === '/api/auth/oidc/id-token-hint') {
    log(req.method, req.url, '-> oidc stand-in 401');
    return sendJson(res, 401, { error: 'no_session', message: 'webcheck stand-in: no OIDC (BFF) session' });
  }
  if (isProxied(pathname)) return proxyHttp(req, res, BACKEND);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'Content-Type': 'text/plain' });
    return res.end('method not allowed');
  }
  return serveStatic(req, res, pathname);
}

function onUpgrade(req, socket, head) {
  const pathname = new URL(req.url, 'http://x').pathname;
  if (isProxied(pathname)) return proxyUpgrade(req, socket, head, BACKEND);
  socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
}

const hosts = process.env.HOST ? [process.env.HOST] : ['127.0.0.1', '::1'];
let listening = 0;
for (const host of hosts) {
  const server = http.createServer(handler);
  server.on('upgrade', onUpgrade);
  server.on('error', err => {
    if (host === '::1' && hosts.length > 1 && err.code === 'EADDRNOTAVAIL') return; // no IPv6 loopback
    console.error(`serve.mjs: cannot listen on ${host}:${PORT}: ${err.message}`);
    process.exit(1);
  });
  server.listen(PORT, host, () => {
    listening++;
    console.log(`serve.mjs: listening on http://${host.includes(':') ? `[${host}]` : host}:${PORT}`);
    if (listening === 1) {
      console.log(`  static:  ${BUILD_DIR}`);
      console.log(`  origin:  ${PUBLIC_ORIGIN} (written into /env-config.js as VITE_APP_ALKEMIO_DOMAIN)`);
      console.log(`  proxy:   ${PROXY_PREFIXES.join(' ')} -> ${BACKEND.origin}`);
      console.log(`  kratos:  /ory/kratos/public/* -> ${KRATOS_URL ? KRATOS_URL.href : 'stand-in (whoami 401)'}`);
      console.log(`  oidc:    /api/auth/oidc/id-token-hint -> ${STUB_OIDC ? 'stand-in 401' : 'backend'}`);
    }
  });
}
