import { describe, expect, it } from "vitest";
import { matchSlashCommands, parseSlashCommand, SLASH_COMMANDS } from "./slashCommands.js";

const command = (text: string) => {
  const parsed = parseSlashCommand(text);
  return parsed.kind === "command" ? parsed.command : parsed;
};

describe("parseSlashCommand", () => {
  it("reads every command with its arguments", () => {
    expect(command("/compact")).toEqual({ name: "compact" });
    expect(command("  /compact  the auth refactor\nand tests ")).toEqual({ name: "compact", focus: "the auth refactor\nand tests" });
    expect(command("/clear")).toEqual({ name: "clear" });
    expect(command("/model sonnet")).toEqual({ name: "model", model: "sonnet" });
    expect(command("/model openai:gpt-5 fix the\nbug")).toEqual({ name: "model", model: "openai:gpt-5", message: "fix the\nbug" });
    expect(command("/plan")).toEqual({ name: "plan" });
    expect(command("/plan fix the bug")).toEqual({ name: "plan", message: "fix the bug" });
    expect(command("/exec\ngo ahead")).toEqual({ name: "exec", message: "go ahead" });
    expect(command("/fork")).toEqual({ name: "fork" });
    expect(command("/fork try-b")).toEqual({ name: "fork", workspaceName: "try-b" });
    expect(command("/new scratch")).toEqual({ name: "new", workspaceName: "scratch" });
    expect(command("/cost")).toEqual({ name: "cost" });
  });

  it("refuses unknown command words and known ones used wrongly, saying why", () => {
    const foo = parseSlashCommand("/foo");
    expect(foo).toMatchObject({ kind: "refused", name: "foo" });
    expect(foo.kind === "refused" && foo.message).toMatch(/^Unknown command \/foo — try \/compact, \/clear, \/model/);
    expect(parseSlashCommand("/tmp is full")).toMatchObject({ kind: "refused", name: "tmp" });
    expect(parseSlashCommand("/compacting")).toMatchObject({ kind: "refused", name: "compacting" });
    expect(parseSlashCommand("/model")).toMatchObject({ kind: "refused", message: expect.stringMatching(/needs a model/) });
    expect(parseSlashCommand("/clear the cache please")).toMatchObject({ kind: "refused", message: "/clear takes nothing after it" });
    expect(parseSlashCommand("/cost now")).toMatchObject({ kind: "refused" });
    expect(parseSlashCommand("/fork two words")).toMatchObject({ kind: "refused", message: expect.stringMatching(/one workspace name/) });
  });

  it("leaves paths, capitals, text in the middle and other messages alone", () => {
    for (const text of ["/usr/bin is weird", "/Compact", "please /compact", "compact", "/ compact", "/", "/3d printing", "hello"]) {
      expect(parseSlashCommand(text), text).toEqual({ kind: "message", text });
    }
  });

  it("sends text starting with // as text starting with /", () => {
    expect(parseSlashCommand("//tmp is full")).toEqual({ kind: "message", text: "/tmp is full" });
  });
});

describe("matchSlashCommands", () => {
  it("offers the commands a draft of one /word could become, prefix matches first", () => {
    expect(matchSlashCommands("/")?.map((c) => c.name)).toEqual(SLASH_COMMANDS.map((c) => c.name));
    expect(matchSlashCommands("/c")?.map((c) => c.name)).toEqual(["compact", "clear", "cost", "exec"]);
    expect(matchSlashCommands("/mo")?.map((c) => c.name)).toEqual(["model"]);
    expect(matchSlashCommands("/zzz")).toEqual([]);
  });

  it("offers nothing once the draft is more than a command word", () => {
    expect(matchSlashCommands("/model ")).toBeUndefined();
    expect(matchSlashCommands("hello /c")).toBeUndefined();
    expect(matchSlashCommands("/usr/")).toBeUndefined();
  });
});
