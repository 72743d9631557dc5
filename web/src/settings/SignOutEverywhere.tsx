import { useEffect, useState } from "react";

/** `GET api/sessions`: the browsers signed in to the server (none kept with --no-auth). */
interface SessionsView {
  enabled: boolean;
  sessions: unknown[];
}

/** Relative to the page, like the API socket: works under any path prefix. */
const sessionsUrl = () => new URL("api/sessions", window.location.href);

/**
 * "Sign out everywhere": ends every browser's session on this server (this one included, which
 * then shows the sign-in page; the others' connections close and they land there too). Hidden
 * when the server has no sign-in (--no-auth) or the list cannot be read.
 */
export function SignOutEverywhere() {
  const [view, setView] = useState<SessionsView | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    fetch(sessionsUrl(), { cache: "no-store" })
      .then((r) => (r.ok ? (r.json() as Promise<SessionsView>) : null))
      .then(setView, () => setView(null));
  }, []);

  if (!view?.enabled) return null;

  const signOut = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await fetch(sessionsUrl(), { method: "DELETE" });
      if (!r.ok) throw new Error(((await r.json().catch(() => null)) as { error?: string } | null)?.error ?? `HTTP ${r.status}`);
      window.location.reload(); // signed out: the server now answers with its sign-in page
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  const count = view.sessions.length;
  return (
    <section
      aria-label="Sign-in"
      data-testid="sign-out-everywhere"
      className="flex shrink-0 flex-wrap items-center gap-2 border-t border-line px-4 py-2 text-[12px] text-muted"
    >
      <span className="mr-auto">
        Signed in on {count} browser{count === 1 ? "" : "s"}. Signing out ends every browser's session; the server's token signs in again.
      </span>
      {error && (
        <span role="alert" className="text-err">
          Could not sign out: {error}
        </span>
      )}
      {confirming ? (
        <>
          <button type="button" className="btn" onClick={() => setConfirming(false)} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="btn btn-danger" data-testid="sign-out-everywhere-confirm" onClick={signOut} disabled={busy}>
            {busy ? "Signing out…" : `Sign out ${count === 1 ? "this browser" : `all ${count} browsers`}`}
          </button>
        </>
      ) : (
        <button type="button" className="btn" data-testid="sign-out-everywhere-button" onClick={() => setConfirming(true)}>
          Sign out everywhere
        </button>
      )}
    </section>
  );
}
