import { expect, test } from "./fixtures";
import { AMINA, PIN, unique } from "./pages/app";

test("changing the PIN in settings: the old PIN no longer opens the app, the new one opens it with every record", async ({ phones }) => {
  // Arrange: an enrolled phone with a contact on it.
  const app = await phones.open({ serviceWorkers: "block" });
  await app.enrol(AMINA);
  const name = unique("Khadija");
  await app.contacts().open();
  await app.contacts().create({ givenName: name });

  // Act: a wrong current PIN is refused, then the PIN is changed and the app locked.
  const page = app.page;
  await page.goto("/#/settings");
  const card = page.getByTestId("change-pin");
  await card.getByRole("button", { name: "Changer le code" }).click();
  await card.getByLabel("Code actuel").fill("0000");
  await card.getByLabel("Nouveau code (4 à 8 chiffres)").fill("135790");
  await card.getByLabel("Retapez le code").fill("135790");
  await card.getByRole("button", { name: "Enregistrer le nouveau code" }).click();
  await expect(card.getByRole("alert")).toHaveText("Le code actuel est incorrect.");
  await card.getByLabel("Code actuel").fill(PIN);
  await card.getByRole("button", { name: "Enregistrer le nouveau code" }).click();
  await expect(page.getByText("Code changé.", { exact: false })).toBeVisible();
  await page.reload();

  // Assert: the old PIN is wrong now; the new one opens the app and the contact is there.
  await page.getByLabel("Code", { exact: true }).fill(PIN);
  await page.getByRole("button", { name: "Déverrouiller" }).click();
  await expect(page.getByRole("alert")).toHaveText("Code incorrect.");
  await page.getByLabel("Code", { exact: true }).fill("135790");
  await page.getByRole("button", { name: "Déverrouiller" }).click();
  await app.contacts().open();
  await app.contacts().search(name);
  await expect(app.contacts().results()).toHaveCount(1);
});
