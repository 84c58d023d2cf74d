#!/bin/sh
# Polls the certificate files and certbot's reload trigger; on any change (first issuance, renewal, a
# www certificate appearing) runs reload.sh. Polling works on every volume type, inotify does not.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${DOMAIN:?DOMAIN must be set}"
le=${LETSENCRYPT_DIR:-/etc/letsencrypt}
trigger=${CERT_RELOAD_TRIGGER:-$le/.nadooit-reload}
interval=${CERT_POLL_SECONDS:-30}

state() {
  for f in "$le/live/${CERT_NAME:-$DOMAIN}/fullchain.pem" "$le/live/www.$DOMAIN/fullchain.pem" "$trigger"; do
    # -L follows the live/ symlink, so a renewal (new archive/…N.pem) changes inode and mtime.
    stat -L -c '%n %i %Y %s' "$f" 2>/dev/null || echo "$f -"
  done
}

last=$(state)
while sleep "$interval"; do
  current=$(state)
  [ "$current" = "$last" ] && continue
  last=$current
  "$here/reload.sh" || echo "proxy: reload failed; retrying on the next change" >&2
done
