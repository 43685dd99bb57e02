// Runs every workload on every system and writes the report.
//
//   node run.mjs --scale tiny|full --relais target/release/relais --out DIR [--docs DIR]
//                [--workloads w0,w1,...] [--systems relais,pouchdb,automerge-repo]
//                [--merge earlier-results.json,...] [--limit SECONDS] [--skip JSON]
// With `--systems ""` nothing runs: the report is written from the merged files.
//
// For each workload and system: a fresh server on 127.0.0.1, a counting
// proxy in front of it with one port per device (shaped to 2G for W3), and
// the system's client playing the workload file. The client announces its
// measured phase on stderr; the runner then resets the proxy's counters and
// the server's peak memory and notes its CPU time, and reads them again at
// the end. Exit status 1 when Relais lost anything, its devices differ, or a
// client failed. A client's stderr is kept in OUT/WORKLOAD-SYSTEM.log.
// automerge-repo's agency is written first (its client's `--seed-out`), and
// its server and devices import it (clients/automerge.mjs).

import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { generate } from "./generate.mjs";
import { floorOf } from "./floor.mjs";
import { PROFILE_2G, startProxy } from "./proxy.mjs";
import { readWorkload, options } from "./clients/common.mjs";
import { writeReport } from "./report.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const opts = options();
const scale = opts.scale ?? "tiny";
const relais = path.resolve(opts.relais ?? path.join(here, "../../target/release/relais"));
const out = path.resolve(opts.out ?? path.join(here, "../../target/bench-compare"));
const workloads = (opts.workloads ?? "w0,w1,w2,w2small,w3").split(",");
const systems = (opts.systems ?? "relais,pouchdb,automerge-repo").split(",").filter(Boolean);
/**
 * Seconds a run may take, setup included, before its client is stopped and
 * the run reported as not finished: `--limit` for every run, or else 150 s
 * at the tiny scale and, at full scale, 480 s but for the runs whose setup
 * alone takes longer. automerge-repo imports its agency into the server and
 * into each device before the measured phase, and a fresh repo loads the
 * server's copy after it, to check it: on 2026-11-30, W0 took about 9
 * minutes in all, W1 7.5 and W2, at 100,000 documents, 28 (6 for the
 * server, 10 for the device, 5 for the check; the measured phase 75 s, with
 * 8 GiB resident in the server and in the device). PouchDB's W2 took 9
 * minutes (30 on an earlier, busier machine), most of it loading the
 * device.
 */
const LIMITS = { "automerge-repo": { w0: 1800, w1: 3600, w2: 5400, w2mid: 3600 }, pouchdb: { w2: 2400 } };
const limitFor = (system, workload) => Number(opts.limit ?? (scale === "full" ? (LIMITS[system]?.[workload] ?? 480) : 150));
/** Runs to leave out, `--skip '{"system": {"workload": "why"}}'`: reported as skipped, with why. */
const SKIP = JSON.parse(opts.skip ?? "{}");
const TICKS_PER_SECOND = 100;
const USERNAME = "bench.agent";
const PASSWORD = "bench-password";
mkdirSync(out, { recursive: true });

// --- the server process, from /proc ----------------------------------------

function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

function statusMiB(pid, key) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith(`${key}:`));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

// --- servers -----------------------------------------------------------------

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Wait for a "ready PORT" line on the child's stdout (a seeded server first imports its agency). */
function readyPort(child, name, ms = 30_000) {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`${name} did not start`)), ms);
    lines.on("line", (line) => {
      const match = /^ready (\d+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

/**
 * automerge-repo's agency, written by its client before the server starts
 * (`--seed-out`): the server and the devices import it (clients/automerge.mjs).
 */
async function seedAutomerge(file, dir) {
  const seed = path.join(dir, "automerge-seed.v8");
  const child = spawn(process.execPath, [path.join(here, "clients/automerge.mjs"), "--workload", file, "--seed-out", seed], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const code = await new Promise((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`seeding automerge-repo's agency failed (${code})`);
  return seed;
}

/**
 * Node's options for a peer's processes. automerge-repo's hold every
 * document of the agency with a JavaScript object graph of about 45 KB
 * each: at 100,000 documents that passes Node's default heap limit (about
 * 4 GiB here), so its server and clients may use up to 16 GiB (a device's
 * worker processes inherit the option). A limit only: it changes nothing
 * below it.
 */
const nodeFlags = (system) => (system === "automerge-repo" ? ["--max-old-space-size=16384"] : []);

async function startServer(system, dir, seed, limit) {
  if (system === "relais") {
    const data = path.join(dir, "relais-data");
    mkdirSync(data, { recursive: true });
    const run = (args, input) => {
      const r = spawnSync(relais, args, { input, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`relais ${args[0]} ${args[1]}: ${r.stderr}`);
    };
    run(["agency", "add", "--data", data, "Agence Bench"]);
    run(["user", "add", "--data", data, USERNAME, "--role", "agent", "--agency", "Agence Bench"], PASSWORD);
    const port = await freePort();
    const child = spawn(relais, ["serve", "--data", data, "--bind", `127.0.0.1:${port}`], {
      env: { ...process.env, RELAIS_LOG: "warn" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error("relais serve did not start");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { child, port, scheme: "http" };
  }
  const script = system === "pouchdb" ? "servers/couch.mjs" : "servers/automerge.mjs";
  const child = spawn(process.execPath, [...nodeFlags(system), path.join(here, script), "0", path.join(dir, "automerge-data"), ...(seed ? [seed] : [])], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await readyPort(child, script, seed ? limit * 1000 : 30_000);
  return { child, port, scheme: system === "pouchdb" ? "http" : "ws" };
}

function clientCommand(system, file, server, links, seed) {
  const direct = `${server.scheme}://127.0.0.1:${server.port}`;
  if (system === "relais") {
    return [relais, ["simulate", "--server", direct, "--username", USERNAME, "--password", PASSWORD, "--scenario", "compare", "--workload", file, "--through", links.join(",")]];
  }
  const script = system === "pouchdb" ? "clients/pouchdb.mjs" : "clients/automerge.mjs";
  return [process.execPath, [...nodeFlags(system), path.join(here, script), "--workload", file, "--server", direct, "--through", links.join(","), ...(seed ? ["--seed", seed] : [])]];
}

// --- one run ---------------------------------------------------------------

async function runOne(system, workloadName, file, devices) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `compare-${system}-`));
  const seed = system === "automerge-repo" ? await seedAutomerge(file, dir) : null;
  const limit = limitFor(system, workloadName);
  const server = await startServer(system, dir, seed, limit);
  const profile = workloadName === "w3" ? PROFILE_2G : null;
  const proxy = await startProxy({ target: server.port, links: devices, profile });
  const [command, args] = clientCommand(system, file, server, proxy.urls(server.scheme), seed);
  const pid = server.child.pid;
  const log = path.join(out, `${workloadName}-${system}.log`);
  writeFileSync(log, "");
  const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderrTail = "";
  let stderrHead = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  const measured = {};
  let sampler = null;
  readline.createInterface({ input: child.stderr }).on("line", (line) => {
    if (line === "@@measure start") {
      proxy.reset();
      measured.cpuStart = cpuSeconds(pid);
      measured.peakReset = resetPeak(pid);
      measured.rssMax = statusMiB(pid, "VmRSS");
      sampler = setInterval(() => {
        measured.rssMax = Math.max(measured.rssMax ?? 0, statusMiB(pid, "VmRSS") ?? 0);
      }, 100);
      child.stdin.write("go\n");
    } else if (line === "@@measure end") {
      clearInterval(sampler);
      measured.cpu = cpuSeconds(pid) - measured.cpuStart;
      measured.peakRss = measured.peakReset ? statusMiB(pid, "VmHWM") : measured.rssMax;
      measured.wire = proxy.stats();
      child.stdin.write("go\n");
    } else {
      appendFileSync(log, `${line}\n`);
      if (stderrHead.length < 600) stderrHead += `${line}\n`;
      stderrTail = `${stderrTail}${line}\n`.slice(-2000);
    }
  });
  const started = Date.now();
  const status = await new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve("timeout");
    }, limit * 1000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code === 0 || (system === "relais" && code === 1 && stdout.trim().startsWith("{")) ? "ok" : "error");
    });
  });
  clearInterval(sampler);
  await proxy.close();
  server.child.kill("SIGTERM");
  await new Promise((resolve) => (server.child.exitCode !== null ? resolve() : server.child.once("exit", resolve)));
  rmSync(dir, { recursive: true, force: true });
  let result = null;
  try {
    result = JSON.parse(stdout);
  } catch {
    result = null;
  }
  const wire = measured.wire?.total ?? null;
  const turnsMax = measured.wire ? Math.max(...measured.wire.links.map((l) => l.turns)) : null;
  return {
    system,
    workload: workloadName,
    status: result ? status : status === "timeout" ? "timeout" : "error",
    wallSeconds: (Date.now() - started) / 1000,
    error: result ? null : `${stderrHead.trim().split("\n").slice(0, 4).join("\n")}\n…\n${stderrTail.trim().split("\n").slice(-3).join("\n")}`,
    result,
    wire: wire && {
      up: wire.bytesUp,
      down: wire.bytesDown,
      connections: wire.connections,
      roundTripsMax: Math.ceil(turnsMax / 2),
    },
    server: { cpuSeconds: measured.cpu ?? null, peakRssMiB: measured.peakRss ?? null, peakIsForPhase: !!measured.peakReset },
  };
}

// --- all of them -----------------------------------------------------------

const results = [];
const floors = {};
let failed = false;
for (const name of workloads) {
  const file = path.join(out, `${name}-${scale}.jsonl`);
  writeFileSync(file, generate({ workload: name, scale, seed: 1 }).map((l) => JSON.stringify(l)).join("\n") + "\n");
  const workload = await readWorkload(file);
  floors[name] = { ...floorOf(workload), devices: workload.devices, shape: workload.header.shape };
  for (const system of systems) {
    if (SKIP[system]?.[name]) {
      results.push({ system, workload: name, status: "skipped", reason: SKIP[system][name] });
      console.log(`${name} ${system}: skipped (${SKIP[system][name]})`);
      continue;
    }
    const run = await runOne(system, name, file, workload.devices);
    results.push(run);
    const r = run.result;
    console.log(
      `${name} ${system}: ${run.status}` +
        (r ? `, ${r.seconds.toFixed(2)} s, up ${run.wire?.up} B, down ${run.wire?.down} B, ${r.requests} requests/messages, ` +
          `lost edits ${r.lost_edits}/${r.edits_checked}, lost marks ${r.lost_marks}/${r.marks_checked}` +
          (r.conflicts_left !== undefined ? `, conflicts left ${r.conflicts_left}` : "") +
          `, devices differing ${r.differing_devices}` : `: ${run.error}`),
    );
    if (system === "relais" && (run.status !== "ok" || !r?.correct)) failed = true;
    if (system !== "relais" && run.status === "error") failed = true;
  }
}
// Runs of other systems from an earlier invocation (--merge results.json), kept where not run again.
// Several files: the first that holds a run wins, and the first that describes the machine does
// unless --machine is given.
let machine = opts.machine;
for (const file of (opts.merge ?? "").split(",").filter(Boolean)) {
  const earlier = JSON.parse(readFileSync(file, "utf8"));
  machine ??= earlier.machine;
  for (const run of earlier.results) {
    if (!results.some((r) => r.system === run.system && r.workload === run.workload) && workloads.includes(run.workload)) {
      results.push(run);
    }
  }
}
const lock = JSON.parse(readFileSync(path.join(here, "package-lock.json"), "utf8"));
writeFileSync(path.join(out, `results-${scale}.json`), JSON.stringify({ scale, machine, floors, results }, null, 2));
writeReport({ scale, floors, results, lock, docs: opts.docs ? path.resolve(opts.docs) : out, machine: machine ?? "" });
if (failed) {
  console.error("FAILED: Relais lost data or a client failed (see above)");
  process.exit(1);
}
