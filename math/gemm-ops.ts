// The WASM SIMD vocabulary the matrix kernels (gemm-kernels.ts) are written in: one set of lane
// opcodes per precision (f64x2 or f32x4), the epilogue modes, and the local-variable allocator.
import { op, type ValType } from "./wasm.ts";

export type Precision = "f32" | "f64";

export interface Ops {
  shift: number;
  lanes: number;
  splatLoad: (off?: number) => number[];
  splat: number[];
  add: number[];
  mul: number[];
  max: number[];
  gt: number[];
  scalar: ValType;
  zero: number[];
}

export function opsFor(p: Precision): Ops {
  return p === "f32"
    ? {
        shift: 2,
        lanes: 4,
        splatLoad: op.v32splat,
        splat: op.f32x4splat,
        add: op.f32x4add,
        mul: op.f32x4mul,
        max: op.f32x4max,
        gt: op.f32x4gt,
        scalar: "f32",
        zero: op.f32(0),
      }
    : {
        shift: 3,
        lanes: 2,
        splatLoad: op.v64splat,
        splat: op.f64x2splat,
        add: op.f64x2add,
        mul: op.f64x2mul,
        max: op.f64x2max,
        gt: op.f64x2gt,
        scalar: "f64",
        zero: op.f64(0),
      };
}

export const EPILOGUE = { store: 0, leakyRelu: 1, mask: 2 } as const;

export interface Locals {
  n: number;
  next(t: ValType): number;
  types: ValType[];
}

export function locals(params: ValType[]): Locals {
  const types: ValType[] = [];
  const l: Locals = {
    n: params.length,
    types,
    next(t) {
      types.push(t);
      return l.n++;
    },
  };
  return l;
}
