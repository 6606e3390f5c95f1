// The backup and drill roles' IAM documents against the calls the committed scripts really make:
// both scripts run (Debian's Postgres 15 and aws CLI, s3rver) through a proxy that records every
// S3 request; each request is mapped to the IAM action and resource AWS authorizes it as (the
// Amazon S3 "Actions, resources and condition keys" reference: PUT object, CreateMultipartUpload,
// UploadPart and CompleteMultipartUpload are s3:PutObject, AbortMultipartUpload is its own
// action, GET/HEAD object s3:GetObject, ListObjectsV2 s3:ListBucket with the s3:prefix key), and
// to the KMS calls S3 makes for the caller on a bucket with SSE-KMS default encryption (S3 user
// guide, "Using server-side encryption with AWS KMS keys": kms:GenerateDataKey to upload,
// kms:Decrypt to download and to complete a multipart upload). The documents must allow each call
// and nothing the script does not call.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupRolePolicy } from "../../../components/backup/aws-policies";
import { ProcessGroup } from "../../../tools/harness/processes";
import { runScript, startFailingProxy, startPostgres, startS3, workDir, type SeenRequest, type TestPostgres, type TestS3 } from "../../../tools/harness/backup";

const BUCKET = "backups";
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const PREFIX = "postgres/app";
const KMS = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const S3_SECRET = `s3-secret-${Math.random().toString(36).slice(2)}`;
const OWNER_PASSWORD = `owner-${Math.random().toString(36).slice(2)}`;

/** One authorization request: action, resource, condition context. */
interface Call {
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string>;
}

/** The IAM calls one S3 REST request (path-style) is authorized as, KMS included. */
export function callsOf(r: SeenRequest): Call[] {
  const url = new URL(r.url, "http://x");
  const [, bucket, ...rest] = url.pathname.split("/");
  const key = decodeURIComponent(rest.join("/"));
  const q = url.searchParams;
  const object = `arn:aws:s3:::${bucket}/${key}`;
  const kms = (action: string): Call => ({ action, resource: KMS, context: {} });
  if (key === "") {
    // GET bucket (ListObjects/ListObjectsV2) and HEAD bucket are s3:ListBucket.
    return [{ action: "s3:ListBucket", resource: `arn:aws:s3:::${bucket}`, context: { "s3:prefix": q.get("prefix") ?? "" } }];
  }
  switch (r.method) {
    case "PUT":
      // PutObject, or UploadPart (partNumber + uploadId): both s3:PutObject; parts are encrypted too.
      return [{ action: "s3:PutObject", resource: object, context: {} }, kms("kms:GenerateDataKey")];
    case "POST":
      // CreateMultipartUpload (?uploads) or CompleteMultipartUpload (?uploadId): s3:PutObject.
      return q.has("uploads")
        ? [{ action: "s3:PutObject", resource: object, context: {} }, kms("kms:GenerateDataKey")]
        : [{ action: "s3:PutObject", resource: object, context: {} }, kms("kms:Decrypt")];
    case "DELETE":
      return q.has("uploadId") ? [{ action: "s3:AbortMultipartUpload", resource: object, context: {} }] : [{ action: "s3:DeleteObject", resource: object, context: {} }];
    case "GET":
      return [{ action: "s3:GetObject", resource: object, context: {} }, kms("kms:Decrypt")];
    case "HEAD":
      return [{ action: "s3:GetObject", resource: object, context: {} }];
    default:
      throw new Error(`unmapped S3 request ${r.method} ${r.url}`);
  }
}

const glob = (pattern: string, value: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`).test(value);
const list = (x: unknown): string[] => (Array.isArray(x) ? x : [x]) as string[];

/** IAM's evaluation for one identity policy: an explicit Deny wins, else an Allow is needed. */
export function allowed(policy: string, call: Call): boolean {
  const statements = JSON.parse(policy).Statement as any[];
  const matches = (s: any) =>
    list(s.Action).some((a) => glob(a, call.action)) &&
    list(s.Resource).some((res) => glob(res, call.resource)) &&
    Object.entries((s.Condition?.StringLike ?? {}) as Record<string, unknown>).every(([k, v]) => call.context[k] !== undefined && list(v).some((p) => glob(p, call.context[k])));
  if (statements.some((s) => s.Effect === "Deny" && matches(s))) return false;
  return statements.some((s) => s.Effect === "Allow" && matches(s));
}

const allowedActions = (policy: string) => new Set((JSON.parse(policy).Statement as any[]).filter((s) => s.Effect === "Allow").flatMap((s) => list(s.Action)));

const group = new ProcessGroup();
let pg: TestPostgres;
let s3: TestS3;
const seen: Record<"backup" | "drill", SeenRequest[]> = { backup: [], drill: [] };

function storeEnv(endpoint: string, work: string): Record<string, string> {
  return {
    BACKUP_BUCKET: BUCKET, BACKUP_PREFIX: PREFIX, BACKUP_S3_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: S3_SECRET, AWS_DEFAULT_REGION: "us-east-1",
    BACKUP_WORKDIR: work, HOME: work,
  };
}

beforeAll(async () => {
  [pg, s3] = await Promise.all([startPostgres(group), startS3(group, [BUCKET])]);
  pg.sql("postgres", `CREATE ROLE app LOGIN PASSWORD '${OWNER_PASSWORD}'`);
  pg.sql("postgres", "CREATE DATABASE app OWNER app");
  // Incompressible rows, so that the dump (> 8 MB after zstd) goes up as a multipart upload,
  // as production dumps do.
  pg.sql("app", "SET ROLE app; CREATE TABLE public.orders (id int PRIMARY KEY, a text, b text, c text)");
  pg.sql("app", "SET ROLE app; INSERT INTO public.orders SELECT i, md5(random()::text), md5(random()::text), md5(random()::text) FROM generate_series(1, 150000) i");
  const backupProxy = await startFailingProxy(s3, /^$/);
  const b = await runScript("backup.sh", {
    ...storeEnv(backupProxy.endpoint, workDir(group, "backup-work")),
    PGHOST: "127.0.0.1", PGPORT: String(pg.port), PGDATABASE: "app", PGUSER: "app", PGPASSWORD: OWNER_PASSWORD,
    BACKUP_VERIFY_TABLES: "public.orders",
  });
  await backupProxy.close();
  if (b.code !== 0) throw new Error(`backup.sh failed: ${b.stderr}`);
  seen.backup = backupProxy.seen;
  const drillProxy = await startFailingProxy(s3, /^$/);
  const d = await runScript("restore-drill.sh", { ...storeEnv(drillProxy.endpoint, workDir(group, "drill-work", "postgres")), DRILL_VERIFY_TABLES: "public.orders" }, "postgres");
  await drillProxy.close();
  if (d.code !== 0) throw new Error(`restore-drill.sh failed: ${d.stderr}`);
  seen.drill = drillProxy.seen;
}, 240_000);

afterAll(async () => {
  await s3?.close();
  await group.stopAll();
});

describe.each(["backup", "drill"] as const)("the %s role", (kind) => {
  const policy = backupRolePolicy(kind, BUCKET_ARN, PREFIX, KMS);

  it("allows every call its script made", () => {
    const calls = seen[kind].flatMap(callsOf);
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.filter((c) => !allowed(policy, c))).toEqual([]);
  });

  it("allows no action the script does not call (AbortMultipartUpload: the aws CLI's clean-up of a failed multipart upload)", () => {
    const called = new Set(seen[kind].flatMap(callsOf).map((c) => c.action));
    if (called.has("s3:PutObject") && seen[kind].some((r) => r.method === "POST")) called.add("s3:AbortMultipartUpload");
    expect([...allowedActions(policy)].sort()).toEqual([...called].sort());
  });
});

describe("separation of the two roles", () => {
  const backupPolicy = backupRolePolicy("backup", BUCKET_ARN, PREFIX, KMS);
  const drillPolicy = backupRolePolicy("drill", BUCKET_ARN, PREFIX, KMS);

  it("the backup made a multipart upload of the dump (the case that needs kms:Decrypt)", () => {
    expect(seen.backup.some((r) => r.method === "POST" && r.url.includes("?uploads"))).toBe(true);
  });

  it("the backup role cannot write the drill's results, read a dump, or touch another prefix", () => {
    for (const r of seen.drill.filter((x) => x.method === "PUT")) {
      for (const c of callsOf(r).filter((x) => x.action === "s3:PutObject")) expect(allowed(backupPolicy, c), c.resource).toBe(false);
    }
    expect(allowed(backupPolicy, { action: "s3:GetObject", resource: `${BUCKET_ARN}/${PREFIX}/latest.json`, context: {} })).toBe(false);
    expect(allowed(backupPolicy, { action: "s3:PutObject", resource: `${BUCKET_ARN}/postgres/other/2026/01/01/x/dump.pgc.zst`, context: {} })).toBe(false);
    expect(allowed(backupPolicy, { action: "s3:DeleteObject", resource: `${BUCKET_ARN}/${PREFIX}/latest.json`, context: {} })).toBe(false);
  });

  it("the drill role cannot overwrite a dump or move latest.json", () => {
    const writes = seen.backup.filter((x) => x.method === "PUT" || x.method === "POST").flatMap(callsOf).filter((c) => c.action === "s3:PutObject");
    expect(writes.length).toBeGreaterThan(3);
    for (const c of writes) expect(allowed(drillPolicy, c), c.resource).toBe(false);
  });
});
