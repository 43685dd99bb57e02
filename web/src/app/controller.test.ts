import { describe, expect, it } from "vitest";
import { AppController, Phase } from "./controller";

describe("the app controller", () => {
  it("tells the screens when the phase changes, and only the status's readers when the sync status does", async () => {
    const controller = new AppController();
    let everyChange = 0;
    let phaseChanges = 0;
    controller.subscribe(() => everyChange++);
    controller.subscribeToPhase(() => phaseChanges++);

    await controller.start();
    expect(controller.phase).toBe(Phase.Enrol);
    expect([everyChange, phaseChanges]).toEqual([1, 1]);

    window.dispatchEvent(new Event("offline"));
    expect(controller.status.online).toBe(false);
    expect([everyChange, phaseChanges]).toEqual([2, 1]);

    await controller.setLanguage("ar");
    expect([everyChange, phaseChanges]).toEqual([3, 2]);
  });
});
