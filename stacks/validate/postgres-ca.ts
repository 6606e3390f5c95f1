// The Postgres exporter verifies the server's certificate with sslMode verify-ca/verify-full.
// RDS and Aurora certificates chain to Amazon's RDS roots, which are in no public trust store:
// on AWS the exporter needs `postgres.caBundle`, or an image that carries the RDS bundle (the
// backup tools image, which exists only when backups are enabled or `backup.image` is set).
import type { PlatformConfig } from "../resolve";
import { problem, type ConfigProblem } from "./problem";

/** The problem of an AWS stack whose exporter would have no CA to verify Postgres with. */
export function checkPostgresCa(config: Pick<PlatformConfig, "aws" | "postgres" | "backup">): ConfigProblem[] {
  const pg = config.postgres;
  if (config.aws === undefined || !pg.sslMode.startsWith("verify") || pg.caBundle !== undefined) return [];
  if (config.backup.enabled || config.backup.image !== undefined) return [];
  return [
    problem(
      ["postgres", "caBundle"],
      undefined,
      `is required with sslMode "${pg.sslMode}" when backups are disabled and backup.image is unset: the exporter verifies the server against Amazon's RDS roots, which no public trust store holds and only the backup tools image carries; set postgres.caBundle to the PEM bundle (for RDS https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem), or enable backups`,
    ),
  ];
}
