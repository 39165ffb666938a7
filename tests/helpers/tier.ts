// The two tiers of the suite (docs/design/testing.md §1): `npm test` runs a representative part of each
// grid, sweep and sample, `npm run test:full` (OPTINC_FULL=1) the whole of it.
export const FULL = process.env.OPTINC_FULL === "1";

/** `fast` under `npm test`, `full` under `npm run test:full`. */
export function tier<T>(fast: T, full: T): T {
  return FULL ? full : fast;
}
