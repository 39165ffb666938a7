#!/usr/bin/env bash
# Debian packages that tests need beyond Node: ngspice (runs the emitted decks as written),
# python3-numpy (runs the reference simulator of docs/reference/netlists.md §12) and klayout (reads, DRC-checks
# and extracts the layouts of optinc layout, scripts/klayout/check_layout.py). Each is installed only when
# it is absent, so a machine that has them is left untouched and no network is needed.
set -euo pipefail
missing=()
command -v ngspice >/dev/null 2>&1 || missing+=(ngspice)
/usr/bin/python3 -c "import numpy" >/dev/null 2>&1 || missing+=(python3-numpy)
command -v klayout >/dev/null 2>&1 || missing+=(klayout)
if [ ${#missing[@]} -eq 0 ]; then
  echo "ci-deps: ngspice, python3-numpy and klayout are present"
  exit 0
fi
echo "ci-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
