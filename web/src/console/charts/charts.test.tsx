import { render } from "preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConsoleTextContext, makeConsoleText } from "../i18n";
import { BarList } from "./BarList";
import { ColumnChart } from "./ColumnChart";
import { Funnel } from "./Funnel";
import { ShareRing } from "./ShareRing";
import type { ComponentChildren } from "preact";

let root: HTMLElement;
beforeEach(() => {
  root = document.createElement("div");
  document.body.append(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
});

function show(children: ComponentChildren, lang: "fr" | "ar" | "en" = "fr"): void {
  render(<ConsoleTextContext.Provider value={makeConsoleText(lang)}>{children}</ConsoleTextContext.Provider>, root);
}

describe("the dashboard charts", () => {
  it("draw each bar as long as its share of the largest, with the exact number beside it", () => {
    show(
      <BarList
        label="x"
        bars={[
          { key: "SN", label: "Sénégal", value: 40 },
          { key: "ML", label: "Mali", value: 10 },
        ]}
      />,
    );
    const fills = [...root.querySelectorAll<HTMLElement>(".bars__fill")].map((f) => f.style.inlineSize);
    expect(fills).toEqual(["100%", "25%"]);
    expect([...root.querySelectorAll(".bars__value")].map((v) => v.textContent)).toEqual(["40", "10"]);
  });

  it("say there is nothing to show rather than drawing empty axes", () => {
    show(<ColumnChart label="x" points={[]} />);
    expect(root.textContent).toBe("Aucune donnée pour ces filtres.");
  });

  it("give every period a column whose height follows its count", () => {
    show(
      <ColumnChart
        label="x"
        points={[
          { label: "2026-W46", value: 10 },
          { label: "2026-W47", value: 5 },
        ]}
      />,
    );
    const heights = [...root.querySelectorAll("rect")].map((r) => Number(r.getAttribute("height")));
    expect(heights).toHaveLength(2);
    expect(heights[0]).toBeCloseTo(2 * (heights[1] ?? 0));
    expect([...root.querySelectorAll("title")].map((t) => t.textContent)).toEqual(["2026-W46: 10", "2026-W47: 5"]);
  });

  it("show the share of women as a percentage in the language's format", () => {
    show(<ShareRing part={1} whole={3} label="Part" caption="1 / 3" />, "ar");
    expect(root.querySelector("svg")?.getAttribute("aria-label")).toMatch(/^Part: /);
    expect(root.querySelector(".ring__text")?.textContent).toBe(new Intl.NumberFormat("ar", { style: "percent", maximumFractionDigits: 1 }).format(1 / 3));
  });

  it("label every funnel stage and measure it against the first", () => {
    show(
      <Funnel
        stages={[
          { stage: "contacted", count: 40 },
          { stage: "informed", count: 30 },
          { stage: "employed_or_self_employed", count: 4 },
        ]}
      />,
      "en",
    );
    const stages = [...root.querySelectorAll<HTMLElement>(".funnel__stage")];
    expect(stages.map((s) => s.querySelector(".funnel__text span")?.textContent)).toEqual(["Contacted", "Informed", "Employed or self-employed"]);
    expect(stages.map((s) => s.querySelector<HTMLElement>(".funnel__bar")?.style.inlineSize)).toEqual(["100%", "75%", "10%"]);
  });
});
