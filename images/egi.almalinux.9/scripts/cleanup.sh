#!/bin/sh
# Runs last, as root: removes what must not ship (host keys, machine id, logs, caches, histories,
# network identity). The build account is deleted by the shutdown command.
set -eu
dnf -y autoremove
dnf clean all
rm -rf /var/cache/dnf/*
cloud-init clean --logs --seed
rm -f /etc/ssh/ssh_host_*
truncate -s 0 /etc/machine-id
rm -f /var/lib/systemd/random-seed
rm -f /etc/NetworkManager/system-connections/*.nmconnection
rm -f /var/lib/NetworkManager/*.lease /var/lib/NetworkManager/internal-*
journalctl --rotate >/dev/null 2>&1 || true
journalctl --vacuum-time=1s >/dev/null 2>&1 || true
find /var/log -type f -delete
rm -f /root/.bash_history /home/*/.bash_history /root/anaconda-ks.cfg /root/original-ks.cfg
rm -rf /tmp/* /var/tmp/*
sync
