import { eventIterator, oc } from "@orpc/contract";
import { z } from "zod";
import { agentsContract } from "./agents.js";
import { compareContract } from "./compare.js";
import { editorContract } from "./editor.js";
import { overlapContract } from "./overlap.js";
import { landContract } from "./land.js";
import { mcpContract } from "./mcp.js";
import { reviewContract } from "./review.js";
import { runtimesContract } from "./runtimes.js";
import { terminalContract } from "./terminal.js";
import {
  AnswerQuestionSchema,
  ChatItemSchema,
  ChatMessageSchema,
  CoderDeleteActionSchema,
  CoderListSchema,
  CostSummarySchema,
  GitStatusSchema,
  ModelChoicesSchema,
  PlanFileSchema,
  ProjectSchema,
  ProvidersViewSchema,
  ProviderUpdateSchema,
  RuntimeChoiceSchema,
  SendMessageSchema,
  ServerInfoSchema,
  WorkspaceListEventSchema,
  WorkspaceSchema,
  WorkspaceSettingsSchema,
  WorkspaceSummarySchema,
} from "./schemas.js";

const id = z.object({ workspaceId: z.string() });

/**
 * The one API between the browser and the server, carried over a single WebSocket. Types and
 * the client are derived from it, so the two sides cannot drift.
 */
export const contract = {
  projects: {
    list: oc.output(z.array(ProjectSchema)),
    add: oc.input(z.object({ path: z.string().min(1) })).output(ProjectSchema),
    remove: oc.input(z.object({ path: z.string() })).output(z.object({ ok: z.literal(true) })),
    branches: oc.input(z.object({ path: z.string() })).output(z.object({ trunk: z.string(), branches: z.array(z.string()) })),
  },
  workspaces: {
    list: oc.output(z.array(WorkspaceSummarySchema)),
    /** Snapshot, then every change (activity, git status, cost, create/rename/delete). */
    subscribe: oc.output(eventIterator(WorkspaceListEventSchema)),
    suggestName: oc.input(z.object({ projectPath: z.string() })).output(z.object({ name: z.string() })),
    create: oc
      .input(
        z.object({
          projectPath: z.string(),
          name: z.string().optional(),
          runtime: RuntimeChoiceSchema.default({ type: "worktree" }),
          base: z.string().optional(),
          /** Model, thinking level and mode it starts with (the web app passes the user's last choice). */
          settings: WorkspaceSettingsSchema.optional(),
        }),
      )
      .output(WorkspaceSchema),
    /** Saves the model, thinking level or mode picked for this workspace (omitted fields stay). */
    updateSettings: oc.input(id.extend({ settings: WorkspaceSettingsSchema })).output(z.object({ ok: z.literal(true) })),
    rename: oc.input(id.extend({ name: z.string().min(1) })).output(WorkspaceSchema),
    fork: oc.input(id.extend({ name: z.string().optional() })).output(WorkspaceSchema),
    /** coder: what becomes of the Coder workspace it is in (kept when absent). */
    delete: oc.input(id.extend({ force: z.boolean().optional(), coder: CoderDeleteActionSchema.optional() })).output(z.object({ ok: z.literal(true) })),
    /** The user's Coder workspaces (`coder list`), for attaching a new workspace to one. */
    coderList: oc.output(CoderListSchema),
    recreate: oc.input(id).output(WorkspaceSchema),
    /** The user looked at the workspace: clears its unread mark. */
    markRead: oc.input(id).output(z.object({ ok: z.literal(true) })),
    gitStatus: oc.input(id.extend({ refresh: z.boolean().optional() })).output(GitStatusSchema.nullable()),
    costs: oc.input(id).output(CostSummarySchema),
  },
  chat: {
    /**
     * Live chat of a workspace. Without a cursor: a snapshot, "caught-up", then live items. With
     * the `seq` of the last item seen: exactly the items missed, "caught-up", then live items.
     */
    subscribe: oc.input(id.extend({ cursor: z.number().optional() })).output(eventIterator(ChatItemSchema)),
    /** Older messages, newest last, for scrolling back through long chats. */
    history: oc
      .input(id.extend({ before: z.number().int().nonnegative(), limit: z.number().int().min(1).max(500).default(100) }))
      .output(z.object({ messages: z.array(ChatMessageSchema), start: z.number() })),
    send: oc.input(SendMessageSchema).output(z.object({ queued: z.boolean() })),
    /** Stops the running turn (Esc); what was produced is kept. */
    interrupt: oc.input(id).output(z.object({ ok: z.literal(true) })),
    /** Re-runs the last turn after an error, without a new user message. */
    retry: oc.input(id).output(z.object({ ok: z.literal(true) })),
    clearQueue: oc.input(id).output(z.object({ ok: z.literal(true) })),
    /** Answers the question the agent is waiting on (ask_user_question); the same turn goes on. */
    answer: oc.input(AnswerQuestionSchema).output(z.object({ ok: z.literal(true) })),
    /** The workspace's plan file (propose_plan writes it; the user may edit it). */
    plan: oc.input(id).output(PlanFileSchema),
    savePlan: oc.input(id.extend({ content: z.string().min(1) })).output(PlanFileSchema),
    /** Switches the workspace to exec and sends the plan file's content as the instruction. */
    startPlan: oc.input(id).output(z.object({ queued: z.boolean() })),
  },
  providers: {
    get: oc.output(ProvidersViewSchema),
    /** Writes providers.jsonc keeping the user's comments; applies without restart. */
    update: oc.input(ProviderUpdateSchema).output(ProvidersViewSchema),
    remove: oc.input(z.object({ id: z.string() })).output(ProvidersViewSchema),
    models: oc.output(ModelChoicesSchema),
  },
  server: {
    info: oc.output(ServerInfoSchema),
  },
  overlap: overlapContract,
  compare: compareContract,
  land: landContract,
  review: reviewContract,
  terminal: terminalContract,
  editor: editorContract,
  runtimes: runtimesContract,
  agents: agentsContract,
  mcp: mcpContract,
};

export type Contract = typeof contract;
