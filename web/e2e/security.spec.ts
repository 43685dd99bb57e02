/**
 * The Content-Security-Policy, as the browser enforces it: a script that
 * found its way into a page (a name recorded as `<script>…`, a tampered
 * response) does not run, in the agents' app or in the console.
 */
import { expect, test } from "@playwright/test";

interface Outcome {
  readonly ran: boolean;
  readonly violated: string;
}

for (const path of ["/", "/console"]) {
  test(`an inline script injected into ${path} is blocked by the content security policy`, async ({ page }) => {
    await page.goto(path);

    const outcome = await page.evaluate(
      () =>
        new Promise<Outcome>((resolve) => {
          const flag = "__relaisInjected";
          document.addEventListener(
            "securitypolicyviolation",
            (event) => {
              // Let the script run first if the policy had let it through.
              setTimeout(() => resolve({ ran: flag in window, violated: event.violatedDirective }), 0);
            },
            { once: true },
          );
          const script = document.createElement("script");
          script.textContent = `window.${flag} = true;`;
          document.head.append(script);
          setTimeout(() => resolve({ ran: flag in window, violated: "" }), 2_000);
        }),
    );

    expect(outcome.ran).toBe(false);
    expect(outcome.violated).toMatch(/^script-src/);
  });
}
