import { gauge, series } from "./series";
import type { AlertCase, RuleGroupModule } from "./types";

/** Alerts on blackbox-exporter probes: endpoint down or slow, TLS certificate expiring. */
export const blackboxGroup: RuleGroupModule = {
  name: "app-platform-blackbox",
  build(ctx) {
    const t = ctx.thresholds;
    const warnSecs = ctx.secs(t.tlsExpiryWarning);
    const critSecs = ctx.secs(t.tlsExpiryCritical);
    const tlsRunbook = (when: string) => ({
      meaning: `The TLS certificate served by the endpoint expires within ${when}. After that, clients refuse to connect.`,
      check: ["`echo | openssl s_client -connect <host>:443 -servername <host> 2>/dev/null | openssl x509 -noout -dates -issuer`", "cert-manager: `kubectl get certificate -A` and `kubectl describe certificaterequest` for failed renewals."],
      fix: ["Renew the certificate (fix the cert-manager issuer or DNS challenge, or upload the renewed certificate to the Secret named by `ingress.tlsSecretName`)."],
    });
    const alerts = [
      ctx.alert({
        name: "EndpointDown",
        expr: "probe_success == 0",
        for: ctx.durOf("probeDownFor"),
        severity: "critical",
        summary: "Endpoint {{ $labels.instance }} is down",
        description: "The blackbox probe of {{ $labels.instance }} has failed for " + t.probeDownFor + " (probe_success {{ $value | humanize }}).",
        runbook: {
          meaning: "The endpoint does not answer as users would reach it (DNS, TLS, load balancer, Ingress, service).",
          check: ["`curl -sv <url>` from outside the cluster.", "Blackbox exporter debug: `/probe?target=<url>&module=<module>&debug=true`.", "Is ServiceDown firing for the service behind it?"],
          fix: ["Follow the failing hop: DNS record, certificate, load balancer health checks, Ingress rules, then the service itself."],
        },
      }),
      ctx.alert({
        name: "EndpointSlow",
        expr: `avg_over_time(probe_duration_seconds[${ctx.dur("5m")}]) > ${t.probeSlowSeconds}`,
        for: ctx.durOf("probeSlowFor"),
        severity: "warning",
        summary: "Endpoint {{ $labels.instance }} answers in {{ $value | humanizeDuration }}",
        description: "Probes of {{ $labels.instance }} have taken {{ $value | humanizeDuration }} on average over 5 minutes (threshold " + t.probeSlowSeconds + "s).",
        runbook: {
          meaning: "The endpoint answers, but slowly, as seen from outside the service (including DNS, TLS and the load balancer).",
          check: ["`curl -w '%{time_namelookup} %{time_connect} %{time_appconnect} %{time_starttransfer}\\n' -o /dev/null -s <url>` — which phase is slow?", "Compare with ServiceHighLatency: slow inside the service or in front of it?"],
          fix: ["Fix the slow phase: DNS resolver, TLS handshake (OCSP), load balancer, or the service (scale out)."],
        },
      }),
      ctx.alert({
        name: "TLSCertificateExpiringSoon",
        expr: `probe_ssl_earliest_cert_expiry - time() < ${warnSecs}`,
        severity: "warning",
        summary: "TLS certificate of {{ $labels.instance }} expires in {{ $value | humanizeDuration }}",
        description: "The TLS certificate served by {{ $labels.instance }} expires in {{ $value | humanizeDuration }} (warning at " + t.tlsExpiryWarning + ").",
        runbook: tlsRunbook(String(t.tlsExpiryWarning)),
      }),
      ctx.alert({
        name: "TLSCertificateExpiryImminent",
        expr: `probe_ssl_earliest_cert_expiry - time() < ${critSecs}`,
        severity: "critical",
        summary: "TLS certificate of {{ $labels.instance }} expires in {{ $value | humanizeDuration }}",
        description: "The TLS certificate served by {{ $labels.instance }} expires in {{ $value | humanizeDuration }} (critical at " + t.tlsExpiryCritical + "): renew it now.",
        runbook: tlsRunbook(String(t.tlsExpiryCritical)),
      }),
    ];
    const probe = { instance: "https://app.example.com/healthz", job: "probe/app" };
    // The certificate's remaining lifetime drops below the limit at minute 11: `expiry - time()`
    // equals the limit at minute 10 and is 60 s shorter at minute 11.
    const expiry = (limit: number, slack: number) => [series("probe_ssl_earliest_cert_expiry", probe, gauge(limit + 600 + slack))];
    const tls = (alert: string, limit: number): AlertCase => ({
      alert,
      firing: expiry(limit, 0),
      quiet: expiry(limit, 86400),
      onsetMinutes: 11,
      labels: probe,
      value: limit - 60,
    });
    const cases: AlertCase[] = [
      { alert: "EndpointDown", firing: [series("probe_success", probe, gauge(0))], quiet: [series("probe_success", probe, gauge(1))], labels: probe, value: 0 },
      { alert: "EndpointSlow", firing: [series("probe_duration_seconds", probe, gauge(t.probeSlowSeconds * 1.5))], quiet: [series("probe_duration_seconds", probe, gauge(t.probeSlowSeconds / 2))], labels: probe, value: t.probeSlowSeconds * 1.5 },
      tls("TLSCertificateExpiringSoon", warnSecs),
      tls("TLSCertificateExpiryImminent", critSecs),
    ];
    return { group: { name: this.name, rules: alerts.map((a) => a.rule) }, alerts, cases, exprCases: [] };
  },
};
