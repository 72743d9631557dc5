import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { assignDirNames, projectDirName } from "./projectDirs.js";
import type { Project } from "./schemas.js";

const project = (p: string, dirName?: string): Project => ({ path: p, name: p.split("/").at(-1)!, addedAt: 1, ...(dirName ? { dirName } : {}) });
const hashed = (p: string) => `app-${createHash("sha256").update(p).digest("hex").slice(0, 6)}`;

describe("project directories", () => {
  it("the first project with a name keeps it; a later one with the same name gets the name plus a hash of its path", () => {
    const projects = [project("/home/me/work/app"), project("/home/me/personal/app"), project("/home/me/tool")];
    assignDirNames(projects);
    expect(projects.map(projectDirName)).toEqual(["app", hashed("/home/me/personal/app"), "tool"]);
  });

  it("a chosen directory never changes, even when the project that had the plain name is gone", () => {
    const projects = [project("/w/app"), project("/p/app")];
    assignDirNames(projects);
    const second = projects[1];
    const rest = [second];
    assignDirNames(rest);
    expect(projectDirName(second)).toBe(hashed("/p/app"));
    // A project added after that may take the plain name again.
    const later = [...rest, project("/x/app")];
    assignDirNames(later);
    expect(projectDirName(later[1])).toBe("app");
  });

  it("projects registered before directories were chosen: the earliest keeps the plain name", () => {
    const projects = [project("/w/app"), project("/p/app")];
    assignDirNames(projects);
    expect(projects.map(projectDirName)).toEqual(["app", hashed("/p/app")]);
  });

  it("a record without a directory reads as its plain name (the layout of earlier versions)", () => {
    expect(projectDirName(project("/w/app"))).toBe("app");
  });
});
