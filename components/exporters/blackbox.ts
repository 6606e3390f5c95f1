import YAML from "yaml";

/** Modules the blackbox exporter offers; `config.monitoring.probes[].module` picks one. */
export type BlackboxModule = "http_2xx" | "http_2xx_tls";

/** File name of the module configuration inside its ConfigMap and under out/<stack>/blackbox/. */
export const BLACKBOX_CONFIG_FILE = "blackbox.yml";

/** Probe timeout; below Prometheus' scrape timeout so that a slow target reports failure, not a scrape error. */
export const BLACKBOX_TIMEOUT = "5s";

/**
 * The blackbox exporter's module configuration. Written in the subset that both the pinned
 * image and Debian's 0.23 (which checks it in `platform check`) understand.
 *
 * - `http_2xx`: any 2xx over HTTP or HTTPS, IPv4 preferred (many clusters have no IPv6 egress).
 * - `http_2xx_tls`: the same, but fails unless the connection was TLS, and verifies the chain,
 *   so that an expired or wrong certificate shows as a failed probe.
 */
export function blackboxConfig(): { modules: Record<BlackboxModule, Record<string, unknown>> } {
  const http = {
    valid_http_versions: ["HTTP/1.1", "HTTP/2.0"],
    method: "GET",
    follow_redirects: true,
    preferred_ip_protocol: "ip4",
  };
  return {
    modules: {
      http_2xx: { prober: "http", timeout: BLACKBOX_TIMEOUT, http },
      http_2xx_tls: {
        prober: "http",
        timeout: BLACKBOX_TIMEOUT,
        http: { ...http, fail_if_not_ssl: true, tls_config: { insecure_skip_verify: false } },
      },
    },
  };
}

/** {@link blackboxConfig} as the YAML file the exporter reads. */
export function blackboxConfigYaml(): string {
  // No anchors: the file is read by people as much as by the exporter.
  return YAML.stringify(blackboxConfig(), { lineWidth: 0, aliasDuplicateObjects: false });
}
