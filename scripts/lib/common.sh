# shellcheck shell=bash
# Shared by the scripts in scripts/: find a JDK >= 22 and install what a fresh Debian machine lacks.
# Source it; it defines functions only.

die() { echo "panamax: $*" >&2; exit 1; }

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

java_major() { # prints the feature version of the JDK at $1, or nothing
  local v
  # the release file answers without starting a JVM (seconds under the nested host's emulation)
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  [[ -n $v ]] || v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  [[ $v =~ ^[0-9]+$ ]] && echo "$v"
}

# Exports JAVA_HOME pointing at a JDK >= 22: JAVA_HOME if it qualifies, else the newest under /usr/lib/jvm.
find_jdk() {
  local candidate best="" best_v=0 v
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/javac ]]; then
    v=$(java_major "$JAVA_HOME")
    if [[ -n $v && $v -ge 22 ]]; then export JAVA_HOME; return; fi
    echo "panamax: JAVA_HOME=$JAVA_HOME is Java ${v:-?}, too old (need >= 22); looking in /usr/lib/jvm" >&2
  fi
  for candidate in /usr/lib/jvm/*; do
    [[ -x $candidate/bin/javac ]] || continue
    v=$(java_major "$candidate")
    if [[ -n $v && $v -ge 22 && $v -gt $best_v ]]; then best=$candidate; best_v=$v; fi
  done
  [[ -n $best ]] || die "no JDK >= 22 found (checked JAVA_HOME and /usr/lib/jvm); install one, e.g. Temurin 25, and set JAVA_HOME"
  export JAVA_HOME=$best
}

APT_UPDATED=0
apt_update() { # refreshes the package lists, once per script run
  ((APT_UPDATED)) && return 0
  apt-get update -qq >/dev/null 2>&1 || die "apt-get update failed"
  APT_UPDATED=1
}

# Installs whichever of the given Debian packages is missing; quiet unless it fails.
ensure_pkgs() {
  local missing=() p out
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt_update
  out=$(apt-get install -y -qq --no-install-recommends "${missing[@]}" 2>&1) \
    || { echo "$out" | tail -n 5 >&2; die "apt-get install ${missing[*]} failed"; }
}

# Maven to build, gcc and the kernel headers for the ABI test.
ensure_build_tools() {
  local missing=()
  command -v mvn >/dev/null || missing+=(maven)
  command -v gcc >/dev/null || missing+=(gcc)
  [[ -f /usr/include/linux/kvm.h ]] || missing+=(linux-libc-dev)
  [[ -f /usr/include/stdio.h ]] || missing+=(libc6-dev)
  if ((${#missing[@]})); then
    ensure_pkgs "${missing[@]}"
  fi
}

# True where /dev/kvm is hardware-assisted (VT-x/AMD-V), so Linux guests boot directly; false on
# PVM, a software KVM that cannot boot an unmodified kernel (they then run in nested-host.sh).
hardware_kvm() {
  [[ -c /dev/kvm && ! -d /sys/module/kvm_pvm ]] &&
    [[ -d /sys/module/kvm_intel || -d /sys/module/kvm_amd ]]
}

mvn_batch() { mvn -B -ntp -Dstyle.color=never "$@"; }

# Runs CMD... and, while it runs, prints "LABEL: $(STATUS_FN) after N s" on stderr every 15 s on
# a terminal, once a minute otherwise (CI logs), so that long steps are never silent.
run_with_progress() { # LABEL STATUS_FN CMD...
  local label=$1 status_fn=$2 every=60 pid t0=$SECONDS next rc=0
  shift 2
  [[ -t 2 ]] && every=15
  next=$every
  "$@" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if ((SECONDS - t0 >= next)); then
      echo "$label: $($status_fn) after $((SECONDS - t0)) s" >&2
      next=$((next + every))
    fi
  done
  wait "$pid" || rc=$?
  return "$rc"
}
