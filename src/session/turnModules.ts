/**
 * What a chat turn needs beyond the chat itself, loaded on the first turn (chatSession.ts): the
 * agent and provider SDKs are not needed to serve the UI. One module, so they load as one chunk
 * of the bundle instead of seven small ones (each module costs the loader time at start-up).
 */
export { retryPolicyFromEnv } from "../agent/retry.js";
export { loadProvidersConfig } from "../providers/config.js";
export { contextWindows } from "../providers/contextWindows.js";
export { defaultModel } from "../providers/defaultModel.js";
export { resolveModel } from "../providers/resolveModel.js";
export * as compaction from "./compaction.js";
export { runTurn } from "./turn.js";
