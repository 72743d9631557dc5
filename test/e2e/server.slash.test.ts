import * as path from "node:path";
import { expect, it } from "vitest";
import { makeRepo } from "../helpers/git.js";
import { isAssistantMessage, readUntil } from "../helpers/server.js";
import { serverSuite } from "../helpers/serverSuite.js";

/** Slash commands sent over the API of a real `mux server`: the hub refuses, the session core runs them. */

const KEY = "sk-ant-server-slash-0123456789abcdef";

const s = serverSuite(KEY, { resetEach: false });

it("an unknown command is refused by send; /model and /new change the workspace list; the next turn uses the model picked", async () => {
  const repo = makeRepo(path.join(s.dirs.base, "repo"));
  const ws = await s.api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: "main" });
  await expect(s.api.chat.send({ workspaceId: ws.id, text: "/foo" })).rejects.toThrow(/Unknown command \/foo — try \/compact/);

  const stream = await s.api.chat.subscribe({ workspaceId: ws.id });
  await readUntil(stream, (i) => i.type === "caught-up");
  const answer = async (text: string) => {
    await s.api.chat.send({ workspaceId: ws.id, text });
    const items = await readUntil(stream, isAssistantMessage);
    const command = items.find((i) => i.type === "event" && i.event.type === "command");
    return command?.type === "event" && command.event.type === "command" ? command.event : undefined;
  };
  expect(await answer("/model haiku")).toMatchObject({ model: "anthropic:claude-haiku-4-5" });
  expect(await answer("/new side")).toMatchObject({ name: "new", workspace: { name: "side" } });
  const list = await s.api.workspaces.list();
  const side = list.find((w) => w.name === "side");
  expect(side?.runtime.type).toBe("local");
  expect(list.find((w) => w.id === ws.id)?.settings.model).toBe("anthropic:claude-haiku-4-5");
  expect(s.fake.requests).toHaveLength(0);

  s.fake.enqueue({ text: "Hi from haiku." });
  await s.api.chat.send({ workspaceId: ws.id, text: "hello" });
  await readUntil(stream, isAssistantMessage);
  expect(s.fake.requests[0].body.model).toBe("claude-haiku-4-5");
  await stream.return?.();
});
