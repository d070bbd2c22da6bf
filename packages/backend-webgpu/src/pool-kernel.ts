/**
 * @file The `KxMaxPoolGrad` program (see pool.ts, whose rule runs it where the engine registers it: software
 * adapters, through software.ts).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { KernelFn, Program, RunsPrograms } from './kernels.js'
import type { PoolSizes } from './pool.js'

/**
 * WGSL body: `dx[n, ih, iw, c] = Σ dy[n, oh, ow, c]` over the windows `(oh, ow)` containing `(ih, iw)` whose
 * first maximum (row-major over the window, padding excluded, as the reference) is at `(ih, iw)`.
 */
export function maxPoolGradWgsl(p: PoolSizes, total: number): string {
  return `
      fn main(index : i32) {
        if (index >= ${total}) { return; }
        // NOTE: a static use keeps the uniform buffer in the auto layout (tfjs always binds it).
        _ = uniforms.unused;
        let c = index % ${p.c};
        var t = index / ${p.c};
        let iw = t % ${p.w};
        t = t / ${p.w};
        let ih = t % ${p.h};
        let n = t / ${p.h};
        var acc = 0.0;
        for (var ki = 0; ki < ${p.kh}; ki++) {
          let hs = ih + ${p.pt} - ki;
          if (hs < 0 || hs % ${p.sh} != 0 || hs / ${p.sh} >= ${p.oh}) { continue; }
          let oh = hs / ${p.sh};
          for (var kj = 0; kj < ${p.kw}; kj++) {
            let ws = iw + ${p.pl} - kj;
            if (ws < 0 || ws % ${p.sw} != 0 || ws / ${p.sw} >= ${p.ow}) { continue; }
            let ow = ws / ${p.sw};
            // The window's first maximum: strictly greater replaces, so ties keep the earliest offset.
            var best = 0.0;
            var at = -1;
            for (var a = 0; a < ${p.kh}; a++) {
              let y = oh * ${p.sh} - ${p.pt} + a;
              if (y < 0 || y >= ${p.h}) { continue; }
              for (var b = 0; b < ${p.kw}; b++) {
                let x = ow * ${p.sw} - ${p.pl} + b;
                if (x < 0 || x >= ${p.w}) { continue; }
                let v = X[((n * ${p.h} + y) * ${p.w} + x) * ${p.c} + c];
                if (at < 0 || v > best) { best = v; at = y * ${p.w} + x; }
              }
            }
            if (at == ih * ${p.w} + iw) { acc = acc + DY[((n * ${p.oh} + oh) * ${p.ow} + ow) * ${p.c} + c]; }
          }
        }
        setOutputAtIndex(index, acc);
      }`
}

/** The `KxMaxPoolGrad` kernel function, on a flat program maker (`flatProgram` bound to tfjs's utils). */
export function maxPoolGradKernel(flat: (shape: number[], key: string, code: string) => Program): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo }
    const p = attrs as unknown as PoolSizes
    const total = x.shape.reduce((a, b) => a * b, 1)
    const program = flat([total], `kx_maxpool_grad_${total}_${Object.values(p).join('_')}`, maxPoolGradWgsl(p, total))
    Object.assign(program, { variableNames: ['DY', 'X'], outputShape: x.shape.slice(), size: false, uniforms: 'unused : f32,' })
    return (backend as RunsPrograms).runWebGPUProgram(program, [dy, x], 'float32', [{ type: 'float32', data: [0] }])
  }
}
