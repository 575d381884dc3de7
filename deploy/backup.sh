#!/usr/bin/env bash
# Back up the platform: the PostgreSQL database (pg_dump custom format) and the var directory
# (the generated keys secret_key, data_key, audit_key, and the uploads) into ONE dated archive
# with SHA-256 checksums. Without the keys, the personal data in the dump cannot be decrypted
# and the audit chain cannot be verified: the two are only useful together.
#
#   deploy/backup.sh [--db URL] [--var DIR] [--out DIR]
#
#   --db URL   database (postgresql:// or postgresql+asyncpg://); default $DANGJIAN_DATABASE_URL
#   --var DIR  var directory; default $DANGJIAN_VAR_DIR
#   --out DIR  where the archive goes; default ./backups
#
# Writes DIR/dangjian-YYYYmmddTHHMMSSZ.tar (db.dump, var.tar.gz, SHA256SUMS inside) and
# DIR/dangjian-YYYYmmddTHHMMSSZ.tar.sha256, readable by the owner only. Prints the archive path.
# PG_DUMP overrides the pg_dump command (its major version must be >= the server's), e.g. for
# compose: PG_DUMP="docker compose exec -T db pg_dump" with --db postgresql://dangjian@localhost/dangjian
set -euo pipefail

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "backup: $*" >&2; exit 1; }

db_url="${DANGJIAN_DATABASE_URL:-}"
var_dir="${DANGJIAN_VAR_DIR:-}"
out_dir="./backups"
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db_url="${2:?--db needs a URL}"; shift 2 ;;
    --var) var_dir="${2:?--var needs a directory}"; shift 2 ;;
    --out) out_dir="${2:?--out needs a directory}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[ -n "$db_url" ] || die "no database: give --db or set DANGJIAN_DATABASE_URL"
[ -n "$var_dir" ] || die "no var directory: give --var or set DANGJIAN_VAR_DIR"
[ -d "$var_dir" ] || die "var directory $var_dir does not exist"
# libpq does not know SQLAlchemy's driver suffix.
db_url="${db_url/postgresql+asyncpg:/postgresql:}"
read -r -a pg_dump <<< "${PG_DUMP:-pg_dump}"

umask 077
mkdir -p "$out_dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
name="dangjian-$stamp"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"${pg_dump[@]}" --format=custom --compress=6 --no-owner --no-acl "$db_url" > "$work/db.dump"
tar -C "$var_dir" -czf "$work/var.tar.gz" .
{
  echo "created=$stamp"
  echo "database=${db_url##*/}"
  echo "var_dir=$var_dir"
  "${pg_dump[@]}" --version
} > "$work/MANIFEST"
(cd "$work" && sha256sum db.dump var.tar.gz MANIFEST > SHA256SUMS)

archive="$out_dir/$name.tar"
tar -C "$work" -cf "$archive.partial" MANIFEST SHA256SUMS db.dump var.tar.gz
mv "$archive.partial" "$archive"
(cd "$out_dir" && sha256sum "$name.tar" > "$name.tar.sha256")
echo "$archive"
