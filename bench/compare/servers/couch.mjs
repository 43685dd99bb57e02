// A CouchDB-compatible server: express-pouchdb (the HTTP layer of
// pouchdb-server) over in-memory PouchDB databases.
//
//   node servers/couch.mjs PORT     prints "ready PORT" when it listens

import express from "express";
import expressPouchDB from "express-pouchdb";
import PouchDB from "pouchdb-core";
import memory from "pouchdb-adapter-memory";
import http from "pouchdb-adapter-http";
import mapreduce from "pouchdb-mapreduce";
import replication from "pouchdb-replication";

const Memory = PouchDB.plugin(memory).plugin(http).plugin(mapreduce).plugin(replication).defaults({ adapter: "memory" });
const app = express();
app.use("/", expressPouchDB(Memory, { inMemoryConfig: true, mode: "minimumForPouchDB", logPath: "/dev/null" }));
const server = app.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  console.log(`ready ${server.address().port}`);
});
// Node closes idle connections after 5 s, which races a request already on a
// slow link; CouchDB keeps them longer.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;
