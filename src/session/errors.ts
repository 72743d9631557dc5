import type { ErrorKind } from "../agent/events.js";

/** A request the hub refuses, with the reason the user should see (the API maps the code). */
export class HubError extends Error {
  constructor(
    readonly code: "BAD_REQUEST" | "NOT_FOUND" | "CONFLICT",
    message: string,
  ) {
    super(message);
    this.name = "HubError";
  }
}

/** A turn that cannot run, with the kind of failure it is. */
export class ChatTurnFailure extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "ChatTurnFailure";
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
