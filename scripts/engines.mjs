// The three browser engines the tests and the bench run in, behind one page interface.
//
//   chromium  Debian's chromium, headless, WebGL2 on ANGLE/SwiftShader (Playwright drives it)
//   firefox   Debian's firefox-esr, headed on an Xvfb display, WebGL2 on Mesa llvmpipe
//             (puppeteer-core over WebDriver BiDi)
//   webkit    WebKitGTK's MiniBrowser, headed on an Xvfb display, started by WebKitWebDriver
//             (W3C WebDriver over HTTP, no response timeout)
//
// Plain ESM with JSDoc types (scripts/engines.d.mts), importable from Node scripts (bench/run.mjs)
// and from the Playwright config and fixtures.
//
// Every process started here (Xvfb, Firefox, WebKitWebDriver and its MiniBrowser) runs in its
// own process group under a watchdog: a `sh` loop that kills the group when the Node process
// that started it is gone, so a killed test run leaves nothing behind.
//
// Environment:
//   DGL_ENGINES=chromium,firefox   the engines to run (default: all three)
//   FIREFOX_PATH, WEBKIT_DRIVER_PATH, MINIBROWSER_PATH   override the Debian locations

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { findChromium, chromiumArgs } from './browser.mjs';

/** @typedef {'chromium' | 'firefox' | 'webkit'} EngineName */
/** @typedef {Record<string, string | undefined>} LaunchEnv */
/** @typedef {{ baseURL: string, env?: LaunchEnv }} LaunchOptions */

/** @type {EngineName[]} */
export const ENGINES = ['chromium', 'firefox', 'webkit'];

const INSTALL = 'sudo apt-get update && sudo apt-get install -y chromium firefox-esr webkit2gtk-driver xvfb';

/** Where Debian puts WebKitGTK's MiniBrowser (the multiarch libdir varies). */
function miniBrowserPath() {
  if (process.env.MINIBROWSER_PATH) return process.env.MINIBROWSER_PATH;
  const candidates = [];
  try {
    const triplet = execFileSync('gcc', ['-dumpmachine'], { encoding: 'utf8' }).trim();
    candidates.push(`/usr/lib/${triplet}/webkit2gtk-4.1/MiniBrowser`);
  } catch { /* no gcc: try the usual ones */ }
  candidates.push('/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
    '/usr/libexec/webkit2gtk-4.1/MiniBrowser');
  return candidates.find((p) => fs.existsSync(p)) ?? candidates[0];
}

/** @param {string} name @returns {string | null} */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = path.join(dir || '.', name);
    if (fs.existsSync(p)) return p;
  }
  return null;
}

/**
 * What an engine needs on this machine and lacks (empty when it can run).
 * @param {EngineName} name
 * @returns {string[]}
 */
function missingFor(name) {
  /** @type {string[]} */
  const missing = [];
  if (name === 'chromium') {
    try { findChromium(); } catch { missing.push('chromium'); }
    return missing;
  }
  if (!onPath('Xvfb')) missing.push('Xvfb (package xvfb)');
  if (name === 'firefox') {
    if (!fs.existsSync(firefoxPath())) missing.push(`${firefoxPath()} (package firefox-esr)`);
    return missing;
  }
  if (!fs.existsSync(webkitDriverPath())) missing.push(`${webkitDriverPath()} (package webkit2gtk-driver)`);
  if (!fs.existsSync(miniBrowserPath())) missing.push(`${miniBrowserPath()} (package libwebkit2gtk-4.1-0)`);
  return missing;
}

function firefoxPath() { return process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr'; }
function webkitDriverPath() { return process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver'; }

/**
 * The engines asked for by DGL_ENGINES (default all), each checked. Throws, naming the command
 * that installs what is missing, when an engine asked for cannot run.
 * @param {string | undefined} [list]
 * @returns {{ engines: EngineName[], skipped: EngineName[] }}
 */
export function selectedEngines(list = process.env.DGL_ENGINES) {
  /** @type {EngineName[]} */
  let engines = [...ENGINES];
  if (list && list.trim() && list.trim() !== 'all') {
    const asked = list.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = asked.filter((e) => !ENGINES.includes(/** @type {EngineName} */ (e)));
    if (bad.length) throw new Error(`DGL_ENGINES: unknown engine(s) ${bad.join(', ')}; known: ${ENGINES.join(', ')}`);
    engines = ENGINES.filter((e) => asked.includes(e));
  }
  const problems = engines.map((e) => ({ e, missing: missingFor(e) })).filter(({ missing }) => missing.length);
  if (problems.length) {
    throw new Error([
      `Browser engine(s) missing: ${problems.map(({ e, missing }) => `${e} (needs ${missing.join(', ')})`).join('; ')}.`,
      `Install them with:  ${INSTALL}`,
      `or run fewer engines on purpose, e.g.  DGL_ENGINES=chromium npm test`,
    ].join('\n'));
  }
  return { engines, skipped: ENGINES.filter((e) => !engines.includes(e)) };
}

// ---------------------------------------------------------------------------------------------
// Processes that die with us

/**
 * Kills process group `pgid` once any of the `owners` is gone (checked every second). Returns a
 * function that stops the watchdog (for a clean shutdown that kills the group itself).
 * @param {number} pgid
 * @param {number | number[]} [owners]
 */
export function guardGroup(pgid, owners = process.pid) {
  const alive = [owners].flat().map((o) => `kill -0 ${o} 2>/dev/null`).join(' && ');
  const script = `while ${alive}; do sleep 1; done; kill -TERM -${pgid} 2>/dev/null; sleep 3; kill -KILL -${pgid} 2>/dev/null`;
  const dog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  dog.unref();
  return () => { try { process.kill(/** @type {number} */ (dog.pid), 'SIGKILL'); } catch { /* gone */ } };
}

/** @param {number} pgid */
async function killGroup(pgid) {
  try { process.kill(-pgid, 'SIGTERM'); } catch { return; }
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try { process.kill(-pgid, 0); } catch { return; }
  }
  try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ }
}

/**
 * Starts a virtual X display. `owner`: the pid whose death ends it (default: this process).
 * @param {{ owner?: number }} [options]
 * @returns {Promise<{ display: string, pid: number, close(): Promise<void> }>}
 */
export async function startXvfb({ owner = process.pid } = {}) {
  const xvfb = onPath('Xvfb');
  if (!xvfb) throw new Error(`Xvfb not found. Install it with:  sudo apt-get install -y xvfb`);
  const child = spawn(xvfb, ['-displayfd', '3', '-screen', '0', '1600x1200x24', '-nolisten', 'tcp'], {
    detached: true, stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const pid = /** @type {number} */ (child.pid);
  const unguard = guardGroup(pid, owner);
  let stderr = '';
  child.stderr?.on('data', (d) => { stderr += d; });
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const display = await new Promise((resolve, reject) => {
    let out = '';
    const fd3 = /** @type {import('node:stream').Readable} */ (child.stdio[3]);
    fd3.on('data', (d) => { out += d; if (out.includes('\n')) resolve(`:${out.trim()}`); });
    child.on('exit', (code) => reject(new Error(`Xvfb exited (${code}) before giving a display: ${stderr.trim()}`)));
    timer = setTimeout(() => reject(new Error(`Xvfb gave no display in 20 s: ${stderr.trim()}`)), 20_000);
  }).finally(() => clearTimeout(timer));
  child.unref();
  /** @type {any} */ (child.stdio[3]).unref?.();
  child.stderr?.unref?.();
  return {
    display, pid,
    async close() { unguard(); await killGroup(pid); },
  };
}

/** The X display for the headed engines: DGL_DISPLAY (set by the test setup), else DISPLAY. */
function displayOrThrow() {
  const d = process.env.DGL_DISPLAY ?? process.env.DISPLAY;
  if (!d) throw new Error('No X display: start one with startXvfb() (the Playwright global setup does) or set DGL_DISPLAY.');
  return d;
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (s.address());
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------
// Values across the wire
//
// Firefox and WebKit pages return JSON; the tests pass and get NaN, ±Infinity, -0, undefined,
// typed arrays and Errors. Both ends run these two functions (the page gets their source).

/** @param {unknown} v @returns {unknown} */
function encodeValue(v) {
  const enc = (/** @type {any} */ x, /** @type {number} */ depth) => {
    if (depth > 200) throw new Error('value too deep (a cycle?)');
    if (x === undefined) return { $s: 'undefined' };
    if (typeof x === 'number') {
      if (Number.isNaN(x)) return { $s: 'NaN' };
      if (x === Infinity) return { $s: 'Infinity' };
      if (x === -Infinity) return { $s: '-Infinity' };
      if (x === 0 && 1 / x < 0) return { $s: '-0' };
      return x;
    }
    if (typeof x === 'bigint') return { $b: String(x) };
    if (x === null || typeof x !== 'object') return typeof x === 'function' || typeof x === 'symbol' ? { $s: 'undefined' } : x;
    if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
      return { $t: x.constructor.name, v: Array.from(/** @type {any} */ (x), (e) => enc(e, depth + 1)) };
    }
    if (x instanceof Error) return { $e: { name: x.name, message: x.message, stack: x.stack } };
    if (x instanceof Date) return { $d: x.getTime() };
    if (Array.isArray(x)) return x.map((e) => enc(e, depth + 1));
    /** @type {Record<string, unknown>} */
    const o = {};
    for (const k of Object.keys(x)) o[k] = enc(x[k], depth + 1);
    return { $o: o };
  };
  return enc(v, 0);
}

/** @param {unknown} v @returns {any} */
function decodeValue(v) {
  const g = /** @type {any} */ (globalThis);
  const dec = (/** @type {any} */ x) => {
    if (x === null || typeof x !== 'object') return x;
    if (Array.isArray(x)) return x.map(dec);
    if ('$s' in x) return { undefined, NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 }[/** @type {string} */ (x.$s)];
    if ('$b' in x) return BigInt(x.$b);
    if ('$t' in x) return new g[x.$t](x.v.map(dec));
    if ('$e' in x) return Object.assign(new Error(x.$e.message), x.$e);
    if ('$d' in x) return new Date(x.$d);
    /** @type {Record<string, unknown>} */
    const o = {};
    for (const [k, e] of Object.entries(x.$o)) o[k] = dec(e);
    return o;
  };
  return dec(v);
}

/**
 * The page-side program that runs `fnSource` on `argJson` and settles `done` with a JSON
 * string: { ok: true, v } or { ok: false, error }. With `poll`, it calls fn every `poll` ms
 * until it returns something truthy or `timeout` ms pass.
 */
const PAGE_RUNNER = `async function __dglRun(fnSource, argJson, poll, timeout) {
  const encodeValue = ${encodeValue.toString()};
  const decodeValue = ${decodeValue.toString()};
  try {
    const fn = (0, eval)('(' + fnSource + ')');
    const arg = decodeValue(JSON.parse(argJson));
    let v = await fn(arg);
    if (poll > 0) {
      const t0 = Date.now();
      while (!v) {
        if (timeout > 0 && Date.now() - t0 > timeout) throw new Error('waitForFunction: timed out after ' + timeout + ' ms');
        await new Promise((r) => setTimeout(r, poll));
        v = await fn(arg);
      }
    }
    return JSON.stringify({ ok: true, v: encodeValue(v) });
  } catch (e) {
    return JSON.stringify({ ok: false, error: String(e && e.stack ? (String(e.message) + '\\n' + e.stack) : e) });
  }
}`;

/** Turns a page runner's JSON string into the value, or throws the page's error. */
function settle(/** @type {string} */ json, /** @type {string} */ what) {
  const r = JSON.parse(json);
  if (!r.ok) throw new Error(`${what} failed in the page: ${r.error}`);
  return decodeValue(r.v);
}

/** The source of a page function given as a function or a string. */
function sourceOf(/** @type {Function | string} */ fn) {
  return typeof fn === 'string' ? `() => (${fn})` : fn.toString();
}

/** Installed into every page after navigation, and by test pages' own early script. */
const ERROR_COLLECTOR = `(() => {
  if (window.__dglPageErrors) return;
  window.__dglPageErrors = [];
  addEventListener('error', (e) => window.__dglPageErrors.push(String(e.error ?? e.message)));
  addEventListener('unhandledrejection', (e) => window.__dglPageErrors.push(String(e.reason)));
})()`;

// ---------------------------------------------------------------------------------------------
// Chromium (Playwright)

/**
 * An EnginePage over a Playwright Page.
 * @param {import('@playwright/test').Page} page
 * @param {string} baseURL
 */
function wrapPlaywrightPage(page, baseURL) {
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return {
    engine: /** @type {EngineName} */ ('chromium'),
    playwright: page,
    async goto(/** @type {string} */ url) { await page.goto(new URL(url, baseURL).href); },
    evaluate(/** @type {any} */ fn, /** @type {any} */ arg) { return page.evaluate(fn, arg); },
    async waitForFunction(/** @type {any} */ fn, /** @type {any} */ arg, /** @type {{ timeout?: number }} */ options = {}) {
      const h = await page.waitForFunction(fn, arg, { timeout: options.timeout ?? 0, polling: 50 });
      return h.jsonValue();
    },
    async pageErrors() { return [...errors]; },
    async setViewport(/** @type {number} */ width, /** @type {number} */ height) { await page.setViewportSize({ width, height }); },
    async screenshot(/** @type {string} */ file) { await page.screenshot({ path: file }); },
    async close() { await page.close(); },
  };
}

/**
 * The environment a browser is started with: this process's, then `fixed` (what the launcher
 * needs), then the caller's `extra` (a value set, or undefined: the variable removed).
 * @param {LaunchEnv | undefined} extra
 * @param {Record<string, string>} [fixed]
 * @returns {Record<string, string>}
 */
function browserEnv(extra, fixed = {}) {
  /** @type {Record<string, string>} */
  const env = {};
  for (const [k, v] of Object.entries({ ...process.env, ...fixed, ...extra })) if (v !== undefined) env[k] = v;
  return env;
}

/** @param {LaunchOptions} options */
async function launchChromium({ baseURL, env }) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs(), headless: true, env: browserEnv(env) });
  return {
    name: /** @type {EngineName} */ ('chromium'),
    version: `Chromium ${browser.version()}`,
    async newPage() { return wrapPlaywrightPage(await browser.newPage(), baseURL); },
    async close() { await browser.close(); },
  };
}

// ---------------------------------------------------------------------------------------------
// Firefox (puppeteer-core, WebDriver BiDi)

/** @param {LaunchOptions} options */
async function launchFirefox({ baseURL, env }) {
  const puppeteer = (await import('puppeteer-core')).default;
  const display = displayOrThrow();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath(),
    headless: false, // headless Firefox has no WebGL
    env: browserEnv(env, { DISPLAY: display, MOZ_HEADLESS: '' }),
    defaultViewport: { width: 1280, height: 900 },
    protocolTimeout: 0,
    extraPrefsFirefox: {
      // llvmpipe is a software renderer: allow WebGL on it, and never fail a context for it.
      'webgl.force-enabled': true,
      'webgl.disable-fail-if-major-performance-caveat': true,
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'browser.tabs.remote.autostart': true,
    },
  });
  const proc = browser.process();
  const pgid = /** @type {number} */ (proc?.pid);
  const unguard = guardGroup(pgid);
  const version = await browser.version();
  return {
    name: /** @type {EngineName} */ ('firefox'),
    version: version.replace(/^firefox\//i, 'Firefox ESR '),
    async newPage() {
      const page = await browser.newPage();
      /** @type {string[]} */
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      const run = async (/** @type {any} */ fn, /** @type {any} */ arg, poll = 0, timeout = 0) => {
        const expr = `(${PAGE_RUNNER})(${JSON.stringify(sourceOf(fn))}, ${JSON.stringify(JSON.stringify(encodeValue(arg)))}, ${poll}, ${timeout})`;
        return settle(/** @type {string} */ (await page.evaluate(expr)), poll ? 'waitForFunction' : 'evaluate');
      };
      return {
        engine: /** @type {EngineName} */ ('firefox'),
        async goto(/** @type {string} */ url) {
          await page.goto(new URL(url, baseURL).href, { waitUntil: 'load', timeout: 0 });
          await page.evaluate(ERROR_COLLECTOR);
        },
        evaluate: (/** @type {any} */ fn, /** @type {any} */ arg) => run(fn, arg),
        waitForFunction: (/** @type {any} */ fn, /** @type {any} */ arg, /** @type {{ timeout?: number }} */ o = {}) => run(fn, arg, 50, o.timeout ?? 0),
        async pageErrors() {
          const inPage = /** @type {string[]} */ (await page.evaluate('window.__dglPageErrors ?? []').catch(() => []));
          return [...new Set([...errors, ...inPage])];
        },
        async setViewport(/** @type {number} */ width, /** @type {number} */ height) { await page.setViewport({ width, height }); },
        async screenshot(/** @type {string} */ file) { await page.screenshot({ path: /** @type {`${string}.png`} */ (file) }); },
        async close() { await page.close(); },
      };
    },
    async close() {
      unguard();
      await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 10_000))]);
      await killGroup(pgid);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// WebKit (WebKitWebDriver, W3C WebDriver over HTTP)

/** An HTTP JSON client with no response timeout (a long execute/async must not be cut). */
function webDriverClient(/** @type {number} */ port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  /** @returns {Promise<any>} */
  const call = (/** @type {string} */ method, /** @type {string} */ url, /** @type {unknown} */ body) => new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request({
      host: '127.0.0.1', port, path: url, method, agent,
      headers: { 'Content-Type': 'application/json; charset=utf-8', ...(data ? { 'Content-Length': data.length } : {}) },
    }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { reject(new Error(`WebKitWebDriver ${method} ${url}: ${res.statusCode} ${text.slice(0, 500)}`)); return; }
        if ((res.statusCode ?? 500) >= 400) {
          reject(new Error(`WebKitWebDriver ${method} ${url}: ${json.value?.error ?? res.statusCode}: ${json.value?.message ?? text.slice(0, 500)}`));
        } else resolve(json.value);
      });
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
  return { call, close: () => agent.destroy() };
}

/** @param {LaunchOptions} options */
async function launchWebKit({ baseURL, env }) {
  const display = displayOrThrow();
  const port = await freePort();
  const driver = spawn(webkitDriverPath(), [`--port=${port}`], {
    detached: true, stdio: ['ignore', 'ignore', 'pipe'],
    env: browserEnv(env, { DISPLAY: display, GDK_BACKEND: 'x11', WEBKIT_DISABLE_COMPOSITING_MODE: '' }),
  });
  const pgid = /** @type {number} */ (driver.pid);
  const unguard = guardGroup(pgid);
  let driverErr = '';
  driver.stderr?.on('data', (d) => { driverErr = (driverErr + d).slice(-2000); });
  driver.unref();
  driver.stderr?.unref?.();
  const wd = webDriverClient(port);
  // The driver listens shortly after it starts.
  /** @type {string | undefined} */
  let session;
  /** @type {any} */
  let caps;
  for (let i = 0; ; i++) {
    try {
      const v = await wd.call('POST', '/session', {
        capabilities: {
          alwaysMatch: {
            'webkitgtk:browserOptions': { binary: miniBrowserPath(), args: ['--automation'] },
            timeouts: { script: 24 * 3600_000, pageLoad: 600_000, implicit: 0 },
          },
        },
      });
      session = v.sessionId;
      caps = v.capabilities;
      break;
    } catch (e) {
      if (i > 100) throw new Error(`WebKitWebDriver gave no session: ${e}\n${driverErr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const s = `/session/${session}`;
  /** @type {Promise<unknown>} one WebDriver command at a time (a session has one current window) */
  let queue = Promise.resolve();
  /** @type {string | null} */
  let current = await wd.call('GET', `${s}/window`);
  const firstWindow = current;
  let firstWindowUsed = false;
  /** @template T @param {string | null} handle @param {() => Promise<T>} job @returns {Promise<T>} */
  const inWindow = (handle, job) => {
    const p = queue.then(async () => {
      if (handle && handle !== current) { await wd.call('POST', `${s}/window`, { handle }); current = handle; }
      return job();
    });
    queue = p.catch(() => undefined);
    return p;
  };
  return {
    name: /** @type {EngineName} */ ('webkit'),
    version: `WebKitGTK ${caps?.browserVersion ?? '?'} MiniBrowser`,
    async newPage() {
      /** @type {string} */
      const handle = await inWindow(null, async () => {
        if (!firstWindowUsed) { firstWindowUsed = true; return /** @type {string} */ (firstWindow); }
        const w = await wd.call('POST', `${s}/window/new`, { type: 'window' });
        return w.handle;
      });
      const run = (/** @type {any} */ fn, /** @type {any} */ arg, poll = 0, timeout = 0) => inWindow(handle, async () => {
        const script = `const done = arguments[arguments.length - 1];
          (${PAGE_RUNNER})(arguments[0], arguments[1], arguments[2], arguments[3]).then(done);`;
        const json = await wd.call('POST', `${s}/execute/async`, {
          script, args: [sourceOf(fn), JSON.stringify(encodeValue(arg)), poll, timeout],
        });
        return settle(json, poll ? 'waitForFunction' : 'evaluate');
      });
      let closed = false;
      return {
        engine: /** @type {EngineName} */ ('webkit'),
        goto: (/** @type {string} */ url) => inWindow(handle, async () => {
          await wd.call('POST', `${s}/url`, { url: new URL(url, baseURL).href });
          await wd.call('POST', `${s}/execute/sync`, { script: ERROR_COLLECTOR, args: [] });
        }),
        evaluate: (/** @type {any} */ fn, /** @type {any} */ arg) => run(fn, arg),
        waitForFunction: (/** @type {any} */ fn, /** @type {any} */ arg, /** @type {{ timeout?: number }} */ o = {}) => run(fn, arg, 50, o.timeout ?? 0),
        pageErrors: () => run(() => /** @type {any} */ (window).__dglPageErrors ?? []),
        setViewport: (/** @type {number} */ width, /** @type {number} */ height) => inWindow(handle, () => wd.call('POST', `${s}/window/rect`, { width, height })),
        screenshot: (/** @type {string} */ file) => inWindow(handle, async () => {
          const b64 = await wd.call('GET', `${s}/screenshot`);
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, Buffer.from(b64, 'base64'));
        }),
        close: () => inWindow(handle, async () => {
          if (closed) return;
          closed = true;
          if (handle === firstWindow) { await wd.call('POST', `${s}/url`, { url: 'about:blank' }); return; }
          await wd.call('DELETE', `${s}/window`);
          // A session needs a current window for the next command (window/new included).
          await wd.call('POST', `${s}/window`, { handle: firstWindow });
          current = firstWindow;
        }),
      };
    },
    async close() {
      unguard();
      await Promise.race([wd.call('DELETE', s).catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
      wd.close();
      await killGroup(pgid);
    },
  };
}

/**
 * Launches an engine. Firefox and WebKit need an X display (DGL_DISPLAY or DISPLAY; see
 * startXvfb). `baseURL` resolves the relative URLs given to `page.goto`; `env`, variables set
 * (or, undefined, removed) in the browser's environment only.
 * @param {EngineName} name
 * @param {LaunchOptions} options
 */
export async function launchEngine(name, options) {
  if (name === 'chromium') return launchChromium(options);
  if (name === 'firefox') return launchFirefox(options);
  if (name === 'webkit') return launchWebKit(options);
  throw new Error(`launchEngine: unknown engine ${JSON.stringify(name)}; known: ${ENGINES.join(', ')}`);
}

