import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { ProviderView } from "../api/schemas.js";
import { probeUrl, withReachability } from "./probe.js";

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A real local HTTP server; `answer` false makes it accept the request and never reply. */
async function server(answer = true): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const s = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (answer) res.writeHead(404).end("not found");
  });
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  servers.push(s);
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/api`, requests };
}

const provider = (over: Partial<ProviderView>): ProviderView => ({
  id: "ollama",
  displayName: "Ollama",
  type: "ollama",
  custom: false,
  apiKey: { masked: null, source: { kind: "unset", label: "not set" } },
  baseUrl: { value: "http://127.0.0.1:1/api", configured: null, source: { kind: "default", label: "default" } },
  keyEnv: [],
  baseUrlEnv: ["OLLAMA_HOST"],
  models: [],
  ready: true,
  ...over,
});

describe("probeUrl", () => {
  it("any HTTP answer means reachable, and the probe is one GET of the base URL", async () => {
    const s = await server();
    expect(await probeUrl(s.url)).toEqual({ ok: true });
    expect(s.requests).toEqual(["GET /api"]);
  });

  it("a refused connection is not reachable, saying why", async () => {
    const s = await server();
    const url = s.url;
    await new Promise((r) => servers.pop()!.close(r));
    expect(await probeUrl(url)).toEqual({ ok: false, error: "ECONNREFUSED" });
  });

  it("a server that never answers is not reachable once the timeout passes", async () => {
    const s = await server(false);
    expect(await probeUrl(s.url, 200)).toEqual({ ok: false, error: "no answer within 0.2 s" });
  });
});

describe("withReachability", () => {
  it("probes Ollama and custom servers only, and a silent one is not ready", async () => {
    const probed: string[] = [];
    const view = await withReachability(
      {
        file: "x",
        error: null,
        providers: [
          provider({}),
          provider({ id: "anthropic", type: "anthropic", keyEnv: ["ANTHROPIC_API_KEY"], ready: false }),
          provider({
            id: "vllm",
            type: "openai-compatible",
            custom: true,
            baseUrl: { value: "http://gpu:8000/v1", configured: null, source: { kind: "file", label: "f" } },
          }),
        ],
      },
      async (url) => {
        probed.push(url);
        return url.includes("gpu") ? { ok: true } : { ok: false, error: "ECONNREFUSED" };
      },
    );
    expect(probed.sort()).toEqual(["http://127.0.0.1:1/api", "http://gpu:8000/v1"]);
    expect(view.providers.map((p) => [p.id, p.ready])).toEqual([
      ["ollama", false],
      ["anthropic", false],
      ["vllm", true],
    ]);
    expect(view.providers[0].reachable).toEqual({ url: "http://127.0.0.1:1/api", ok: false, error: "ECONNREFUSED" });
  });
});
