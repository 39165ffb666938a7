// What the compile spends on its own checks of a structure it has chosen: the yield's chips, the
// cascade's end-to-end cases and the tolerance section, each with the budget that keeps a large
// structure's compile within its time (docs/studies/performance.md §5).

/**
 * First-stage Monte-Carlo chips of the compile report's yield (each chip: every cell copy a die);
 * when all are exact the run goes on to the chips that can show the spec's target
 * (verify/cells/staged-yield.ts: 299 at 99 % and 95 %).
 */
export const CHIP_TRIALS = 100;
/**
 * Dies per random axis of the report's tolerance section, with the fitted receiver: the same as
 * `optinc verify --tolerance` by default, so the two print the same figures. Cells are small, so
 * this costs seconds.
 */
export const CLOSED_FORM_TOLERANCE_TRIALS = 20;
/**
 * The compile's tolerance section is left to `optinc verify --tolerance` above this much work
 * (pipeline/pools/tolerance-pool.ts toleranceWork: cell cases over every physical copy). Each die level
 * the section tries simulates that many cases, and it tries hundreds: the 64-worker radix-8 chip
 * (1.38 million) took 108 s of CPU, more than its whole search.
 */
export const COMPILE_TOLERANCE_WORK = 400_000;
/**
 * Physical cell copies above which the compile's tolerance section is also left out: each die level
 * draws every copy's stage matrices afresh, which grows with copies, not cases. cluster-1024's
 * radix-2 cascade (9,199 copies, 357,820 of the work above) spent 61.5 s of a 410 s compile in it.
 */
export const COMPILE_TOLERANCE_COPIES = 4096;
/**
 * A cascade's end-to-end check (verify/cells/chip-compose.ts composeCascade) runs every physical cell
 * copy on every case: at most COMPOSE_CASES cases, and at most COMPOSE_COPY_CASES cases × copies
 * (never fewer than COMPOSE_MIN_CASES). The 64-worker PAM-16 cascade (1,103 copies) keeps its
 * 200,000 cases; cluster-1024's (9,199 copies) spent 123 s of a 410 s compile on them.
 */
export const COMPOSE_CASES = 200_000;
export const COMPOSE_COPY_CASES = 250_000_000;
export const COMPOSE_MIN_CASES = 10_000;

/** Physical cell copies on the whole aggregator, summed over its designs. */
export const physicalCopies = (designs: readonly { copies: number }[]): number => designs.reduce((a, d) => a + d.copies, 0);

/** The cascade's end-to-end cases for its designs' physical copies, at most `maxCases`. */
export function cascadeComposeCases(maxCases: number, designs: { copies: number }[]): number {
  const copies = physicalCopies(designs);
  const byWork = Math.max(COMPOSE_MIN_CASES, Math.floor(COMPOSE_COPY_CASES / Math.max(1, copies)));
  return Math.min(maxCases, COMPOSE_CASES, byWork);
}
