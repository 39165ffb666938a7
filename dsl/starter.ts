// The starter spec `optinc init` writes: a small aggregator that compiles as written (about as fast as
// the quick start), every line commented with what it means and where to read more.
export const STARTER_FILE = "starter.optinc";

export const STARTER_SPEC = `# A starter optinc spec, written by \`optinc init\`. It compiles as written:
#   optinc compile starter.optinc -o out/     # netlists, phase tables and a report in out/
#   optinc verify out/                        # re-simulates the emitted files; exit 0 = exact
# The language is in docs/reference/language.md; \`optinc check starter.optinc\` lists every problem.
aggregator starter {
  workers    = 4       # gradients averaged per step, one per worker
  precision  = 4 bits  # width of each gradient
  levels     = 4       # PAM4: 2 bits per symbol on the optical link
  encoding   = offset-binary
  rounding   = nearest-even
  preprocess = digit-sum
  route      = auto    # build the least-energy structure that closes its light and shows the yield target below

  # What the design is judged against: a die measured and corrected by optinc calibrate. Try
  # preset = foundry (as fabricated) to see a design miss its target; --explain prints the table.
  technology { preset = calibrated  yield = 99 %  target_confidence = 95 % }

  # The link the chip sits on, for the cluster figures in the report (optinc allreduce --spec).
  link {
    bandwidth    = 800 Gb/s  # per transceiver
    transceivers = 8
    step_latency = 2.7 us
    fiber_length = 10 m
  }
  workload { preset = resnet50-cifar100 }
}
`;
