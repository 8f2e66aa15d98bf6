#!/usr/bin/env bash
# Prints the directory of a Go module at a version in the module cache, downloading it through the Go module proxy
# when it is missing (the checksum database verifies it; never into the repository). hack/openreports-crd.sh and
# hack/kyverno.sh read their sources from there.
#
# Usage: hack/go-module.sh MODULE VERSION
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 MODULE VERSION" >&2; exit 2; }
command -v go >/dev/null || { echo "go is required (Go >= 1.26; see CONTRIBUTING.md)" >&2; exit 1; }
export GOTOOLCHAIN=local GOFLAGS=-mod=mod
# Outside any module, so the download is not taken for a dependency of the current directory's.
dir="$(cd "${TMPDIR:-/tmp}" && go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[[ -f "$dir/go.mod" ]] || { echo "could not download $1@$2" >&2; exit 1; }
echo "$dir"
