// A minimal automerge-repo sync server, as automerge-repo's own sync server
// is built: a Repo with a WebSocket server adapter and file storage, which
// answers what clients ask and announces nothing itself.
//
//   node servers/automerge.mjs PORT DATA_DIR     prints "ready PORT" when it listens

import { Repo } from "@automerge/automerge-repo";
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { WebSocketServer } from "ws";

const [port, dir] = [Number(process.argv[2] ?? 0), process.argv[3] ?? "automerge-data"];
const wss = new WebSocketServer({ host: "127.0.0.1", port, maxPayload: 64 * 1024 * 1024 });
new Repo({
  network: [new NodeWSServerAdapter(wss)],
  storage: new NodeFSStorageAdapter(dir),
  peerId: "sync-server",
  sharePolicy: async () => false,
});
wss.on("listening", () => console.log(`ready ${wss.address().port}`));
