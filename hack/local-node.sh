#!/usr/bin/env bash
# The node of hack/local-cluster.sh (`up --with-node`): containerd, a kubelet on it, kube-controller-manager and
# kube-scheduler, so that Deployments get pods and pods run. Called by local-cluster.sh, which sets STATE, API_PORT
# and the binaries' paths; it is not meant to be run by hand.
#
# What it needs from the machine (CONTRIBUTING.md, "A local node"): root, Debian's containerd, runc and
# containernetworking-plugins, iptables. Images come from no registry: the pause image is built here from
# hack/node/pause, other images are imported with `hack/local-cluster.sh import-image FILE.tar`.
#
# One node per machine: the kubelet's cgroups (kubepods), its port 10250, the bridge and the iptables rule below
# are the machine's. A second `up --with-node` while another node runs waits up to LOCAL_NODE_WAIT seconds (default
# 0) for it to stop, then fails naming the first one's state directory.
set -euo pipefail

NODE_DIR="$STATE/node"
NODE_NAME="${LOCAL_NODE_NAME:-agentpolicy-node}"
CONTAINERD_SOCKET="$NODE_DIR/containerd.sock"
POD_SUBNET="10.244.0.0/24"
BRIDGE="agentpolicy0"
PAUSE_IMAGE="localhost/agentpolicy/pause:1"
MACHINE_LOCK="/run/agentpolicy-local-node.owner"
# The `kubernetes` Service's cluster IP (first address of --service-cluster-ip-range). Without kube-proxy, one
# DNAT rule sends it to the API server, which is all the operator's pods need of Services.
KUBERNETES_SERVICE_IP="10.0.0.1"

log() { echo "[local-node] $*" >&2; }
fail() { echo "[local-node] cannot start the node: $*" >&2; exit 1; }

# The address pods reach the host on: the source address of the default route.
node_ip() {
  ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p'
}

running() { [[ -f "$NODE_DIR/$1.pid" ]] && kill -0 "$(cat "$NODE_DIR/$1.pid")" 2>/dev/null; }

preflight() {
  [[ $EUID -eq 0 ]] || fail "the kubelet and containerd need root"
  local missing=()
  for tool in containerd containerd-shim-runc-v2 runc ctr iptables ip; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] || missing+=("containernetworking-plugins")
  ((${#missing[@]} == 0)) || fail "missing ${missing[*]}; install: apt-get install containerd runc containernetworking-plugins iptables"
  [[ -n "$(node_ip)" ]] || fail "no default route, so no address for the node (ip -4 route get 1.1.1.1 printed none)"
  claim_machine
}

# owner_alive <state dir>: that node's containerd or kubelet runs, or its `up` claimed the machine moments ago
owner_alive() {
  local owner="$1" p
  [[ -d "$owner/node" ]] || return 1
  for p in containerd kubelet; do
    [[ -f "$owner/node/$p.pid" ]] && kill -0 "$(cat "$owner/node/$p.pid")" 2>/dev/null && return 0
  done
  [[ -n "$(find "$MACHINE_LOCK" -mmin -5 2>/dev/null)" ]]
}

# The machine holds one node: wait up to LOCAL_NODE_WAIT seconds (default 0) for another one to stop.
claim_machine() {
  local deadline=$((SECONDS + ${LOCAL_NODE_WAIT:-0})) owner said=""
  exec 9>"$MACHINE_LOCK.lock"
  while true; do
    flock 9
    owner="$(cat "$MACHINE_LOCK" 2>/dev/null || true)"
    if [[ -z "$owner" || "$owner" == "$STATE" ]] || ! owner_alive "$owner"; then
      echo "$STATE" > "$MACHINE_LOCK"
      mkdir -p "$NODE_DIR"
      flock -u 9
      return
    fi
    flock -u 9
    ((SECONDS < deadline)) || fail "another local node runs on this machine, from $owner (stop it with LOCAL_CLUSTER_DIR=$owner hack/local-cluster.sh down)"
    [[ -n "$said" ]] || log "another local node runs on this machine, from $owner: waiting up to ${LOCAL_NODE_WAIT} s for it to stop"
    said=yes
    sleep 5
  done
}

certificates() {
  local pki="$STATE/pki"
  [[ -f "$pki/kubelet.crt" ]] && return
  (
    cd "$pki"
    echo "extendedKeyUsage=clientAuth" > client.ext
    openssl req -newkey rsa:2048 -nodes -keyout kubelet.key -out kubelet.csr -subj "/O=system:nodes/CN=system:node:$NODE_NAME" 2>/dev/null
    openssl x509 -req -in kubelet.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out kubelet.crt -days 3650 -extfile client.ext 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout apiserver-kubelet-client.key -out apiserver-kubelet-client.csr \
      -subj "/O=system:masters/CN=kube-apiserver-kubelet-client" 2>/dev/null
    openssl x509 -req -in apiserver-kubelet-client.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
      -out apiserver-kubelet-client.crt -days 3650 -extfile client.ext 2>/dev/null
  )
}

# kubeconfig <file> <cert> <key>
kubeconfig() {
  cat > "$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {server: "https://127.0.0.1:$API_PORT", certificate-authority: "$STATE/pki/ca.crt"}
users:
- name: user
  user: {client-certificate: "$2", client-key: "$3"}
contexts:
- name: local
  context: {cluster: local, user: user}
current-context: local
EOF
}

pause_image() {
  local cache="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/node" archive
  archive="$cache/pause.tar"
  if [[ ! -f "$archive" ]]; then
    mkdir -p "$cache/pause-rootfs"
    (cd "$HERE/node/pause" && GOTOOLCHAIN=local CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$cache/pause-rootfs/pause" .)
    "$HERE/oci-image.sh" --name "$PAUSE_IMAGE" --out "$archive" --layer "$cache/pause-rootfs" \
      --entrypoint '["/pause"]' --user 65535:65535
  fi
  ctr --address "$CONTAINERD_SOCKET" -n k8s.io images import "$archive" >/dev/null
}

start_containerd() {
  mkdir -p "$NODE_DIR/cni" "$NODE_DIR/containerd"
  cat > "$NODE_DIR/cni/10-agentpolicy.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "agentpolicy",
  "plugins": [
    {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_SUBNET"}]], "routes": [{"dst": "0.0.0.0/0"}],
              "dataDir": "$NODE_DIR/cni-ipam"}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
  cat > "$NODE_DIR/containerd.toml" <<EOF
version = 2
root = "$NODE_DIR/containerd/root"
state = "$NODE_DIR/containerd/state"
[grpc]
  address = "$CONTAINERD_SOCKET"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # The kubelet asks for oom_score_adj -998 (sandboxes) and -997 (Guaranteed pods); lowering a score needs
  # CAP_SYS_RESOURCE, which root lacks on these machines (runc: "failed to update /proc/self/oom_score_adj:
  # Permission denied"). This keeps each score at or above containerd's own instead.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$NODE_DIR/cni"
EOF
  log "starting containerd $(containerd --version | awk '{print $3}')"
  nohup containerd --config "$NODE_DIR/containerd.toml" >>"$NODE_DIR/containerd.log" 2>&1 &
  echo $! > "$NODE_DIR/containerd.pid"
  for _ in $(seq 1 60); do
    ctr --address "$CONTAINERD_SOCKET" version >/dev/null 2>&1 && return
    running containerd || { tail -20 "$NODE_DIR/containerd.log" >&2; fail "containerd exited"; }
    sleep 0.5
  done
  fail "containerd did not answer on $CONTAINERD_SOCKET; see $NODE_DIR/containerd.log"
}

start_kubelet() {
  local ip
  ip="$(node_ip)"
  kubeconfig "$NODE_DIR/kubelet.kubeconfig" "$STATE/pki/kubelet.crt" "$STATE/pki/kubelet.key"
  # failCgroupV1: false — Kubernetes 1.35+ refuses cgroup v1 unless told; these machines mount v1 (with an empty v2
  # hierarchy at /sys/fs/cgroup/unified). The eviction and image GC thresholds keep pods and imported images on a
  # busy shared disk: images here cannot be pulled again.
  cat > "$NODE_DIR/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$CONTAINERD_SOCKET
address: $ip
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "$STATE/pki/ca.crt"}
authorization: {mode: Webhook}
failSwapOn: false
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
EOF
  log "starting kubelet $K8S_VERSION as node $NODE_NAME ($ip)"
  nohup "$KUBELET" --config "$NODE_DIR/kubelet.yaml" --kubeconfig "$NODE_DIR/kubelet.kubeconfig" \
    --root-dir "$NODE_DIR/kubelet" --cert-dir "$NODE_DIR/kubelet-pki" --hostname-override "$NODE_NAME" --node-ip "$ip" \
    >>"$NODE_DIR/kubelet.log" 2>&1 &
  echo $! > "$NODE_DIR/kubelet.pid"
}

start_controllers() {
  log "starting kube-controller-manager and kube-scheduler"
  nohup "$KUBE_CONTROLLER_MANAGER" --kubeconfig "$KUBECONFIG_FILE" --leader-elect=false --secure-port 0 \
    --service-account-private-key-file "$STATE/pki/sa.key" --root-ca-file "$STATE/pki/ca.crt" \
    --use-service-account-credentials=false >>"$NODE_DIR/kube-controller-manager.log" 2>&1 &
  echo $! > "$NODE_DIR/kube-controller-manager.pid"
  nohup "$KUBE_SCHEDULER" --kubeconfig "$KUBECONFIG_FILE" --leader-elect=false --secure-port 0 \
    >>"$NODE_DIR/kube-scheduler.log" 2>&1 &
  echo $! > "$NODE_DIR/kube-scheduler.pid"
}

service_rule() {
  local action="$1" chain rule
  rule=(-d "$KUBERNETES_SERVICE_IP/32" -p tcp --dport 443 -j DNAT --to-destination "$(node_ip):$API_PORT"
    -m comment --comment "agentpolicy local node: kubernetes Service")
  for chain in PREROUTING OUTPUT; do
    if [[ "$action" == add ]]; then
      iptables -t nat -C "$chain" "${rule[@]}" 2>/dev/null || iptables -t nat -A "$chain" "${rule[@]}"
    else
      # by its comment: `down` of a test run's leftovers does not know the port
      { iptables -t nat -S "$chain" | grep -e '--comment "agentpolicy local node: kubernetes Service"' || true; } |
        sed 's/^-A/-D/' | while read -r added; do eval "iptables -t nat $added"; done
    fi
  done
}

await_node() {
  local start=$SECONDS
  for _ in $(seq 1 180); do
    if KUBECONFIG="$KUBECONFIG_FILE" "$KUBECTL" get node "$NODE_NAME" \
        -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -q True; then
      log "node $NODE_NAME Ready after $((SECONDS - start)) s"
      return
    fi
    for p in containerd kubelet kube-controller-manager kube-scheduler; do
      running "$p" || { tail -30 "$NODE_DIR/$p.log" >&2; fail "$p exited; see $NODE_DIR/$p.log"; }
    done
    sleep 1
  done
  tail -30 "$NODE_DIR/kubelet.log" >&2
  fail "node $NODE_NAME not Ready within 180 s; see $NODE_DIR/kubelet.log"
}

# Kernel settings the node changes on the machine: the kubelet sets the last three (its protectKernelDefaults would
# only refuse to start instead). They are put back by `down`, since the machine is shared.
MACHINE_SYSCTLS=(net.ipv4.ip_forward kernel.panic kernel.panic_on_oops vm.overcommit_memory)

up() {
  preflight
  mkdir -p "$NODE_DIR"
  [[ -f "$NODE_DIR/sysctl.before" ]] || sysctl "${MACHINE_SYSCTLS[@]}" | sed 's/ = /=/' > "$NODE_DIR/sysctl.before"
  sysctl -qw net.ipv4.ip_forward=1
  running containerd || start_containerd
  pause_image
  service_rule delete
  service_rule add
  running kube-controller-manager || start_controllers
  running kubelet || start_kubelet
  await_node
}

stop_pid() {
  running "$1" || return 0
  kill "$(cat "$NODE_DIR/$1.pid")" 2>/dev/null || true
  for _ in $(seq 1 40); do running "$1" || return 0; sleep 0.5; done
  kill -9 "$(cat "$NODE_DIR/$1.pid")" 2>/dev/null || true
}

# Stops everything the node started, pods included (the kubelet leaves its containers running when it stops), and
# removes what it left on the machine: mounts, network namespaces, the bridge, iptables rules.
down() {
  [[ -d "$NODE_DIR" ]] || return 0
  log "stopping the node"
  stop_pid kubelet
  stop_pid kube-scheduler
  stop_pid kube-controller-manager
  local netns=() task
  if running containerd; then
    # the pods' network namespaces, named in their sandboxes' specs, outlive killed tasks
    mapfile -t netns < <(for c in $(ctr --address "$CONTAINERD_SOCKET" -n k8s.io containers ls -q 2>/dev/null); do
      ctr --address "$CONTAINERD_SOCKET" -n k8s.io containers info "$c" 2>/dev/null; done | grep -o '/var/run/netns/cni-[0-9a-f-]*' | sort -u)
    for task in $(ctr --address "$CONTAINERD_SOCKET" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr --address "$CONTAINERD_SOCKET" -n k8s.io tasks kill -s SIGKILL "$task" >/dev/null 2>&1 || true
    done
    for _ in $(seq 1 20); do
      [[ -z "$(ctr --address "$CONTAINERD_SOCKET" -n k8s.io tasks ls 2>/dev/null | awk 'NR > 1 && $3 == "RUNNING"' | head -1)" ]] && break
      sleep 0.5
    done
    for task in $(ctr --address "$CONTAINERD_SOCKET" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr --address "$CONTAINERD_SOCKET" -n k8s.io tasks delete -f "$task" >/dev/null 2>&1 || true
    done
  fi
  stop_pid containerd
  # shims outlive containerd; each one's command line names this node's containerd socket
  pgrep -f "containerd-shim-runc-v2 .*-address $CONTAINERD_SOCKET" | xargs -r kill -9 2>/dev/null || true
  grep -o " $NODE_DIR[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  for ns in "${netns[@]}"; do ip netns delete "$(basename "$ns")" 2>/dev/null || true; done
  ip link delete "$BRIDGE" 2>/dev/null || true
  service_rule delete
  # the bridge plugin's masquerade rules of pods whose sandboxes were killed rather than torn down
  { iptables-save -t nat | grep -E '^-A POSTROUTING .*"name: \\"agentpolicy\\"' || true; } | sed 's/^-A/-D/' |
    while read -r rule; do eval "iptables -t nat $rule" 2>/dev/null || true; done
  { iptables-save -t nat | grep -oE '^:CNI-[0-9a-f]+' || true; } | tr -d : | while read -r chain; do
    iptables -t nat -F "$chain" 2>/dev/null && iptables -t nat -X "$chain" 2>/dev/null || true
  done
  [[ -f "$NODE_DIR/sysctl.before" ]] && xargs -r sysctl -qw < "$NODE_DIR/sysctl.before"
  [[ "$(cat "$MACHINE_LOCK" 2>/dev/null)" == "$STATE" ]] && rm -f "$MACHINE_LOCK"
  # kubepods cgroups of this node's pods are empty once their processes are gone
  find /sys/fs/cgroup/*/kubepods* -depth -type d -exec rmdir {} + 2>/dev/null || true
}

import_image() {
  running containerd || fail "no node runs (hack/local-cluster.sh up --with-node)"
  ctr --address "$CONTAINERD_SOCKET" -n k8s.io images import "$1"
}

case "${1:-}" in
  certificates) certificates ;;
  up) up ;;
  down) down ;;
  import-image) import_image "$2" ;;
  *) echo "usage: $0 up|down|import-image FILE.tar (called by hack/local-cluster.sh)" >&2; exit 2 ;;
esac
