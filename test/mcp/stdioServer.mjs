// A real MCP server over stdio for the tests: `node stdioServer.mjs [name]`.
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { testServer } from "./testTools.mjs";

const server = testServer(process.argv[2] ?? "stdio");
if (process.env.TEST_MCP_SECRET) process.stderr.write("started with a secret in its environment\n");
await server.connect(new StdioServerTransport());
