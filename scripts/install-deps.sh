#!/usr/bin/env bash
# Installs every Debian package the project needs (scripts/deps/*.list, one room per file, each line commented
# there with why). Safe to run again: apt skips what is already installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
packages=$(cat "$here"/deps/*.list | sed 's/#.*//' | tr -s ' \n' ' ')
# Skip apt entirely when everything is present (fast re-runs); otherwise update and install.
missing=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' $packages 2>/dev/null | awk '$2 != "ii" {print $1}' || true)
installed_count=$(dpkg-query -W -f='${db:Status-Abbrev}\n' $packages 2>/dev/null | grep -c '^ii' || true)
if [ -z "$missing" ] && [ "$installed_count" -ge "$(echo $packages | wc -w)" ]; then
    echo "install-deps: all $(echo $packages | wc -w) packages present"
    exit 0
fi
echo "install-deps: installing $(echo $packages | wc -w) packages"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $packages
