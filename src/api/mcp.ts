import { oc } from "@orpc/contract";
import { z } from "zod";

const TransportSchema = z.enum(["stdio", "http", "sse", "auto"]);

/** A configured server as the browser sees it: the names of its env and headers, never their values. */
export const McpServerViewSchema = z.object({
  name: z.string(),
  scope: z.enum(["global", "project"]),
  file: z.string(),
  transport: TransportSchema,
  command: z.string().optional(),
  args: z.array(z.string()).optional(),
  cwd: z.string().optional(),
  url: z.string().optional(),
  envKeys: z.array(z.string()),
  headerKeys: z.array(z.string()),
  /** Off unless a workspace turns it on. */
  disabled: z.boolean(),
  toolAllowlist: z.array(z.string()).optional(),
});

/** How a server does in one workspace: its servers start with the first turn that needs them. */
export const McpServerStatusSchema = z.object({
  enabled: z.boolean(),
  state: z.enum(["stopped", "starting", "connected", "error", "disabled"]),
  error: z.string().optional(),
  tools: z.array(z.string()).optional(),
});

export const McpViewSchema = z.object({
  globalFile: z.string(),
  /** The workspace's project file (when a workspace was asked about) and whether it is used. */
  project: z.object({ path: z.string(), file: z.string(), exists: z.boolean(), trusted: z.boolean() }).nullable(),
  servers: z.array(McpServerViewSchema.extend({ status: McpServerStatusSchema.nullable() })),
  /** Files that cannot be read, each naming file:line:column. */
  problems: z.array(z.string()),
});
export type McpView = z.infer<typeof McpViewSchema>;

/** Adds or edits a server of the global file. env/headers: a string sets a value, null removes it, a key left out keeps it. */
export const McpServerInputSchema = z.object({
  name: z.string().min(1).max(64),
  transport: TransportSchema,
  command: z.string().optional(),
  args: z.array(z.string()).optional(),
  cwd: z.string().optional(),
  url: z.string().optional(),
  env: z.record(z.string(), z.string().nullable()).optional(),
  headers: z.record(z.string(), z.string().nullable()).optional(),
  disabled: z.boolean().optional(),
});

const scope = z.object({ workspaceId: z.string().optional() });

export const mcpContract = {
  /** The configured servers; with a workspace, its project's servers too and each one's state there. */
  get: oc.input(scope).output(McpViewSchema),
  save: oc.input(McpServerInputSchema.extend(scope.shape)).output(McpViewSchema),
  remove: oc.input(z.object({ name: z.string() }).extend(scope.shape)).output(McpViewSchema),
  /** Starts the server once on its own and lists its tools. */
  test: oc
    .input(z.object({ name: z.string() }).extend(scope.shape))
    .output(z.discriminatedUnion("ok", [z.object({ ok: z.literal(true), tools: z.array(z.string()) }), z.object({ ok: z.literal(false), error: z.string() })])),
  /** Turns a server on or off for one workspace (kept in its state directory). */
  setEnabled: oc.input(z.object({ workspaceId: z.string(), name: z.string(), enabled: z.boolean() })).output(McpViewSchema),
  /** Trusts a project's own `.mux/mcp.jsonc` (its servers run programs from the repository). */
  trust: oc.input(z.object({ workspaceId: z.string(), trusted: z.boolean() })).output(McpViewSchema),
};
