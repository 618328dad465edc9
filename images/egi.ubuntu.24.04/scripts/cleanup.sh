#!/bin/sh
# Runs last, as root: removes what must not ship (installer settings, host keys, machine id, logs,
# apt lists, histories). The build account is deleted by the shutdown command.
set -eu
# The installer's cloud-init settings pin the None datasource and create the build account.
rm -f /etc/cloud/cloud.cfg.d/99-installer.cfg /etc/cloud/cloud.cfg.d/90-installer-network.cfg \
      /etc/cloud/cloud.cfg.d/subiquity-disable-cloudinit-networking.cfg /etc/cloud/ds-identify.cfg
rm -f /etc/netplan/00-installer-config.yaml /etc/netplan/50-cloud-init.yaml
rm -f /etc/sudoers.d/90-cloud-init-users
cloud-init clean --logs --seed
apt-get -y autoremove --purge
apt-get clean
rm -rf /var/lib/apt/lists/*
rm -f /etc/ssh/ssh_host_*
truncate -s 0 /etc/machine-id
rm -f /var/lib/dbus/machine-id /var/lib/systemd/random-seed
journalctl --rotate >/dev/null 2>&1 || true
journalctl --vacuum-time=1s >/dev/null 2>&1 || true
find /var/log -type f -delete
rm -f /root/.bash_history /home/*/.bash_history
rm -rf /tmp/* /var/tmp/*
sync
