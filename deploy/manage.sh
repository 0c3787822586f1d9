#!/usr/bin/env bash
# Run manage.py with the production environment, the way the systemd units see it:
#   sudo -u mockroom deploy/manage.sh migrate --noinput
# Reads KEY=value lines from $MOCKROOM_ENV_FILE (default /etc/mockroom/mockroom.env)
# literally: nothing is expanded, surrounding quotes are dropped, comments are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
env_file="${MOCKROOM_ENV_FILE:-/etc/mockroom/mockroom.env}"
[ -r "$env_file" ] || { echo "manage.sh: cannot read $env_file" >&2; exit 1; }
export DJANGO_SETTINGS_MODULE=mockroom.settings.production
while IFS= read -r line || [ -n "$line" ]; do
  line="${line#"${line%%[![:space:]]*}"}"
  [[ -z "$line" || "$line" == \#* ]] && continue
  key="${line%%=*}"
  value="${line#*=}"
  [[ "$line" == *=* && "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
  value="${value%"${value##*[![:space:]]}"}"
  if [[ ${#value} -ge 2 && ( ("$value" == \"*\") || ("$value" == \'*\') ) ]]; then
    value="${value:1:${#value}-2}"
  fi
  export "$key=$value"
done <"$env_file"
exec .venv/bin/python manage.py "$@"
