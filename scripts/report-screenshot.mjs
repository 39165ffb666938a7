#!/usr/bin/env node
// Render an optinc HTML report to PNG with headless Chromium (Debian's `chromium` package).
//   npm run report:screenshot -- <report.html> [out.png] [--width 1280] [--height 6000]
// Chromium captures a fixed window, so we render a tall window and then crop the blank rows
// below the content (PNG decode/encode with node:zlib; no extra packages).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import zlib from "node:zlib";

function usage(msg) {
  process.stderr.write(
    `report-screenshot: ${msg}\nusage: npm run report:screenshot -- <report.html> [out.png] [--width 1280] [--height 6000]\n`,
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const positional = [];
const opts = { width: 1280, height: 6000 };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--width" || a === "--height") {
    const v = Number(args[++i]);
    if (!Number.isInteger(v) || v < 200 || v > 20000) usage(`${a} needs an integer between 200 and 20000`);
    opts[a.slice(2)] = v;
  } else if (a.startsWith("--")) usage(`unknown option ${a}`);
  else positional.push(a);
}
if (positional.length < 1 || positional.length > 2) usage("expected <report.html> [out.png]");
const input = resolve(positional[0]);
if (!existsSync(input)) usage(`no such file: ${input}`);
const output = resolve(positional[1] ?? input.replace(/\.html?$/i, "") + ".png");
const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
if (!existsSync(chromium)) usage(`${chromium} not found; install Debian's chromium package (apt-get install -y chromium) or set CHROMIUM`);

const profile = mkdtempSync(join(tmpdir(), "optinc-chromium-"));
const raw = join(profile, "raw.png");
try {
  execFileSync(
    chromium,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--hide-scrollbars",
      `--user-data-dir=${profile}`,
      `--screenshot=${raw}`,
      `--window-size=${opts.width},${opts.height}`,
      pathToFileURL(input).href,
    ],
    { stdio: ["ignore", "ignore", "pipe"], timeout: 120_000 },
  );
  if (!existsSync(raw)) throw new Error("chromium wrote no screenshot");
  const png = cropBlankBottom(readFileSync(raw), 24);
  const tmp = join(dirname(output), `.${basename(output)}.tmp`);
  writeFileSync(tmp, png);
  renameSync(tmp, output);
  process.stdout.write(`${output}\n`);
} catch (e) {
  process.stderr.write(`report-screenshot: ${e.message.split("\n")[0]}\n`);
  process.exitCode = 1;
} finally {
  rmSync(profile, { recursive: true, force: true });
}

// --- minimal PNG (8-bit RGB/RGBA, non-interlaced) decode, crop, encode ---------------------

function chunks(buf) {
  const out = [];
  for (let at = 8; at < buf.length; ) {
    const len = buf.readUInt32BE(at);
    out.push({ type: buf.toString("latin1", at + 4, at + 8), data: buf.subarray(at + 8, at + 8 + len) });
    at += 12 + len;
  }
  return out;
}

function unfilter(data, width, height, bpp) {
  const stride = width * bpp;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const type = data[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp] : 0;
      const b = y > 0 ? out[row - stride + x] : 0;
      const c = x >= bpp && y > 0 ? out[row - stride + x - bpp] : 0;
      let p = data[src + x];
      if (type === 1) p += a;
      else if (type === 2) p += b;
      else if (type === 3) p += (a + b) >> 1;
      else if (type === 4) {
        const pa = Math.abs(b - c),
          pb = Math.abs(a - c),
          pc = Math.abs(a + b - 2 * c);
        p += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[row + x] = p & 255;
    }
  }
  return out;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

function cropBlankBottom(buf, margin) {
  const cs = chunks(buf);
  const ihdr = cs.find((c) => c.type === "IHDR").data;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const depth = ihdr[8],
    color = ihdr[9],
    interlace = ihdr[12];
  if (depth !== 8 || (color !== 2 && color !== 6) || interlace !== 0) return buf; // leave unusual PNGs alone
  const bpp = color === 6 ? 4 : 3;
  const pixels = unfilter(zlib.inflateSync(Buffer.concat(cs.filter((c) => c.type === "IDAT").map((c) => c.data))), width, height, bpp);
  const stride = width * bpp;
  const bg = pixels.subarray(stride * (height - 1), stride * (height - 1) + bpp);
  let last = height - 1;
  outer: for (; last > 0; last--) {
    for (let x = 0; x < stride; x++) if (pixels[last * stride + x] !== bg[x % bpp]) break outer;
  }
  const h = Math.min(height, last + 1 + margin);
  const rows = Buffer.alloc((stride + 1) * h);
  for (let y = 0; y < h; y++) pixels.copy(rows, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  const hdr = Buffer.from(ihdr);
  hdr.writeUInt32BE(h, 4);
  return Buffer.concat([
    buf.subarray(0, 8),
    chunk("IHDR", hdr),
    chunk("IDAT", zlib.deflateSync(rows, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
