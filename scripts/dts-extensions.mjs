// The type declarations that tsc writes to dist/types keep the sources' extensionless relative
// imports ('./context'). Under `moduleResolution: node16`/`nodenext`, a package of
// `"type": "module"` must spell them as Node resolves them ('./context.js', './tfjs/index.js'),
// or an app's TypeScript finds no exports behind them. This rewrites each relative specifier in
// dist/types/**/*.d.ts to the file that is there; `bundler` resolution reads both forms.
//
//   node scripts/dts-extensions.mjs [dir]      (default dist/types; npm run build runs it)

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `from './x'`, `import './x'`, `import('./x')`: the quoted relative specifier is group 2. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.\.?\/[^'"]*)\2/g;

/**
 * `spec`, as written in `file`, with the extension Node needs.
 * @param {string} file
 * @param {string} spec
 */
function withExtension(file, spec) {
  if (/\.(?:js|mjs|cjs|json)$/.test(spec)) return spec;
  const base = path.resolve(path.dirname(file), spec);
  if (fs.existsSync(`${base}.d.ts`)) return `${spec}.js`;
  if (fs.existsSync(path.join(base, 'index.d.ts'))) return `${spec}/index.js`;
  throw new Error(`${file}: no declaration for "${spec}"`);
}

/** @param {string} dir */
export function addDtsExtensions(dir) {
  let changed = 0;
  for (const entry of fs.readdirSync(dir, { recursive: true })) {
    const file = path.join(dir, String(entry));
    if (!file.endsWith('.d.ts')) continue;
    const text = fs.readFileSync(file, 'utf8');
    const out = text.replace(SPECIFIER, (_, lead, q, spec) => `${lead}${q}${withExtension(file, spec)}${q}`);
    if (out !== text) {
      fs.writeFileSync(file, out);
      changed++;
    }
  }
  return changed;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, 'dist', 'types'));
  console.log(`dts-extensions: ${addDtsExtensions(dir)} declaration files in ${path.relative(REPO_ROOT, dir) || dir} rewritten`);
}
