// A tiny dependency-free static file server for the repository root.
//
//   node scripts/serve.mjs [port]      (default 4179, or $PORT)
//
// Used by Playwright's webServer (playwright.config.ts) so that the browser
// tests load dist/ and test/browser/ pages exactly as a user's static server would.
// Every response carries `Cache-Control: no-store`; paths outside the root are refused.
// `startServer({ isolated: true })` (the benchmark) adds the COOP/COEP headers that make pages
// cross-origin isolated, so Firefox and WebKit give performance.now() its fine resolution; the
// tests' server stays without them.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root: the directory holding package.json, one above scripts/. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @type {Record<string, string>} */
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.glsl': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {string} message
 */
function sendText(res, status, message) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(message + '\n');
}

/** Headers that make a page cross-origin isolated (every resource here is same-origin). */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' };

/**
 * Start serving `root` on 127.0.0.1:`port` (port 0 picks a free one); `isolated`: with COOP/COEP
 * (otherwise only a request with ?isolated=1 gets them: a test page that needs a fine clock).
 * @param {{ port?: number, root?: string, isolated?: boolean }} [options]
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export function startServer({ port = 4179, root = REPO_ROOT, isolated = false } = {}) {
  const rootDir = path.resolve(root);

  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendText(res, 405, 'method not allowed');
      return;
    }
    /** @type {string} */
    let pathname;
    /** A page asked for with ?isolated=1 is served cross-origin isolated whatever the server's option. */
    let isolate = isolated;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      pathname = decodeURIComponent(url.pathname);
      isolate ||= url.searchParams.get('isolated') === '1';
    } catch {
      sendText(res, 400, 'bad request');
      return;
    }
    if (pathname.includes('\0')) {
      sendText(res, 400, 'bad request');
      return;
    }
    let file = path.resolve(rootDir, '.' + path.posix.normalize('/' + pathname));
    // No escaping the root (the normalisation above already drops `..`; this is the backstop).
    if (file !== rootDir && !file.startsWith(rootDir + path.sep)) {
      sendText(res, 403, 'forbidden');
      return;
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        if (!pathname.endsWith('/')) {
          res.writeHead(301, { Location: pathname + '/', 'Cache-Control': 'no-store' });
          res.end();
          return;
        }
        file = path.join(file, 'index.html');
        st = fs.existsSync(file) ? fs.statSync(file) : /** @type {any} */ (undefined);
        if (!st) {
          sendText(res, 404, `not found: ${pathname}`);
          return;
        }
      } else if (err || !st.isFile()) {
        sendText(res, 404, `not found: ${pathname}`);
        return;
      }
      const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      res.writeHead(200, {
        'Content-Type': type,
        'Content-Length': st.size,
        'Cache-Control': 'no-store',
        ...(isolate ? ISOLATION : {}),
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      const stream = fs.createReadStream(file);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const addr = server.address();
      const actualPort = typeof addr === 'object' && addr ? addr.port : port;
      resolve({
        url: `http://127.0.0.1:${actualPort}/`,
        close: () =>
          new Promise((done, fail) => {
            server.closeAllConnections?.();
            server.close((e) => (e ? fail(e) : done()));
          }),
      });
    });
  });
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 4179);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve.mjs: bad port ${JSON.stringify(process.argv[2] ?? process.env.PORT)}`);
    process.exit(2);
  }
  startServer({ port }).then(
    ({ url, close }) => {
      console.log(`Serving ${REPO_ROOT} at ${url}`);
      const stop = () => close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (err) => {
      console.error(`serve.mjs: ${err.message}`);
      process.exit(1);
    },
  );
}
