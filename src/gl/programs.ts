import { createProgramInfo, type ProgramInfo } from 'twgl.js';
import { DepthwiseGLError } from '../errors';
import { assembleShader, formatShaderLog, programKey, type AssembledShader, type Defines } from './shader';
import { FRAGMENTS, INCLUDES, VERTEX, type FragmentName } from './sources';

export interface Program {
  readonly key: string;
  readonly info: ProgramInfo;
}

/**
 * Compiled programs, cached by shader name + defines. Compiles once per key; a compile or link
 * failure throws with the numbered `.glsl` source and the driver's message under the failing line.
 */
export class ProgramCache {
  private readonly programs = new Map<string, Program>();
  /** How many programs this cache has compiled (for tests and the benchmark). */
  compiled = 0;

  /**
   * `storage` is the STORAGE define of glsl/layout.glsl (how tensor texels are held); every
   * program of this cache gets it.
   */
  constructor(private readonly gl: WebGL2RenderingContext, private readonly storage = 0) {}

  get size(): number {
    return this.programs.size;
  }

  get(fragment: FragmentName, shaderDefines: Defines): Program {
    const defines = { ...shaderDefines, STORAGE: this.storage };
    const key = programKey(fragment, defines);
    let program = this.programs.get(key);
    if (!program) {
      program = this.compile(key, fragment, defines);
      this.programs.set(key, program);
    }
    return program;
  }

  private compile(key: string, fragment: FragmentName, defines: Defines): Program {
    const { gl } = this;
    const vs = assembleShader(VERTEX.name, VERTEX.text, {}, INCLUDES);
    const fs = assembleShader(FRAGMENTS[fragment].name, FRAGMENTS[fragment].text, defines, INCLUDES);
    let message = '';
    const info = createProgramInfo(gl, [vs.source, fs.source], {
      errorCallback: (msg: string) => { message += `${msg}\n`; },
    });
    if (!info) throw new DepthwiseGLError(`shader ${key} failed to build:\n${describe(message, vs, fs)}`);
    // Shaders are flagged for deletion now and go with the program.
    for (const shader of gl.getAttachedShaders(info.program) ?? []) gl.deleteShader(shader);
    this.compiled++;
    return { key, info };
  }

  dispose(): void {
    for (const p of this.programs.values()) this.gl.deleteProgram(p.info.program);
    this.programs.clear();
  }
}

/** twgl's message ends with "Error compiling VERTEX_SHADER: <driver log>"; map that log onto our files. */
function describe(twglMessage: string, vs: AssembledShader, fs: AssembledShader): string {
  const m = /Error compiling (VERTEX|FRAGMENT)_SHADER:([\s\S]*)$/.exec(twglMessage);
  if (!m) return twglMessage.trim();
  const shader = m[1] === 'VERTEX' ? vs : fs;
  return formatShaderLog(m[2], shader);
}
