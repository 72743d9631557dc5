import { createStore } from "./store";
import { notificationFor } from "./notifyRules";
import { selectWorkspace } from "./ui";
import { onWorkspaceChange } from "./workspaces";

const KEY = "mux.notifications";
type Permission = NotificationPermission | "unsupported";

export interface NotificationsState {
  /** The user opted in (stored in localStorage) and the browser allows it. */
  enabled: boolean;
  permission: Permission;
}

const supported = typeof Notification !== "undefined";
const permission = (): Permission => (supported ? Notification.permission : "unsupported");

export const notificationsStore = createStore<NotificationsState>({
  enabled: supported && localStorage.getItem(KEY) === "on" && Notification.permission === "granted",
  permission: permission(),
});

export async function setNotifications(on: boolean): Promise<void> {
  if (on && supported && Notification.permission === "default") await Notification.requestPermission();
  const enabled = on && permission() === "granted";
  localStorage.setItem(KEY, on ? "on" : "off");
  notificationsStore.set({ enabled, permission: permission() });
}

export const toggleNotifications = () => setNotifications(!notificationsStore.get().enabled);

function show(workspaceId: string, title: string, body: string) {
  const options = { body, tag: `mux-${workspaceId}`, icon: "icons/icon-192.png", data: { workspaceId } };
  try {
    const n = new Notification(title, options);
    n.onclick = () => {
      window.focus();
      selectWorkspace(workspaceId);
      n.close();
    };
  } catch {
    // Some platforms (Android) only allow notifications through the service worker.
    navigator.serviceWorker?.ready.then((r) => r.showNotification(title, options)).catch(() => {});
  }
}

let started = false;

export function startNotifications() {
  if (started) return;
  started = true;
  onWorkspaceChange((prev, next) => {
    if (!next || !document.hidden || !notificationsStore.get().enabled) return;
    const n = notificationFor(prev, next);
    if (n) show(next.id, n.title, n.body);
  });
  // Clicks on notifications shown by the service worker.
  navigator.serviceWorker?.addEventListener("message", (e) => {
    if (e.data?.type === "mux:focus-workspace" && typeof e.data.workspaceId === "string") selectWorkspace(e.data.workspaceId);
  });
}
