/**
 * The subset of CBOR (RFC 8949) the sync messages use, as ciborium writes
 * and reads them with serde: maps with text keys, arrays, byte strings,
 * text, unsigned and negative integers, booleans and null. Floats and tags
 * are read (and tags ignored) so that a later server can add them.
 */

export type CborValue = number | string | boolean | null | Uint8Array | CborValue[] | { [key: string]: CborValue };

export class CborError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CborError";
  }
}

class Writer {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  head(major: number, n: number): void {
    const m = major << 5;
    if (n < 24) this.byte(m | n);
    else if (n < 0x100) {
      this.byte(m | 24);
      this.byte(n);
    } else if (n < 0x10000) {
      this.byte(m | 25);
      this.byte(n >>> 8);
      this.byte(n & 0xff);
    } else if (n < 0x100000000) {
      this.byte(m | 26);
      for (let s = 24; s >= 0; s -= 8) this.byte((n >>> s) & 0xff);
    } else {
      this.byte(m | 27);
      const hi = Math.floor(n / 0x100000000);
      const lo = n >>> 0;
      for (let s = 24; s >= 0; s -= 8) this.byte((hi >>> s) & 0xff);
      for (let s = 24; s >= 0; s -= 8) this.byte((lo >>> s) & 0xff);
    }
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

function write(w: Writer, value: CborValue | undefined): void {
  if (value === null || value === undefined) w.byte(0xf6);
  else if (value === false) w.byte(0xf4);
  else if (value === true) w.byte(0xf5);
  else if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new CborError(`only safe integers are encoded, got ${value}`);
    if (value >= 0) w.head(0, value);
    else w.head(1, -1 - value);
  } else if (typeof value === "string") {
    const b = utf8.encode(value);
    w.head(3, b.length);
    w.bytes(b);
  } else if (value instanceof Uint8Array) {
    w.head(2, value.length);
    w.bytes(value);
  } else if (Array.isArray(value)) {
    w.head(4, value.length);
    for (const item of value) write(w, item);
  } else {
    // Absent optional fields are left out, as serde's skip_serializing_if does.
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    w.head(5, entries.length);
    for (const [k, v] of entries) {
      write(w, k);
      write(w, v);
    }
  }
}

export function encodeCbor(value: CborValue): Uint8Array {
  const w = new Writer();
  write(w, value);
  return w.result();
}

const MAX_DEPTH = 32;

class Reader {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}

  private need(n: number): void {
    if (this.pos + n > this.b.length) throw new CborError("the message ends too early");
  }

  u8(): number {
    this.need(1);
    return this.b[this.pos++] ?? 0;
  }

  argument(info: number): number {
    if (info < 24) return info;
    if (info === 24) return this.u8();
    if (info === 25) return this.u8() * 0x100 + this.u8();
    if (info === 26) {
      let n = 0;
      for (let i = 0; i < 4; i++) n = n * 0x100 + this.u8();
      return n;
    }
    if (info === 27) {
      let n = 0;
      for (let i = 0; i < 8; i++) n = n * 0x100 + this.u8();
      if (!Number.isSafeInteger(n)) throw new CborError("an integer is too large for this client");
      return n;
    }
    throw new CborError(`unsupported additional information ${info} (indefinite lengths are not used)`);
  }

  take(n: number): Uint8Array {
    this.need(n);
    const out = this.b.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  float(info: number): number {
    const size = info === 25 ? 2 : info === 26 ? 4 : 8;
    const bytes = this.take(size);
    const view = new DataView(bytes.buffer, bytes.byteOffset, size);
    if (size === 4) return view.getFloat32(0);
    if (size === 8) return view.getFloat64(0);
    const h = view.getUint16(0);
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    const sign = h & 0x8000 ? -1 : 1;
    if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
    if (exp === 31) return frac ? NaN : sign * Infinity;
    return sign * 2 ** (exp - 15) * (1 + frac / 1024);
  }

  value(depth: number): CborValue {
    if (depth > MAX_DEPTH) throw new CborError("the message nests too deeply");
    const first = this.u8();
    const major = first >> 5;
    const info = first & 0x1f;
    switch (major) {
      case 0:
        return this.argument(info);
      case 1:
        return -1 - this.argument(info);
      case 2:
        return this.take(this.argument(info));
      case 3:
        try {
          return utf8Decoder.decode(this.take(this.argument(info)));
        } catch {
          throw new CborError("a text string is not valid UTF-8");
        }
      case 4: {
        const n = this.argument(info);
        const out: CborValue[] = [];
        for (let i = 0; i < n; i++) out.push(this.value(depth + 1));
        return out;
      }
      case 5: {
        const n = this.argument(info);
        const out: { [key: string]: CborValue } = {};
        for (let i = 0; i < n; i++) {
          const key = this.value(depth + 1);
          if (typeof key !== "string") throw new CborError("a map key is not text");
          out[key] = this.value(depth + 1);
        }
        return out;
      }
      case 6:
        this.argument(info);
        return this.value(depth + 1);
      default:
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22 || info === 23) return null;
        if (info >= 25 && info <= 27) return this.float(info);
        throw new CborError(`unsupported simple value ${info}`);
    }
  }

  done(): boolean {
    return this.pos === this.b.length;
  }
}

export function decodeCbor(bytes: Uint8Array): CborValue {
  const r = new Reader(bytes);
  const value = r.value(0);
  if (!r.done()) throw new CborError("bytes remain after the message");
  return value;
}
