#!/usr/bin/env bash
# Builds the control-plane binaries the tests, the demo and the benchmark run against:
# kube-apiserver, kubectl, etcd and helm v3, all from the Go module proxy (never from release sites).
#
# They land in a cache outside the repository, laid out the way fabric8 kube-api-test looks for them:
#   $KUBE_API_TEST_DIR/k8s/<version>-linux-amd64/{kube-apiserver,etcd,kubectl}
#   $KUBE_API_TEST_DIR/helm/<version>/helm
# A second run finds the binaries (checked by their --version output) and does nothing.
#
# Usage: hack/kube-binaries.sh              build what is missing
#        hack/kube-binaries.sh --with-node  also kubelet, kube-controller-manager and kube-scheduler (for a node)
#        hack/kube-binaries.sh --print      print the paths, one KEY=path per line (no build)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
K8S_VERSION="1.36.4"
ETCD_VERSION="3.6.8"
HELM_VERSION="3.20.2"
CACHE="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
K8S_DIR="$CACHE/k8s/${K8S_VERSION}-linux-amd64"
HELM_DIR="$CACHE/helm/${HELM_VERSION}"

if [[ "${1:-}" == "--print" ]]; then
  echo "K8S_VERSION=$K8S_VERSION"
  echo "KUBE_APISERVER=$K8S_DIR/kube-apiserver"
  echo "ETCD=$K8S_DIR/etcd"
  echo "KUBECTL=$K8S_DIR/kubectl"
  echo "KUBELET=$K8S_DIR/kubelet"
  echo "KUBE_CONTROLLER_MANAGER=$K8S_DIR/kube-controller-manager"
  echo "KUBE_SCHEDULER=$K8S_DIR/kube-scheduler"
  echo "HELM=$HELM_DIR/helm"
  exit 0
fi

command -v go >/dev/null || { echo "go is required (Go >= 1.26; see CONTRIBUTING.md)" >&2; exit 1; }
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
mkdir -p "$K8S_DIR" "$HELM_DIR"

log() { echo "[kube-binaries] $*" >&2; }

# build <module dir> <output> <package> <ldflags>: go build with the time and peak memory logged.
build() {
  local module="$1" out="$2" pkg="$3" ldflags="$4"
  log "building $(basename "$out") from $pkg ..."
  local start=$SECONDS
  (cd "$HERE/kube-binaries/$module" &&
    /usr/bin/time -f "[kube-binaries] $(basename "$out"): peak RSS %M KiB" \
      go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$out.tmp" "$pkg")
  mv "$out.tmp" "$out"
  log "$(basename "$out") built in $((SECONDS - start)) s"
}

# Kubernetes stamps its version through ldflags; without them /version says v0.0.0 and clients misbehave.
k8s_ldflags() {
  local flags="-s -w" date
  date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=${K8S_VERSION%%.*}"
    flags+=" -X $p.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2) -X $p.gitTreeState=clean -X $p.buildDate=$date"
  done
  echo "$flags"
}

# has_version <binary> <expected text> <args...>: the output is read whole first; piping into `grep -q` could
# end the binary with SIGPIPE, which pipefail would report as a mismatch (and trigger a needless rebuild).
has_version() {
  local output
  [[ -x "$1" ]] && output="$("$1" "${@:3}" 2>/dev/null)" && grep -q "$2" <<<"$output"
}

if ! has_version "$K8S_DIR/kube-apiserver" "v$K8S_VERSION" --version; then
  build kubernetes "$K8S_DIR/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver "$(k8s_ldflags)"
fi
if ! has_version "$K8S_DIR/kubectl" "v$K8S_VERSION" version --client; then
  build kubernetes "$K8S_DIR/kubectl" k8s.io/kubernetes/cmd/kubectl "$(k8s_ldflags)"
fi
if ! has_version "$K8S_DIR/etcd" "etcd Version: $ETCD_VERSION" --version; then
  build etcd "$K8S_DIR/etcd" go.etcd.io/etcd/server/v3 "-s -w"
fi
if ! has_version "$HELM_DIR/helm" "v$HELM_VERSION" version; then
  k8s_minor="$(cd "$HERE/kube-binaries/helm" && go list -m -f '{{.Version}}' k8s.io/client-go | cut -d. -f2)"
  helm_ld="-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION"
  for p in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
    helm_ld+=" -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=$k8s_minor"
  done
  build helm "$HELM_DIR/helm" helm.sh/helm/v3/cmd/helm "$helm_ld"
fi
if [[ "${1:-}" == "--with-node" ]]; then
  for component in kubelet kube-controller-manager kube-scheduler; do
    if ! has_version "$K8S_DIR/$component" "v$K8S_VERSION" --version; then
      build kubernetes "$K8S_DIR/$component" "k8s.io/kubernetes/cmd/$component" "$(k8s_ldflags)"
    fi
  done
fi
log "ready in $CACHE"
