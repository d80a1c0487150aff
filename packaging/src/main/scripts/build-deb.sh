#!/usr/bin/env bash
# Writes OUT_DIR/orch_DEBVERSION_all.deb from the distribution tree with plain dpkg-deb, gzip
# compressed (the jars are compressed already: xz takes minutes for a few per cent). DEBVERSION is the Maven version with '-' as '~' (0.1.0-SNAPSHOT -> 0.1.0~SNAPSHOT: sorts before
# the release 0.1.0, as Debian wants of pre-releases). Without dpkg-deb (a non-Debian build host)
# it says so and writes nothing: the tar.gz is built either way.
# Usage: build-deb.sh DIST_DIR DEBIAN_DIR OUT_DIR VERSION
set -euo pipefail
dist="$1" debian="$2" out="$3" version="$4"
if ! command -v dpkg-deb >/dev/null; then
  echo "build-deb: dpkg-deb is not installed: skipping orch_*.deb (the tar.gz is built)" >&2
  exit 0
fi
deb_version="${version//-/\~}"
root="$out/deb-root"
rm -rf "$root"
lib="$root/usr/lib/orch"

# /usr/lib/orch holds the same bin/ and lib/ as the tar.gz; /usr/bin/orch links to its launcher,
# which finds its jars relative to where the link leads.
install -d "$lib" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/orch" "$root/usr/share"
cp -R "$dist/bin" "$lib/bin"
cp -R "$dist/lib" "$lib/lib"
rm -f "$lib/lib/orch-cli.jsa"           # built for the installed tree by postinst
ln -s ../lib/orch/bin/orch "$root/usr/bin/orch"
cp -R "$dist/share/." "$root/usr/share/"
install -m 0644 "$dist/systemd/orch.service" "$root/lib/systemd/system/orch.service"
install -m 0644 "$dist/etc/orch/orch.yaml" "$root/etc/orch/orch.yaml"
chmod -R u=rwX,go=rX "$root"
chmod 0755 "$lib/bin/orch"

install -d "$root/DEBIAN"
for script in postinst prerm postrm; do
  install -m 0755 "$debian/$script" "$root/DEBIAN/$script"
done
install -m 0644 "$debian/conffiles" "$root/DEBIAN/conffiles"
grep -v '^#' "$debian/triggers" > "$root/DEBIAN/triggers"; chmod 0644 "$root/DEBIAN/triggers"
installed_size="$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)"
sed -e "s/@VERSION@/$deb_version/" -e "s/@INSTALLED_SIZE@/$installed_size/" "$debian/control" > "$root/DEBIAN/control"

dpkg-deb --root-owner-group -Zgzip --build "$root" "$out/orch_${deb_version}_all.deb" >/dev/null
rm -rf "$root"
echo "build-deb: $out/orch_${deb_version}_all.deb"
