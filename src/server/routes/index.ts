import { agents } from "./agents.js";
import { api } from "./base.js";
import { chat } from "./chat.js";
import { compare } from "./compare.js";
import { editor } from "./editor.js";
import { runtimes } from "./runtimes.js";
import { overlap } from "./overlap.js";
import { land } from "./land.js";
import { mcp } from "./mcp.js";
import { projects } from "./projects.js";
import { providers } from "./providers.js";
import { review } from "./review.js";
import { server } from "./server.js";
import { terminal } from "./terminal.js";
import { workspaces } from "./workspaces.js";

/** The whole contract, implemented; the type checker holds it to the contract exactly. */
export const router = api.router({ projects, workspaces, chat, providers, server, overlap, compare, land, review, terminal, editor, runtimes, agents, mcp });
