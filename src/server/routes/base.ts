import { implement, ORPCError } from "@orpc/server";
import { contract } from "../../api/contract.js";
import type { ServerInfo } from "../../api/schemas.js";
import { redact } from "../../common/redact.js";
import { ConfigError } from "../../config/errors.js";
import type { AsyncQueue } from "../../session/asyncQueue.js";
import { HubError } from "../../session/errors.js";
import type { LandService } from "../../land/service.js";
import type { Hub } from "../../session/hub.js";
import type { ReviewService } from "../../review/service.js";
import { TerminalError, type TerminalService } from "../../terminal/service.js";
import { GitError } from "../../workspace/git.js";

export interface ApiContext {
  hub: Hub;
  land: LandService;
  review: ReviewService;
  terminals: TerminalService;
  env: NodeJS.ProcessEnv;
  server: ServerInfo;
}

/** What a failed call tells the client: the reason in words, never a stack; keys redacted. */
export function toORPCError(err: unknown): ORPCError<string, unknown> {
  if (err instanceof ORPCError) return err;
  const message = redact(err instanceof Error ? err.message : String(err));
  if (err instanceof HubError || err instanceof TerminalError) return new ORPCError(err.code, { message });
  if (err instanceof ConfigError || err instanceof GitError) return new ORPCError("BAD_REQUEST", { message });
  return new ORPCError("INTERNAL_SERVER_ERROR", { message });
}

const os = implement(contract).$context<ApiContext>();

/** The contract's implementer, with errors mapped for every procedure. */
export const api = os.use(async ({ next }) => {
  try {
    return await next();
  } catch (err) {
    throw toORPCError(err);
  }
});

export const ok = { ok: true as const };

/**
 * A subscription's items. The handler opens the queue before returning this, so a refusal (an
 * unknown workspace) is an error of the call itself, mapped like any other; an error thrown while
 * it streams (after the middleware is done) is mapped here.
 */
export async function* stream<T>(queue: AsyncQueue<T>): AsyncGenerator<T> {
  try {
    yield* queue;
  } catch (err) {
    throw toORPCError(err);
  } finally {
    queue.close();
  }
}
