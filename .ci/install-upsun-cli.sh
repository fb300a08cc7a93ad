#!/usr/bin/env bash
# Install the official Upsun CLI from the npm registry (no global install, no network at run time)
# and print the path of its binary. Usage: .ci/install-upsun-cli.sh [DEST]
set -euo pipefail
dest="${1:-$(cd "$(dirname "$0")" && pwd)/cache/upsun-cli}"
binary="$dest/package/bin/upsun"
if [ ! -x "$binary" ]; then
  mkdir -p "$dest"
  (cd "$dest" && npm pack --silent @upsun/cli-linux-x64 >/dev/null && tar xzf upsun-cli-linux-x64-*.tgz)
fi
HOME="$(mktemp -d)" "$binary" --version >&2
echo "$binary"
