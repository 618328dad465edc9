#!/bin/sh
# Configuration per the image endorsement procedure: cloud-init (no datasource pinned, root disabled,
# no passwords, growpart + resizefs, package update/upgrade), sshd with keys only, firewalld letting in
# ssh only (IPv4 and IPv6), root password locked, no service running but sshd.
set -eu
install -m 0644 /tmp/90-vmendorse.cfg /etc/cloud/cloud.cfg.d/90-vmendorse.cfg
rm -f /tmp/90-vmendorse.cfg
cat > /etc/ssh/sshd_config.d/50-vmendorse.conf <<'CONF'
# Image endorsement procedure (vmendorse): keys only, no root login.
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitEmptyPasswords no
PermitRootLogin no
X11Forwarding no
CONF
restorecon -R /etc/ssh /etc/cloud
systemctl enable firewalld sshd cloud-init
firewall-offline-cmd --set-default-zone=public
firewall-offline-cmd --zone=public --remove-service=cockpit || true
firewall-offline-cmd --zone=public --remove-service=dhcpv6-client || true
firewall-offline-cmd --zone=public --add-service=ssh
passwd --lock root
