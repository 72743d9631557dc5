// Shapes from the shared contract, type-only (nothing server-side reaches the bundle).
import type { z } from "zod";
import type {
  CostSummary,
  ProjectSchema,
  ProviderUpdate,
  ProviderView,
  ProvidersViewSchema,
  RuntimeChoiceSchema,
  WorkspaceListEvent,
  WorkspaceSummary,
} from "../../../src/api/schemas.js";

export type { CostSummary, ProviderUpdate, ProviderView, WorkspaceListEvent, WorkspaceSummary };
export type Project = z.infer<typeof ProjectSchema>;
export type ProvidersView = z.infer<typeof ProvidersViewSchema>;
export type ActivityState = WorkspaceSummary["activity"]["state"];
export type RuntimeChoice = z.infer<typeof RuntimeChoiceSchema>;
