#!/usr/bin/env bash
# The training run that makes the operator's AOT cache (Java 25, JEP 483/514/515): the operator, started by COMMAND
# (which writes the cache, e.g. java ... -XX:AOTCacheOutput=FILE -jar quarkus-run.jar), works against a throwaway
# control plane holding examples/ (the CRDs, the policies, the tiered namespaces, the sessions) until it is ready and
# has decided every example session; then SIGTERM, and the JVM writes the cache on its way out. The cache holds the
# classes loaded and linked, and the method profiles, of that start: a later start with the same JVM options reads
# them instead of loading, linking and profiling again.
#
# Usage: hack/aot-training.sh KUBECONFIG_FILE -- COMMAND...
#   KUBECONFIG_FILE  where to write a self-contained kubeconfig for the operator (a ServiceAccount token); COMMAND
#                    points the operator at it (e.g. env KUBECONFIG=...), since COMMAND may run in a chroot
#   COMMAND          runs the operator in the foreground as one process (exec, no fork: the SIGTERM must reach
#                    the JVM); QUARKUS_HTTP_PORT and AGENTPOLICY_LEADER_ELECTION_ENABLED=false are in its environment
# Used by hack/images.sh (the image's cache) and hack/benchmark.sh --aot-cache.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"

[[ $# -ge 3 && "$2" == "--" ]] || { sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
kubeconfig_file="$1"
shift 2

log() { echo "[aot-training] $*" >&2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/agentpolicy-aot-training.XXXXXX")"
operator=""
cleanup() {
  if [[ -n "$operator" ]]; then kill "$operator" 2>/dev/null || true; fi
  LOCAL_CLUSTER_DIR="$work/cluster" "$HERE/local-cluster.sh" down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

export LOCAL_CLUSTER_DIR="$work/cluster"
LOCAL_CLUSTER_PORT="$("$HERE/local-cluster.sh" free-port 27443)"
export LOCAL_CLUSTER_PORT
LOCAL_ETCD_PORT="$("$HERE/local-cluster.sh" free-port 34790)"
export LOCAL_ETCD_PORT
"$HERE/local-cluster.sh" up >/dev/null 2>&1
eval "$("$HERE/local-cluster.sh" env)"
kubectl apply --server-side -f "$ROOT/crds/" >/dev/null
kubectl wait --for condition=Established crd/permissionpolicies.agentpolicy.io crd/agentsessions.agentpolicy.io --timeout=60s >/dev/null
kubectl apply -f "$ROOT/examples/policies/" -f "$ROOT/examples/namespaces.yaml" -f "$ROOT/examples/sessions/" >/dev/null
"$HERE/local-cluster.sh" token-kubeconfig "$kubeconfig_file"

port="$("$HERE/local-cluster.sh" free-port 18080)"
log "the operator against a throwaway control plane holding examples/ (its log: $work/operator.log until it ends)"
QUARKUS_HTTP_PORT="$port" AGENTPOLICY_LEADER_ELECTION_ENABLED=false "$@" >"$work/operator.log" 2>&1 &
operator=$!
sessions="$(kubectl get agentsessions -A --no-headers | wc -l)"
deadline=$((SECONDS + 180))
until curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null &&
      [[ "$(kubectl get agentsessions -A -o jsonpath='{.items[*].status.phase}' | wc -w)" -eq "$sessions" ]]; do
  if ! kill -0 "$operator" 2>/dev/null || ((SECONDS > deadline)); then
    tail -20 "$work/operator.log" >&2
    log "the operator did not get ready and decide the example sessions within 180 s"
    exit 1
  fi
  sleep 0.5
done
kill -TERM "$operator"
wait "$operator" || true # 143 after SIGTERM; the cache is written on the way out
operator=""
grep -i 'aot' "$work/operator.log" | tail -3 >&2 || true
log "done in ${SECONDS} s"
