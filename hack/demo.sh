#!/usr/bin/env bash
# The end-to-end demo: a local control plane, the CRDs, the examples, the operator, and what it produced.
#
# Usage: hack/demo.sh              build what is missing, start everything, show the results
#        hack/demo.sh --with-node  the same on a local node (root): the operator's image installed by helm, and an
#                                  agent pod whose Claude Code starts in its tier's mode
#        hack/demo.sh stop         stop the operator and the local control plane
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
STATE="${LOCAL_CLUSTER_DIR:-$HOME/.cache/agent-policy-operator/cluster}"
DEMO_PORT="${DEMO_OPERATOR_PORT:-18080}"
OPERATOR_PID="$STATE/operator.pid"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
WITH_NODE=""
[[ "${1:-}" == "--with-node" ]] && WITH_NODE="--with-node"

# image <operator|agent>: builds it from scratch and loads it into the node; prints its reference
image() {
  local built
  built="$(hack/images.sh "$1")"
  hack/local-cluster.sh import-image "$(sed -n 's/^ARCHIVE=//p' <<<"$built")" >/dev/null
  sed -n 's/^NAME=//p' <<<"$built"
}

if [[ "${1:-}" == "stop" ]]; then
  if [[ -f "$OPERATOR_PID" ]]; then
    kill "$(cat "$OPERATOR_PID")" 2>/dev/null || true
  fi
  hack/local-cluster.sh down
  exit 0
fi

say "Control-plane binaries (built from the Go module proxy on first use)"
hack/kube-binaries.sh

say "Local control plane${WITH_NODE:+ and a node}"
hack/local-cluster.sh up $WITH_NODE
eval "$(hack/local-cluster.sh env)"

say "CRDs"
kubectl apply --server-side -f crds/
kubectl wait --for condition=Established crd/permissionpolicies.agentpolicy.io crd/agentsessions.agentpolicy.io --timeout=60s

say "Examples: one namespace per tier, the tier policies and an org-wide baseline"
kubectl apply -f examples/namespaces.yaml
kubectl apply -f examples/policies/

say "Operator (built with ./mvnw package${WITH_NODE:+, its image installed with helm on the node})"
if [[ ! -f target/quarkus-app/quarkus-run.jar || -n "$(find src pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ]]; then
  ./mvnw -B -q package -DskipTests
fi
if [[ -n "$WITH_NODE" ]]; then
  operator_image="$(image operator)"
  helm upgrade --install agent-policy-operator ./helm/agent-policy-operator -n agent-policy-system --create-namespace \
    --set image.repository="${operator_image%:*}" >/dev/null
  kubectl -n agent-policy-system rollout status deployment/agent-policy-operator --timeout=180s
  kubectl -n agent-policy-system get pods -o wide
else
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
fi
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
kubectl get pod mid-review-agent -n payments -o jsonpath='{range .spec.volumes[?(@.configMap)]}volume {.name}: ConfigMap {.configMap.name}{"\n"}{end}{range .spec.containers[*]}container {.name}: {.volumeMounts}{"\n"}{end}'

say "What admission refuses: a pod of the plan session senior-migration launching Claude Code in acceptEdits"
kubectl apply -f examples/refused/pod-above-its-session.yaml 2>&1 | sed 's/^/  /' || true

if [[ -n "$WITH_NODE" ]]; then
  say "An agent pod in payments (tier 1): the real Claude Code, no flags, reading the mounted map"
  if agent_image="$(image agent)"; then
    kubectl -n payments delete pod claude-demo --ignore-not-found >/dev/null
    # No model is reachable from here: Claude Code reports its starting mode in its first line, before any call.
    kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata: {name: claude-demo, namespace: payments}
spec:
  restartPolicy: Never
  securityContext: {runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000}
  containers:
    - name: claude
      image: $agent_image
      command: ["sh", "-c", "timeout 20 claude -p 'Say hello' --output-format stream-json --verbose | head -1"]
      env: [{name: ANTHROPIC_BASE_URL, value: "http://127.0.0.1:9"}, {name: ANTHROPIC_API_KEY, value: none}]
EOF
    kubectl -n payments wait pod/claude-demo --for=jsonpath='{.status.phase}'=Succeeded --timeout=120s >/dev/null
    kubectl -n payments logs claude-demo | grep -o '"permissionMode":"[A-Za-z]*"' | sed 's/^/  Claude Code started with /'
  else
    echo "  (no agent image: npm cannot install the pinned Claude Code)"
  fi
fi

say "Done"
cat <<EOF
Everything keeps running. Try it:
  eval "\$(hack/local-cluster.sh env)"
  kubectl label namespace sandbox agentpolicy.io/tier=1 --overwrite    # and watch its map change
  kubectl get configmap -A -l app.kubernetes.io/managed-by=agent-policy-operator
Stop it all with: hack/demo.sh stop
EOF
