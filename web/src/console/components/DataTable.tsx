/**
 * A table of rows fetched a page at a time with the server's keyset cursor.
 * The cursors of the pages already seen are kept, so "previous" goes back
 * without the server having to count offsets.
 */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { useText } from "../i18n";
import type { Page } from "../types";
import { Failure, Loading, useLoad } from "./load";

export interface Column<Row> {
  readonly key: string;
  readonly label: string;
  readonly cell: (row: Row) => ComponentChildren;
  /** Numbers align to the end of the cell. */
  readonly numeric?: boolean;
  /** The server's sort values for this column, ascending then descending. */
  readonly sort?: readonly [string, string];
}

export function DataTable<Row extends { readonly id: string }>({
  columns,
  load,
  queryKey,
  sort,
  onSort,
  caption,
}: {
  readonly columns: readonly Column<Row>[];
  readonly load: (cursor: string | null) => Promise<Page<Row>>;
  /** Changes when the filters change: back to the first page. */
  readonly queryKey: string;
  readonly sort?: string;
  readonly onSort?: (sort: string) => void;
  readonly caption: string;
}) {
  const { c } = useText();
  const [paging, setPaging] = useState<{ readonly key: string; readonly cursors: readonly (string | null)[] }>({ key: queryKey, cursors: [null] });
  const cursors = paging.key === queryKey ? paging.cursors : [null];
  const setCursors = (next: readonly (string | null)[]): void => setPaging({ key: queryKey, cursors: next });
  const cursor = cursors[cursors.length - 1] ?? null;
  const page = useLoad(() => load(cursor), `${queryKey}|${cursor ?? ""}`);
  return (
    <div class="console-table-wrap">
      {page.state === "failed" ? <Failure error={page.error} onRetry={page.reload} /> : null}
      {page.state === "loading" ? <Loading /> : null}
      {page.state === "ready" ? (
        <>
          <table class="console-table">
            <caption class="console-table__caption">
              {caption} · <span data-testid="table-total">{c("table.total", { count: page.data.total })}</span>
            </caption>
            <thead>
              <tr>
                {columns.map((col) => {
                  const order = col.sort;
                  return (
                    <th key={col.key} scope="col" class={col.numeric ? "num" : undefined} aria-sort={ariaSort(col, sort)}>
                      {order && onSort ? (
                        <button
                          type="button"
                          class="console-sort"
                          title={c("table.sortBy", { column: col.label })}
                          onClick={() => onSort(sort === order[0] ? order[1] : order[0])}
                        >
                          {col.label}
                          <span aria-hidden="true">{sort === order[0] ? " ▲" : sort === order[1] ? " ▼" : ""}</span>
                        </button>
                      ) : (
                        col.label
                      )}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {page.data.rows.length === 0 ? (
                <tr>
                  <td colSpan={columns.length} class="console-table__empty">
                    {c("console.empty")}
                  </td>
                </tr>
              ) : (
                page.data.rows.map((row) => (
                  <tr key={row.id}>
                    {columns.map((col) => (
                      <td key={col.key} class={col.numeric ? "num" : undefined}>
                        {col.cell(row)}
                      </td>
                    ))}
                  </tr>
                ))
              )}
            </tbody>
          </table>
          <nav class="console-pager" aria-label={c("table.page", { page: cursors.length })}>
            <button type="button" class="button button--small" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
              {c("table.previous")}
            </button>
            <span>{c("table.page", { page: cursors.length })}</span>
            <button
              type="button"
              class="button button--small"
              disabled={!page.data.next}
              onClick={() => page.data.next && setCursors([...cursors, page.data.next])}
            >
              {c("table.next")}
            </button>
          </nav>
        </>
      ) : null}
    </div>
  );
}

function ariaSort<Row>(col: Column<Row>, sort: string | undefined): "ascending" | "descending" | undefined {
  if (!col.sort || sort === undefined) return undefined;
  if (sort === col.sort[0]) return "ascending";
  if (sort === col.sort[1]) return "descending";
  return undefined;
}
