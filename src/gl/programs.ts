import { DepthwiseGLError } from '../errors';
import { assembleShader, formatShaderLog, programKey, type AssembledShader, type Defines } from './shader';
import { INCLUDES, VERTEX, type FragmentSource } from './sources';

/**
 * A linked program and what a pass needs to feed it, found by asking the linked program (its
 * active uniforms): a texture unit per sampler, a setter per other uniform, and the value each
 * uniform was last set to, so that a pass sets only what changed.
 */
export interface Program {
  readonly key: string;
  readonly program: WebGLProgram;
  /** Sampler name -> its texture unit and the texture target it samples. */
  readonly samplers: ReadonlyMap<string, { readonly unit: number; readonly target: number; readonly location: WebGLUniformLocation }>;
  /** Other uniforms by name (arrays without their "[0]"): how to set one. */
  readonly setters: ReadonlyMap<string, (value: unknown) => void>;
  /** Last value set, by uniform name: numbers, and copies of arrays. */
  readonly values: Map<string, number | Float32Array | Int32Array | number[]>;
  /** Whether the samplers' units have been set (on the program's first pass, when it is in use). */
  unitsSet: boolean;
}

/** Sampler uniform type -> the texture target it samples. */
const SAMPLER_TARGETS: Record<number, number> = {
  0x8b5e: 0x0de1, // SAMPLER_2D -> TEXTURE_2D
  0x8dca: 0x0de1, // INT_SAMPLER_2D
  0x8dd2: 0x0de1, // UNSIGNED_INT_SAMPLER_2D
  0x8dc1: 0x8c1a, // SAMPLER_2D_ARRAY -> TEXTURE_2D_ARRAY
};

/** Uniform type -> the WebGL2 call that sets it (arrays of scalars take the `v` form). */
const SETTERS: Record<number, string> = {
  0x1406: 'uniform1f', // FLOAT
  0x8b50: 'uniform2fv', // FLOAT_VEC2
  0x8b51: 'uniform3fv', // FLOAT_VEC3
  0x8b52: 'uniform4fv', // FLOAT_VEC4
  0x1404: 'uniform1i', // INT
  0x8b56: 'uniform1i', // BOOL
  0x8b53: 'uniform2iv', // INT_VEC2
  0x8b54: 'uniform3iv', // INT_VEC3
  0x8b55: 'uniform4iv', // INT_VEC4
  0x1405: 'uniform1ui', // UNSIGNED_INT
};

/** A compiled shader and the assembled source it came from (for error messages). */
interface CompiledShader {
  readonly shader: WebGLShader;
  readonly assembled: AssembledShader;
}

/** Creates and compiles a shader, asking nothing back: build asks the link status only. */
function compile(gl: WebGL2RenderingContext, key: string, type: number, assembled: AssembledShader): CompiledShader {
  const shader = gl.createShader(type);
  if (!shader) throw new DepthwiseGLError(`shader ${key}: could not create a shader (is the context lost?)`);
  gl.shaderSource(shader, assembled.source);
  gl.compileShader(shader);
  return { shader, assembled };
}

/**
 * Compiles a fragment shader and links it with the (shared, compiled) vertex shader. One question
 * goes back to the driver: the link status. Each status query is a round trip that waits for the
 * work queued before it (to the GPU process in Firefox and Chromium), and asking each shader's
 * compile status too made three a program. (Measured in Iris's first predict on Firefox: the wait
 * moved to the link status, the total the same; what a new program costs is its compile.)
 * A compile failure fails the link: only then are the shaders asked, and a compile error throws
 * with the numbered `.glsl` source and the driver's message under the failing line
 * (formatShaderLog); a link error with the driver's log.
 */
function build(gl: WebGL2RenderingContext, key: string, vs: CompiledShader, fsSource: AssembledShader): WebGLProgram {
  const program = gl.createProgram();
  if (!program) throw new DepthwiseGLError(`shader ${key}: could not create a program (is the context lost?)`);
  let fs: CompiledShader | null = null;
  try {
    fs = compile(gl, key, gl.FRAGMENT_SHADER, fsSource);
    gl.attachShader(program, vs.shader);
    gl.attachShader(program, fs.shader);
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) {
      for (const { shader, assembled } of [vs, fs]) {
        if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) {
          throw new DepthwiseGLError(`shader ${key} failed to build:\n${formatShaderLog(gl.getShaderInfoLog(shader) ?? '', assembled)}`);
        }
      }
      throw new DepthwiseGLError(`shader ${key} failed to link:\n${gl.getProgramInfoLog(program) ?? ''}`.trim());
    }
  } catch (e) {
    gl.deleteProgram(program);
    throw e;
  } finally {
    // Flagged for deletion now, it goes with the program (the vertex shader stays the cache's).
    if (fs) gl.deleteShader(fs.shader);
  }
  return program;
}

/**
 * A linked program's samplers and setters, from its active uniforms. Samplers get units 0, 1, ...
 * in the order the driver lists them (set on the first pass: see unitsSet).
 */
function describeProgram(gl: WebGL2RenderingContext, key: string, program: WebGLProgram): Program {
  const samplers = new Map<string, { unit: number; target: number; location: WebGLUniformLocation }>();
  const setters = new Map<string, (value: unknown) => void>();
  const count = gl.getProgramParameter(program, gl.ACTIVE_UNIFORMS) as number;
  for (let i = 0; i < count; i++) {
    const info = gl.getActiveUniform(program, i);
    if (!info || info.name.startsWith('gl_')) continue;
    const location = gl.getUniformLocation(program, info.name);
    if (!location) continue; // in a uniform block
    const name = info.name.replace(/\[0\]$/, '');
    const target = SAMPLER_TARGETS[info.type];
    if (target !== undefined) {
      samplers.set(name, { unit: samplers.size, target, location });
      continue;
    }
    let method = SETTERS[info.type];
    if (!method) throw new DepthwiseGLError(`shader ${key}: uniform ${name} has a type (0x${info.type.toString(16)}) that passes cannot set`);
    if (info.size > 1 && !method.endsWith('v')) method += 'v';
    const set = (gl as unknown as Record<string, (l: WebGLUniformLocation, v: unknown) => void>)[method];
    setters.set(name, (value) => set.call(gl, location, value));
  }
  return { key, program, samplers, setters, values: new Map(), unitsSet: false };
}

/**
 * Compiled programs, cached by the program-cache key (the shader's name and its defines, STORAGE
 * included). Compiles once per key; a failure throws (see build). Asked first by a cheaper key:
 * the shader's name and the defines as given (JSON, in their insertion order; STORAGE is the
 * cache's own). A pass asks for its program at every call, and the program key (defines sorted,
 * formatted) cost ~12 us a call in V8, a few % of a small layer's call. Two orders of the same
 * defines are two cheap keys for one program, never two programs.
 */
export class ProgramCache {
  private readonly byKey = new Map<string, Program>();
  private readonly quick = new Map<string, Program>();
  /** The vertex shader every program links (the same source for all), compiled at the first. */
  private vertex: CompiledShader | null = null;
  /** How many programs this cache has compiled (for tests and the benchmark). */
  compiled = 0;

  /**
   * `storage` is the STORAGE define of glsl/layout.glsl (how tensor texels are held); every
   * program of this cache gets it (with RGBA8 storage, `includes` gives its storage.glsl).
   */
  constructor(
    private readonly gl: WebGL2RenderingContext, private readonly storage = 0,
    /** Includes over INCLUDES for every program (RGBA8 storage's "storage.glsl"). */
    private readonly includes?: Readonly<Record<string, string>>,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  get(fragment: FragmentSource, shaderDefines: Defines): Program {
    const quickKey = fragment.name + JSON.stringify(shaderDefines);
    let program = this.quick.get(quickKey);
    if (program !== undefined) return program;
    const defines = { ...shaderDefines, STORAGE: this.storage };
    const key = programKey(fragment.name, defines);
    program = this.byKey.get(key);
    if (program === undefined) {
      this.vertex ??= compile(this.gl, key, this.gl.VERTEX_SHADER, assembleShader(VERTEX.name, VERTEX.text, {}, INCLUDES));
      const fs = assembleShader(fragment.name, fragment.text, defines, { ...INCLUDES, ...fragment.includes, ...this.includes });
      program = describeProgram(this.gl, key, build(this.gl, key, this.vertex, fs));
      this.compiled++;
      this.byKey.set(key, program);
    }
    this.quick.set(quickKey, program);
    return program;
  }

  dispose(): void {
    for (const p of this.byKey.values()) this.gl.deleteProgram(p.program);
    if (this.vertex) this.gl.deleteShader(this.vertex.shader);
    this.vertex = null;
    this.byKey.clear();
    this.quick.clear();
  }
}
