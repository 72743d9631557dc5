/**
 * The statuses of a Coder workspace's latest build (`latest_build.status` in `coder list -o json`).
 * Browser-safe: the web app's schemas use them.
 */
export const CODER_STATUSES = ["pending", "starting", "running", "stopping", "stopped", "failed", "canceling", "canceled", "deleting", "deleted"] as const;
export type CoderStatus = (typeof CODER_STATUSES)[number];

/** What becomes of a Coder workspace when the Mux workspace in it is deleted. */
export const CODER_DELETE_ACTIONS = ["keep", "stop", "delete"] as const;
export type CoderDeleteAction = (typeof CODER_DELETE_ACTIONS)[number];
