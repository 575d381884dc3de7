#!/usr/bin/env bash
# Restore an archive written by deploy/backup.sh: the database and the var directory (keys).
# Stop the API first and start it again afterwards, with the release that wrote the backup or a
# newer one (its start runs `dangjian migrate`; migrations only go forwards).
#
#   deploy/restore.sh ARCHIVE [--db URL] [--var DIR] [--force]
#
#   --db URL   target database, which must exist (createdb); default $DANGJIAN_DATABASE_URL
#   --var DIR  target var directory; default $DANGJIAN_VAR_DIR
#   --force    replace a database that has tables and a var directory that has files
#              (without it, the restore refuses to overwrite anything)
#
# Checks ARCHIVE.sha256 (when present) and the checksums inside before touching anything.
# PG_RESTORE and PSQL override the commands, e.g. for compose:
#   PG_RESTORE="docker compose exec -T db pg_restore" PSQL="docker compose exec -T db psql"
set -euo pipefail

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "restore: $*" >&2; exit 1; }

archive=""
db_url="${DANGJIAN_DATABASE_URL:-}"
var_dir="${DANGJIAN_VAR_DIR:-}"
force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db_url="${2:?--db needs a URL}"; shift 2 ;;
    --var) var_dir="${2:?--var needs a directory}"; shift 2 ;;
    --force) force=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; die "unknown argument: $1" ;;
    *) [ -z "$archive" ] || die "one archive only"; archive="$1"; shift ;;
  esac
done
[ -n "$archive" ] || { usage >&2; die "no archive given"; }
[ -f "$archive" ] || die "archive $archive not found"
[ -n "$db_url" ] || die "no database: give --db or set DANGJIAN_DATABASE_URL"
[ -n "$var_dir" ] || die "no var directory: give --var or set DANGJIAN_VAR_DIR"
db_url="${db_url/postgresql+asyncpg:/postgresql:}"
read -r -a pg_restore <<< "${PG_RESTORE:-pg_restore}"
read -r -a psql <<< "${PSQL:-psql}"

umask 077
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ -f "$archive.sha256" ]; then
  (cd "$(dirname "$archive")" && sha256sum --check --quiet "$(basename "$archive").sha256") \
    || die "checksum of $archive does not match $archive.sha256"
fi
tar -C "$work" -xf "$archive" MANIFEST SHA256SUMS db.dump var.tar.gz \
  || die "$archive is not a backup archive"
(cd "$work" && sha256sum --check --quiet SHA256SUMS) || die "archive contents are damaged"

tables="$("${psql[@]}" "$db_url" -X -v ON_ERROR_STOP=1 -Atc \
  "SELECT count(*) FROM pg_catalog.pg_tables
   WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")" \
  || die "cannot connect to the target database (create it first: createdb NAME)"
if [ "$tables" != "0" ] && [ "$force" != 1 ]; then
  die "the target database has $tables tables: refusing to overwrite it (use --force)"
fi
if [ -d "$var_dir" ] && [ -n "$(ls -A "$var_dir")" ] && [ "$force" != 1 ]; then
  die "the var directory $var_dir is not empty: refusing to overwrite it (use --force)"
fi

clean=()
[ "$force" = 1 ] && clean=(--clean --if-exists)
"${pg_restore[@]}" --exit-on-error --single-transaction --no-owner --no-acl "${clean[@]}" \
  --dbname "$db_url" < "$work/db.dump"

mkdir -p "$var_dir"
if [ "$force" = 1 ]; then
  find "$var_dir" -mindepth 1 -delete
fi
tar -C "$var_dir" -xzf "$work/var.tar.gz"
chmod 0700 "$var_dir"
echo "restored $(sed -n 's/^created=//p' "$work/MANIFEST") into ${db_url##*/} and $var_dir"
