// A small GDSII stream writer (release 6): BOUNDARY, PATH, TEXT and SREF elements in structures,
// database unit 1 nm, user unit 1 µm. Coordinates are given in µm and rounded to the nm grid.
// Timestamps are fixed (2000-01-01 00:00:00), so the same library gives the same bytes.
// Record layout (every record): u16 length (header included), u8 record type, u8 data type,
// then big-endian data; strings are padded with NUL to an even length. docs/reference/layout-files.md §2.1 lists the
// records written and their order.

/** One element of a structure. Coordinates in µm. */
export type GdsElement =
  /** points in µm, or packed on the nm grid and closed (the last point repeats the first) */
  | { kind: "boundary"; layer: number; datatype: number; points: [number, number][] | Int32Array }
  /** points in µm, or packed on the nm grid (x0, y0, x1, y1, … in database units) */
  | { kind: "path"; layer: number; datatype: number; width: number; points: [number, number][] | Int32Array }
  | { kind: "text"; layer: number; texttype: number; at: [number, number]; text: string }
  | { kind: "sref"; cell: string; at: [number, number]; rotation?: 0 | 90 | 180 | 270; mirrorX?: boolean; properties?: [number, string][] };

export interface GdsStructure {
  name: string;
  elements: GdsElement[];
}

export interface GdsLibrary {
  name: string;
  /** Structures; a structure must come after nothing in particular (GDS allows forward references). */
  structures: GdsStructure[];
}

// Record types (GDSII stream format, release 6).
const R = {
  HEADER: 0x00,
  BGNLIB: 0x01,
  LIBNAME: 0x02,
  UNITS: 0x03,
  ENDLIB: 0x04,
  BGNSTR: 0x05,
  STRNAME: 0x06,
  ENDSTR: 0x07,
  BOUNDARY: 0x08,
  PATH: 0x09,
  SREF: 0x0a,
  TEXT: 0x0c,
  LAYER: 0x0d,
  DATATYPE: 0x0e,
  WIDTH: 0x0f,
  XY: 0x10,
  ENDEL: 0x11,
  SNAME: 0x12,
  TEXTTYPE: 0x16,
  STRING: 0x19,
  STRANS: 0x1a,
  ANGLE: 0x1c,
  PATHTYPE: 0x21,
  PROPATTR: 0x2b,
  PROPVALUE: 0x2c,
} as const;
// Data types.
const NONE = 0,
  BITS = 1,
  INT2 = 2,
  INT4 = 3,
  REAL8 = 5,
  ASCII = 6;

/**
 * Largest number of points in one XY record, closing point included: (32767 − 4) / 8. The record
 * length is 16 bits, but readers take it as signed (KLayout warns above 0x8000 and reads on).
 */
export const MAX_XY_POINTS = 4095;
/** Database units per µm. */
export const DBU_PER_UM = 1000;

/** µm → integer nm (the database grid). */
export function toDbu(um: number): number {
  const v = Math.round(um * DBU_PER_UM);
  if (!Number.isFinite(v) || Math.abs(v) > 2 ** 31 - 1) throw new Error(`coordinate ${um} µm does not fit a GDSII 32-bit integer`);
  return v === 0 ? 0 : v;
}

/** The GDSII 8-byte real: sign, 7-bit excess-64 base-16 exponent, 56-bit mantissa in [1/16, 1). */
export function gdsReal8(x: number): Uint8Array {
  const out = new Uint8Array(8);
  if (x === 0) return out;
  let v = Math.abs(x);
  let e = 64;
  while (v >= 1) {
    v /= 16;
    e++;
  }
  while (v < 1 / 16) {
    v *= 16;
    e--;
  }
  let m = BigInt(Math.round(v * 2 ** 56));
  if (m >= 1n << 56n) {
    m >>= 4n;
    e++;
  }
  out[0] = (x < 0 ? 0x80 : 0) | e;
  for (let i = 7; i >= 1; i--) {
    out[i] = Number(m & 0xffn);
    m >>= 8n;
  }
  return out;
}

class Stream {
  private chunks: Uint8Array[] = [];
  size = 0;
  record(type: number, dtype: number, data: Uint8Array = new Uint8Array(0)): void {
    const len = 4 + data.length;
    if (len > 0xffff) throw new Error(`GDSII record of ${len} bytes is longer than 65535`);
    const h = new Uint8Array(4);
    h[0] = len >> 8;
    h[1] = len & 0xff;
    h[2] = type;
    h[3] = dtype;
    this.chunks.push(h, data);
    this.size += len;
  }
  int2(type: number, values: number[]): void {
    const d = new Uint8Array(2 * values.length);
    const v = new DataView(d.buffer);
    values.forEach((x, i) => v.setInt16(2 * i, x));
    this.record(type, INT2, d);
  }
  int4(type: number, values: number[]): void {
    const d = new Uint8Array(4 * values.length);
    const v = new DataView(d.buffer);
    values.forEach((x, i) => v.setInt32(4 * i, x));
    this.record(type, INT4, d);
  }
  ascii(type: number, s: string): void {
    if (!/^[\x20-\x7e]*$/.test(s)) throw new Error(`GDSII string ${JSON.stringify(s)} is not printable ASCII`);
    const n = s.length + (s.length % 2);
    const d = new Uint8Array(n);
    for (let i = 0; i < s.length; i++) d[i] = s.charCodeAt(i);
    this.record(type, ASCII, d);
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

/** Fixed modification/access time: 2000-01-01 00:00:00, twice (deterministic bytes). */
const STAMP = [2000, 1, 1, 0, 0, 0, 2000, 1, 1, 0, 0, 0];

function xy(s: Stream, points: [number, number][] | Int32Array): void {
  if (points instanceof Int32Array) {
    xyPacked(s, points);
    return;
  }
  if (points.length > MAX_XY_POINTS) throw new Error(`${points.length} points exceed the GDSII limit of ${MAX_XY_POINTS} per element`);
  s.int4(
    R.XY,
    points.flatMap(([x, y]) => [toDbu(x), toDbu(y)]),
  );
}

/** Points already in database units: written as they are. */
function xyPacked(s: Stream, nm: Int32Array): void {
  if (nm.length / 2 > MAX_XY_POINTS) throw new Error(`${nm.length / 2} points exceed the GDSII limit of ${MAX_XY_POINTS} per element`);
  const d = new Uint8Array(4 * nm.length);
  const v = new DataView(d.buffer);
  nm.forEach((x, i) => v.setInt32(4 * i, x));
  s.record(R.XY, INT4, d);
}

/** The library as GDSII stream bytes. */
export function writeGds(lib: GdsLibrary): Uint8Array {
  const s = new Stream();
  s.int2(R.HEADER, [600]);
  s.int2(R.BGNLIB, STAMP);
  s.ascii(R.LIBNAME, lib.name);
  // user unit per database unit (1 nm = 0.001 µm), database unit in metres.
  const units = new Uint8Array(16);
  units.set(gdsReal8(1 / DBU_PER_UM), 0);
  units.set(gdsReal8(1e-9), 8);
  s.record(R.UNITS, REAL8, units);
  const names = new Set<string>();
  for (const st of lib.structures) {
    if (names.has(st.name)) throw new Error(`structure "${st.name}" is defined twice`);
    names.add(st.name);
  }
  for (const st of lib.structures) {
    s.int2(R.BGNSTR, STAMP);
    s.ascii(R.STRNAME, st.name);
    for (const el of st.elements) writeElement(s, el, names);
    s.record(R.ENDSTR, NONE);
  }
  s.record(R.ENDLIB, NONE);
  return s.bytes();
}

function writeElement(s: Stream, el: GdsElement, names: Set<string>): void {
  switch (el.kind) {
    case "boundary": {
      if (el.points instanceof Int32Array) {
        const nm = el.points;
        const k = nm.length;
        if (k < 8 || nm[0] !== nm[k - 2] || nm[1] !== nm[k - 1])
          throw new Error("a packed GDSII boundary needs at least 3 distinct points and its closing point");
        s.record(R.BOUNDARY, NONE);
        s.int2(R.LAYER, [el.layer]);
        s.int2(R.DATATYPE, [el.datatype]);
        xyPacked(s, nm);
        break;
      }
      const pts = el.points.slice();
      const [f, l] = [pts[0]!, pts[pts.length - 1]!];
      if (toDbu(f[0]) !== toDbu(l[0]) || toDbu(f[1]) !== toDbu(l[1])) pts.push(f);
      if (pts.length < 4) throw new Error("a GDSII boundary needs at least 3 distinct points");
      s.record(R.BOUNDARY, NONE);
      s.int2(R.LAYER, [el.layer]);
      s.int2(R.DATATYPE, [el.datatype]);
      xy(s, pts);
      break;
    }
    case "path":
      if (el.points.length < (el.points instanceof Int32Array ? 4 : 2)) throw new Error("a GDSII path needs at least 2 points");
      s.record(R.PATH, NONE);
      s.int2(R.LAYER, [el.layer]);
      s.int2(R.DATATYPE, [el.datatype]);
      s.int2(R.PATHTYPE, [0]); // flush ends: a route ends exactly on its pin
      s.int4(R.WIDTH, [toDbu(el.width)]);
      xy(s, el.points);
      break;
    case "text":
      s.record(R.TEXT, NONE);
      s.int2(R.LAYER, [el.layer]);
      s.int2(R.TEXTTYPE, [el.texttype]);
      xy(s, [el.at]);
      s.ascii(R.STRING, el.text);
      break;
    case "sref": {
      if (!names.has(el.cell)) throw new Error(`reference to undefined structure "${el.cell}"`);
      s.record(R.SREF, NONE);
      s.ascii(R.SNAME, el.cell);
      const rot = el.rotation ?? 0;
      if (rot !== 0 || el.mirrorX) {
        const bits = new Uint8Array(2);
        if (el.mirrorX) bits[0] = 0x80;
        s.record(R.STRANS, BITS, bits);
        if (rot !== 0) s.record(R.ANGLE, REAL8, gdsReal8(rot));
      }
      xy(s, [el.at]);
      for (const [attr, value] of el.properties ?? []) {
        s.int2(R.PROPATTR, [attr]);
        s.ascii(R.PROPVALUE, value);
      }
      break;
    }
  }
  s.record(R.ENDEL, NONE);
}
