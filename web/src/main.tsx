import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, loadChat } from "./app/App";
import { prefetchOverlays } from "./app/OverlayHost";
import { startNotifications } from "./state/notifications";
import { startWorkspaces } from "./state/workspaces";
import "./styles/index.css";

// Subscribe before the first render, so the sidebar fills as soon as the socket opens.
startWorkspaces();
startNotifications();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

const idle = (fn: () => void) => ("requestIdleCallback" in window ? requestIdleCallback(fn) : setTimeout(fn, 1500));
// The chat chunk loads when a workspace is shown; otherwise warm it (and the dialogs) when idle.
idle(() => {
  void loadChat().catch(() => {});
  prefetchOverlays();
});

// Installable app + offline shell. Relative URL: works under any path prefix.
if (import.meta.env.PROD && "serviceWorker" in navigator) {
  window.addEventListener("load", () => void navigator.serviceWorker.register("sw.js").catch(() => {}));
}
