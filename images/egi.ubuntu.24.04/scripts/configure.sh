#!/bin/sh
# Configuration per the image endorsement procedure: cloud-init (no datasource pinned, root disabled,
# no passwords, growpart + resizefs, package update/upgrade), sshd with keys only, a firewall that lets
# in ssh only (IPv4 and IPv6), root password locked.
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
ufw default deny incoming
ufw default allow outgoing
ufw allow 22/tcp
ufw --force enable
passwd --lock root
