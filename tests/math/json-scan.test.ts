// math/json-scan.ts: syntax errors located without V8's help, arrays counted before they are built,
// a top-level field read without building the document.
import { describe, expect, it } from "vitest";
import { arrayOverLimit, jsonSyntaxError, topLevelString } from "../../math/json-scan.ts";
import { jsonErrorAt } from "../../math/source-position.ts";

const errorAt = (text: string) => {
  try {
    JSON.parse(text);
  } catch (e) {
    return jsonErrorAt(text, e);
  }
  return null;
};

describe("jsonSyntaxError", () => {
  it("agrees with JSON.parse on what is valid", () => {
    for (const t of ['{"a":[1,-2.5e3,true,null,"x\\n\\u00e9"],"b":{}}', "[]", " 0 ", '"s"', '{"a":[[],[{}]]}'])
      expect(jsonSyntaxError(t), t).toBeNull();
    for (const t of ["", "{", '{"a":}', "[1,]", '{"a":1,}', "[01]", '"\\x"', "NaN", "[1] x", '{"a" 1}', "\ufeff{}", '"a\nb"'])
      expect(jsonSyntaxError(t), t).not.toBeNull();
  });

  it("places a byte order mark at 1:1, a NaN at its token, a truncated file at its end", () => {
    expect(errorAt('\ufeff{"a": 1}')).toMatchObject({ line: 1, col: 1, reason: expect.stringMatching(/byte order mark/) });
    expect(errorAt('{\n  "a": [1,\n    NaN]\n}')).toMatchObject({ line: 3, col: 5, reason: "NaN is not JSON" });
    expect(errorAt('{"a": -Infinity}')).toMatchObject({ line: 1, col: 7, reason: "-Infinity is not JSON" });
    expect(errorAt('{\n  "a": [1,\n')).toMatchObject({ line: 3, col: 1, reason: expect.stringMatching(/truncated/) });
  });
});

describe("arrayOverLimit", () => {
  it("counts elements per array and in all, ignoring commas inside strings", () => {
    const t = '{"a":[1,[2,3],"x,y",{"b":[]}],"c":[4]}';
    expect(arrayOverLimit(t, { perArray: 4, total: 100 })).toBeNull();
    expect(arrayOverLimit(t, { perArray: 3, total: 100 })).toEqual({ offset: 5, count: 4, limit: "perArray" });
    expect(arrayOverLimit(t, { perArray: 100, total: 6 })).toEqual({ offset: t.lastIndexOf("["), count: 1, limit: "total" });
  });

  it("refuses 10⁷ elements in well under a second", () => {
    const t = `[${"0,".repeat(1e7)}0]`;
    const t0 = performance.now();
    expect(arrayOverLimit(t, { perArray: 100_000, total: 500_000 })).toMatchObject({ offset: 0, limit: "perArray" });
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe("topLevelString", () => {
  it("reads a top-level key only", () => {
    expect(topLevelString('{"x":{"circuit":"inner"},"circuit":"c\\"1","y":[1]}', "circuit")).toBe('c"1');
    expect(topLevelString('{"circuit":3}', "circuit")).toBeUndefined();
    expect(topLevelString("[1,2]", "circuit")).toBeUndefined();
  });
});
