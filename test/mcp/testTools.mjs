// The tools of the MCP servers the tests start (over stdio and over Streamable HTTP), written
// with the official SDK: a real server, not a mock of the protocol.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

/** A new server with the test tools; `name` tells which transport answered. */
export function testServer(name) {
  const server = new McpServer({ name, version: "1.0.0" });
  server.registerTool(
    "echo",
    { description: "Says the text back", inputSchema: { text: z.string() }, annotations: { readOnlyHint: true } },
    async ({ text }) => ({ content: [{ type: "text", text: `${name} echo: ${text}` }] }),
  );
  server.registerTool("pid", { description: "The server's process id" }, async () => ({ content: [{ type: "text", text: String(process.pid) }] }));
  server.registerTool("where", { description: "The server's working directory and its TEST_MCP_NOTE" }, async () => ({
    content: [{ type: "text", text: `cwd=${process.cwd()} note=${process.env.TEST_MCP_NOTE ?? ""}` }],
  }));
  server.registerTool("fail", { description: "Always fails" }, async () => ({
    content: [{ type: "text", text: "the tool failed on purpose" }],
    isError: true,
  }));
  server.registerTool("big", { description: "A long answer" }, async () => ({
    content: [{ type: "text", text: Array.from({ length: 2000 }, (_, i) => `line ${i} ${"x".repeat(40)}`).join("\n") }],
  }));
  server.registerTool("crash", { description: "Ends the server's process" }, async () => {
    setImmediate(() => process.exit(3));
    return new Promise(() => {});
  });
  return server;
}
