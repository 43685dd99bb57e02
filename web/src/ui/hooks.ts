import { createContext } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import type { AppController, Session } from "../app/controller";
import type { IndexEntry } from "../store/types";
import type { A } from "../automerge";
import { automergeReady } from "../automerge";
import { prepareSearchWhenIdle } from "./search";

export const ControllerContext = createContext<AppController | null>(null);

export function useController(): AppController {
  const controller = useContext(ControllerContext);
  if (!controller) throw new Error("no controller");
  return controller;
}

/** Re-renders on every controller change, the sync status included. */
export function useControllerState(): AppController {
  const controller = useController();
  const [, setVersion] = useState(0);
  useEffect(() => controller.subscribe(() => setVersion((v) => v + 1)), [controller]);
  return controller;
}

/** Re-renders when the phase, language or session change; not at every sync status change. */
export function usePhaseState(): AppController {
  const controller = useController();
  const [, setVersion] = useState(0);
  useEffect(() => controller.subscribeToPhase(() => setVersion((v) => v + 1)), [controller]);
  return controller;
}

export function useSession(): Session {
  const session = useController().session;
  if (!session) throw new Error("the app is locked");
  return session;
}

/**
 * The local index, refreshed after every committed change to it. The same
 * array as long as the index is the same, so screens sort and filter only
 * when an entry changed (not when a sync only moved its cursor). Search
 * keys of new entries are prepared while the phone is idle.
 */
export function useEntries(): readonly IndexEntry[] {
  const { vault } = useSession();
  const [entries, setEntries] = useState(() => vault.snapshot());
  useEffect(() => {
    setEntries(vault.snapshot());
    return vault.subscribe(() => setEntries(vault.snapshot()));
  }, [vault]);
  useEffect(() => prepareSearchWhenIdle(entries), [entries]);
  return entries;
}

export type Loaded<T> = { readonly state: "loading" } | { readonly state: "missing" } | { readonly state: "ready"; readonly doc: A.Doc<T> };

/** A document loaded from the vault, loaded again whenever its index line changes (a save or a sync). */
export function useDoc<T>(id: string): Loaded<T> {
  const { vault, docs } = useSession();
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let last = vault.entry(id);
    return vault.subscribe(() => {
      const now = vault.entry(id);
      if (now !== last) {
        last = now;
        setVersion((v) => v + 1);
      }
    });
  }, [vault, id]);
  useEffect(() => {
    let live = true;
    void automergeReady
      .then(() => docs.load<T>(id))
      .then((doc) => {
        if (live) setLoaded(doc ? { state: "ready", doc } : { state: "missing" });
      });
    return () => {
      live = false;
    };
  }, [docs, id, version]);
  return loaded;
}

/** Shows a short message for a few seconds. */
export function useFlash(): [string, (message: string) => void] {
  const [message, setMessage] = useState("");
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(() => setMessage(""), 3_000);
    return () => clearTimeout(timer);
  }, [message]);
  return [message, setMessage];
}

/** In-memory drafts of forms, so a lock in the middle of typing loses nothing (never written to disk). */
const drafts = new Map<string, unknown>();

export function useDraft<T>(key: string, initial: () => T): [T, (next: T) => void, () => void] {
  const [value, setValue] = useState<T>(() => (drafts.has(key) ? (drafts.get(key) as T) : initial()));
  const update = (next: T): void => {
    drafts.set(key, next);
    setValue(next);
  };
  const clear = (): void => {
    drafts.delete(key);
  };
  return [value, update, clear];
}

export function clearDrafts(): void {
  drafts.clear();
}
