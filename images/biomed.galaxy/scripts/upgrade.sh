#!/bin/sh
# Every package at the newest version of the archive (the procedure: "packages MUST be upgraded").
set -eu
cloud-init status --wait >/dev/null || true
apt-get update
apt-get -y -o Dpkg::Options::=--force-confold dist-upgrade
apt-get -y install --no-install-recommends cloud-init cloud-guest-utils curl ufw
pending=$(apt-get -s dist-upgrade | grep -c '^Inst ' || true)
if [ "$pending" -ne 0 ]; then
  echo "still $pending packages to upgrade" >&2
  exit 1
fi
