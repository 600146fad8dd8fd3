#!/usr/bin/env bash
# Builds the .deb packages with CPack from this build tree, checks them with lintian (no errors allowed),
# unpacks them into a scratch root with dpkg, and verifies the installed systemd units there.
# Usage: package_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
debs=("$work"/out/*.deb)
echo "built: ${debs[*]##*/}"
[ "${#debs[@]}" -eq 2 ] || { echo "expected 2 packages (kiosk, reception)"; exit 1; }

for deb in "${debs[@]}"; do
    name=$(dpkg-deb -f "$deb" Package)
    echo "== $name: $(dpkg-deb -f "$deb" Depends | cut -c1-160)"
    # lintian must report no errors (warnings are printed for the record).
    lintian --fail-on error --tag-display-limit 0 "$deb" | tee "$work/lintian-$name.txt" || {
        echo "lintian errors in $name"; exit 1; }
    dpkg-deb -c "$deb" | grep "usr/bin/" >/dev/null || { echo "$name ships no program"; exit 1; }
    if [ "$name" = uketsuke-kiosk ]; then  # what the kiosk loads at run time, beyond its libraries
        for dep in pcscd fonts-morisawa-bizud-gothic tesseract-ocr-jpn tesseract-ocr-eng; do
            dpkg-deb -f "$deb" Depends | grep -q "$dep" || { echo "uketsuke-kiosk does not depend on $dep"; exit 1; }
        done
    fi
done

# Install into a scratch root: a fresh dpkg database, unpacked (maintainer scripts need the real system).
root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
for deb in "${debs[@]}"; do
    dpkg --root="$root" --force-not-root --force-depends --unpack "$deb" >/dev/null
done
dpkg --root="$root" -l | grep -E "^iU +uketsuke-(kiosk|reception)" | wc -l | grep -qx 2 || {
    dpkg --root="$root" -l; echo "packages not unpacked"; exit 1; }
for f in usr/bin/uketsuke-kiosk usr/bin/uketsuke-reception lib/systemd/system/uketsuke-kiosk.service \
         lib/systemd/system/uketsuke-reception.service; do
    [ -e "$root/$f" ] || { echo "missing in scratch root: /$f"; exit 1; }
done
# A conffile stays NAME.dpkg-new until the package is configured.
[ -e "$root/etc/uketsuke/kiosk.toml.dpkg-new" ] || { echo "missing in scratch root: /etc/uketsuke/kiosk.toml"; exit 1; }
grep -q "etc/uketsuke/kiosk.toml" "$root/var/lib/dpkg/info/uketsuke-kiosk.conffiles" || { echo "kiosk.toml is no conffile"; exit 1; }
echo "scratch root holds: $(cd "$root" && find usr/bin -type f | tr '\n' ' ')"
