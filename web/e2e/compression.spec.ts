import { expect, test } from "./fixtures";
import { AMINA } from "./pages/app";

test("a phone's first sync arrives in brotli when the browser accepts it, and is applied", async ({ phones }) => {
  // Arrange: note how each sync answer travelled.
  const app = await phones.open();
  const answers: Promise<{ accept: string; encoding: string }>[] = [];
  app.page.on("response", (response) => {
    if (!response.url().endsWith("/api/v1/sync")) return;
    answers.push(
      response
        .request()
        .allHeaders()
        .then((headers) => ({
          accept: headers["accept-encoding"] ?? "",
          encoding: response.headers()["content-encoding"] ?? "identity",
        })),
    );
  });

  // Act: enrol, which pulls the whole agency.
  await app.enrol(AMINA);

  // Assert: the first page (the agency's records, well over 1 KiB) came in
  // brotli, and the phone holds and lists the records it carried.
  const [first] = await Promise.all(answers);
  expect(first?.accept).toContain("br");
  expect(first?.encoding).toBe("br");
  const contacts = app.contacts();
  await contacts.open();
  await expect(contacts.results().first()).toBeVisible();
});
