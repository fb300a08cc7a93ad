#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtual environment and run it from outside the source
# tree, offline, with empty HOME and cache folders: the checks must run from the embedded metadata.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

python3 -m pip wheel --no-deps -q -w "$scratch/dist" "$repo"
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install -q "$scratch"/dist/*.whl
ls -l "$scratch"/dist/*.whl >&2
# PEP 639 metadata: the SPDX expression and the license file, in the wheel
python3 - "$scratch"/dist/*.whl <<'PY'
import sys
import zipfile

wheel = zipfile.ZipFile(sys.argv[1])
names = wheel.namelist()
metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
for line in ("License-Expression: MIT", "License-File: LICENSE"):
    assert line in metadata.splitlines(), f"check-wheel: METADATA lacks: {line}"
assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), "check-wheel: no LICENSE"
PY
cp -r "$repo/examples/retired" "$scratch/project"
mkdir "$scratch/home" "$scratch/cache"

cd "$scratch"
status=0
HOME="$scratch/home" XDG_CACHE_HOME="$scratch/cache" UPSUN_MIGRATOR_OFFLINE=1 \
  "$scratch/venv/bin/upsun-migrator" migrate --dry-run project > out.txt || status=$?
cat out.txt
expect() {
  grep -qF -- "$1" out.txt || { echo "check-wheel: missing from the output: $1" >&2; exit 1; }
}
[ "$status" -eq 0 ] || { echo "check-wheel: migrate exited $status" >&2; exit 1; }
expect "warning  UPS201  project/.platform/services.yaml:2  mariadb:10.4 is retired on Upsun: available but no longer maintained: no security updates, and it may be decommissioned; supported versions, nearest first: 11.4, 11.8, 12.3"
expect "checked: Upsun schema from the embedded snapshot of 2026-07-21 (upsun/meta 9dd622d; offline)"
expect "checked: image registry from the embedded snapshot of 2026-07-21 (upsun/meta 9dd622d; offline)"
[ -z "$(ls -A "$scratch/cache")" ] || { echo "check-wheel: the dry run wrote to the cache" >&2; exit 1; }
[ ! -e project/.upsun ] || { echo "check-wheel: the dry run wrote .upsun/" >&2; exit 1; }
echo "check-wheel: the installed wheel validated and checked versions offline" >&2
