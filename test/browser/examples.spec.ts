import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { test, expect } from './fixtures';

/**
 * The documentation's examples, run: every ```js / ```ts block of README.md and docs/*.md, read
 * from the files at test time, runs as an ES module in a fresh page of each engine, against the
 * built library (/dist) and the app's TF.js. A block that throws (or rejects, or leaves an
 * uncaught error in the page) fails its test, which is named after its file and line.
 *
 * A block that cannot run in a test page says so, with its reason, in an HTML comment on the line
 * right before its fence (docs/contributing.md, "Examples"):
 *
 *   <!-- example: not runnable: needs a webcam -->
 *
 * A marker without a reason fails the inventory test below, so every block is either run or
 * marked not runnable with a reason.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FILES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const LANGS = new Set(['js', 'javascript', 'mjs', 'ts', 'typescript']);
const MARKER = /^<!--\s*example:\s*not runnable:?(.*?)-->\s*$/;

interface Block { file: string; line: number; lang: string; code: string; notRunnable: string | null; marked: boolean }

function blocks(): Block[] {
  const out: Block[] = [];
  for (const file of FILES) {
    const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]);
      if (!open) continue;
      const [, , fence, lang] = open;
      let j = i + 1;
      while (j < lines.length && !lines[j].trimStart().startsWith(fence)) j++;
      if (LANGS.has(lang.toLowerCase())) {
        let k = i - 1;
        while (k >= 0 && lines[k].trim() === '') k--;
        const m = k >= 0 ? MARKER.exec(lines[k].trim()) : null;
        out.push({
          file, line: i + 1, lang: lang.toLowerCase(), code: lines.slice(i + 1, j).join('\n'),
          marked: !!m, notRunnable: m ? m[1].trim() : null,
        });
      }
      i = j;
    }
  }
  return out;
}

const ALL = blocks();

/** The block as the page runs it: TypeScript stripped, the package names pointing at the served files. */
function forPage(b: Block): string {
  const js = b.lang === 'ts' || b.lang === 'typescript'
    ? ts.transpileModule(b.code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText
    : b.code;
  return js;
}

test('every js/ts block of README.md and docs/ is run or marked not runnable with a reason', () => {
  const unexplained = ALL.filter((b) => b.marked && !b.notRunnable).map((b) => `${b.file}:${b.line}`);
  expect(unexplained, 'blocks marked not runnable without a reason').toEqual([]);
  const run = ALL.filter((b) => !b.marked);
  expect(run.length, 'runnable blocks found').toBeGreaterThan(0);
  expect(ALL.some((b) => b.file === 'README.md' && !b.marked), 'README.md has a runnable example').toBe(true);
  test.info().annotations.push({ type: 'examples', description: `${run.length} run, ${ALL.length - run.length} marked not runnable` });
});

test.describe('the docs\' examples, run against /dist', () => {
  for (const b of ALL) {
    const name = `${b.file}:${b.line}`;
    if (b.marked) {
      test.skip(`${name} (not runnable: ${b.notRunnable || 'no reason given'})`, () => {});
      continue;
    }
    test(name, async ({ webPage }) => {
      await webPage.goto('/test/browser/examples.html');
      await webPage.waitForFunction(() => (window as unknown as { examplesReady?: boolean }).examplesReady === true);
      const r = await webPage.evaluate(async (code: string) => {
        const base = location.origin;
        const map: Record<string, string> = {
          'depthwise-gl': `${base}/dist/depthwise-gl.js`,
          'depthwise-gl/tfjs': `${base}/dist/tfjs.js`,
          'depthwise-gl/tfjs-training': `${base}/dist/tfjs-training.js`,
          'depthwise-gl/inspector': `${base}/dist/inspector.js`,
          '@tensorflow/tfjs': `${base}/node_modules/@tensorflow/tfjs/dist/tf.fesm.js`,
        };
        const src = code.replace(/(\bfrom\s*|\bimport\s*\(?\s*)(['"])([^'"]+)\2/g,
          (all, head: string, q: string, spec: string) => (spec in map ? `${head}${q}${map[spec]}${q}` : all));
        const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
        try {
          await import(/* @vite-ignore */ url);
          return { ok: true, error: null as string | null };
        } catch (e) {
          const err = e as Error;
          return { ok: false, error: `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}` };
        } finally {
          URL.revokeObjectURL(url);
        }
      }, forPage(b));
      expect(r.error, `the example at ${name} threw`).toBeNull();
      expect(r.ok).toBe(true);
    });
  }
});
