// Draws the app icons as PNG files (no image tools needed): a teal tile with
// two linked white dots, the "relay" between an agent and a person.
// Run with `npm run icons`; the output is committed in public/icons/.
import { deflateSync } from "node:zlib";
import { mkdirSync, writeFileSync } from "node:fs";

const TEAL = [11, 110, 95];
const WHITE = [255, 255, 255];
const SAMPLES = 4;

function crc32(bytes) {
  let c;
  const table = [];
  for (let n = 0; n < 256; n++) {
    c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  let crc = 0xffffffff;
  for (const b of bytes) crc = table[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, "ascii"), data])), 8 + data.length);
  return out;
}

function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x, y);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
      raw[o + 3] = a;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 6;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header), chunk("IDAT", deflateSync(raw, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

function distToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Coverage of (u, v) in [0, 1]² by the mark, drawn inside a safe zone of `scale`. */
function shape(u, v, { rounded, scale }) {
  const inTile = rounded ? roundedSquare(u, v, 0.22) : true;
  if (!inTile) return null;
  const c = (t) => 0.5 + (t - 0.5) * scale;
  const a = [c(0.32), c(0.36)];
  const b = [c(0.68), c(0.64)];
  const r = 0.13 * scale;
  const line = 0.07 * scale;
  const ring = Math.hypot(u - a[0], v - a[1]);
  const inRing = ring <= r && ring >= r - 0.055 * scale;
  const inDot = Math.hypot(u - b[0], v - b[1]) <= r;
  const onLine = distToSegment(u, v, a[0] + (b[0] - a[0]) * 0.35, a[1] + (b[1] - a[1]) * 0.35, b[0], b[1]) <= line / 2;
  return inRing || inDot || onLine ? "mark" : "tile";
}

function roundedSquare(u, v, radius) {
  const x = Math.min(u, 1 - u);
  const y = Math.min(v, 1 - v);
  if (x >= radius || y >= radius) return true;
  return Math.hypot(radius - x, radius - y) <= radius;
}

function icon(size, options) {
  return png(size, (x, y) => {
    let tile = 0;
    let mark = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const s = shape((x + (sx + 0.5) / SAMPLES) / size, (y + (sy + 0.5) / SAMPLES) / size, options);
        if (s === "mark") mark++;
        else if (s === "tile") tile++;
      }
    }
    const n = SAMPLES * SAMPLES;
    const covered = tile + mark;
    if (covered === 0) return [0, 0, 0, 0];
    const m = mark / covered;
    return [0, 1, 2].map((i) => Math.round(TEAL[i] * (1 - m) + WHITE[i] * m)).concat(Math.round((covered / n) * 255));
  });
}

const out = new URL("../public/icons/", import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(new URL("icon-192.png", out), icon(192, { rounded: true, scale: 1 }));
writeFileSync(new URL("icon-512.png", out), icon(512, { rounded: true, scale: 1 }));
writeFileSync(new URL("maskable-512.png", out), icon(512, { rounded: false, scale: 0.72 }));
writeFileSync(new URL("apple-touch-icon.png", out), icon(180, { rounded: false, scale: 0.85 }));
console.log("icons written to public/icons/");
