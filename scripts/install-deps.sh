#!/usr/bin/env bash
# Installs every Debian package the project needs (scripts/deps/*.list, one room per file, each line commented
# there with why). Safe to run again: when everything is present, apt is not called at all.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
packages=$(cat "$here"/deps/*.list | sed 's/#.*//' | tr -s ' \n' '\n' | sort -u | tr '\n' ' ')
count=$(echo $packages | wc -w)
installed=$(dpkg-query -W -f='${db:Status-Abbrev}\n' $packages 2>/dev/null | grep -c '^ii' || true)
if [ "$installed" -eq "$count" ]; then
    echo "install-deps: all $count packages present"
else
    echo "install-deps: installing $count packages ($installed present)"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $packages
fi
# Debian's nodejs ships without npm (another nodejs build may bundle it); the model set-up needs npm.
if ! command -v npm >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends npm
fi
