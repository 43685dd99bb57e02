/** What every console screen reaches: the API client and the signed-in user. */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { ConsoleApi } from "./api";
import type { ConsoleUser } from "./types";

export interface ConsoleSession {
  readonly api: ConsoleApi;
  readonly user: ConsoleUser;
  /** Agent ids to names, as far as the dashboard has told them. */
  readonly agents: ReadonlyMap<string, string>;
}

export const ConsoleContext = createContext<ConsoleSession>({
  api: new ConsoleApi(),
  user: { id: "", username: "", displayName: "", role: "supervisor", agencies: [] },
  agents: new Map(),
});

export function useConsole(): ConsoleSession {
  return useContext(ConsoleContext);
}

export function agencyName(user: ConsoleUser, id: string): string {
  return user.agencies.find((a) => a.id === id)?.name ?? id;
}
