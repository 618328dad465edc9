#!/bin/sh
# Galaxy (branch release_$GALAXY_RELEASE) run by the unprivileged "galaxy" user on 127.0.0.1:8080,
# nginx terminating TLS on port 443 in front of it. The TLS key is made on first boot, never baked in.
# Datasets live in /srv/galaxy/data: mount the attached volume there.
set -eu
apt-get -y install --no-install-recommends nginx-light python3-venv python3-dev git gcc make libc6-dev openssl
useradd --system --home-dir /srv/galaxy --create-home --shell /usr/sbin/nologin galaxy
install -d -o galaxy -g galaxy /srv/galaxy/data /srv/galaxy/config
git clone --depth 1 --branch "release_${GALAXY_RELEASE}" https://github.com/galaxyproject/galaxy.git /srv/galaxy/server
chown -R galaxy:galaxy /srv/galaxy/server
cat > /srv/galaxy/config/galaxy.yml <<'CONF'
gravity:
  gunicorn:
    bind: 127.0.0.1:8080
galaxy:
  file_path: /srv/galaxy/data/datasets
  new_file_path: /srv/galaxy/data/tmp
  database_connection: sqlite:////srv/galaxy/data/universe.sqlite?isolation_level=IMMEDIATE
  admin_users: ""
  allow_user_creation: true
CONF
chown galaxy:galaxy /srv/galaxy/config/galaxy.yml
# The client comes prebuilt from the npm registry, so no Node.js toolchain stays in the image.
su -s /bin/sh galaxy -c 'cd /srv/galaxy/server && GALAXY_CONFIG_FILE=/srv/galaxy/config/galaxy.yml GALAXY_INSTALL_PREBUILT_CLIENT=1 sh scripts/common_startup.sh'

cat > /etc/systemd/system/galaxy.service <<'UNIT'
[Unit]
Description=Galaxy workflow server
After=network-online.target
Wants=network-online.target

[Service]
User=galaxy
Group=galaxy
WorkingDirectory=/srv/galaxy/server
Environment=GALAXY_CONFIG_FILE=/srv/galaxy/config/galaxy.yml
ExecStart=/srv/galaxy/server/.venv/bin/galaxy --config-file /srv/galaxy/config/galaxy.yml
NoNewPrivileges=true
PrivateTmp=true
ProtectSystem=full
Restart=on-failure

[Install]
WantedBy=multi-user.target
UNIT

cat > /etc/systemd/system/galaxy-tls-key.service <<'UNIT'
[Unit]
Description=Create this instance's self-signed TLS key for nginx (replace it with a real certificate)
Before=nginx.service
ConditionPathExists=!/etc/ssl/private/galaxy.key

[Service]
Type=oneshot
ExecStart=/usr/bin/openssl req -x509 -newkey rsa:3072 -nodes -days 825 -subj /CN=galaxy -keyout /etc/ssl/private/galaxy.key -out /etc/ssl/certs/galaxy.pem

[Install]
WantedBy=multi-user.target
UNIT

rm -f /etc/nginx/sites-enabled/default
cat > /etc/nginx/sites-available/galaxy <<'CONF'
server {
    listen 443 ssl;
    listen [::]:443 ssl;
    ssl_certificate /etc/ssl/certs/galaxy.pem;
    ssl_certificate_key /etc/ssl/private/galaxy.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    client_max_body_size 10g;
    location / {
        proxy_pass http://127.0.0.1:8080;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-Proto https;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
}
CONF
ln -sf /etc/nginx/sites-available/galaxy /etc/nginx/sites-enabled/galaxy
systemctl enable galaxy.service galaxy-tls-key.service nginx.service
# Build tools were needed for Galaxy's Python wheels only.
apt-get -y purge gcc make libc6-dev python3-dev
