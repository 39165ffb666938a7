// The bodies of the WASM SIMD kernels gemm-wasm.ts assembles: nn (with its epilogue), tn, and the
// simulator's complex activation (the file header of gemm-wasm.ts states what each computes and why
// every sum equals the scalar loop bit for bit).
import { loop, op, when, type ValType } from "./wasm.ts";
import { EPILOGUE, locals, type Ops } from "./gemm-ops.ts";

// nn params: 0 L, 1 ldl, 2 R, 3 ldr, 4 K, 5 N, 6 O, 7 ldo, 8 M, 9 mode, 10 slope, 11 A, 12 lda
export function nnKernel(x: Ops): { name: string; params: ValType[]; locals: ValType[]; body: number[] } {
  const params: ValType[] = ["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", x.scalar, "i32", "i32"];
  const [L, ldl, R, ldr, K, N, O, ldo, M, mode, slope, A, lda] = params.map((_, i) => i);
  const lc = locals(params);
  const b = lc.next("i32"),
    j = lc.next("i32"),
    t = lc.next("i32"),
    rp = lc.next("i32"),
    t4 = lc.next("i32"),
    ldr4 = lc.next("i32"),
    n7 = lc.next("i32"),
    ap = lc.next("i32"),
    op_ = lc.next("i32");
  const lrow = [0, 1, 2, 3].map(() => lc.next("i32"));
  const acc = Array.from({ length: 8 }, () => lc.next("v128"));
  const s = [0, 1, 2, 3].map(() => lc.next("v128"));
  const w = [0, 1].map(() => lc.next("v128"));
  const vslope = lc.next("v128"),
    vzero = lc.next("v128");

  const block = (C: number): number[] => {
    const out: number[] = [];
    for (let k = 0; k < 4 * C; k++) out.push(...op.get(vzero), ...op.set(acc[k]));
    out.push(...op.get(R), ...op.get(j), ...op.i32(x.shift), ...op.i32shl, ...op.i32add, ...op.set(rp));
    const inner: number[] = [];
    for (let r = 0; r < 4; r++) inner.push(...op.get(lrow[r]), ...op.get(t4), ...op.i32add, ...x.splatLoad(), ...op.set(s[r]));
    for (let c = 0; c < C; c++) inner.push(...op.get(rp), ...op.v128load(16 * c), ...op.set(w[c]));
    for (let r = 0; r < 4; r++)
      for (let c = 0; c < C; c++)
        inner.push(...op.get(acc[r * C + c]), ...op.get(s[r]), ...op.get(w[c]), ...x.mul, ...x.add, ...op.set(acc[r * C + c]));
    inner.push(...op.get(rp), ...op.get(ldr4), ...op.i32add, ...op.set(rp));
    inner.push(...op.get(t4), ...op.i32(1 << x.shift), ...op.i32add, ...op.set(t4));
    out.push(...op.i32(0), ...op.set(t4), ...loop(t, op.i32(0), op.get(K), 1, inner));
    // Epilogue and store, row by row.
    for (let r = 0; r < 4; r++) {
      // op_ = O + ((b + r)·ldo + j)·4 ; ap = A + ((b + r)·lda + j)·4
      out.push(
        ...op.get(b),
        ...op.i32(r),
        ...op.i32add,
        ...op.get(ldo),
        ...op.i32mul,
        ...op.get(j),
        ...op.i32add,
        ...op.i32(x.shift),
        ...op.i32shl,
        ...op.get(O),
        ...op.i32add,
        ...op.set(op_),
      );
      out.push(
        ...op.get(b),
        ...op.i32(r),
        ...op.i32add,
        ...op.get(lda),
        ...op.i32mul,
        ...op.get(j),
        ...op.i32add,
        ...op.i32(x.shift),
        ...op.i32shl,
        ...op.get(A),
        ...op.i32add,
        ...op.set(ap),
      );
      for (let c = 0; c < C; c++) {
        const a = acc[r * C + c];
        out.push(
          ...when(
            [...op.get(mode), ...op.i32(EPILOGUE.leakyRelu), ...op.i32eq],
            [...op.get(a), ...op.get(a), ...op.get(vslope), ...x.mul, ...x.max, ...op.set(a)],
          ),
          ...when(
            [...op.get(mode), ...op.i32(EPILOGUE.mask), ...op.i32eq],
            [
              ...op.get(a),
              ...op.get(a),
              ...op.get(vslope),
              ...x.mul,
              ...op.get(ap),
              ...op.v128load(16 * c),
              ...op.get(vzero),
              ...x.gt,
              ...op.v128bitselect,
              ...op.set(a),
            ],
          ),
          ...op.get(op_),
          ...op.get(a),
          ...op.v128store(16 * c),
        );
      }
    }
    return out;
  };

  const body: number[] = [
    ...op.get(slope),
    ...x.splat,
    ...op.set(vslope),
    ...x.zero,
    ...x.splat,
    ...op.set(vzero),
    ...op.get(ldr),
    ...op.i32(x.shift),
    ...op.i32shl,
    ...op.set(ldr4),
    ...op.get(N),
    ...op.i32(2 * x.lanes - 1),
    ...op.i32sub,
    ...op.set(n7),
    ...loop(b, op.i32(0), op.get(M), 4, [
      // lrow[r] = L + (b + r)·ldl·size
      ...[0, 1, 2, 3].flatMap((r) => [
        ...op.get(b),
        ...op.i32(r),
        ...op.i32add,
        ...op.get(ldl),
        ...op.i32mul,
        ...op.i32(x.shift),
        ...op.i32shl,
        ...op.get(L),
        ...op.i32add,
        ...op.set(lrow[r]),
      ]),
      ...loop(j, op.i32(0), op.get(n7), 2 * x.lanes, block(2)),
      ...when([...op.get(j), ...op.get(N), ...op.i32ltS], block(1)),
    ]),
  ];
  return { name: "nn", params, locals: lc.types, body };
}

// tn params: 0 L, 1 ldl, 2 R, 3 ldr, 4 K, 5 N, 6 O, 7 ldo, 8 M
export function tnKernel(x: Ops): { name: string; params: ValType[]; locals: ValType[]; body: number[] } {
  const params: ValType[] = ["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32"];
  const [L, ldl, R, ldr, K, N, O, ldo, M] = params.map((_, i) => i);
  const lc = locals(params);
  const i = lc.next("i32"),
    j = lc.next("i32"),
    t = lc.next("i32"),
    lp = lc.next("i32"),
    rp = lc.next("i32"),
    ldl4 = lc.next("i32"),
    ldr4 = lc.next("i32"),
    n7 = lc.next("i32"),
    m3 = lc.next("i32"),
    op_ = lc.next("i32");
  const acc = Array.from({ length: 8 }, () => lc.next("v128"));
  const s = [0, 1, 2, 3].map(() => lc.next("v128"));
  const w = [0, 1].map(() => lc.next("v128"));
  const vzero = lc.next("v128");

  const block = (rows: number, C: number): number[] => {
    const out: number[] = [];
    for (let k = 0; k < rows * C; k++) out.push(...op.get(vzero), ...op.set(acc[k]));
    out.push(...op.get(L), ...op.get(i), ...op.i32(x.shift), ...op.i32shl, ...op.i32add, ...op.set(lp));
    out.push(...op.get(R), ...op.get(j), ...op.i32(x.shift), ...op.i32shl, ...op.i32add, ...op.set(rp));
    const inner: number[] = [];
    for (let r = 0; r < rows; r++) inner.push(...op.get(lp), ...x.splatLoad(r << x.shift), ...op.set(s[r]));
    for (let c = 0; c < C; c++) inner.push(...op.get(rp), ...op.v128load(16 * c), ...op.set(w[c]));
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < C; c++)
        inner.push(...op.get(acc[r * C + c]), ...op.get(s[r]), ...op.get(w[c]), ...x.mul, ...x.add, ...op.set(acc[r * C + c]));
    inner.push(...op.get(lp), ...op.get(ldl4), ...op.i32add, ...op.set(lp));
    inner.push(...op.get(rp), ...op.get(ldr4), ...op.i32add, ...op.set(rp));
    out.push(...loop(t, op.i32(0), op.get(K), 1, inner));
    for (let r = 0; r < rows; r++) {
      out.push(
        ...op.get(i),
        ...op.i32(r),
        ...op.i32add,
        ...op.get(ldo),
        ...op.i32mul,
        ...op.get(j),
        ...op.i32add,
        ...op.i32(x.shift),
        ...op.i32shl,
        ...op.get(O),
        ...op.i32add,
        ...op.set(op_),
      );
      for (let c = 0; c < C; c++) out.push(...op.get(op_), ...op.get(acc[r * C + c]), ...op.v128store(16 * c));
    }
    return out;
  };
  const cols = (rows: number): number[] => [
    ...loop(j, op.i32(0), op.get(n7), 2 * x.lanes, block(rows, 2)),
    ...when([...op.get(j), ...op.get(N), ...op.i32ltS], block(rows, 1)),
  ];
  const body: number[] = [
    ...x.zero,
    ...x.splat,
    ...op.set(vzero),
    ...op.get(ldl),
    ...op.i32(x.shift),
    ...op.i32shl,
    ...op.set(ldl4),
    ...op.get(ldr),
    ...op.i32(x.shift),
    ...op.i32shl,
    ...op.set(ldr4),
    ...op.get(N),
    ...op.i32(2 * x.lanes - 1),
    ...op.i32sub,
    ...op.set(n7),
    ...op.get(M),
    ...op.i32(3),
    ...op.i32sub,
    ...op.set(m3),
    // 4-row blocks, then single rows; `i` carries over from the first loop to the second.
    ...op.i32(0),
    ...op.set(i),
    0x02,
    0x40,
    0x03,
    0x40,
    ...op.get(i),
    ...op.get(m3),
    ...op.i32geS,
    0x0d,
    0x01,
    ...cols(4),
    ...op.get(i),
    ...op.i32(4),
    ...op.i32add,
    ...op.set(i),
    0x0c,
    0x00,
    0x0b,
    0x0b,
    0x02,
    0x40,
    0x03,
    0x40,
    ...op.get(i),
    ...op.get(M),
    ...op.i32geS,
    0x0d,
    0x01,
    ...cols(1),
    ...op.get(i),
    ...op.i32(1),
    ...op.i32add,
    ...op.set(i),
    0x0c,
    0x00,
    0x0b,
    0x0b,
  ];
  return { name: "tn", params, locals: lc.types, body };
}

// act params: 0 re, 1 im, 2 bytes, 3 slope (f64), 4 leaky. In place over [re, re + bytes) and
// [im, im + bytes) (f64 lanes): where !(re > 0), re and im become 0 (relu) or × slope (leaky);
// NaN fails `re > 0` as in the scalar rule. `bytes` is a multiple of 16.
export function actKernel(): { name: string; params: ValType[]; locals: ValType[]; body: number[] } {
  const params: ValType[] = ["i32", "i32", "i32", "f64", "i32"];
  const [RE, IM, BYTES, SLOPE, LEAKY] = params.map((_, i) => i);
  const lc = locals(params);
  const p = lc.next("i32"),
    a = lc.next("v128"),
    b = lc.next("v128"),
    m = lc.next("v128"),
    a2 = lc.next("v128"),
    b2 = lc.next("v128"),
    vslope = lc.next("v128"),
    vzero = lc.next("v128");
  const body: number[] = [
    ...op.get(SLOPE),
    ...op.f64x2splat,
    ...op.set(vslope),
    ...op.f64(0),
    ...op.f64x2splat,
    ...op.set(vzero),
    ...loop(p, op.i32(0), op.get(BYTES), 16, [
      ...op.get(RE),
      ...op.get(p),
      ...op.i32add,
      ...op.v128load(),
      ...op.set(a),
      ...op.get(IM),
      ...op.get(p),
      ...op.i32add,
      ...op.v128load(),
      ...op.set(b),
      ...op.get(a),
      ...op.get(vzero),
      ...op.f64x2gt,
      ...op.set(m),
      ...op.get(vzero),
      ...op.set(a2),
      ...op.get(vzero),
      ...op.set(b2),
      ...when(op.get(LEAKY), [
        ...op.get(a),
        ...op.get(vslope),
        ...op.f64x2mul,
        ...op.set(a2),
        ...op.get(b),
        ...op.get(vslope),
        ...op.f64x2mul,
        ...op.set(b2),
      ]),
      ...op.get(RE),
      ...op.get(p),
      ...op.i32add,
      ...op.get(a),
      ...op.get(a2),
      ...op.get(m),
      ...op.v128bitselect,
      ...op.v128store(),
      ...op.get(IM),
      ...op.get(p),
      ...op.i32add,
      ...op.get(b),
      ...op.get(b2),
      ...op.get(m),
      ...op.v128bitselect,
      ...op.v128store(),
    ]),
  ];
  return { name: "act", params, locals: lc.types, body };
}
