#!/bin/sh
# Runs after every issued or renewed certificate (certbot --deploy-hook, remembered for renewals):
# lets the unprivileged proxy read the keys, then touches the file the proxy's watcher polls.
set -eu
lineage=${RENEWED_LINEAGE:?certbot sets RENEWED_LINEAGE for deploy hooks}
config_dir=$(dirname "$(dirname "$lineage")")
gid=${PROXY_GID-101}
if [ -n "$gid" ]; then
  name=$(basename "$lineage")
  chgrp "$gid" "$config_dir/live" "$config_dir/archive" "$lineage" "$config_dir/archive/$name" "$config_dir/archive/$name"/*
  chmod g+rx "$config_dir/live" "$config_dir/archive" "$lineage" "$config_dir/archive/$name"
  chmod g+r "$config_dir/archive/$name"/*
fi
touch "${CERT_RELOAD_TRIGGER:-$config_dir/.nadooit-reload}"
echo "certbot: deployed $lineage; the proxy reloads on its next check"
