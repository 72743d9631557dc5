import type { WorkspaceSummary } from "../state/types.js";

/**
 * "$0.12"; small amounts keep their significant digits; null (nothing known) is "?"; a cost
 * with unknown parts is "$0.42+" (at least that much).
 */
export function formatCost(usd: number | null | undefined, incomplete = false): string {
  if (usd == null) return "?";
  return `${formatDollars(usd)}${incomplete ? "+" : ""}`;
}

function formatDollars(usd: number): string {
  if (usd === 0) return "$0.00";
  if (usd < 0.01) return `$${usd.toFixed(4).replace(/0+$/, "")}`;
  if (usd < 100) return `$${usd.toFixed(2)}`;
  return `$${Math.round(usd).toLocaleString("en-US")}`;
}

/** Why a cost is "?" or "$0.42+", for a tooltip or a note. */
export const INCOMPLETE_COST_REASON =
  'some requests have no known cost: a model without a price (add "prices" in providers.jsonc), or a request interrupted before the provider reported its usage';

/** The tooltip of a cost: what it is, and what is missing from it. */
export function costTitle(usd: number | null, incomplete: boolean): string {
  if (usd == null) return `Cost unknown: ${INCOMPLETE_COST_REASON}`;
  return incomplete ? `At least ${formatDollars(usd)}: ${INCOMPLETE_COST_REASON}` : `Cost so far: ${formatDollars(usd)}`;
}

/** 950 → "950", 12_345 → "12.3k", 1_234_567 → "1.23M". */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 2 : 1).replace(/\.?0+$/, "")}k`;
  return `${(n / 1_000_000).toFixed(2).replace(/\.?0+$/, "")}M`;
}

export function runtimeLabel(runtime: WorkspaceSummary["runtime"]): string {
  if (runtime.type === "ssh") return runtime.coder ? `coder ${runtime.coder.workspaceName}` : `ssh ${runtime.host}`;
  if (runtime.type === "docker") return `docker ${runtime.image}`;
  return runtime.type === "unsupported" ? runtime.kind : runtime.type;
}

export type GitView = NonNullable<WorkspaceSummary["git"]>;

/** The compact sidebar form: "↑2 ↓1 •3" (parts that are zero are left out). */
export function gitCompact(git: GitView | null): string {
  if (!git) return "";
  const parts: string[] = [];
  if (git.ahead) parts.push(`↑${git.ahead}`);
  if (git.behind) parts.push(`↓${git.behind}`);
  if (git.dirtyFiles) parts.push(`•${git.dirtyFiles}`);
  return parts.join(" ");
}
