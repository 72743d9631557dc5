import { isIPv4 } from "node:net";

/**
 * DNS rebinding defence for a server without a token (--no-auth). A page on any site can make its
 * own name resolve to 127.0.0.1 and then talk to this server as a same-origin page: the browser
 * sends that site's name as Host. So without a token only loopback names are served, plus the
 * names the user allows (the name a proxy in front forwards, a LAN name). With a token the check
 * is not needed: such a page never has the cookie or the token.
 */

/** The hostname of a Host header (`name:port`, `[v6]:port`), lowercased; undefined if malformed. */
export function hostnameOf(host: string | undefined | null): string | undefined {
  const h = host?.trim().toLowerCase();
  if (!h) return undefined;
  const v6 = /^\[([0-9a-f:.]+)\](?::\d+)?$/.exec(h);
  if (v6) return v6[1];
  const m = /^([a-z0-9._-]+)(?::\d+)?$/.exec(h);
  return m?.[1];
}

/** localhost, *.localhost (RFC 6761 keeps both on loopback), 127.0.0.0/8 and ::1. */
export function isLoopbackName(hostname: string): boolean {
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return true;
  if (isIPv4(hostname)) return hostname.startsWith("127.");
  return hostname === "::1" || hostname === "::ffff:127.0.0.1";
}

/** Allowed names from --allowed-host and MUX_SERVER_ALLOWED_HOSTS (comma-separated); `.example.com` or `*.example.com` allows subdomains. */
export function allowedHostsFrom(flags: string[] | undefined, env: NodeJS.ProcessEnv): string[] {
  const all = [...(flags ?? []), ...(env.MUX_SERVER_ALLOWED_HOSTS ?? "").split(",")];
  return all.map((h) => h.trim().toLowerCase()).filter(Boolean);
}

export class HostCheck {
  private readonly names = new Set<string>();
  private readonly suffixes: string[] = [];

  constructor(allowed: string[]) {
    for (const entry of allowed) {
      const suffix = /^\*?\.(.+)$/.exec(entry)?.[1];
      if (suffix) this.suffixes.push(`.${hostnameOf(suffix) ?? suffix}`);
      else this.names.add(hostnameOf(entry) ?? entry);
    }
  }

  allows(hostHeader: string | undefined | null): boolean {
    const name = hostnameOf(hostHeader);
    if (!name) return false;
    return isLoopbackName(name) || this.names.has(name) || this.suffixes.some((s) => name.endsWith(s));
  }
}

/** What a refused request is told: which name, and the flag that allows it. */
export function hostRefusal(hostHeader: string | undefined | null): string {
  const name = hostnameOf(hostHeader);
  if (!name) return "refused: a request without a valid Host header (this server runs without a token, --no-auth)";
  return (
    `refused: Host "${name}" is not a localhost name, and this server runs without a token (--no-auth), ` +
    `so it answers only to localhost names and to names given with --allowed-host. ` +
    `If you reach Mux by this name, start it with --allowed-host ${name}.`
  );
}
