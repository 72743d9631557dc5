import { muxRoot } from "../config/paths.js";
import { WorkspaceService } from "../workspace/service.js";

/** The one place the CLI wires its services together. */
export function createWorkspaceService(): WorkspaceService {
  return new WorkspaceService(muxRoot());
}
