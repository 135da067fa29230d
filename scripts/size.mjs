// What an app pays for depthwise-gl, measured the way the app pays it: for each entry, a page that
// imports only that entry is built by Vite for production (minified) in a temporary app, and the
// JavaScript it gets is counted, minified and gzipped (zlib's default level, 6).
// The classic script's minified twin is counted as shipped.
//
//   node scripts/size.mjs                 print the table of dist/ as built (npm run size builds first)
//   node scripts/size.mjs --check         also exit 1 when an entry is over its ceiling
//   node scripts/size.mjs --package DIR   measure the package in DIR (e.g. installed from the tarball)
//
// Two bounds an entry: `budget`, issue 24's target (30 KB for depthwise-gl/tfjs, 40 KB for the
// root; printed met or NOT MET, see docs/performance.md, "Package size"), and `ceiling`, what is
// enforced (test/package/run.mjs, through measure() and checkBudgets()): today's size and a little
// headroom, so that growth fails a test until it is looked at (depthwise-gl/tfjs's is its budget,
// met with 0.1 KB to spare). Lower the ceilings as the bundles shrink. depthwise-gl/tfjs-training is the TF.js page of a training app (all four kernels):
// what it adds to depthwise-gl/tfjs is the training kernels' weight.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

/** The repository root (one above scripts/). */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const KB = 1000;

/**
 * Text that the bundle of an inference app (depthwise-gl/tfjs alone) must not carry: the training
 * kernels' shaders (issue 24), and the standalone context's reads and pixels in and out.
 */
export const NOT_IN_TFJS = [
  'backprop_input.frag', 'backprop_filter_partial.frag', 'backprop_filter_reduce.frag', 'backprop_filter_final.frag',
  'depthwiseConv2dBackpropInput', 'encode.frag', 'from_pixels.frag', 'draw.frag',
];

/**
 * What each measured page imports, its budget (issue 24's target) and its enforced ceiling, in
 * gzipped bytes (null: none), and text its bundle must not hold (`absent`).
 * @type {{ entry: string, imports: string, budget: number | null, ceiling: number | null, absent?: string[] }[]}
 */
export const ENTRIES = [
  { entry: 'depthwise-gl/tfjs', imports: '{ registerTfjsKernels, TFJS_KERNELS }', budget: 30 * KB, ceiling: 30 * KB, absent: NOT_IN_TFJS },
  { entry: 'depthwise-gl/tfjs-training', imports: '{ registerTfjsTrainingKernels, TFJS_KERNELS }', budget: null, ceiling: 34 * KB },
  { entry: 'depthwise-gl/inspector', imports: '{ mountInspector }', budget: null, ceiling: 3.5 * KB },
  { entry: 'depthwise-gl', imports: '* as everything', budget: 40 * KB, ceiling: 44 * KB },
];

/** The classic script's minified twin, relative to the package. */
export const CLASSIC_MIN = 'dist/depthwise-gl.iife.min.js';

/** @param {Buffer} bytes */
function sizes(bytes) {
  return { minified: bytes.length, gzipped: zlib.gzipSync(bytes).length };
}

/**
 * The JavaScript of a production Vite build of a page whose module is `import <imports> from
 * '<entry>'`, with `pkgDir` installed as node_modules/depthwise-gl (a link) of a temporary app.
 * Vite's module-preload polyfill is left out: it is the app's, not ours.
 * @param {string} pkgDir
 * @param {{ entry: string, imports: string }} page
 */
export async function consumerBundle(pkgDir, { entry, imports, absent = [] }) {
  const { build } = await import('vite');
  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'dgl-size-'));
  try {
    fs.mkdirSync(path.join(app, 'node_modules'));
    fs.symlinkSync(path.resolve(pkgDir), path.join(app, 'node_modules', 'depthwise-gl'), 'dir');
    const name = imports.startsWith('*') ? imports.split(' ').pop() : imports;
    fs.writeFileSync(path.join(app, 'main.js'), `import ${imports} from '${entry}';\nglobalThis.kept = ${name};\n`);
    fs.writeFileSync(path.join(app, 'index.html'), '<!doctype html><script type="module" src="/main.js"></script>\n');
    await build({
      root: app,
      configFile: false,
      logLevel: 'silent',
      build: { outDir: path.join(app, 'out'), modulePreload: { polyfill: false }, reportCompressedSize: false },
    });
    const assets = path.join(app, 'out', 'assets');
    const js = fs.readdirSync(assets).filter((f) => f.endsWith('.js'));
    const bytes = Buffer.concat(js.map((f) => fs.readFileSync(path.join(assets, f))));
    const text = bytes.toString('utf8');
    return { ...sizes(bytes), carries: absent.filter((a) => text.includes(a)) };
  } finally {
    fs.rmSync(app, { recursive: true, force: true });
  }
}

/**
 * Every entry's consumer bundle, and the classic minified script.
 * @param {string} [pkgDir]
 * @returns {Promise<{ entry: string, minified: number, gzipped: number, budget: number | null, ceiling: number | null, carries: string[] }[]>}
 */
export async function measure(pkgDir = REPO_ROOT) {
  const rows = [];
  for (const page of ENTRIES) rows.push({ entry: page.entry, budget: page.budget, ceiling: page.ceiling, ...(await consumerBundle(pkgDir, page)) });
  // (rows[i].carries: what of ENTRIES[i].absent the bundle holds; checkBudgets fails on any.)
  const classic = path.join(pkgDir, CLASSIC_MIN);
  if (!fs.existsSync(classic)) throw new Error(`${classic} is missing: run npm run build first`);
  rows.push({ entry: `${CLASSIC_MIN} (classic script)`, budget: null, ceiling: null, carries: [], ...sizes(fs.readFileSync(classic)) });
  return rows;
}

/** @param {{ entry: string, minified: number, gzipped: number, budget: number | null, ceiling: number | null, carries?: string[] }[]} rows */
export function formatSizes(rows) {
  const kb = (n) => `${(n / KB).toFixed(1)} KB`;
  const width = Math.max(...rows.map((r) => r.entry.length));
  return rows
    .map((r) => `${r.entry.padEnd(width)}  ${kb(r.minified).padStart(9)} min  ${kb(r.gzipped).padStart(8)} gz` +
      (r.budget === null ? '' : `  (budget ${kb(r.budget)} gz: ${r.gzipped > r.budget ? 'NOT MET' : 'met'})`) +
      (r.ceiling === null ? '' : `  (ceiling ${kb(r.ceiling)} gz${r.gzipped > r.ceiling ? ': OVER' : ''})`) +
      (r.carries?.length ? `  (CARRIES ${r.carries.join(', ')})` : ''))
    .join('\n');
}

/**
 * The entries over their enforced ceiling, or carrying what they must not, as messages (empty
 * when all hold).
 * @param {{ entry: string, gzipped: number, ceiling: number | null, carries?: string[] }[]} rows
 */
export function checkBudgets(rows) {
  return [
    ...rows
      .filter((r) => r.ceiling !== null && r.gzipped > r.ceiling)
      .map((r) => `${r.entry}: ${r.gzipped} bytes gzipped, over its ceiling of ${r.ceiling}`),
    ...rows
      .filter((r) => r.carries?.length)
      .map((r) => `${r.entry}: its bundle carries ${r.carries.join(', ')}`),
  ];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--package');
  const rows = await measure(at >= 0 ? args[at + 1] : REPO_ROOT);
  console.log(formatSizes(rows));
  const over = checkBudgets(rows);
  if (args.includes('--check') && over.length) {
    console.error(over.join('\n'));
    process.exit(1);
  }
}
