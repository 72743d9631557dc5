import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { testServer } from "./testTools.mjs";

export interface TestHttpMcp {
  url: string;
  /** The Authorization headers requests came with. */
  seenAuth: (string | undefined)[];
  close(): Promise<void>;
}

/**
 * A real MCP server over Streamable HTTP on 127.0.0.1 (the SDK's own server transport, stateless:
 * a server per request). With `token`, requests without `Authorization: Bearer <token>` get 401.
 */
export async function startHttpMcp(token?: string): Promise<TestHttpMcp> {
  const seenAuth: (string | undefined)[] = [];
  const server = http.createServer(async (req, res) => {
    seenAuth.push(req.headers.authorization);
    if (token && req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401).end("unauthorized");
      return;
    }
    const mcp = testServer("http");
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    seenAuth,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
