/**
 * Dollars that may be only partly known (plain code: the server's summaries and the browser's
 * totals both use it). `costUsd` is the sum of what is known, null when nothing is;
 * `costIncomplete` says some of it is unknown (a model without a price, a request interrupted
 * before its usage was reported), so the real cost is higher. One unknown part never hides
 * what the others cost.
 */
export interface PartialCost {
  costUsd: number | null;
  costIncomplete: boolean;
}

/** The sum of partial costs (a null cost is an unknown part). */
export function sumCosts(parts: Iterable<{ costUsd: number | null | undefined; costIncomplete?: boolean }>): PartialCost {
  let known = 0;
  let anyKnown = false;
  let incomplete = false;
  for (const p of parts) {
    if (p.costUsd === null || p.costUsd === undefined) incomplete = true;
    else {
      known += p.costUsd;
      anyKnown = true;
      if (p.costIncomplete) incomplete = true;
    }
  }
  return { costUsd: anyKnown || !incomplete ? known : null, costIncomplete: incomplete };
}
