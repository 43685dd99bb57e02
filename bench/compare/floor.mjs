// The least a workload could cost on the wire: the changes that must cross
// it, each as compact JSON and gzip-compressed at the best level, once.
//
// Up: each device sends its own operations. Down: each device receives
// everybody else's (or, when it joins, every base record). Time on a link:
// one round trip plus the bytes at the link's rates.

import { gzipSync } from "node:zlib";

/** The content of an operation, without the bookkeeping of the file. */
function payload(op) {
  if (op.op === "create") return op.record;
  if (op.op === "edit") return { id: op.id, fields: op.fields };
  return { session: op.session, contact: op.contact, status: op.status, by: op.by, at: op.at };
}

const gz = (items) => (items.length === 0 ? 0 : gzipSync(items.map((i) => JSON.stringify(i)).join("\n"), { level: 9 }).length);

/** Floor bytes per device, up and down, and summed. */
export function floorOf(workload) {
  const devices = workload.devices;
  const joining = workload.ops.length === 0;
  const perDevice = [];
  for (let d = 0; d < devices; d++) {
    const mine = workload.ops.filter((o) => o.device === d).map(payload);
    const others = joining ? workload.base : workload.ops.filter((o) => o.device !== d).map(payload);
    perDevice.push({ up: gz(mine), down: gz(others) });
  }
  const up = perDevice.reduce((s, p) => s + p.up, 0);
  const down = perDevice.reduce((s, p) => s + p.down, 0);
  return { perDevice, up, down, total: up + down, roundTrips: 1 };
}

/** Seconds one device needs at least on a link of `profile` (one round trip, then its bytes). */
export function linkSeconds(device, profile) {
  return profile.roundTripMs / 1000 + (device.up * 8) / profile.upBitsPerSecond + (device.down * 8) / profile.downBitsPerSecond;
}
