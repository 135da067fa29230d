/**
 * Shader assembly: `.glsl` files stay valid on their own (they give defaults for their
 * `#define`s); `assembleShader` prepends the version, precision and the sorted defines, expands
 * `#include "name"` lines, and emits `#line` directives so the driver's line numbers point at
 * the right line of the right `.glsl` file. The defines object (with the shader's name) is the
 * program-cache key.
 */

export type DefineValue = number | boolean;
export type Defines = Readonly<Record<string, DefineValue>>;

export interface AssembledShader {
  /** The full source handed to the driver. */
  source: string;
  /** File names by GLSL source-string number (0 is the main file). */
  files: string[];
  /** Original text by source-string number, for error messages. */
  texts: string[];
}

const INCLUDE = /^\s*#include\s+"([^"]+)"\s*$/;

function defineValue(v: DefineValue): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (!Number.isFinite(v)) throw new Error(`assembleShader: define value ${v} is not finite`);
  // Integers stay integers; other numbers get a decimal point so GLSL reads them as float.
  return Number.isInteger(v) ? String(v) : v.toExponential();
}

/** The `#define` lines for a defines object, sorted by name. */
export function defineLines(defines: Defines): string[] {
  return Object.keys(defines).sort().map((k) => `#define ${k} ${defineValue(defines[k])}`);
}

/** A stable key for a shader name plus its defines. */
export function programKey(name: string, defines: Defines): string {
  return `${name}|${defineLines(defines).join(';')}`;
}

export function assembleShader(
  name: string,
  text: string,
  defines: Defines,
  includes: Readonly<Record<string, string>> = {},
): AssembledShader {
  const files = [name];
  const texts = [text];
  const out = [
    '#version 300 es',
    'precision highp float;',
    'precision highp int;',
    'precision highp sampler2D;',
    ...defineLines(defines),
  ];
  const expand = (src: string, fileNo: number, stack: string[]) => {
    out.push(`#line 1 ${fileNo}`);
    src.split('\n').forEach((line, i) => {
      const m = INCLUDE.exec(line);
      if (!m) {
        out.push(line);
        return;
      }
      const inc = m[1];
      if (!(inc in includes)) throw new Error(`assembleShader: ${files[fileNo]}:${i + 1} includes unknown "${inc}"`);
      if (stack.includes(inc)) throw new Error(`assembleShader: "${inc}" includes itself (${[...stack, inc].join(' -> ')})`);
      files.push(inc);
      texts.push(includes[inc]);
      expand(includes[inc], files.length - 1, [...stack, inc]);
      // Back in the including file, on the line after the #include.
      out.push(`#line ${i + 2} ${fileNo}`);
    });
  };
  expand(text, 0, [name]);
  return { source: out.join('\n'), files, texts };
}

const ERROR_LINE = /^(?:ERROR|WARNING):\s*(\d+):(\d+):\s*(.*)$/;

/**
 * A driver's info log turned into something a person can act on: each error with its file,
 * the numbered source lines around it, and the message under the failing line.
 */
export function formatShaderLog(log: string, shader: AssembledShader): string {
  const parts: string[] = [];
  for (const raw of log.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const m = ERROR_LINE.exec(line);
    const fileNo = m ? Number(m[1]) : -1;
    if (!m || fileNo < 0 || fileNo >= shader.files.length) {
      parts.push(line);
      continue;
    }
    const lineNo = Number(m[2]);
    const lines = shader.texts[fileNo].split('\n');
    const from = Math.max(1, lineNo - 3);
    const to = Math.min(lines.length, lineNo + 2);
    const width = String(to).length;
    const snippet: string[] = [`${shader.files[fileNo]}:${lineNo}: ${m[3]}`];
    for (let n = from; n <= to; n++) {
      snippet.push(`${String(n).padStart(width)}: ${lines[n - 1]}`);
      if (n === lineNo) snippet.push(`${' '.repeat(width)}  ^^^ ${m[3]}`);
    }
    parts.push(snippet.join('\n'));
  }
  return parts.join('\n\n');
}
