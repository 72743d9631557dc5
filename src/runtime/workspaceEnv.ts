import type { RuntimeType } from "./types.js";

/** The MUX_* variables a workspace's commands see (the init hook, the terminal's shell). */
export function workspaceEnv(runtime: RuntimeType, projectPath: string, workspaceName: string): Record<string, string> {
  return { MUX_RUNTIME: runtime, MUX_PROJECT_PATH: projectPath, MUX_WORKSPACE_NAME: workspaceName };
}
