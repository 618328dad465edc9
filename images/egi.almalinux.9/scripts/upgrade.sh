#!/bin/sh
# Every package at the newest version of the repositories (the procedure: "packages MUST be upgraded").
set -eu
dnf -y upgrade --refresh
dnf -y install epel-release cloud-init cloud-utils-growpart openssh-clients curl
if ! dnf -q check-update >/dev/null; then
  echo "packages are left to upgrade" >&2
  exit 1
fi
