import { assembleProgram, describeProgram, ProgramKeyed, type Program } from '../gl/programs';
import type { Defines } from '../gl/shader';
import type { FragmentSource } from '../gl/sources';
import { STORAGE_DEFINE, type StorageFormat } from '../gl/textures';

interface Entry {
  glProgram: WebGLProgram;
  program: Program | null;
  failed: boolean;
  key: string;
}

/**
 * Programs compiled in the background where KHR_parallel_shader_compile exists: the first ask
 * for a program starts its compile and link and returns null; later asks return it once the
 * driver says it is done (COMPLETION_STATUS_KHR), never waiting for it. Meanwhile the caller runs
 * another program it already has (the direct path: the layer kind's program, until the shape's
 * own is ready). Without the extension nothing is compiled here (`available` is false).
 * The programs are the same sources and defines as ProgramCache's; this cache owns them.
 */
export class BackgroundPrograms {
  private readonly ext: { COMPLETION_STATUS_KHR: number } | null;
  private readonly entries: ProgramKeyed<Entry>;

  constructor(private readonly gl: WebGL2RenderingContext, storage: StorageFormat) {
    this.ext = gl.getExtension('KHR_parallel_shader_compile') as { COMPLETION_STATUS_KHR: number } | null;
    this.entries = new ProgramKeyed(STORAGE_DEFINE[storage]);
  }

  get available(): boolean {
    return this.ext !== null;
  }

  /** The program once compiled; null while compiling (started by the first ask) or if it failed. */
  ready(fragment: FragmentSource, shaderDefines: Defines): Program | null {
    if (!this.ext) return null;
    let started = false;
    const e = this.entries.get(fragment, shaderDefines, (key, defines) => {
      started = true;
      return { glProgram: this.start(fragment, defines), program: null, failed: false, key };
    });
    if (started) return null;
    if (e.program || e.failed) return e.program;
    const { gl } = this;
    if (!gl.getProgramParameter(e.glProgram, this.ext.COMPLETION_STATUS_KHR)) return null;
    if (!gl.getProgramParameter(e.glProgram, gl.LINK_STATUS)) {
      // ProgramCache's synchronous compile of the same source reports the error properly.
      e.failed = true;
      return null;
    }
    for (const s of gl.getAttachedShaders(e.glProgram) ?? []) gl.deleteShader(s);
    e.program = describeProgram(gl, e.key, e.glProgram);
    return e.program;
  }

  dispose(): void {
    for (const e of this.entries.values()) this.gl.deleteProgram(e.glProgram);
    this.entries.clear();
  }

  private start(fragment: FragmentSource, defines: Defines): WebGLProgram {
    const { gl } = this;
    const program = gl.createProgram()!;
    const { vs, fs } = assembleProgram(fragment, defines);
    const sources: [number, string][] = [[gl.VERTEX_SHADER, vs.source], [gl.FRAGMENT_SHADER, fs.source]];
    for (const [type, source] of sources) {
      const shader = gl.createShader(type)!;
      gl.shaderSource(shader, source);
      gl.compileShader(shader);
      gl.attachShader(program, shader);
    }
    // No status query here: that would wait for the compile.
    gl.linkProgram(program);
    return program;
  }
}
