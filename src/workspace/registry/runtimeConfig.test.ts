import { describe, expect, it } from "vitest";
import { runtimeConfigFor, runtimeFromRaw } from "./runtimeConfig.js";

describe("a Coder workspace's record, shared with the original Mux", () => {
  it("is the original's SSH runtime with a coder part, both ways", () => {
    const runtime = {
      type: "ssh" as const,
      host: "mux-feat.coder",
      path: "/home/coder/mux/app/feat",
      coder: { workspaceName: "mux-feat", template: "docker-dev" },
    };
    const raw = runtimeConfigFor(runtime);
    expect(raw).toEqual({ type: "ssh", host: "mux-feat.coder", srcBaseDir: "/home/coder/mux", coder: { workspaceName: "mux-feat", template: "docker-dev" } });
    expect(runtimeFromRaw({ path: runtime.path, runtimeConfig: raw }, "/p/app", "feat")).toEqual(runtime);
  });

  it("keeps an attached workspace's mark and the template's preset and organization, and refuses one without a usable name", () => {
    const attached = {
      type: "ssh",
      host: "box.coder",
      srcBaseDir: "~/mux",
      coder: { workspaceName: "box", existingWorkspace: true, preset: "small", templateOrg: "eng", parameters: { region: 3 } },
    };
    expect(runtimeFromRaw({ path: "~/mux/app/w", runtimeConfig: attached }, "/p/app", "w")).toEqual({
      type: "ssh",
      host: "box.coder",
      path: "~/mux/app/w",
      // A parameter that is not text is not ours to pass on.
      coder: { workspaceName: "box", existingWorkspace: true, preset: "small", templateOrg: "eng" },
    });
    const nameless = { type: "ssh", host: "coder://", srcBaseDir: "~/mux", coder: {} };
    expect(runtimeFromRaw({ path: "~/mux/app/w", runtimeConfig: nameless }, "/p/app", "w")).toMatchObject({
      type: "unsupported",
      kind: "coder without a workspace name",
    });
  });
});
