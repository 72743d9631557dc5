export * from "./server.js";
export * from "./scenarios.js";
export type * from "./types.js";
