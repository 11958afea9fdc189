# lib.sh — shell functions shared by the benchmark's data scripts. Source it after defining
# say MESSAGE and die MESSAGE:  . "$(dirname "$0")/../lib.sh"

# need PKG... : installs the Debian packages that are not installed yet (as root, with
# apt-get), or dies naming the apt-get line to run.
need() {
	_missing=
	for _p in "$@"; do
		dpkg-query -W -f='${Status}' "$_p" 2>/dev/null | grep -q 'install ok installed' ||
			_missing="$_missing $_p"
	done
	[ -z "$_missing" ] && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "apt-get install$_missing"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $_missing >&2 ||
			die "apt-get install$_missing failed"
	else
		die "missing Debian packages: apt-get install$_missing"
	fi
}
