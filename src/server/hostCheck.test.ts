import { describe, expect, it } from "vitest";
import { allowedHostsFrom, HostCheck, hostnameOf, hostRefusal } from "./hostCheck.js";

describe("HostCheck (DNS rebinding, --no-auth)", () => {
  const none = new HostCheck([]);

  it("serves loopback names and addresses, with or without a port", () => {
    for (const host of ["localhost", "localhost:3000", "LOCALHOST:3000", "mux.localhost:3000", "127.0.0.1:3000", "127.8.9.10", "[::1]:3000", "[::1]"]) {
      expect(none.allows(host), host).toBe(true);
    }
  });

  it("refuses any other name, including ones that resolve to 127.0.0.1 and look-alikes", () => {
    for (const host of [
      "evil.example:3000",
      "127.0.0.1.nip.io",
      "localhost.evil.example",
      "evillocalhost",
      "192.168.1.5:3000",
      "0.0.0.0",
      "[::]",
      "",
      "a b",
      undefined,
    ]) {
      expect(none.allows(host), String(host)).toBe(false);
    }
  });

  it("serves names allowed by flag or environment; a leading dot or *. allows subdomains", () => {
    const hosts = allowedHostsFrom(["Box.LAN", "*.proxy.example"], { MUX_SERVER_ALLOWED_HOSTS: " 192.168.1.5 , .corp.example" });
    expect(hosts).toEqual(["box.lan", "*.proxy.example", "192.168.1.5", ".corp.example"]);
    const check = new HostCheck(hosts);
    for (const host of ["box.lan:3000", "a.proxy.example", "192.168.1.5:3000", "x.y.corp.example"]) expect(check.allows(host), host).toBe(true);
    for (const host of ["other.lan", "proxy.example.evil", "notproxy.example"]) expect(check.allows(host), host).toBe(false);
  });

  it("names the refused host and the flag that allows it", () => {
    expect(hostnameOf("Evil.Example:80")).toBe("evil.example");
    expect(hostRefusal("evil.example:3000")).toContain('Host "evil.example"');
    expect(hostRefusal("evil.example:3000")).toContain("--allowed-host evil.example");
    expect(hostRefusal("<script>")).not.toContain("<script>");
  });
});
