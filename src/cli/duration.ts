const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration as `--timeout` takes it: plain milliseconds (`300000`), or amounts with units
 * (`300s`, `5m`, `1h30m`, `1.5h`). Undefined when it is not one, or not positive.
 */
export function parseDuration(value: string): number | undefined {
  const v = value.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(v)) {
    const ms = Math.round(Number(v));
    return ms > 0 ? ms : undefined;
  }
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(v)) return undefined;
  let total = 0;
  for (const [, amount, , unit] of v.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * UNIT_MS[unit];
  const ms = Math.round(total);
  return ms > 0 ? ms : undefined;
}

/** "5m", "1h30m", "1.5s", "250ms": how a duration is named back to the user. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 60_000 !== 0) return `${Number((ms / 1000).toFixed(1))}s`;
  const h = Math.floor(ms / 3_600_000);
  const m = (ms % 3_600_000) / 60_000;
  return h ? `${h}h${m ? `${m}m` : ""}` : `${m}m`;
}
