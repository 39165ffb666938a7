// A tiny WebAssembly assembler: enough of the binary format (and of the 128-bit SIMD opcodes) to
// write numeric kernels by hand in TypeScript, with no toolchain and no binary in the repository.
// A module is a list of functions over one memory the module exports as "mem". Bodies are byte
// arrays built with `op` and the structured helpers below; V8 validates the result on instantiation.

export type ValType = "i32" | "f32" | "f64" | "v128";
const TYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const simd = (code: number, ...rest: number[]): number[] => [0xfd, ...uleb(code), ...rest];
/** memarg: alignment exponent and byte offset. */
const mem = (align: number, offset: number): number[] => [...uleb(align), ...uleb(offset)];

/** Instructions (each returns its bytes). Loads and stores take a constant byte offset. */
export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v | 0)],
  f32: (v: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return [0x43, ...b];
  },
  f64: (v: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    return [0x44, ...b];
  },
  i32add: [0x6a],
  i32sub: [0x6b],
  i32mul: [0x6c],
  i32shl: [0x74],
  i32ltS: [0x48],
  i32geS: [0x4e],
  i32gtS: [0x4a],
  f32load: (off = 0) => [0x2a, ...mem(2, off)],
  f32store: (off = 0) => [0x38, ...mem(2, off)],
  f64load: (off = 0) => [0x2b, ...mem(3, off)],
  f64store: (off = 0) => [0x39, ...mem(3, off)],
  f32add: [0x92],
  f32mul: [0x94],
  f32gt: [0x5e],
  f64add: [0xa0],
  f64mul: [0xa2],
  select: [0x1b],
  drop: [0x1a],
  v128load: (off = 0) => simd(0x00, ...mem(4, off)),
  v128store: (off = 0) => simd(0x0b, ...mem(4, off)),
  v32splat: (off = 0) => simd(0x09, ...mem(2, off)),
  v64splat: (off = 0) => simd(0x0a, ...mem(3, off)),
  f32x4splat: simd(0x13),
  f64x2splat: simd(0x14),
  f32x4add: simd(0xe4),
  f32x4mul: simd(0xe6),
  f32x4max: simd(0xe9),
  f32x4gt: simd(0x44),
  f64x2gt: simd(0x4a),
  f64x2max: simd(0xf5),
  i32eq: [0x46],
  f64x2add: simd(0xf0),
  f64x2mul: simd(0xf2),
  v128bitselect: simd(0x52),
  f32x4lane: (lane: number) => simd(0x1f, lane),
  f64x2lane: (lane: number) => simd(0x21, lane),
};

/** `for (i = from; i < to; i += step) body` with i, to in locals; `from` and `step` are byte arrays / numbers. */
export function loop(i: number, from: number[], to: number[], step: number, body: number[]): number[] {
  return [
    ...from,
    ...op.set(i),
    0x02,
    0x40, // block
    0x03,
    0x40, // loop
    ...op.get(i),
    ...to,
    ...op.i32geS,
    0x0d,
    0x01, // br_if out
    ...body,
    ...op.get(i),
    ...op.i32(step),
    ...op.i32add,
    ...op.set(i),
    0x0c,
    0x00, // br loop
    0x0b,
    0x0b,
  ];
}

/** `if (cond) then` (cond leaves an i32). */
export function when(cond: number[], then: number[]): number[] {
  return [...cond, 0x04, 0x40, ...then, 0x0b];
}

export interface WasmFunction {
  name: string;
  params: ValType[];
  locals: ValType[];
  body: number[];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

const utf8 = (s: string): number[] => {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
};

/** The module's bytes: functions (no results) and a memory of `pages` × 64 KiB exported as "mem". */
export function assemble(fns: WasmFunction[], pages: number, maxPages = 65536): Uint8Array {
  const types = fns.map((f) => [0x60, ...vec(f.params.map((p) => [TYPE[p]])), 0x00]);
  const bodies = fns.map((f) => {
    const locals = vec(f.locals.map((l) => [0x01, TYPE[l]]));
    const code = [...locals, ...f.body, 0x0b];
    return [...uleb(code.length), ...code];
  });
  const exports = [[...utf8("mem"), 0x02, 0x00], ...fns.map((f, i) => [...utf8(f.name), 0x00, ...uleb(i)])];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x01, ...uleb(pages), ...uleb(maxPages)]])),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}

/** The part of the WebAssembly API used here (the project's lib settings do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WASM = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Instantiate synchronously (modules here are a few kilobytes). */
export function instantiate(bytes: Uint8Array): { memory: WasmMemory; fns: Record<string, (...a: number[]) => void> } {
  const inst = new WASM.Instance(new WASM.Module(bytes), {});
  const { mem: memory, ...fns } = inst.exports;
  return { memory: memory as WasmMemory, fns: fns as Record<string, (...a: number[]) => void> };
}
