// The API's result types (api/types.ts) are written out so that the shipped declarations import
// nothing outside api/. This file holds them to the pipeline's own types: tsc (npm test runs it)
// fails here when a field the API declares is renamed, retyped or dropped in the report.
import { describe, expect, it } from "vitest";
import type { ClosedFormReport as PipelineClosedForm } from "../../pipeline/report/closed-form-report.ts";
import type { Report as PipelineTrained } from "../../pipeline/report/report.ts";
import type { CheckedSpec } from "../../dsl/spec.ts";
import type { ClosedFormReport, CompileReport, Spec, TrainedReport } from "../../api/types.ts";

/** An API type without its index signatures (`[field: string]: unknown`, the fields it leaves open). */
type Known<T> = T extends readonly (infer U)[]
  ? Known<U>[]
  : T extends object
    ? { [K in keyof T as string extends K ? never : K]: Known<T[K]> }
    : T;
/** `true` when the pipeline's A fits the API's B (its declared fields), else never. */
type Assignable<A, B> = [A] extends [Known<B>] ? true : never;

// Each entry is `never` (and `true` does not fit it) unless its pipeline type fits the API's.
const checks: [
  Assignable<PipelineClosedForm, ClosedFormReport>,
  Assignable<PipelineTrained, TrainedReport>,
  Assignable<PipelineClosedForm | PipelineTrained, CompileReport>,
  Assignable<CheckedSpec["spec"], Spec>,
] = [true, true, true, true];

// The check can fail: a report without `onn` does not fit.
// @ts-expect-error
const fails: Assignable<Omit<PipelineClosedForm, "onn">, ClosedFormReport> = true;

describe("the API's report types", () => {
  it("are the pipeline's (checked by tsc)", () => {
    expect([...checks, fails].every(Boolean)).toBe(true);
  });
});
