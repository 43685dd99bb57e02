import { Fragment } from "preact";

/** Parts of a line of details, each isolated so a phone number or a Latin name keeps its order in Arabic. */
export function Meta({ parts }: { readonly parts: readonly string[] }) {
  const shown = parts.filter((p) => p !== "");
  return (
    <span class="list__meta">
      {shown.map((part, i) => (
        <Fragment key={i}>
          {i > 0 ? " · " : null}
          <bdi>{part}</bdi>
        </Fragment>
      ))}
    </span>
  );
}
