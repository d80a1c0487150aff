#!/bin/sh
# Installs this orch tree on a host without Debian packages, as the .deb lays it out but under
# PREFIX (default /usr/local): PREFIX/lib/orch/{bin,lib}, PREFIX/bin/orch, completions and man
# pages under PREFIX/share, /etc/orch/orch.yaml (kept if it exists), /var/lib/orch (0700), the
# orch group and /etc/systemd/system/orch.service (enabled, not started). Run it as root.
# DESTDIR stages the whole installation under another directory instead (nothing else is touched).
set -eu
src="$(cd "$(dirname "$0")" && pwd)"
prefix="${PREFIX:-/usr/local}"
dest="${DESTDIR:-}"
home="$prefix/lib/orch"

rm -rf "$dest$home"
mkdir -p "$dest$home" "$dest$prefix/bin" "$dest/etc/orch" "$dest/etc/systemd/system" "$dest/var/lib/orch"
cp -R "$src/bin" "$src/lib" "$dest$home/"
rm -f "$dest$home/lib/orch-cli.jsa"
ln -sf "$home/bin/orch" "$dest$prefix/bin/orch"
mkdir -p "$dest$prefix/share"
cp -R "$src/share/." "$dest$prefix/share/"
if [ ! -e "$dest/etc/orch/orch.yaml" ]; then
    cp "$src/etc/orch/orch.yaml" "$dest/etc/orch/orch.yaml"
fi
chmod 0700 "$dest/var/lib/orch"
sed "s,^ExecStart=/usr/bin/orch ,ExecStart=$prefix/bin/orch ," "$src/systemd/orch.service" \
    > "$dest/etc/systemd/system/orch.service"

if [ -z "$dest" ]; then
    getent group orch >/dev/null || groupadd --system orch
    # the CLI's AppCDS archive, for this tree and this JVM (the CLI runs without it, only slower)
    if ORCH_CDS_TRAIN="$home/lib/orch-cli.jsa.new" "$home/bin/orch" >/dev/null 2>&1; then
        mv -f "$home/lib/orch-cli.jsa.new" "$home/lib/orch-cli.jsa"
    else
        rm -f "$home/lib/orch-cli.jsa.new"
    fi
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload
        systemctl enable orch.service
    fi
fi
echo "orch installed under $dest$prefix; review /etc/orch/orch.yaml, then: systemctl start orch, and docker -H unix:///run/orch/orch.sock swarm init"
