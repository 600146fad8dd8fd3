#!/usr/bin/env bash
# Installs the browser-test tool (playwright-core, pinned by tests/browser/package-lock.json) with npm into
# tests/browser/node_modules. No browser is downloaded: the tests drive Debian's /usr/bin/chromium.
# Safe to run again: skips when the installed tree matches the lock file.
set -euo pipefail
cd "$(dirname "$0")/../../tests/browser"
if ! command -v npm > /dev/null; then
    echo "20-browser-tools: npm not found (apt-get install nodejs npm)" >&2
    exit 1
fi
stamp=node_modules/.uk-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d node_modules/playwright-core ]; then
    exit 0
fi
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts
echo "$want" > "$stamp"
echo "20-browser-tools: playwright-core $(node -p "require('./node_modules/playwright-core/package.json').version") installed"
