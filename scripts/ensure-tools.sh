#!/usr/bin/env bash
# Makes sure the system tools the tests use are installed. As root it installs what is missing from
# Debian's archive; otherwise it names the missing packages and fails. The list is scripts/apt-packages.txt
# ("command package" per line; a command of "-" means: check the package with dpkg).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
while read -r cmd pkg; do
  [[ -z "${cmd:-}" || "$cmd" == \#* ]] && continue
  if [[ "$cmd" == "-" ]]; then
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  else
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  fi
done < scripts/apt-packages.txt
[[ ${#missing[@]} -eq 0 ]] && exit 0
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [[ $(id -u) -ne 0 ]]; then
  echo "ensure-tools: missing Debian packages: ${missing[*]} (install them: apt-get install -y ${missing[*]})" >&2
  exit 1
fi
echo "ensure-tools: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
