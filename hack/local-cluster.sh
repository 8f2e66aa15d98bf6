#!/usr/bin/env bash
# A local Kubernetes control plane for people, the demo and the benchmark: etcd + kube-apiserver on loopback,
# RBAC authorization on, an admin kubeconfig (group system:masters). By default there is no controller-manager and
# no kubelet: no garbage collection, namespaces never finish deleting, pods stay Pending. With --with-node, a node
# joins (hack/local-node.sh: containerd, kubelet, kube-controller-manager, kube-scheduler; root only, one per machine).
#
# Usage: hack/local-cluster.sh up [--with-node]  start (idempotent) and print how to use it
#        hack/local-cluster.sh import-image FILE.tar  load an OCI image archive into the node's containerd
#        hack/local-cluster.sh down    stop and delete the state (the node's pods included)
#        hack/local-cluster.sh env     print `export KUBECONFIG=...` and a PATH with the matching kubectl and helm
#        hack/local-cluster.sh status  exit 0 when the API server answers
#        hack/local-cluster.sh stop-apiserver|stop-etcd    stop one process, keeping the state (for fault tests)
#        hack/local-cluster.sh start-apiserver [FLAG...]  start it again on the same port with the same certificates,
#                                                        extra kube-apiserver flags appended (e.g. --max-requests-inflight=2)
#        hack/local-cluster.sh start-etcd                 start etcd again on its data directory, wait for the API server
#        hack/local-cluster.sh token-kubeconfig FILE      a ServiceAccount agentpolicy-system/agent-policy-operator bound to
#                                                        cluster-admin, and a self-contained kubeconfig signing in with
#                                                        its token (as a pod does) written to FILE
#        hack/local-cluster.sh free-port BASE             print the first loopback port from BASE on that is free, and so
#                                                        is the next one (etcd listens on both)
#
# Settings: LOCAL_CLUSTER_DIR (default ~/.cache/agent-policy-operator/cluster), LOCAL_CLUSTER_PORT (16443),
#           LOCAL_ETCD_PORT (23790).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${LOCAL_CLUSTER_DIR:-$HOME/.cache/agent-policy-operator/cluster}"
API_PORT="${LOCAL_CLUSTER_PORT:-16443}"
ETCD_PORT="${LOCAL_ETCD_PORT:-23790}"
KUBECONFIG_FILE="$STATE/admin.kubeconfig"

log() { echo "[local-cluster] $*" >&2; }

binaries() {
  "$HERE/kube-binaries.sh" "$@" >&2
  eval "$("$HERE/kube-binaries.sh" --print)"
}

running() { [[ -f "$STATE/$1.pid" ]] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }

answers() {
  [[ -f "$KUBECONFIG_FILE" ]] && curl -sf --max-time 2 --cacert "$STATE/pki/ca.crt" \
    --cert "$STATE/pki/admin.crt" --key "$STATE/pki/admin.key" "https://127.0.0.1:$API_PORT/readyz" >/dev/null
}

certificates() {
  local pki="$STATE/pki"
  [[ -f "$pki/admin.crt" ]] && return
  mkdir -p "$pki"
  log "generating certificates in $pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=local-cluster-ca" 2>/dev/null
    cat > serving.ext <<EOF
subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc
extendedKeyUsage=serverAuth
EOF
    openssl req -newkey rsa:2048 -nodes -keyout serving.key -out serving.csr -subj "/CN=kube-apiserver" 2>/dev/null
    openssl x509 -req -in serving.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out serving.crt -days 3650 -extfile serving.ext 2>/dev/null
    echo "extendedKeyUsage=clientAuth" > client.ext
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=local-admin" 2>/dev/null
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 3650 -extfile client.ext 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  )
}

# write_kubeconfig <file> <certificate-authority line> <user> <credential lines>: a kubeconfig for this cluster.
write_kubeconfig() {
  cat > "$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$API_PORT
    $2
users:
- name: $3
  user:
$4
contexts:
- name: local
  context: {cluster: local, user: $3}
current-context: local
EOF
}

kubeconfig() {
  write_kubeconfig "$KUBECONFIG_FILE" "certificate-authority: $STATE/pki/ca.crt" local-admin \
    "    client-certificate: $STATE/pki/admin.crt
    client-key: $STATE/pki/admin.key"
}

start_etcd() {
  log "starting etcd on 127.0.0.1:$ETCD_PORT"
  nohup "$ETCD" --data-dir "$STATE/etcd" --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-cluster "default=http://127.0.0.1:$((ETCD_PORT + 1))" --quota-backend-bytes 4294967296 \
    >>"$STATE/etcd.log" 2>&1 &
  echo $! > "$STATE/etcd.pid"
}

with_node() { [[ -f "$STATE/node.enabled" ]]; }

# Without a node, the API server listens on loopback only and no ServiceAccount admission mounts tokens (no
# controller creates the accounts). With one, pods must reach it (the node's address, through the `kubernetes`
# Service), kubelets are authorized as nodes, and it talks to the kubelet for logs and exec.
network_flags() {
  if with_node; then
    echo --bind-address 0.0.0.0 --advertise-address "$(ip -4 route get 1.1.1.1 | sed -n 's/.* src \([0-9.]*\).*/\1/p')" \
      --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
      --kubelet-client-certificate "$STATE/pki/apiserver-kubelet-client.crt" \
      --kubelet-client-key "$STATE/pki/apiserver-kubelet-client.key" --kubelet-preferred-address-types InternalIP
  else
    echo --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --authorization-mode RBAC \
      --disable-admission-plugins ServiceAccount
  fi
}

# Extra kube-apiserver flags come last, so they override the ones above.
start_apiserver() {
  log "starting kube-apiserver $K8S_VERSION on https://127.0.0.1:$API_PORT"
  # shellcheck disable=SC2046 # network_flags prints separate words, no spaces inside them
  nohup "$KUBE_APISERVER" --etcd-servers "http://127.0.0.1:$ETCD_PORT" $(network_flags) --secure-port "$API_PORT" \
    --tls-cert-file "$STATE/pki/serving.crt" --tls-private-key-file "$STATE/pki/serving.key" \
    --client-ca-file "$STATE/pki/ca.crt" \
    --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$STATE/pki/sa.pub" \
    --service-account-signing-key-file "$STATE/pki/sa.key" --service-cluster-ip-range 10.0.0.0/24 \
    --allow-privileged=true --profiling=false "$@" \
    >>"$STATE/kube-apiserver.log" 2>&1 &
  echo $! > "$STATE/kube-apiserver.pid"
}

await_ready() {
  for _ in $(seq 1 120); do
    answers && break
    running kube-apiserver || { tail -20 "$STATE/kube-apiserver.log" >&2; log "kube-apiserver exited"; exit 1; }
    sleep 1
  done
  answers || { log "kube-apiserver did not become ready; see $STATE/kube-apiserver.log"; exit 1; }
  log "ready"
}

stop_process() {
  if running "$1"; then
    log "stopping $1"
    kill "$(cat "$STATE/$1.pid")" 2>/dev/null || true
    for _ in $(seq 1 60); do running "$1" || return 0; sleep 0.5; done
    log "$1 did not stop on SIGTERM within 30 s; killing it"
    kill -9 "$(cat "$STATE/$1.pid")" 2>/dev/null || true
  fi
}

# node <command>: hack/local-node.sh with this cluster's settings
node() {
  STATE="$STATE" API_PORT="$API_PORT" KUBECONFIG_FILE="$KUBECONFIG_FILE" HERE="$HERE" K8S_VERSION="$K8S_VERSION" \
    KUBECTL="$KUBECTL" KUBELET="$KUBELET" KUBE_CONTROLLER_MANAGER="$KUBE_CONTROLLER_MANAGER" \
    KUBE_SCHEDULER="$KUBE_SCHEDULER" "$HERE/local-node.sh" "$@"
}

up() {
  eval "$("$HERE/kube-binaries.sh" --print)"
  local node_flag=()
  [[ "${1:-}" == "--with-node" ]] && node_flag=(--with-node)
  if answers && { ((${#node_flag[@]} == 0)) || with_node; }; then
    log "already running at https://127.0.0.1:$API_PORT"
  else
    binaries "${node_flag[@]}"
    mkdir -p "$STATE"
    certificates
    if ((${#node_flag[@]})) && ! with_node; then
      touch "$STATE/node.enabled"
      stop_process kube-apiserver
    fi
    with_node && node certificates
    running etcd || start_etcd
    running kube-apiserver || start_apiserver
    kubeconfig
    await_ready
  fi
  with_node && node up
  cat >&2 <<EOF
[local-cluster] Kubernetes $(KUBECONFIG="$KUBECONFIG_FILE" kubectl version -o json 2>/dev/null | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -1) at https://127.0.0.1:$API_PORT ($(with_node && echo "one node" || echo "no controllers, no kubelet"))
[local-cluster] use it with:
  eval "\$(hack/local-cluster.sh env)"    # KUBECONFIG, plus kubectl $K8S_VERSION and helm on PATH
[local-cluster] stop it with: hack/local-cluster.sh down
EOF
}

# A ServiceAccount's token signs in as a pod does: the admin's client certificate would cost every new TLS connection
# an RSA signature, which no in-cluster operator pays (the benchmark's profile found it at 8 % of the operator's CPU).
token_kubeconfig() {
  local file="$1" kubectl=(kubectl --kubeconfig "$KUBECONFIG_FILE")
  "${kubectl[@]}" create namespace agentpolicy-system --dry-run=client -o yaml | "${kubectl[@]}" apply -f - >/dev/null
  "${kubectl[@]}" create serviceaccount agent-policy-operator -n agentpolicy-system --dry-run=client -o yaml |
    "${kubectl[@]}" apply -f - >/dev/null
  "${kubectl[@]}" create clusterrolebinding agent-policy-operator-local --clusterrole=cluster-admin \
    --serviceaccount=agentpolicy-system:agent-policy-operator --dry-run=client -o yaml | "${kubectl[@]}" apply -f - >/dev/null
  write_kubeconfig "$file" "certificate-authority-data: $(base64 -w0 "$STATE/pki/ca.crt")" agent-policy-operator \
    "    token: $("${kubectl[@]}" create token agent-policy-operator -n agentpolicy-system --duration=4h)"
}

free_port() {
  local port="$1"
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || (echo >"/dev/tcp/127.0.0.1/$((port + 1))") 2>/dev/null; do
    port=$((port + 2))
  done
  echo "$port"
}

down() {
  eval "$("$HERE/kube-binaries.sh" --print)"
  node down
  stop_process kube-apiserver
  stop_process etcd
  rm -rf "$STATE"
  log "stopped and removed $STATE"
}

case "${1:-}" in
  up) up "${2:-}" ;;
  import-image)
    eval "$("$HERE/kube-binaries.sh" --print)"
    node import-image "$2"
    ;;
  down) down ;;
  env)
    eval "$("$HERE/kube-binaries.sh" --print)"
    echo "export KUBECONFIG=$KUBECONFIG_FILE"
    echo "export PATH=$(dirname "$KUBECTL"):$(dirname "$HELM"):\$PATH"
    ;;
  status) answers ;;
  stop-apiserver) stop_process kube-apiserver ;;
  stop-etcd) stop_process etcd ;;
  start-apiserver)
    shift
    eval "$("$HERE/kube-binaries.sh" --print)"
    running kube-apiserver || start_apiserver "$@"
    await_ready
    ;;
  start-etcd)
    eval "$("$HERE/kube-binaries.sh" --print)"
    running etcd || start_etcd
    # The API server's etcd client reconnects with a backoff of its own: it serves again some seconds later.
    await_ready
    ;;
  token-kubeconfig)
    eval "$("$HERE/kube-binaries.sh" --print)"
    PATH="$(dirname "$KUBECTL"):$PATH" token_kubeconfig "$2"
    ;;
  free-port) free_port "$2" ;;
  *) echo "usage: $0 up [--with-node]|import-image FILE.tar|down|env|status|stop-apiserver|start-apiserver [FLAG...]|stop-etcd|start-etcd|token-kubeconfig FILE|free-port BASE" >&2; exit 2 ;;
esac
