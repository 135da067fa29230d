import type { Capabilities } from '../gl/capabilities';
import type { ProgramCache } from '../gl/programs';
import type { GpuTexture, TextureStore } from '../gl/textures';
import type { TexelLayout } from '../layout/texels';
import type { DataFormat } from '../semantics/types';
import type { ConvGeometry } from '../semantics/geometry';
import type { Tensor } from '../tensor';
import type { Tuner } from '../tune/tuner';

/**
 * What the ops (src/ops/*) need from whoever hosts them: the GL context, its programs and
 * textures, tensor checks and a fullscreen pass. Two hosts implement it: a depthwise-gl context
 * (src/context.ts) and, through one, the TensorFlow.js kernels (src/tfjs/). The ops import only
 * this module, never a host.
 */
export interface OpContext {
  readonly gl: WebGL2RenderingContext;
  readonly capabilities: Pick<Capabilities, 'maxTextureSize'>;
  readonly programs: ProgramCache;
  readonly textures: TextureStore;
  checkTensor(fn: string, arg: string, t: unknown): Tensor;
  layoutFor(fn: string, what: string, nhwc: readonly number[]): TexelLayout;
  /** The largest logical layout width/height: MAX_TEXTURE_SIZE, halved for RGBA8 storage. */
  readonly layoutMax: number;
  pass(program: ReturnType<ProgramCache['get']>, uniforms: Record<string, unknown>, target: GpuTexture): void;
  adopt(texture: GpuTexture, shape: readonly number[], dataFormat: DataFormat, name: string | null): Tensor;
  /** Chooses among an op's variants on the device (src/tune/tuner.ts); one per host. */
  readonly tuner: Tuner;
  /** The depthwise op's wide variant (src/ops/wide.ts), where the host carries it. */
  readonly wideDepthwise?: WideDepthwise;
}

/** The depthwise op's wide variant: its output layout for a call (null where it does not apply) and its draw. */
export interface WideDepthwise {
  layout(ctx: OpContext, g: ConvGeometry, outLayout: TexelLayout, filterLayout: TexelLayout): TexelLayout | null;
  draw(ctx: OpContext, g: ConvGeometry, layout: TexelLayout, common: Record<string, number | boolean>, inputs: Record<string, unknown>, out: GpuTexture): void;
}
