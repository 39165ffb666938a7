// Adam (Kingma & Ba 2015) over a list of parameter arrays.
export interface Adam {
  m: Float64Array[];
  v: Float64Array[];
  t: number;
  beta1: number;
  beta2: number;
  eps: number;
}

export function createAdam(params: Float64Array[], beta1 = 0.9, beta2 = 0.999, eps = 1e-8): Adam {
  return { m: params.map((p) => new Float64Array(p.length)), v: params.map((p) => new Float64Array(p.length)), t: 0, beta1, beta2, eps };
}

export function adamStep(opt: Adam, params: Float64Array[], grads: Float64Array[], lr: number): void {
  opt.t++;
  const c1 = 1 - opt.beta1 ** opt.t;
  const c2 = 1 - opt.beta2 ** opt.t;
  for (let p = 0; p < params.length; p++) {
    const w = params[p];
    const g = grads[p];
    const m = opt.m[p];
    const v = opt.v[p];
    for (let i = 0; i < w.length; i++) {
      const gi = g[i];
      m[i] = opt.beta1 * m[i] + (1 - opt.beta1) * gi;
      v[i] = opt.beta2 * v[i] + (1 - opt.beta2) * gi * gi;
      w[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + opt.eps);
    }
  }
}
