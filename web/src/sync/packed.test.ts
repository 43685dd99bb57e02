import { describe, expect, it } from "vitest";
import { A } from "../automerge";
import { bytesToHex, hexToBytes } from "../bytes";
import { contactToForm, updateContact, type ContactDoc } from "../model/contact";
import { FakeServer } from "../testing/fake-server";
import { addContact, enrolPhone } from "../testing/phone";
import { decodeCbor, type CborValue } from "./cbor";
import { packChangesFor, type LinkHint } from "./engine";
import { PackedChangeError, unpackItem, type PullData } from "./packed";

/**
 * Written by the server's packer (`relais_sync::pack::pack_item`, Rust) from
 * three changes made with the automerge crate: a contact with every kind of
 * value (text with Arabic and an emoji, a nested map, a list, an int, a
 * float, a timestamp, a counter, an unsigned int), then an edit by the same
 * phone (a put, an increment, a text splice, a delete), then one by another
 * phone. `WHOLE` is the three in one item; `ALONE` the last one by itself,
 * naming its dependency by an 8-byte prefix.
 */
const WHOLE = hexToBytes(
  "8389449a68a42a50a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1010100f680808d8401f6647479706567636f6e7461637484" +
  "01f66a62697274685f796561721907ca8401f66573636f72658204f940008401f662617482031b0000019acf0e1d0084" +
  "01f667726561636865648202048401f6667669736974738201038300f667636f6e73656e7484010665676976656ef583" +
  "04f6656e6f746573841008f678245061732064652072c3a9706f6e73652c20d985d8b1d8add8a8d8a720f09f918bf09f" +
  "8fbd8302f66a666f6c6c6f775f75707383081821f684011822646b696e646463616c6c8944be15e14d50a1a1a1a1a1a1" +
  "a1a1a1a1a1a1a1a1a1a102182500f6810080868401f66463697479644c796f6e8505f667726561636865640281381f84" +
  "09381b381861788403381b3781378403381b3681368403f66573636f72658138218944697a478b50b2b2b2b2b2b2b2b2" +
  "b2b2b2b2b2b2b2b201182b00f681018150a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1818501f664636974796442726f6e81" +
  "82182500",
);
const ALONE = hexToBytes(
  "818944697a478b50b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b201182b00f68148be15e14d5ea8aa9a8150a1a1a1a1a1a1a1" +
  "a1a1a1a1a1a1a1a1a1818501f664636974796442726f6e8182182500",
);
const RAW = [
  hexToBytes(
    "856f4a839a68a42a019a020010a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a101010000000a010c020d1106130d1553340542" +
    "0c561b5741700200077f00000118000001020000077f070001180900017e2223000a1700000300097e000a160100017f" +
    "6000017704747970650a62697274685f796561720573636f726502617407726561636865640676697369747307636f6e" +
    "73656e7405676976656e056e6f74657300187f0a666f6c6c6f775f75707300017f046b696e64091801010106017d0001" +
    "0418017d020001777624850169181300020008167f26071605267f16024602007f46636f6e74616374ca0f0000000000" +
    "00004080bab8f8ac3304035061732064652072c3a9706f6e73652c20d985d8b1d8add8a8d8a720f09f918bf09f8fbd63" +
    "616c6c2400",
  ),
  hexToBytes(
    "856f4a83be15e14d01a301019a68a42aa3c3f1f8e2bc54515e2ff58c050a1867e3fb745170bda9dcd185cd7e10a1a1a1" +
    "a1a1a1a1a1a1a1a1a1a1a1a1a102250000000c0106020611061308151734034206560657067006710273050002030000" +
    "0100020309000100020300000100027f0c020100017e0463697479077265616368656400037f0573636f72650201037d" +
    "01050103037d46141603004c796f6e02787d000100030104007c05080175",
  ),
  hexToBytes(
    "856f4a83697a478b016e01be15e14d5ea8aa9ae63a8a1c2f994fe25b132b9b532e938044a811d81abfdc3310b2b2b2b2" +
    "b2b2b2b2b2b2b2b2b2b2b2b2012b00000110a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a10815063401420256025704700271" +
    "0273027f0463697479017f017f4642726f6e7f017f017f25",
  ),
];

const nothingHeld = (): string | undefined => undefined;

function items(bytes: Uint8Array): PullData[] {
  return decodeCbor(bytes) as PullData[];
}

describe("packed changes", () => {
  it("rebuilds the server's packed changes byte for byte", () => {
    const data = items(WHOLE);
    expect(data.every((d) => Array.isArray(d))).toBe(true);
    const rebuilt = unpackItem(data, nothingHeld);
    expect(rebuilt.map(bytesToHex)).toEqual(RAW.map(bytesToHex));
    const [doc] = A.applyChanges(A.init<Record<string, unknown>>(), rebuilt);
    expect(String(doc["city"])).toBe("Bron");
    A.free(doc);
  });

  it("finds a dependency named by a prefix among the changes the phone holds", () => {
    const hashes = RAW.map((c) => A.decodeChange(c).hash ?? "");
    const held = (prefix: string): string | undefined => hashes.find((h) => h.startsWith(prefix));
    expect(unpackItem(items(ALONE), held).map(bytesToHex)).toEqual([bytesToHex(RAW[2] as Uint8Array)]);
    expect(() => unpackItem(items(ALONE), nothingHeld)).toThrow(PackedChangeError);
  });

  it("refuses a packed change altered on the way", () => {
    const data = items(WHOLE);
    const first = data[0] as CborValue[];
    first[4] = 12345; // another time
    expect(() => unpackItem(data, nothingHeld)).toThrow(/checksum/);
  });

  it("refuses what is not a packed change without crashing", () => {
    const bogus: CborValue[][] = [[], [1, 2, 3], [new Uint8Array(4), "x", 1, 1, 0, null, [], [], [[99, null, "k"]]]];
    for (const b of bogus) expect(() => unpackItem([b], nothingHeld)).toThrow(PackedChangeError);
  });

  it("asks for packed changes on a slow link only", async () => {
    expect(packChangesFor(undefined)).toBe(false);
    expect(packChangesFor({ effectiveType: "4g" })).toBe(false);
    expect(packChangesFor({ effectiveType: "4g", saveData: true })).toBe(true);
    for (const slow of ["slow-2g", "2g", "3g"]) expect(packChangesFor({ effectiveType: slow })).toBe(true);
    const server = new FakeServer();
    let link: LinkHint = { effectiveType: "4g" };
    const phone = await enrolPhone(server, undefined, { link: () => link });
    await phone.engine.syncUntilIdle();
    link = { effectiveType: "2g" };
    await addContact(phone);
    await phone.engine.syncUntilIdle();
    expect(server.packAsked).toEqual([false, true]);
  });

  it("asks for plain changes again after a packed one could not be rebuilt", async () => {
    const server = new FakeServer();
    const author = await enrolPhone(server);
    const reader = await enrolPhone(server, undefined, { link: () => ({ effectiveType: "2g" }) });
    const id = await addContact(author);
    await author.engine.syncUntilIdle();
    await reader.engine.syncUntilIdle();
    await author.docs.edit<ContactDoc>(id, (d) => updateContact(d, { ...contactToForm(d), city: "Lyon" }, author.author, new Date().toISOString()));
    await author.engine.syncUntilIdle();
    // A packed change that cannot be rebuilt (its checksum is wrong).
    server.packItem = (data) => data.map(() => [new Uint8Array(4), new Uint8Array(16), 1, 1, 0, null, [], [], []]);
    const asked = server.packAsked.length;

    await reader.engine.syncUntilIdle();

    expect(server.packAsked.slice(asked)).toEqual([true, false]);
    const batches = server.batches.slice(-2);
    expect(batches[0]).toBe(batches[1]); // the same request, resent
    const held = reader.vault.entry(id)?.sync.heads;
    const stored = server.document(id);
    expect(held).toEqual(stored ? A.getHeads(stored) : undefined);
  });
});
