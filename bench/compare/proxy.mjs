// A counting TCP proxy on 127.0.0.1: one listening port per device (its
// "link"), every byte counted in each direction, and optionally a shaped
// link (bandwidth per direction and a round-trip delay), so that the three
// systems are measured the same way, at the wire, below HTTP and WebSocket.
//
// A "turn" is a change of direction on a connection: a request followed by
// its answer counts two. Turns / 2 per device is the number of round trips
// on that device's link, whatever the protocol above.

import net from "node:net";

/** The 2G profile of issue 6: 50 kbit/s up, 250 kbit/s down, 600 ms round trip. */
export const PROFILE_2G = { upBitsPerSecond: 50_000, downBitsPerSecond: 250_000, roundTripMs: 600 };

/**
 * One direction of a link: serialisation at `bitsPerSecond`, then half the
 * round trip. Chunks leave in the order they came, from one queue and one
 * timer (timers of different durations may fire out of order).
 */
class Pipe {
  constructor(bitsPerSecond, delayMs) {
    this.bitsPerSecond = bitsPerSecond;
    this.delayMs = delayMs;
    this.freeAt = 0;
    this.queue = [];
    this.timer = null;
  }

  /** Deliver `chunk` to `socket` when a real link would. */
  send(socket, chunk) {
    if (!this.bitsPerSecond) {
      socket.write(chunk);
      return;
    }
    const start = Math.max(performance.now(), this.freeAt);
    this.freeAt = start + (chunk.length * 8 * 1000) / this.bitsPerSecond;
    this.queue.push({ at: this.freeAt + this.delayMs, deliver: () => !socket.destroyed && socket.write(chunk) });
    this.pump();
  }

  /** Close `socket` after what was sent before arrives. */
  end(socket) {
    if (!this.bitsPerSecond) {
      socket.end();
      return;
    }
    this.queue.push({ at: Math.max(performance.now(), this.freeAt) + this.delayMs, deliver: () => socket.end() });
    this.pump();
  }

  pump() {
    if (this.timer || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = performance.now();
      while (this.queue.length > 0 && this.queue[0].at <= now) this.queue.shift().deliver();
      this.pump();
    }, Math.max(0, this.queue[0].at - performance.now()));
  }
}

function emptyCounts() {
  return { bytesUp: 0, bytesDown: 0, connections: 0, turns: 0, firstByteAt: null, lastByteAt: null };
}

/**
 * Start `links` listening ports forwarding to `target` (a port on 127.0.0.1).
 * `profile` shapes each link (one device's); without it bytes pass at once.
 */
export async function startProxy({ target, links, profile = null }) {
  const servers = [];
  const counts = [];
  const sockets = new Set();
  for (let i = 0; i < links; i++) {
    const link = emptyCounts();
    counts.push(link);
    const up = new Pipe(profile?.upBitsPerSecond, (profile?.roundTripMs ?? 0) / 2);
    const down = new Pipe(profile?.downBitsPerSecond, (profile?.roundTripMs ?? 0) / 2);
    const server = net.createServer((client) => {
      link.connections += 1;
      let direction = null;
      const upstream = net.connect({ host: "127.0.0.1", port: target });
      sockets.add(client);
      sockets.add(upstream);
      client.setNoDelay(true);
      upstream.setNoDelay(true);
      const seen = (to) => {
        const now = performance.now();
        link.firstByteAt ??= now;
        link.lastByteAt = now;
        if (direction !== to) {
          direction = to;
          link.turns += 1;
        }
      };
      client.on("data", (chunk) => {
        link.bytesUp += chunk.length;
        seen("up");
        up.send(upstream, chunk);
      });
      upstream.on("data", (chunk) => {
        link.bytesDown += chunk.length;
        seen("down");
        down.send(client, chunk);
      });
      client.on("end", () => up.end(upstream));
      upstream.on("end", () => down.end(client));
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on("error", drop);
      upstream.on("error", drop);
      client.on("close", () => sockets.delete(client));
      upstream.on("close", () => sockets.delete(upstream));
    });
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    servers.push(server);
  }
  return {
    ports: servers.map((s) => s.address().port),
    urls: (scheme = "http") => servers.map((s) => `${scheme}://127.0.0.1:${s.address().port}`),
    /** Counts per link, and summed. */
    stats() {
      const total = emptyCounts();
      for (const c of counts) {
        total.bytesUp += c.bytesUp;
        total.bytesDown += c.bytesDown;
        total.connections += c.connections;
        total.turns += c.turns;
      }
      return { links: counts.map((c) => ({ ...c })), total };
    },
    reset() {
      for (const c of counts) Object.assign(c, emptyCounts());
    },
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}
