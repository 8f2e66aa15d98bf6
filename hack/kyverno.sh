#!/usr/bin/env bash
# Builds Kyverno, the incumbent the benchmark measures side by side with the operator (BENCHMARKS.md): its admission
# controller (cmd/kyverno) and background controller (cmd/background-controller) from the Go module
# github.com/kyverno/kyverno at a pinned version, fetched through the Go module proxy (never from release sites), and
# its CRDs from the same module's source (config/crds).
#
# They land in a cache outside the repository, beside the control-plane binaries of hack/kube-binaries.sh:
#   $KUBE_API_TEST_DIR/kyverno/<version>/{kyverno,background-controller,crds/}
# A second run finds the binaries (stamped with the version, checked by `go version -m`) and does nothing.
#
# Usage: hack/kyverno.sh    build what is missing, print the directory
set -euo pipefail

MODULE="github.com/kyverno/kyverno"
VERSION="v1.19.1"
DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/kyverno/$VERSION"

command -v go >/dev/null || { echo "go is required (Go >= 1.26; see CONTRIBUTING.md)" >&2; exit 1; }
# cgo stays at Go's default (on where a C compiler is found): the binaries run on this machine only.
export GOTOOLCHAIN=local GOFLAGS=-mod=mod
log() { echo "[kyverno] $*" >&2; }

# The module is built from a writable copy of its source: it has a replace directive of its own (so `go install
# module@version` refuses it), which only applies when it is the main module.
if [[ ! -f "$DIR/src/go.mod" ]]; then
  module_dir="$("$(dirname "${BASH_SOURCE[0]}")/go-module.sh" "$MODULE" "$VERSION")"
  mkdir -p "$DIR"
  rm -rf "$DIR/src.tmp"
  cp -r "$module_dir" "$DIR/src.tmp"
  chmod -R u+w "$DIR/src.tmp"
  mv "$DIR/src.tmp" "$DIR/src"
fi

# Kyverno stamps its version through ldflags, as its Makefile does; without it the binaries call themselves (devel).
ldflags="-s -w -X $MODULE/pkg/version.BuildVersion=$VERSION"
for command in kyverno background-controller; do
  if ! go version -m "$DIR/$command" 2>/dev/null | grep -q "pkg/version.BuildVersion=$VERSION"; then
    log "building $command from $MODULE@$VERSION (several minutes on two cores) ..."
    start=$SECONDS
    (cd "$DIR/src" && /usr/bin/time -f "[kyverno] $command: peak RSS %M KiB" \
      go build -buildvcs=false -ldflags "$ldflags" -o "$DIR/$command.tmp" "./cmd/$command")
    mv "$DIR/$command.tmp" "$DIR/$command"
    log "$command built in $((SECONDS - start)) s"
  fi
done
if [[ ! -d "$DIR/crds" ]]; then
  cp -r "$DIR/src/config/crds" "$DIR/crds.tmp"
  mv "$DIR/crds.tmp" "$DIR/crds"
fi
log "ready in $DIR"
echo "$DIR"
