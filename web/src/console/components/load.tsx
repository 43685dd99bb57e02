/** Loading a screen's data, and saying plainly when it failed. */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiFailure, FailureKind } from "../api";
import { useText } from "../i18n";

export type Loaded<T> =
  | { readonly state: "loading" }
  | { readonly state: "ready"; readonly data: T }
  | { readonly state: "failed"; readonly error: unknown };

/** Runs `load` whenever `key` changes; only the latest answer is kept. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> & { reload(): void } {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const ticket = ++latest.current;
    setLoaded((l) => (l.state === "ready" ? l : { state: "loading" }));
    load().then(
      (data) => ticket === latest.current && setLoaded({ state: "ready", data }),
      (error: unknown) => ticket === latest.current && setLoaded({ state: "failed", error }),
    );
    // `load` is a fresh closure each render; `key` says when its inputs changed.
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...loaded, reload };
}

export function useFailureText(): (error: unknown) => string {
  const { c } = useText();
  return (error) => {
    if (error instanceof ApiFailure) {
      if (error.kind === FailureKind.Network) return c("console.network");
      if (error.kind === FailureKind.NotFound) return c("console.notFound");
      return c("console.error", { message: error.message || error.code });
    }
    return c("console.error", { message: error instanceof Error ? error.message : String(error) });
  };
}

export function Failure({ error, onRetry }: { readonly error: unknown; readonly onRetry?: () => void }) {
  const { c } = useText();
  const text = useFailureText();
  return (
    <div class="console-failure" role="alert">
      <p>{text(error)}</p>
      {onRetry ? (
        <button type="button" class="button button--small" onClick={onRetry}>
          {c("console.retry")}
        </button>
      ) : null}
    </div>
  );
}

export function Loading() {
  const { c } = useText();
  return (
    <p class="console-loading" role="status">
      {c("console.loading")}
    </p>
  );
}

/** A one-line message after an action ("Conflict settled."), read out by screen readers. */
export function Notice({ text }: { readonly text: string }) {
  return text ? (
    <p class="console-notice" role="status">
      {text}
    </p>
  ) : null;
}
