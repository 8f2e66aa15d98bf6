#!/usr/bin/env bash
# Installs the pinned Claude Code CLI (npm package @anthropic-ai/claude-code) into a cache outside the repository
# and prints the path of its binary. The conformance suite (ClaudeCodeConformanceIT) runs that binary.
# A second run finds the installed version and does nothing.
#   CLAUDE_CODE_VERSION   the version to install (default: the one the suite is measured against)
#   CLAUDE_CODE_CACHE     where to install (default: ~/.cache/agentpolicy/claude-code)
# Exit status 3 means npm or its registry is unreachable (the suite then skips loudly); anything else non-zero is a failure.
set -euo pipefail
version=${CLAUDE_CODE_VERSION:-2.1.328}
prefix=${CLAUDE_CODE_CACHE:-$HOME/.cache/agentpolicy/claude-code}/$version
bin=$prefix/node_modules/.bin/claude

installed() {
  [[ -x $bin ]] && [[ "$("$bin" --version 2>/dev/null)" == "$version"* ]]
}

if ! installed; then
  command -v npm >/dev/null || { echo "claude-code.sh: npm not found" >&2; exit 3; }
  npm view "@anthropic-ai/claude-code@$version" version >/dev/null 2>&1 \
    || { echo "claude-code.sh: npm registry unreachable (or no version $version)" >&2; exit 3; }
  rm -rf "$prefix.tmp"
  mkdir -p "$prefix.tmp"
  # postinstall copies the platform's native binary next to the package; a fresh prefix keeps a failed run harmless
  npm install --prefix "$prefix.tmp" --no-audit --no-fund --loglevel=error "@anthropic-ai/claude-code@$version" >&2
  rm -rf "$prefix"
  mv "$prefix.tmp" "$prefix"
  installed || { echo "claude-code.sh: $bin does not report version $version" >&2; exit 1; }
fi
echo "$bin"
