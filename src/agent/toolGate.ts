/**
 * Where the SDK's tool `execute` calls wait for the agent loop. The SDK starts a step's tools
 * (all at once) as soon as the model's response ends; the loop instead runs them itself, one at
 * a time in call order and only once the step's cost passed the budget check, and posts each
 * outcome here. `execute` for a call resolves (or rejects) with what was posted for its id,
 * whichever of the two comes first.
 */
export class ToolGate<T> {
  private readonly outcomes = new Map<string, { ok: true; value: T } | { ok: false; error: unknown }>();
  private readonly waiters = new Map<string, { resolve: (v: T) => void; reject: (e: unknown) => void }>();

  /** What `execute` awaits for this call. */
  wait(toolCallId: string): Promise<T> {
    const outcome = this.outcomes.get(toolCallId);
    if (outcome) {
      this.outcomes.delete(toolCallId);
      return outcome.ok ? Promise.resolve(outcome.value) : Promise.reject(outcome.error);
    }
    return new Promise<T>((resolve, reject) => this.waiters.set(toolCallId, { resolve, reject }));
  }

  /** The call ran: its `execute` returns this. */
  resolve(toolCallId: string, value: T): void {
    this.post(toolCallId, { ok: true, value });
  }

  /** The call will not run (interrupted, budget, session over): its `execute` fails. */
  reject(toolCallId: string, error: unknown): void {
    this.post(toolCallId, { ok: false, error });
  }

  /** Fails every call that is still waiting (the session is being torn down). */
  rejectAll(error: unknown): void {
    for (const [id, w] of this.waiters) {
      this.waiters.delete(id);
      w.reject(error);
    }
  }

  /** True while some `execute` is waiting for its outcome. */
  get pending(): number {
    return this.waiters.size;
  }

  private post(toolCallId: string, outcome: { ok: true; value: T } | { ok: false; error: unknown }): void {
    const waiter = this.waiters.get(toolCallId);
    if (!waiter) {
      if (!this.outcomes.has(toolCallId)) this.outcomes.set(toolCallId, outcome);
      return;
    }
    this.waiters.delete(toolCallId);
    if (outcome.ok) waiter.resolve(outcome.value);
    else waiter.reject(outcome.error);
  }
}
