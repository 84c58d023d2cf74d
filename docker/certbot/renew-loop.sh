#!/bin/sh
# The certbot container's command: a renewal pass now and then twice a day (Let's Encrypt's advice).
set -u
here=$(cd "$(dirname "$0")" && pwd)
interval=${RENEW_INTERVAL_SECONDS:-43200}
trap 'exit 0' TERM INT
while :; do
  if [ -d "${CERTBOT_CONFIG_DIR:-/etc/letsencrypt}/renewal" ]; then
    "$here/renew.sh" || echo "certbot: renewal failed; retrying in $interval s" >&2
  else
    echo "certbot: no certificate yet; run: docker compose run --rm certbot /opt/certbot/certify-init.sh"
  fi
  sleep "$interval" &
  wait $!
done
