#!/usr/bin/env bash
# Installs the Debian programs the integration tests run for real (promtool, amtool,
# Prometheus, Alertmanager, exporters, Postgres, Redis, graphviz), GNU time for the bench
# (wall clock, CPU and peak memory of a command), and unzip for
# scripts/install-helm.sh. Their services are
# kept from auto-starting: tests start their own copies on loopback ports.
set -euo pipefail

PACKAGES=(
  prometheus prometheus-alertmanager
  prometheus-node-exporter prometheus-blackbox-exporter
  prometheus-postgres-exporter prometheus-redis-exporter
  postgresql redis-server graphviz
  awscli zstd unzip time
  haproxy openssl
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: all Debian packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# policy-rc.d exit 101 tells invoke-rc.d not to start services during installation.
policy=/usr/sbin/policy-rc.d
had_policy=0
[ -e "$policy" ] && had_policy=1
if [ $had_policy -eq 0 ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
fi
cleanup() { [ $had_policy -eq 1 ] || $SUDO rm -f "$policy"; }
trap cleanup EXIT

echo "setup-system: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Stop anything that started despite the policy (e.g. on systems without invoke-rc.d).
for svc in prometheus prometheus-alertmanager prometheus-node-exporter prometheus-blackbox-exporter \
           prometheus-postgres-exporter prometheus-redis-exporter postgresql redis-server; do
  $SUDO service "$svc" stop >/dev/null 2>&1 || true
done
echo "setup-system: done"
