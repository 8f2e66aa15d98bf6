#!/usr/bin/env bash
# Regenerates crds/ and the Helm chart's copy from the Java model (src/main/java/io/agentpolicy/api).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -B -q test -Dtest=CrdFilesTest -Dcrds.update=true -Dsurefire.failIfNoSpecifiedTests=false
git status --short crds helm/agent-policy-operator/crds
