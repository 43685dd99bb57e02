/** How sync requests reach the server: over HTTP in the app, through a fake server in tests. */
import { exactBuffer } from "../bytes";

export interface TransportAnswer {
  readonly status: number;
  readonly body: Uint8Array;
}

export interface Transport {
  /** Sends one sync request; throws {@link NetworkError} when no answer came. */
  postSync(body: Uint8Array, token: string): Promise<TransportAnswer>;
}

/** No answer: offline, timed out, or the connection dropped. The request is sent again later. */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NetworkError";
  }
}

/** Request bodies larger than this are gzipped (as the Rust reference client does). */
export const GZIP_THRESHOLD = 1024;

export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([exactBuffer(bytes)]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([exactBuffer(bytes)]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export class HttpTransport implements Transport {
  constructor(
    private readonly base = "",
    private readonly timeoutMs = 60_000,
  ) {}

  async postSync(body: Uint8Array, token: string): Promise<TransportAnswer> {
    const compressed = body.length > GZIP_THRESHOLD && typeof CompressionStream !== "undefined";
    const payload = compressed ? await gzip(body) : body;
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/cbor",
    };
    if (compressed) headers["Content-Encoding"] = "gzip";
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      // The browser asks for gzip and, over HTTPS and on the loopback
      // address, brotli, which the server prefers; it decompresses either.
      const response = await fetch(`${this.base}/api/v1/sync`, {
        method: "POST",
        headers,
        body: exactBuffer(payload),
        signal: controller.signal,
        cache: "no-store",
        credentials: "omit",
      });
      return { status: response.status, body: new Uint8Array(await response.arrayBuffer()) };
    } catch (e) {
      throw new NetworkError(e instanceof Error ? e.message : String(e));
    } finally {
      clearTimeout(timer);
    }
  }
}
