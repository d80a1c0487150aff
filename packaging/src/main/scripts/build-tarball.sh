#!/usr/bin/env bash
# Writes OUT_DIR/orch-VERSION.tar.gz: the distribution tree (bin/, lib/, share/, etc/, systemd/,
# install.sh) under orch-VERSION/, owned by root, without the build machine's AppCDS archive.
# Usage: build-tarball.sh DIST_DIR OUT_DIR VERSION
set -euo pipefail
dist="$1" out="$2" version="$3"
tar --create --gzip --file "$out/orch-$version.tar.gz" \
  --directory "$(dirname "$dist")" --exclude 'orch/lib/orch-cli.jsa' \
  --owner=0 --group=0 --numeric-owner --sort=name \
  --transform "s,^orch,orch-$version," "$(basename "$dist")"
echo "build-tarball: $out/orch-$version.tar.gz"
