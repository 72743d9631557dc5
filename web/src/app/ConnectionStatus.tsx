import { useSyncExternalStore } from "react";
import { getConnection, type ConnectionStatus as Status } from "../api/client";
import { useHeartbeat } from "./heartbeat";

const LABEL: Record<Status, string> = { connecting: "Connecting…", open: "Connected", closed: "Disconnected: reconnecting" };
const DOT: Record<Status, string> = { connecting: "bg-warn mux-streaming", open: "bg-ok", closed: "bg-err" };

const subscribeStatus = (cb: () => void) => getConnection().onStatus(cb);
const getStatus = () => getConnection().status;

export function useConnectionStatus(): Status {
  return useSyncExternalStore(subscribeStatus, getStatus);
}

export function ConnectionStatus() {
  const status = useConnectionStatus();
  useHeartbeat(status === "connecting");
  return (
    <span
      data-testid="connection-status"
      data-status={status}
      role="status"
      aria-live="polite"
      title={LABEL[status]}
      className="inline-flex items-center gap-1.5 text-[11px] text-muted"
    >
      <span className={`h-2 w-2 rounded-full ${DOT[status]}`} aria-hidden="true" />
      <span className={status === "open" ? "sr-only" : "max-sm:sr-only"}>{LABEL[status]}</span>
    </span>
  );
}
