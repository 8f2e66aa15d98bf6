#!/usr/bin/env bash
# The end-to-end demo: a local control plane, the CRDs, the examples, the operator, and what it produced.
#
# Usage: hack/demo.sh          build what is missing, start everything, show the results
#        hack/demo.sh stop     stop the operator and the local control plane
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
STATE="${LOCAL_CLUSTER_DIR:-$HOME/.cache/agent-policy-operator/cluster}"
DEMO_PORT="${DEMO_OPERATOR_PORT:-18080}"
OPERATOR_PID="$STATE/operator.pid"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [[ "${1:-}" == "stop" ]]; then
  if [[ -f "$OPERATOR_PID" ]]; then
    kill "$(cat "$OPERATOR_PID")" 2>/dev/null || true
  fi
  hack/local-cluster.sh down
  exit 0
fi

say "Control-plane binaries (built from the Go module proxy on first use)"
hack/kube-binaries.sh

say "Local control plane"
hack/local-cluster.sh up
eval "$(hack/local-cluster.sh env)"

say "CRDs"
kubectl apply --server-side -f crds/
kubectl wait --for condition=Established crd/permissionpolicies.agentpolicy.io crd/agentsessions.agentpolicy.io --timeout=60s

say "Examples: one namespace per tier, the tier policies and an org-wide baseline"
kubectl apply -f examples/namespaces.yaml
kubectl apply -f examples/policies/

say "Operator (built with ./mvnw package, run against the local control plane)"
if [[ ! -f target/quarkus-app/quarkus-run.jar || -n "$(find src pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ]]; then
  ./mvnw -B -q package -DskipTests
fi
if [[ -f "$OPERATOR_PID" ]] && kill -0 "$(cat "$OPERATOR_PID")" 2>/dev/null; then
  kill "$(cat "$OPERATOR_PID")"
  while kill -0 "$(cat "$OPERATOR_PID")" 2>/dev/null; do sleep 0.2; done
fi
QUARKUS_HTTP_PORT="$DEMO_PORT" AGENTPOLICY_LEADER_ELECTION_ENABLED=false \
  nohup java -jar target/quarkus-app/quarkus-run.jar >"$STATE/operator.log" 2>&1 &
echo $! > "$OPERATOR_PID"
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$DEMO_PORT/q/health/ready" >/dev/null && break
  kill -0 "$(cat "$OPERATOR_PID")" 2>/dev/null || { tail -30 "$STATE/operator.log"; echo "the operator exited" >&2; exit 1; }
  sleep 1
done
echo "operator ready (log: $STATE/operator.log, metrics: http://127.0.0.1:$DEMO_PORT/q/metrics)"
kubectl wait --for condition=Ready permissionpolicy --all --timeout=60s

say "Agent sessions (junior, mid, senior, a high-risk task type) and an agent pod"
kubectl apply -f examples/sessions/
kubectl wait --for condition=Stalled=False agentsession --all -A --timeout=60s
kubectl apply -f examples/pods/
kubectl apply -f examples/rbac/

say "kubectl get agentpolicy -A"
kubectl get agentpolicy -A

say "Why each session was decided as it was"
kubectl get agentsession -A -o custom-columns='NAMESPACE:.metadata.namespace,NAME:.metadata.name,REASON:.status.reason'

say "The managed-settings.json rendered for namespace payments (tier 1)"
kubectl get configmap agent-managed-settings -n payments -o jsonpath='{.data.managed-settings\.json}'

say "What admission refuses: alice asking for bypassPermissions in tier 1"
kubectl apply -f - --as alice@example.com --as-group eng-mid <<'EOF' 2>&1 | sed 's/^/  /' || true
apiVersion: agentpolicy.io/v1alpha1
kind: AgentSession
metadata: {name: yolo, namespace: payments}
spec: {engineer: alice@example.com, groups: [eng-mid], requestedMode: bypassPermissions}
EOF

say "The agent pod declares no volume: admission mounted its session's map read-only at /etc/claude-code"
kubectl get pod mid-review-agent -n payments -o jsonpath='{range .spec.volumes[*]}volume {.name}: ConfigMap {.configMap.name}{"\n"}{end}{range .spec.containers[*]}container {.name}: {.volumeMounts}{"\n"}{end}'

say "What admission refuses: a pod of the plan session senior-migration launching Claude Code in acceptEdits"
kubectl apply -f examples/refused/pod-above-its-session.yaml 2>&1 | sed 's/^/  /' || true

say "Done"
cat <<EOF
Everything keeps running. Try it:
  eval "\$(hack/local-cluster.sh env)"
  kubectl label namespace sandbox agentpolicy.io/tier=1 --overwrite    # and watch its map change
  kubectl get configmap -A -l app.kubernetes.io/managed-by=agent-policy-operator
Stop it all with: hack/demo.sh stop
EOF
