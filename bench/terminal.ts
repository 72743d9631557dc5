/**
 * `npm run bench:terminal`: how a terminal feels, measured on the server's side of the socket
 * (a Node client that acknowledges output as it arrives, as the web app does once xterm drew it;
 * xterm's own drawing is not included).
 *
 *   keystroke → echo   one character sent as input until its echo arrives, in a real bash at its
 *                      prompt (`cat` reading the tty, so every key echoes): p50 / p95 / max over
 *                      --keys N keystrokes (default 300), one at a time.
 *   cat 20 MB          `cat` of a 20 MB text file until the marker printed after it arrives,
 *                      with the bytes received and the server's peak RSS (VmHWM).
 *
 * Targets: p95 echo < 20 ms, the 20 MB `cat` < 5 s, server RSS < 300 MB. Nothing here asserts
 * timing; --json prints the figures as one JSON object.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { makeRepo } from "../test/helpers/git.js";
import { tempDirs } from "../test/helpers/mux.js";
import { connect, startServer } from "../test/helpers/server.js";
import { attachTerminal } from "../test/helpers/terminal.js";
import { readPeakRss, wallNow } from "./measure.js";

const a = process.argv.slice(2);
const keys = a.includes("--keys") ? Number(a[a.indexOf("--keys") + 1]) : 300;
const json = a.includes("--json");
const MB = 1024 * 1024;

const percentile = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

const dirs = tempDirs();
const home = path.join(dirs.base, "home");
fs.mkdirSync(home);
const repo = makeRepo(path.join(dirs.base, "repo"));
// 20 MB of text lines (80 columns), so the terminal does the work a real log would give it.
const big = path.join(dirs.base, "big.txt");
const line = `${"0123456789".repeat(7)}abcdefghi\n`;
fs.writeFileSync(big, line.repeat(Math.ceil((20 * MB) / line.length)).slice(0, 20 * MB));

const server = await startServer({ muxRoot: dirs.muxRoot, env: { SHELL: "/bin/bash", HOME: home } });
const conn = await connect(server);
try {
  const ws = await conn.api.workspaces.create({ projectPath: repo, name: "bench" });
  const t = await conn.api.terminal.create({ workspaceId: ws.id, cols: 120, rows: 40 });
  const term = await attachTerminal(server, t.id);
  term.send("echo ready-$((1+1))\r");
  await term.waitForText("ready-2");

  // Keystrokes: `cat` echoes each key as the tty's line discipline does at a prompt.
  term.send("stty -icanon; cat >/dev/null\r");
  await new Promise((r) => setTimeout(r, 300));
  const echo: number[] = [];
  for (let i = 0; i < keys; i++) {
    const before = term.bytes();
    const t0 = wallNow();
    term.send(String.fromCharCode(97 + (i % 26)));
    while (term.bytes() === before) await new Promise((r) => setImmediate(r));
    echo.push(wallNow() - t0);
  }
  term.send("\x03");
  await term.retypeUntil("stty sane; echo back-$((2+3))\r", "back-5");

  const startBytes = term.bytes();
  const t0 = wallNow();
  term.send(`cat ${big}; echo cat-done-$((3+4))\r`);
  await term.waitForText("cat-done-7", 120_000);
  const catMs = wallNow() - t0;
  const rss = readPeakRss(server.child.pid!);
  const result = {
    keystrokes: keys,
    echoP50Ms: +percentile(echo, 50).toFixed(2),
    echoP95Ms: +percentile(echo, 95).toFixed(2),
    echoMaxMs: +Math.max(...echo).toFixed(2),
    cat20MbMs: Math.round(catMs),
    catBytesReceived: term.bytes() - startBytes,
    serverPeakRssMb: rss === undefined ? null : Math.round(rss / MB),
  };
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`keystroke → echo (${keys} keys): p50 ${result.echoP50Ms} ms, p95 ${result.echoP95Ms} ms, max ${result.echoMaxMs} ms (target p95 < 20 ms)`);
    console.log(`cat 20 MB: ${result.cat20MbMs} ms, ${(result.catBytesReceived / MB).toFixed(1)} MB received (target < 5 s)`);
    console.log(`server peak RSS: ${result.serverPeakRssMb ?? "?"} MB (target < 300 MB)`);
  }
  term.close();
} finally {
  conn.close();
  await server.stop();
  dirs.cleanup();
}
