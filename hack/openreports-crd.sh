#!/usr/bin/env bash
# Prints the path of the OpenReports Report CRD (openreports.io/v1alpha1), taken verbatim from the OpenReports
# project's own Go module at a pinned version, downloaded through the Go module proxy into the module cache (never
# into the repository; the checksum database verifies it). Tests install it; users install it from the OpenReports
# release or with Policy Reporter / Kyverno, which bring it along.
#
# Usage: hack/openreports-crd.sh    download the module if missing, print the CRD file's path
set -euo pipefail

MODULE="github.com/openreports/reports-api"
VERSION="v0.2.1"
CRD="config/crd/openreports.io_reports.yaml"

dir="$("$(dirname "${BASH_SOURCE[0]}")/go-module.sh" "$MODULE" "$VERSION")"
[[ -f "$dir/$CRD" ]] || { echo "$MODULE@$VERSION has no $CRD" >&2; exit 1; }
echo "$dir/$CRD"
