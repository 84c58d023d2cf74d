#!/bin/sh
# Re-renders the configuration (the mode may switch from HTTP-only to TLS) and reloads nginx without
# dropping connections. A rendering nginx rejects is thrown away and the running configuration stays.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
conf=${NGINX_CONF_DIR:-/etc/nginx/rendered}
next="$conf.next"

rm -rf "$next"
mode=$("$here/render.sh" "$next")
if ! nginx -t -q -e stderr -c "$next/nginx.conf"; then
  echo "proxy: the new $mode configuration was rejected by nginx -t; keeping the running one" >&2
  rm -rf "$next"
  exit 1
fi
rm -rf "$conf.previous"
mv "$conf" "$conf.previous"
mv "$next" "$conf"
nginx -e stderr -c "$conf/nginx.conf" -s reload
echo "proxy: reloaded in $mode mode"
