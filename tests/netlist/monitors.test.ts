// Design for calibration : `calibration { monitors = auto | none }`. With auto (the
// default) every closed-form cell lists, in its netlist info, its port map and the compile report, the
// photodiodes the lab calibration reads: each attenuator dump and, per meta-MZI pair, the fan-in dump
// where it meets. They sit on terminators, so the circuit is otherwise unchanged (0 dB added loss);
// with none, every emitted circuit file has the bytes of a design without monitors.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SPEC } from "../../codes/catalogue.ts";
import { cellStructure, monitorSites } from "../../compiler/calibrate/lab/structure.ts";
import { calibrationMonitorSites } from "../../compiler/calibrate/lab/structure.ts";
import { loadSpec } from "../../dsl/load.ts";
import type { PortMap } from "../../netlist/ir.ts";
import { readNetlistJson, writeNetlistJson } from "../../netlist/formats/json-io.ts";
import { circuitMonitors, readMonitorInfo, writeMonitorInfo } from "../../netlist/lab/monitors.ts";
import { portMap } from "../../netlist/formats/port-map.ts";
import { closedFormHtml } from "../../pipeline/report/closed-form-html.ts";
import { closedFormSummary } from "../../pipeline/report/closed-form-summary.ts";
import { compileClosedForm } from "../../pipeline/compile/closed-form.ts";
import { paperCell } from "../calibrate/fab-fixtures.ts";
import { diag, spec } from "../dsl/helpers.ts";

const EXAMPLE = "examples/paper-4x8.optinc";
const text = readFileSync(EXAMPLE, "utf8");
const withMonitors = (choice: string): string => text.replace(/^ {2}link \{/m, `  calibration { monitors = ${choice} }\n  link {`);

describe("calibration { monitors = auto | none }", () => {
  it("defaults to auto, and reads none in both front ends", () => {
    expect(loadSpec("t.optinc", spec("")).checked!.spec.calibration).toEqual({ monitors: "auto" });
    const optinc = loadSpec("t.optinc", spec("calibration { monitors = none }"));
    const yaml = loadSpec("t.yaml", "aggregator: t\ncalibration: { monitors: none }\n");
    const block = loadSpec("t.yaml", "aggregator: t\ncalibration:\n  monitors: auto\n");
    expect(optinc.diagnostics).toEqual([]);
    expect(yaml.diagnostics).toEqual([]);
    expect(optinc.checked!.spec.calibration.monitors).toBe("none");
    expect(yaml.checked!.spec).toEqual(optinc.checked!.spec);
    expect(block.checked!.spec.calibration.monitors).toBe("auto");
    expect(withMonitors("none")).toContain("calibration { monitors = none }");
    expect(loadSpec(EXAMPLE, withMonitors("none")).checked!.spec.calibration.monitors).toBe("none");
  });

  it("rejects another value with a caret under it, in .optinc and in YAML", () => {
    const d = diag(spec("  calibration { monitors = sometimes }"), SPEC.unknownChoice);
    expect([d.line, d.column, d.length, d.severity]).toEqual([2, 28, "sometimes".length, "error"]);
    expect(d.message).toBe("unknown calibration.monitors 'sometimes'");
    expect(d.hint).toBe("choose one of: auto, none");
    const typo = diag(spec("  calibration { monitors = nnoe }"), SPEC.unknownChoice);
    expect(typo.hint).toMatch(/none/);
    const y = diag("aggregator: t\ncalibration:\n  monitors: [auto]\n", SPEC.wrongKind, "t.yaml");
    expect([y.line, y.column, y.length]).toEqual([3, 13, 6]);
    const misplaced = diag(spec("  technology { monitors = none }"), SPEC.unknownOption);
    expect(misplaced.hint).toBe("monitors belongs in calibration { monitors = ... }");
    expect(diag(spec("  calibration = auto"), SPEC.blockOrSetting).message).toBe("calibration is a block, not a setting");
  });

  it("warns that it does nothing under route = trained", () => {
    const d = diag(spec("  route = trained\n  calibration { monitors = none }"), SPEC.noEffect);
    expect([d.severity, d.line, d.column]).toEqual(["warning", 3, 17]);
    expect(d.message).toMatch(/route = trained/);
    expect(loadSpec("t.optinc", spec("  calibration { monitors = none }")).diagnostics).toEqual([]);
  });
});

describe("monitor info", () => {
  it("is written only when there are monitors, and read back", () => {
    expect(writeMonitorInfo([])).toEqual({});
    expect(readMonitorInfo({})).toEqual([]);
    const info = writeMonitorInfo(["threshold/e4_dump", "threshold/to1"]);
    expect(info).toEqual({ monitors: "auto", monitor_sites: "threshold/e4_dump,threshold/to1" });
    expect(readMonitorInfo(info)).toEqual(["threshold/e4_dump", "threshold/to1"]);
    expect(() => readMonitorInfo({ monitors: "none" })).toThrow(/"auto"/);
    expect(() => readMonitorInfo({ monitors: "auto" })).toThrow(/monitor_sites/);
    expect(() => writeMonitorInfo(["e4_dump"])).toThrow(/<instance>\/<terminator>/);
  });

  it("names terminators of the circuit: a site that is not one fails the port map", () => {
    const { circuit } = paperCell("divide0");
    // The fixture carries the monitors compile places; start from a netlist without them.
    delete circuit.info.monitors;
    delete circuit.info.monitor_sites;
    expect(circuitMonitors(circuit)).toEqual([]);
    expect(portMap(circuit).monitors).toBeUndefined();
    const sites = monitorSites(cellStructure(circuit)).map((i) => cellStructure(circuit).lc.sites[i]!.name);
    circuit.info = { ...circuit.info, ...writeMonitorInfo(sites) };
    expect(portMap(circuit).monitors!.map((m) => m.name)).toEqual(sites);
    circuit.info = { ...circuit.info, ...writeMonitorInfo([...sites, "threshold/e4_theta"]) };
    expect(() => portMap(circuit)).toThrow(/threshold\/e4_theta, which is not a terminator/);
  });
});

describe("the compiler's monitor sites", () => {
  it("are the sites the lab calibration reads (compiler/calibrate/lab/structure.ts), on a PAM-2 chip of five designs", () => {
    const text = spec("  workers = 3\n  precision = 4 bits\n  levels = 2\n  trees = mzi");
    const r = compileClosedForm(loadSpec("t.optinc", text).checked!, { skipEvaluation: true, maxComposeCases: 100, formats: ["json"] });
    expect(r.report.cells.length).toBe(5);
    for (const c of r.report.cells) {
      const circuit = readNetlistJson(r.files.get(`${c.design}.netlist.json`)!);
      const struct = cellStructure(circuit);
      const sites = calibrationMonitorSites(circuit);
      expect(sites, c.design).toEqual(monitorSites(struct).map((i) => struct.lc.sites[i]!.name));
      expect(readMonitorInfo(circuit.info), c.design).toEqual(sites);
    }
  });
});

describe("paper-4x8 compiled with monitors = auto and with monitors = none", () => {
  const compile = (choice: string) =>
    compileClosedForm(loadSpec(EXAMPLE, withMonitors(choice)).checked!, {
      skipEvaluation: true,
      maxComposeCases: 500,
      toleranceTrials: 0,
      formats: ["json", "spi", "ports"],
    });
  const auto = compile("auto");
  const none = compile("none");
  const designs = auto.report.cells.map((c) => c.design);

  it("ports.json lists every monitor calibration reads, with its terminator and what it is read for", () => {
    expect(designs).toEqual(["paper_4x8.add0", "paper_4x8.add1", "paper_4x8.divide0"]);
    for (const d of designs) {
      const circuit = readNetlistJson(auto.files.get(`${d}.netlist.json`)!);
      const map = JSON.parse(auto.files.get(`${d}.ports.json`)!) as PortMap;
      const struct = cellStructure(circuit);
      // Exactly the sites calibration reads, in its order.
      expect(
        map.monitors!.map((m) => m.name),
        d,
      ).toEqual(monitorSites(struct).map((i) => struct.lc.sites[i]!.name));
      for (const m of map.monitors!) {
        const [part, leaf] = m.name.split("/") as [string, string];
        const top = circuit.netlists[circuit.top]!;
        expect(m.netlist).toBe(top.instances[part]!.component);
        expect(m.terminator).toBe(leaf);
        expect(circuit.netlists[m.netlist]!.instances[m.terminator]!.component).toBe("terminator");
        expect([m.kind, m.reads]).toEqual(/^e\d+_dump$/.test(leaf) ? ["dump", "theta fringe and row meter"] : ["tree", "meta-MZI"]);
      }
      // Every attenuator's dump is monitored; some fan-in dumps are too.
      const dumps = Object.entries(circuit.netlists).flatMap(([n, nl]) =>
        n === circuit.top ? [] : Object.keys(nl.instances).filter((i) => /^e\d+_dump$/.test(i)),
      );
      expect(map.monitors!.filter((m) => m.kind === "dump").length, d).toBe(dumps.length);
      expect(
        map.monitors!.some((m) => m.kind === "tree"),
        d,
      ).toBe(true);
    }
    // paper-4x8's divide cell, as docs/reference/netlists.md shows it.
    expect(auto.files.get("paper_4x8.divide0.ports.json")).toContain(
      '{"name":"threshold/e8_dump","kind":"dump","netlist":"threshold_circuit","terminator":"e8_dump","reads":"theta fringe and row meter"}',
    );
  });

  it("with none: no monitors anywhere, and every circuit file is the auto file without its monitor entries", () => {
    for (const d of designs) {
      const info = readNetlistJson(none.files.get(`${d}.netlist.json`)!).info;
      expect(info.monitors).toBeUndefined();
      expect(info.monitor_sites).toBeUndefined();
      expect(JSON.parse(none.files.get(`${d}.ports.json`)!)).not.toHaveProperty("monitors");
      const strip = (s: string) =>
        s.replace(/^\* optinc\.info monitor(s|_sites)=.*\n/gm, "").replace(/^ {2}"monitors": \[[\s\S]*?\n {2}\],\n/m, "");
      const c = readNetlistJson(auto.files.get(`${d}.netlist.json`)!);
      const { monitors: _m, monitor_sites: _s, ...rest } = c.info;
      expect(writeNetlistJson({ ...c, info: rest }), d).toBe(none.files.get(`${d}.netlist.json`));
      for (const ext of ["netlist.json", "ports.json", "spi"]) {
        const a = auto.files.get(`${d}.${ext}`)!;
        expect(a, `${d}.${ext}`).not.toBe(none.files.get(`${d}.${ext}`));
        if (ext !== "netlist.json") expect(strip(a), `${d}.${ext}`).toBe(none.files.get(`${d}.${ext}`));
      }
    }
    // The monitors add no loss: every cell checks the same, ideal and at the design loss.
    expect(auto.report.cells.map((c) => [c.cases, c.exact, c.atDesignLoss])).toEqual(
      none.report.cells.map((c) => [c.cases, c.exact, c.atDesignLoss]),
    );
    expect(auto.report.onn.composed).toEqual(none.report.onn.composed);
  });

  it("the report states each design's monitor count, and none when there are none", () => {
    let total = 0;
    for (const c of auto.report.cells) {
      const map = JSON.parse(auto.files.get(`${c.design}.ports.json`)!) as PortMap;
      const dumps = map.monitors!.filter((m) => m.kind === "dump").length;
      const fanIn = map.monitors!.length - dumps;
      expect(c.monitors).toEqual({
        count: map.monitors!.length,
        dumps,
        fanIn,
        addedLossDb: 0,
        summary: `${map.monitors!.length} monitor photodiodes on discarded light (dumps ${dumps}, fan-in ${fanIn}), 0 dB added loss`,
      });
      expect(c.hardware.monitors).toBe(map.monitors!.length);
      total += c.copies * map.monitors!.length;
    }
    expect(auto.report.cells[2]!.monitors.summary).toBe("33 monitor photodiodes on discarded light (dumps 24, fan-in 9), 0 dB added loss");
    expect(auto.report.hardware.monitors).toBe(total);
    for (const c of none.report.cells)
      expect(c.monitors).toEqual({ count: 0, dumps: 0, fanIn: 0, addedLossDb: 0, summary: "none (calibration { monitors = none })" });
    expect(none.report.hardware.monitors).toBe(0);

    const lines = closedFormSummary(auto.report, (s) => s);
    expect(lines).toContain(
      `  calibration monitors: ${total} photodiodes on discarded light over 5 cell copies (dumps 415, fan-in 157), 0 dB added loss`,
    );
    expect(closedFormSummary(none.report, (s) => s)).toContain("  calibration monitors: none (calibration { monitors = none })");

    const html = closedFormHtml(auto.report, auto);
    expect(html).toContain("monitor photodiodes");
    expect(html).toContain("paper_4x8.divide0: 33 monitor photodiodes on discarded light (dumps 24, fan-in 9), 0 dB added loss");
    expect(html).toContain("threshold_circuit,e8_dump");
    const noneHtml = closedFormHtml(none.report, none);
    expect(noneHtml).toContain("paper_4x8.divide0: none (calibration { monitors = none })");
    expect(noneHtml).not.toContain("threshold_circuit,e8_dump");
  });
});
