// Background Sync: when the browser sees the network come back, wake any open
// window of the app so it syncs. Records are encrypted with the agent's PIN,
// so the service worker itself cannot read or send them.
self.addEventListener("sync", (event) => {
  if (event.tag !== "relais-sync") return;
  event.waitUntil(
    self.clients.matchAll({ type: "window" }).then((clients) => {
      for (const client of clients) client.postMessage("relais-sync");
    }),
  );
});
