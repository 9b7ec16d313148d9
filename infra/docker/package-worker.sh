#!/bin/sh
# Entrypoint of the generic package worker image (fleet-worker-package): fetches the function package named by
# FLEET_PACKAGE_SHA256 from the gateway at FLEET_GATEWAY_URL, signed with the workers' key (Worker__Key), checks its
# sha256, unzips it and execs `dotnet` on its one *.runtimeconfig.json entry, as the local autoscaler does.
# FLEET_PACKAGE_DIR (default /tmp/fleet-package) holds it; an unpacked copy of the same package is reused.
set -eu
sha=${FLEET_PACKAGE_SHA256:?FLEET_PACKAGE_SHA256 must name the package}
gateway=${FLEET_GATEWAY_URL:?FLEET_GATEWAY_URL must name the gateway}
key=${Worker__Key:?Worker__Key must hold the workers key}
dir=${FLEET_PACKAGE_DIR:-/tmp/fleet-package}
app="$dir/$sha"
fail() { echo "fleet package worker: $*" >&2; exit 1; }

if [ ! -f "$app/.fleet-unpacked" ]; then
  mkdir -p "$dir"
  zip="$dir/$sha.zip.part"
  # base64url(HMAC-SHA256(key, "package:" + sha256)): PackageSignature in Fleet.Contracts.
  signature=$(printf 'package:%s' "$sha" | openssl dgst -sha256 -hmac "$key" -binary | base64 | tr '+/' '-_' | tr -d '=\n')
  curl -fsS --retry 5 --retry-connrefused --max-time 600 -H "X-Fleet-Package-Signature: $signature" \
    -o "$zip" "${gateway%/}/v1/packages/$sha" || { rm -f "$zip"; fail "cannot fetch package $sha from $gateway"; }
  echo "$sha  $zip" | sha256sum -c --status - || { rm -f "$zip"; fail "the bytes fetched for package $sha do not hash to it"; }
  rm -rf "$app.tmp" && unzip -q "$zip" -d "$app.tmp" || fail "package $sha does not unzip"
  rm -f "$zip"
  touch "$app.tmp/.fleet-unpacked"
  rm -rf "$app" && mv "$app.tmp" "$app"
fi

count=0
for config in "$app"/*.runtimeconfig.json; do
  [ -e "$config" ] && count=$((count + 1)) && entry="${config%.runtimeconfig.json}.dll"
done
[ "$count" -eq 1 ] || fail "package $sha has $count *.runtimeconfig.json files at its root; exactly one names its program"
[ -f "$entry" ] || fail "package $sha has no $(basename "$entry") beside its runtimeconfig"
cd "$app"
exec dotnet "$entry" "$@"
