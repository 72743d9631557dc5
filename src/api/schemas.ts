import { z } from "zod";
import { AgentEventSchema, type CostSummary, CostSummarySchema, ModeSchema, PartialCostFields, ThinkingLevelSchema } from "../agent/events.js";
import { ChatMessageSchema } from "../agent/messages.js";
import { AnswersSchema } from "../agent/questions.js";
import { ImageAttachmentsSchema } from "./images.js";
import { ProjectSchema, WorkspaceSchema, WorkspaceSettingsSchema } from "../workspace/schemas.js";
import { CODER_DELETE_ACTIONS, CODER_STATUSES } from "../runtime/coderStatuses.js";
import { OverlapBadgeSchema } from "./overlap.js";

/**
 * The browser↔server contract's data shapes. Both sides import these; every input is validated
 * with them where it crosses the wire. No server-only module may be imported from here.
 */

export { AgentEventSchema, ChatMessageSchema, ProjectSchema, WorkspaceSchema, WorkspaceSettingsSchema };

export const RuntimeChoiceSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("local") }),
  z.object({ type: z.literal("worktree") }),
  z.object({ type: z.literal("ssh"), host: z.string().min(1) }),
  /** No image: the project's .mux/docker.json names it. */
  z.object({ type: z.literal("docker"), image: z.string().min(1).optional() }),
  /** configPath relative to the project; .devcontainer/devcontainer.json by default. */
  z.object({ type: z.literal("devcontainer"), configPath: z.string().min(1).optional() }),
  /** A new Coder workspace from `template`, or the existing Coder workspace `workspace` (exactly one). */
  z.object({
    type: z.literal("coder"),
    template: z.string().min(1).optional(),
    workspace: z.string().min(1).optional(),
    org: z.string().min(1).optional(),
    preset: z.string().min(1).optional(),
    parameters: z.record(z.string().regex(/^[^=\s]+$/, "a parameter name"), z.string()).optional(),
  }),
]);

/** A Coder workspace's latest build as `coder list` reports it; "missing": not listed (deleted elsewhere). */
export const CoderStatusSchema = z.enum([...CODER_STATUSES, "missing"]);

/** What becomes of a Coder workspace when the Mux workspace in it is deleted. */
export const CoderDeleteActionSchema = z.enum(CODER_DELETE_ACTIONS);

/** The user's Coder workspaces, for the new-workspace dialog (error: why they could not be listed). */
export const CoderListSchema = z.object({
  workspaces: z.array(z.object({ name: z.string(), template: z.string(), status: CoderStatusSchema })),
  error: z.string().optional(),
});

export const GitStatusSchema = z.object({
  branch: z.string().nullable(),
  detached: z.boolean(),
  headSha: z.string().nullable(),
  ahead: z.number(),
  behind: z.number(),
  dirtyFiles: z.number(),
  linesAdded: z.number(),
  linesRemoved: z.number(),
  base: z.string(),
  missing: z.boolean().optional(),
  error: z.string().optional(),
  updatedAt: z.number(),
});
export type GitStatusView = z.infer<typeof GitStatusSchema>;

/** What the sidebar shows per workspace, live. */
export const ActivitySchema = z.object({
  /** needs-input: the turn waits for the answer to the agent's question, or it ended with a plan awaiting approval. */
  state: z.enum(["idle", "starting", "streaming", "error", "needs-input"]),
  /** Messages typed while the agent worked, sent after the turn. */
  queued: z.array(z.string()),
  /** A turn finished since the user last looked at this workspace. */
  unread: z.boolean(),
  lastActivityAt: z.number().nullable(),
  error: z.string().optional(),
  /** Set while another Mux process runs the agent here (`mux run --workspace`): which one. */
  elsewhere: z.string().optional(),
});
export type Activity = z.infer<typeof ActivitySchema>;

export { CostSummarySchema, PartialCostFields };
export type { CostSummary };

export const WorkspaceSummarySchema = WorkspaceSchema.extend({
  health: z.enum(["ok", "missing-worktree", "missing-branch", "missing-project", "unsupported-runtime"]),
  activity: ActivitySchema,
  git: GitStatusSchema.nullable(),
  /** Other workspaces changing the same files, conflicts among them and with the base (null: none). */
  overlap: OverlapBadgeSchema.nullable().optional(),
  /** Its Coder workspace's status as last listed (absent: not in a Coder workspace, or not listed yet). */
  coderStatus: CoderStatusSchema.nullable().optional(),
  /** This workspace's own cost (a fork's copied history is its parent's). */
  ...PartialCostFields,
});
export type WorkspaceSummary = z.infer<typeof WorkspaceSummarySchema>;

export const WorkspaceListEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("snapshot"),
    projects: z.array(ProjectSchema),
    workspaces: z.array(WorkspaceSummarySchema),
  }),
  z.object({ type: z.literal("projects"), projects: z.array(ProjectSchema) }),
  z.object({ type: z.literal("workspace"), workspace: WorkspaceSummarySchema }),
  z.object({ type: z.literal("removed"), id: z.string() }),
]);
export type WorkspaceListEvent = z.infer<typeof WorkspaceListEventSchema>;

/** One item of a workspace's chat subscription. `seq` is the cursor to resume from. */
export const ChatItemSchema = z.discriminatedUnion("type", [
  /** Sent first (and after a cursor too old to replay): the newest page plus the live message. */
  z.object({
    type: z.literal("snapshot"),
    seq: z.number(),
    messages: z.array(ChatMessageSchema),
    /** Older messages exist: page them in with chat.history. */
    hasMore: z.boolean(),
    /** The assistant message being streamed right now, as far as it got. */
    streaming: ChatMessageSchema.nullable(),
    totalMessages: z.number(),
    /** The workspace's init hook (init-start, its output, init-end when done), when it has run. */
    init: z.array(AgentEventSchema).optional(),
  }),
  /** Everything missed has been delivered; what follows is live. */
  z.object({ type: z.literal("caught-up"), seq: z.number() }),
  z.object({ type: z.literal("event"), seq: z.number(), event: AgentEventSchema }),
  /** A finished message (the user's, or the assistant's at the end of a turn). */
  z.object({ type: z.literal("message"), seq: z.number(), message: ChatMessageSchema }),
]);
export type ChatItem = z.infer<typeof ChatItemSchema>;

export const SourceSchema = z.object({
  kind: z.enum(["file", "env", "default", "unset"]),
  /** Human description: "environment variable OPENAI_API_KEY", "~/.mux/providers.jsonc (apiKey)". */
  label: z.string(),
});

/** A provider as Settings → Providers shows it. Keys are masked; the full key never leaves the server. */
export const ProviderViewSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  type: z.string(),
  custom: z.boolean(),
  apiKey: z.object({ masked: z.string().nullable(), source: SourceSchema }),
  baseUrl: z.object({ value: z.string(), configured: z.string().nullable(), source: SourceSchema }),
  wireFormat: z.enum(["responses", "chatCompletions"]).optional(),
  keyEnv: z.array(z.string()),
  baseUrlEnv: z.array(z.string()),
  models: z.array(z.string()),
  /** Has what it needs: a key, or (providers that need none) a server answering at the base URL. */
  ready: z.boolean(),
  /** Ollama and OpenAI-compatible servers: whether anything answered at the base URL just now. */
  reachable: z.object({ url: z.string(), ok: z.boolean(), error: z.string().optional() }).optional(),
});
export type ProviderView = z.infer<typeof ProviderViewSchema>;

export const ProvidersViewSchema = z.object({
  file: z.string(),
  /** A syntax or schema problem in providers.jsonc, with file:line:column; the app keeps running. */
  error: z.string().nullable(),
  providers: z.array(ProviderViewSchema),
});

/**
 * A change to one provider's settings. `null` clears a field (falls back to the environment);
 * an omitted field is left as it is.
 */
export const ProviderUpdateSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
  apiKey: z.string().min(1).nullable().optional(),
  baseUrl: z.string().url().nullable().optional(),
  wireFormat: z.enum(["responses", "chatCompletions"]).nullable().optional(),
  /** Custom providers only. */
  displayName: z.string().nullable().optional(),
  models: z.array(z.string()).nullable().optional(),
  /** Creates a custom OpenAI-compatible provider when the id is new. */
  providerType: z.literal("openai-compatible").optional(),
});
export type ProviderUpdate = z.infer<typeof ProviderUpdateSchema>;

export const ModelOptionSchema = z.object({
  /** `provider:model-id` */
  id: z.string(),
  provider: z.string(),
  aliases: z.array(z.string()),
  contextWindow: z.number().nullable(),
  priced: z.boolean(),
  /** What it accepts of an image (the composer scales larger ones down); null: it takes none. */
  images: z.object({ maxBytes: z.number(), maxEdge: z.number() }).nullable(),
  /** The provider has what it needs (a key, or none required). */
  ready: z.boolean(),
});

/** What the model picker offers, and what answers when a workspace has no model of its own. */
export const ModelChoicesSchema = z.object({
  models: z.array(ModelOptionSchema),
  /** The model a turn uses when none was picked (it follows which providers have keys). */
  defaultModel: z.string(),
  /** At least one provider is set up (a key, or a keyless provider configured): false on a fresh install. */
  configured: z.boolean(),
});

/** The user's answers to the question the agent is waiting on (see src/agent/questions.ts). */
export const AnswerQuestionSchema = z.object({ workspaceId: z.string(), toolCallId: z.string(), answers: AnswersSchema });

/** A workspace's proposed plan as its file has it (the user may have edited it); content null: no plan yet. */
export const PlanFileSchema = z.object({ path: z.string(), content: z.string().nullable() });

export const SendMessageSchema = z
  .object({
    workspaceId: z.string(),
    /** May be empty when images are attached. */
    text: z.string(),
    images: ImageAttachmentsSchema.optional(),
    model: z.string().optional(),
    mode: ModeSchema.optional(),
    agent: WorkspaceSettingsSchema.shape.agent,
    thinking: ThinkingLevelSchema.optional(),
  })
  .refine((m) => m.text.length > 0 || (m.images?.length ?? 0) > 0, { error: "a message needs text or an image", path: ["text"] });

/** What the web app may want to know about the server it talks to. */
export const ServerInfoSchema = z.object({
  /**
   * The SSH name of the server's machine (`mux server --ssh-host`, else $MUX_SSH_HOST), for
   * editor links that open a workspace over SSH (as the original Mux's do); null when not given.
   */
  sshHost: z.string().nullable(),
  /**
   * The Coder deployment this server runs inside (a Coder workspace's agent names it in
   * CODER_AGENT_URL), for Settings' "Use AI Bridge"; null elsewhere.
   */
  coderUrl: z.string().nullable(),
});
export type ServerInfo = z.infer<typeof ServerInfoSchema>;
