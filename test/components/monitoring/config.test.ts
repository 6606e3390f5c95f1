import { describe, expect, it } from "vitest";
import { prometheusBytesValue } from "../../../stacks/schema/monitoring";
import { edited, problemsOf } from "../../stacks/fixtures";

const P = "app-platform:";
/** Deep merge of plain objects (arrays and scalars replace): an edit keeps the base stack's other monitoring keys. */
const merge = (a: any, b: any): any =>
  a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b) ? Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, k in b ? merge(a[k], b[k]) : a[k]])) : b;
const mon = (env: "dev" | "production", monitoring: unknown) => problemsOf(edited(env, (v) => (v.monitoring = merge(v.monitoring ?? {}, monitoring))));

describe("monitoring config rules", () => {
  it("the base stacks have no monitoring problem", () => {
    expect(mon("dev", {})).toEqual([]);
    expect(mon("production", {})).toEqual([]);
  });
  it("retentionSize is a Prometheus size, not a Kubernetes quantity", () => {
    expect(mon("dev", { prometheus: { retentionSize: "4Gi" } })).toEqual([`${P}monitoring.prometheus.retentionSize ("4Gi") must be a Prometheus byte size such as "40GB" or "512MB"`]);
  });
  it("retentionSize must leave 15% of the volume free (GB are 2^30 bytes: 5GB is 100% of 5Gi, 4GB 80%)", () => {
    expect(mon("dev", { prometheus: { retentionSize: "5GB", storage: { size: "5Gi" } } })).toEqual([
      `${P}monitoring.prometheus.retentionSize ("5GB") must be at most 85% of monitoring.prometheus.storage.size (5Gi), i.e. <= 4GB (Prometheus counts GB in powers of two): the WAL and compaction need the rest, or Prometheus stops when the volume fills`,
    ]);
    expect(mon("dev", { prometheus: { retentionSize: "4GB", storage: { size: "5Gi" } } })).toEqual([]);
  });
  it("prometheusBytesValue reads Prometheus' base-2 units", () => {
    expect(prometheusBytesValue("4GB")).toBe(4 * 1024 ** 3);
    expect(prometheusBytesValue("512MiB")).toBe(512 * 1024 ** 2);
    expect(() => prometheusBytesValue("4Gi")).toThrow("not a Prometheus byte size: 4Gi");
  });
  it("remote write: unique names, https outside dev, SigV4 for AMP, one IRSA role", () => {
    const amp = "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write";
    expect(
      mon("production", {
        prometheus: {
          remoteWrite: [
            { name: "a", url: "http://thanos.example.com/api/v1/receive" },
            { name: "a", url: amp },
            { name: "c", url: amp, sigv4Region: "eu-west-1", sigv4RoleArn: "arn:aws:iam::111122223333:role/one" },
            { name: "d", url: amp, sigv4Region: "eu-west-1", sigv4RoleArn: "arn:aws:iam::111122223333:role/two" },
            { name: "e", url: "https://mimir.example.com/push", sigv4RoleArn: "arn:aws:iam::111122223333:role/one" },
          ],
        },
      }),
    ).toEqual([
      `${P}monitoring.prometheus.remoteWrite[0].url ("http://thanos.example.com/api/v1/receive") must use https in production: samples carry every label of every series`,
      `${P}monitoring.prometheus.remoteWrite[1].name ("a") duplicates remoteWrite[0].name: names label the queues and must be unique`,
      `${P}monitoring.prometheus.remoteWrite[1].sigv4Region (unset) is required for Amazon Managed Prometheus: AMP accepts only SigV4-signed writes; set the workspace's region, e.g. "eu-west-1"`,
      `${P}monitoring.prometheus.remoteWrite[3].sigv4RoleArn ("arn:aws:iam::111122223333:role/two") differs from remoteWrite[2].sigv4RoleArn (arn:aws:iam::111122223333:role/one): Prometheus' service account can assume one IRSA role; use the same role for every AMP target`,
      `${P}monitoring.prometheus.remoteWrite[4].sigv4RoleArn ("arn:aws:iam::111122223333:role/one") needs sigv4Region: the role is only used to sign SigV4 requests`,
    ]);
  });
  it("remote write field formats", () => {
    expect(mon("dev", { prometheus: { remoteWrite: [{ name: "x", url: "https://a.example.com", sigv4Region: "Ireland", sigv4RoleArn: "role/x" }] } })).toEqual([
      `${P}monitoring.prometheus.remoteWrite[0].sigv4Region ("Ireland") must be an AWS region such as "eu-west-1"`,
      `${P}monitoring.prometheus.remoteWrite[0].sigv4RoleArn ("role/x") must be an IAM role ARN`,
    ]);
  });
  it("probes: unique names, https for the TLS module", () => {
    expect(
      mon("dev", {
        probes: [
          { name: "site", url: "http://example.com/", module: "http_2xx_tls" },
          { name: "site", url: "https://example.com/" },
        ],
      }),
    ).toEqual([
      `${P}monitoring.probes[0].url ("http://example.com/") must be an https URL for module "http_2xx_tls", or use module "http_2xx"`,
      `${P}monitoring.probes[1].name ("site") duplicates probes[0].name: probe names must be unique`,
    ]);
  });
});
