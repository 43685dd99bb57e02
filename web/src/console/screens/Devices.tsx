/** Administration: enrolled devices, their last sync and the changes they last sent; revoke one. */
import { useState } from "preact/hooks";
import { Failure, Loading, Notice, useLoad } from "../components/load";
import { agencyName, useConsole } from "../context";
import { useText } from "../i18n";
import type { DeviceRow } from "../types";

export function Devices() {
  const { api, user } = useConsole();
  const t = useText();
  const { c } = t;
  const list = useLoad(() => api.devices(), "devices");
  const [confirming, setConfirming] = useState<DeviceRow | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState("");
  const revoke = async (device: DeviceRow): Promise<void> => {
    setError(null);
    setNotice("");
    try {
      await api.revokeDevice(device.id);
      setConfirming(null);
      setNotice(c("devices.revoked"));
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section class="console-page" aria-labelledby="devices-title">
      <h1 id="devices-title">{c("devices.title")}</h1>
      <Notice text={notice} />
      {error ? <Failure error={error} /> : null}
      {confirming ? (
        <div class="panel console-confirm" role="alertdialog" aria-labelledby="revoke-question">
          <p id="revoke-question">{c("devices.confirmRevoke")}</p>
          <p>
            <strong>{confirming.label ?? confirming.id}</strong> · <bdi dir="ltr">{confirming.username}</bdi>
          </p>
          <button type="button" class="button button--danger" onClick={() => void revoke(confirming)}>
            {c("devices.revoke")}
          </button>{" "}
          <button type="button" class="button button--quiet" onClick={() => setConfirming(null)}>
            {c("console.cancel")}
          </button>
        </div>
      ) : null}
      {list.state === "loading" ? <Loading /> : null}
      {list.state === "failed" ? <Failure error={list.error} onRetry={list.reload} /> : null}
      {list.state === "ready" ? (
        <table class="console-table" data-testid="devices">
          <thead>
            <tr>
              <th scope="col">{c("devices.label")}</th>
              <th scope="col">{c("devices.user")}</th>
              <th scope="col">{c("devices.agency")}</th>
              <th scope="col">{c("devices.enrolledAt")}</th>
              <th scope="col">{c("devices.lastSyncAt")}</th>
              <th scope="col" class="num">
                {c("devices.lastChanges")}
              </th>
              <th scope="col">{c("devices.state")}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((d) => (
              <tr key={d.id} data-id={d.id}>
                <td>{d.label ?? d.id.slice(0, 8)}</td>
                <td>
                  <bdi dir="ltr">{d.username}</bdi>
                </td>
                <td>{agencyName(user, d.agencyId)}</td>
                <td>{t.dateTime(d.enrolledAt)}</td>
                <td>{d.lastSyncAt ? t.dateTime(d.lastSyncAt) : c("devices.never")}</td>
                <td class="num">{d.lastChanges === null ? c("console.none") : t.number(d.lastChanges)}</td>
                <td>
                  {d.revoked ? (
                    <span class="badge">{c("devices.revoked")}</span>
                  ) : (
                    <button type="button" class="button button--small" onClick={() => setConfirming(d)}>
                      {c("devices.revoke")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
