// A checker for the SiEPIC-Tools / Lumerical INTERCONNECT conventions of a `.spi` file (anchors
// §2.1, what SiEPIC-Tools writes and INTERCONNECT imports), beyond what simphony's grammar
// (simphony-grammar.ts) enforces: six MC_* params per subcircuit, a leading space and `library=`
// first on primitive lines, lay_x/lay_y/sch_x/sch_y on every line, positions in metres, EBeam
// waveguides with wg_length/wg_width, IO nets used once, two pins per internal net, the port-index
// rule for ≥ 10 ports, bare-word model names, and the `NAME <ports> NAME sch_x=-1 sch_y=-1` line.
// Returns a list of violations, empty when the text conforms.
const IO_NET = /^[-\w$]+(detector|laser)\d?$/;
const INTERNAL_NET = /^N\$[-\d]+$/;
const NUMBER = /^[-+]?[0-9]+\.?[0-9]*([eE][-+]?[0-9]+)?[fpnumkMGT]?$/;
const NAME = /^[\w$-]+$/;
const MC = ["MC_uniformity_width", "MC_uniformity_thickness", "MC_resolution_x", "MC_resolution_y", "MC_grid", "MC_non_uniform"];

function tokens(line: string): string[] {
  return line.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
}

export function siepicViolations(text: string): string[] {
  const bad: string[] = [];
  const subckts = new Map<string, string[]>();
  let open: { name: string; ports: string[]; mc: string[]; nets: Map<string, number> } | null = null;
  let topLine: string[] | null = null;
  text.split("\n").forEach((line, i) => {
    const at = `line ${i + 1}`;
    if (line.trim() === "" || line.startsWith("*")) return;
    const t = tokens(line);
    if (t[0] === ".subckt") {
      if (open) bad.push(`${at}: nested .subckt`);
      if (!NAME.test(t[1] ?? "")) bad.push(`${at}: bad subckt name ${t[1]}`);
      const ports = t.slice(2);
      for (const p of ports) if (!IO_NET.test(p)) bad.push(`${at}: external port ${p} does not end in detector|laser + at most one digit`);
      for (const p of ports) {
        const digitAfter = /(detector|laser)\d$/.test(p);
        if (ports.length >= 10 && digitAfter) bad.push(`${at}: ${p}: with ≥ 10 ports the index goes before the suffix`);
        if (ports.length < 10 && !digitAfter) bad.push(`${at}: ${p}: with < 10 ports the suffix carries the index`);
      }
      open = { name: t[1], ports, mc: [], nets: new Map() };
      return;
    }
    if (t[0] === ".param") {
      if (!open) bad.push(`${at}: .param outside .subckt`);
      const m = /^(MC_\w+)=(\S+)$/.exec(t[1] ?? "");
      if (!m || t.length !== 2 || !NUMBER.test(m[2])) bad.push(`${at}: bad .param line`);
      else open?.mc.push(m[1]);
      return;
    }
    if (t[0] === ".ends") {
      if (!open) bad.push(`${at}: .ends without .subckt`);
      else {
        if (t[1] !== open.name) bad.push(`${at}: .ends ${t[1]} does not match .subckt ${open.name}`);
        if (JSON.stringify(open.mc) !== JSON.stringify(MC)) bad.push(`${at}: subckt ${open.name} lacks the six MC_* params in order`);
        for (const [n, c] of open.nets) if (INTERNAL_NET.test(n) && c > 2) bad.push(`${at}: net ${n} joins ${c} pins`);
        for (const p of open.ports)
          if ((open.nets.get(p) ?? 0) !== 1) bad.push(`${at}: port ${p} is used by ${open.nets.get(p) ?? 0} pins`);
        subckts.set(open.name, open.ports);
      }
      open = null;
      return;
    }
    if (t[0].startsWith(".")) {
      bad.push(`${at}: unexpected directive ${t[0]}`);
      return;
    }
    if (!open) {
      if (topLine) bad.push(`${at}: second top-level line`);
      topLine = t;
      return;
    }
    if (!line.startsWith(" ")) bad.push(`${at}: component lines start with a space`);
    if (!NAME.test(t[0])) bad.push(`${at}: bad component name ${t[0]}`);
    let k = 1;
    while (k < t.length && (IO_NET.test(t[k]) || INTERNAL_NET.test(t[k]))) {
      if (IO_NET.test(t[k]) && !open.ports.includes(t[k])) bad.push(`${at}: IO net ${t[k]} is not a port of ${open.name}`);
      open.nets.set(t[k], (open.nets.get(t[k]) ?? 0) + 1);
      k++;
    }
    if (k === 1) bad.push(`${at}: component without nets`);
    const model = t[k++] ?? "";
    if (!/^[A-Za-z_]\w*$/.test(model)) bad.push(`${at}: model ${model} is not a bare word`);
    if (/(detector|laser)/.test(model.slice(1))) bad.push(`${at}: model ${model} would be read as a port (contains detector/laser)`);
    const keys: string[] = [];
    for (; k < t.length; k++) {
      const m = /^(\w+)=(.*)$/.exec(t[k]);
      if (!m) {
        bad.push(`${at}: parameter ${t[k]} is not key=value`);
        continue;
      }
      keys.push(m[1]);
      if (!(NUMBER.test(m[2]) || /^"[^"]*"$/.test(m[2]) || m[2] === "true" || m[2] === "false"))
        bad.push(`${at}: value of ${m[1]} is not a number, quoted string or boolean: ${m[2]}`);
    }
    const isSub = subckts.has(model);
    if (!isSub && keys[0] !== "library") bad.push(`${at}: primitive ${t[0]} must start its parameters with library=`);
    for (const need of ["lay_x", "lay_y", "sch_x", "sch_y"]) if (!keys.includes(need)) bad.push(`${at}: missing ${need}`);
    const value = (key: string): string | undefined => t.find((x) => x.startsWith(`${key}=`))?.slice(key.length + 1);
    // Positions are metres: an SI letter (20u) or an exponent, never a bare number of µm.
    for (const key of ["lay_x", "lay_y"]) {
      const v = value(key);
      if (v !== undefined && v !== "0" && !/^-?[0-9.]+(u|e-?\d+)$/.test(v)) bad.push(`${at}: ${key}=${v} is not in metres`);
    }
    if (model.startsWith("ebeam_")) {
      if (value("library") !== '"Design kits/ebeam"') bad.push(`${at}: EBeam cell ${model} outside library "Design kits/ebeam"`);
      if (model === "ebeam_wg_integral_1550" && !(/^[0-9.]+u$/.test(value("wg_length") ?? "") && value("wg_width") !== undefined))
        bad.push(`${at}: EBeam waveguide needs wg_length=<µm>u and wg_width`);
    }
  });
  if (open) bad.push(`unclosed .subckt ${(open as { name: string }).name}`);
  const tl = topLine as string[] | null;
  if (!tl) bad.push("no top-level instance line");
  else {
    const ports = subckts.get(tl[0]);
    if (!ports) bad.push(`top-level line names unknown subckt ${tl[0]}`);
    else if (JSON.stringify(tl.slice(1, 1 + ports.length)) !== JSON.stringify(ports) || tl[1 + ports.length] !== tl[0])
      bad.push("top-level line must be NAME <ports> NAME");
    if (!tl.includes("sch_x=-1") || !tl.includes("sch_y=-1")) bad.push("top-level line lacks sch_x=-1 sch_y=-1");
  }
  return bad;
}
