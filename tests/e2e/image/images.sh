#!/usr/bin/env bash
# End to end: images through bin/vessel as a user drives them (import, ls, tag, save, load,
# inspect, rm, prune, system df, build, push/pull against a throwaway local registry, and
# interop with skopeo). The commands and flags are those of vessel-image/CLI.md.
# Exits 77 (skipped) with the reason when the CLI does not wire `vessel image` yet or a tool is missing.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")"
. ../lib/assert.sh
V="$(readlink -f ../../../bin/vessel)"
if ! "$V" image --help >/dev/null 2>&1; then
    echo "SKIP: bin/vessel has no 'image' command yet (the CLI wires it from vessel-image/CLI.md)"; exit 77
fi
for tool in docker-registry skopeo; do
    command -v "$tool" >/dev/null || { echo "SKIP: needs $tool (apt-get install $tool)"; exit 77; }
done
work="$(mktemp -d /tmp/vessel-e2e-image.XXXXXX)"
reg_pid=""
tls_pid=""
cleanup() {
    [ -n "$reg_pid" ] && kill "$reg_pid" 2>/dev/null
    [ -n "$tls_pid" ] && kill "$tls_pid" 2>/dev/null
    for n in e2e/busybox:1 e2e/busybox:2 e2e/built:1 e2e/lo:1 e2e/xattr:1 e2e/heredoc:1 e2e/onbuild:1 "$REG/e2e/busybox:1" \
             "${TREG:-none}/e2e/busybox:1"; do "$V" image rm -f "$n" >/dev/null 2>&1; done
    rm -rf "$work"
}
trap cleanup EXIT

# A rootfs tarball from Debian's static busybox.
busybox_bundle "$work/bb"
tar -C "$work/bb/rootfs" -czf "$work/rootfs.tar.gz" .

out=$("$V" image import "$work/rootfs.tar.gz" e2e/busybox:1 2>&1); check "import a rootfs tarball" test $? -eq 0
contains "ls shows the imported image" "e2e/busybox" "$("$V" image ls)"
check "tag" "$V" image tag e2e/busybox:1 e2e/busybox:2
contains "inspect shows the config" '"diff_ids"' "$("$V" image inspect e2e/busybox:2)"

check "save docker-archive" "$V" image save -o "$work/bb-docker.tar" e2e/busybox:1
check "save oci-archive" "$V" image save --format oci-archive -o "$work/bb-oci.tar" e2e/busybox:1
out=$("$V" image save -o "$work/none.tar" nosuch 2>&1); check "save of a missing image fails" test $? -ne 0
eq "save of a missing image leaves no file" "" "$(ls -A "$work" | grep -e none.tar -e '\.vessel-')"
out=$("$V" image save -o "$work/no/such/dir.tar" e2e/busybox:1 2>&1); check "save into a missing directory fails" test $? -ne 0
eq "save into a missing directory: one line saying so" \
    "vessel: image save -o $work/no/such/dir.tar: directory $work/no/such does not exist" "$out"
out=$("$V" image load -i "$work/nonexistent.tar" 2>&1); check "load of a missing file fails" test $? -ne 0
eq "load of a missing file: one line saying so" "vessel: image load $work/nonexistent.tar: $work/nonexistent.tar: no such file or directory" "$out"
check "skopeo reads the docker-archive" skopeo inspect "docker-archive:$work/bb-docker.tar"
check "skopeo reads the oci-archive" skopeo inspect "oci-archive:$work/bb-oci.tar:1"
check "rm by name" "$V" image rm e2e/busybox:2
check "rm the last name deletes the image" "$V" image rm e2e/busybox:1
out=$("$V" image inspect e2e/busybox:1 2>&1); check "inspect of a removed image fails" test $? -ne 0
contains "and says what is missing" "not found" "$out"
contains "load a docker-archive" "e2e/busybox:1" "$("$V" image load -i "$work/bb-docker.tar")"
out=$("$V" run --rm e2e/busybox:1 echo from-an-image 2>&1)
eq "run a loaded image" "from-an-image" "$out"

mkdir -p "$work/ctx" && printf 'FROM e2e/busybox:1\nCOPY hello.txt /hello.txt\nCMD ["cat", "/hello.txt"]\n' > "$work/ctx/Containerfile"
echo "built by vessel" > "$work/ctx/hello.txt"
check "build" "$V" build -t e2e/built:1 "$work/ctx"
start=$(date +%s%N); "$V" build -t e2e/built:1 "$work/ctx" >/dev/null 2>&1; ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "  info cached rebuild took ${ms} ms (CLI start-up included)"

mkdir -p "$work/loctx" && printf 'FROM e2e/busybox:1\nRUN mkdir -p /www && echo served > /www/x && httpd -p 127.0.0.1:8080 -h /www && wget -qO- http://127.0.0.1:8080/x > /served\n' > "$work/loctx/Containerfile"
check "build: a RUN step reaches its own loopback (network none, lo up, as docker)" "$V" build -t e2e/lo:1 "$work/loctx"
eq "build: what the RUN step fetched over loopback" "served" "$("$V" run --rm e2e/lo:1 cat /served 2>&1)"

# Build errors: one line naming the Containerfile's line, a non-zero exit, no build container,
# snapshot or mount left, no image tagged.
build_fails() { # NAME EXPECTED CONTAINERFILE-TEXT [TAG]
    local name="$1" expect="$2" dir mounts0 out err code
    dir=$(mktemp -d "$work/bad.XXXXXX"); printf "$3" > "$dir/Containerfile"
    mounts0=$(wc -l < /proc/self/mountinfo)
    out=$("$V" build -t "${4:-e2e/bad:1}" "$dir" 2>&1 >/dev/null); code=$?
    err=$(printf '%s\n' "$out" | grep -v '^\[') # "[0 1/2] RUN ..." lines are progress, not errors
    check "$name: non-zero exit" test $code -ne 0
    eq "$name: one error line" 1 "$(printf '%s\n' "$err" | wc -l)"
    contains "$name: it says where and what" "$expect" "$err"
    eq "$name: no build container or snapshot left" "" \
        "$(find /var/lib/vessel/containers /var/lib/vessel/snapshots/containers -mindepth 1 -maxdepth 1 2>/dev/null)"
    eq "$name: no mount left" "$mounts0" "$(wc -l < /proc/self/mountinfo)"
    out=$("$V" image inspect e2e/bad:1 2>&1); check "$name: nothing tagged" test $? -ne 0
}
build_fails "unknown instruction" 'vessel: Containerfile:2: unknown instruction "FOO"' 'FROM e2e/busybox:1\nFOO bar\n'
build_fails "COPY of a missing file" \
    'vessel: Containerfile:3: source "nosuchfile" matches nothing in the build context' \
    'FROM e2e/busybox:1\nRUN true\nCOPY nosuchfile /x\n'
build_fails "a failing RUN" 'vessel: Containerfile:2: RUN /bin/sh -c exit 3 exited with status 3' 'FROM e2e/busybox:1\nRUN exit 3\n'
build_fails "a bad tag, refused before any step" 'vessel: --tag "Bad:tag:x": ' 'FROM e2e/busybox:1\nRUN exit 3\n' 'Bad:tag:x'

# Xattrs ride in the layers: a context file's binary user.* value and a file capability
# (security.capability) are COPYed into a layer, read back by GNU tar from `image save`, and the
# capability takes effect in a container, which proves Vessel's own unpack kept the bytes.
if command -v setcap >/dev/null && command -v setfattr >/dev/null && command -v getfattr >/dev/null; then
    mkdir -p "$work/xctx" && printf 'FROM e2e/busybox:1\nCOPY busybox /x/busybox\nCOPY note /x/\n' > "$work/xctx/Containerfile"
    cp /bin/busybox "$work/xctx/busybox" && setcap cap_net_bind_service+ep "$work/xctx/busybox"
    echo note > "$work/xctx/note" && setfattr -n user.vessel.e2e -v 0x00ff0a3d "$work/xctx/note"
    check "build a COPY of files with xattrs" "$V" build -t e2e/xattr:1 "$work/xctx"
    check "save it" "$V" image save -o "$work/xattr.tar" e2e/xattr:1
    mkdir -p "$work/xsave" "$work/xroot" && tar -C "$work/xsave" -xf "$work/xattr.tar"
    for l in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$work/xsave/manifest.json"); do
        tar --xattrs --xattrs-include='*' -C "$work/xroot" -xf "$work/xsave/$l"
    done
    eq "the layer carries the binary user.* value" "user.vessel.e2e=0x00ff0a3d" \
        "$(getfattr --absolute-names -n user.vessel.e2e -e hex "$work/xroot/x/note" 2>&1 | grep '^user')"
    eq "and the file capability, byte for byte" "$(getfattr --absolute-names -n security.capability -e hex "$work/xctx/busybox" | grep '^security')" \
        "$(getfattr --absolute-names -n security.capability -e hex "$work/xroot/x/busybox" 2>&1 | grep '^security')"
    out=$("$V" run --rm --user 1000 e2e/xattr:1 /x/busybox grep CapEff /proc/self/status 2>&1)
    contains "the capability works in a container (uid 1000 gets cap_net_bind_service)" "0000000000000400" "$out"
else
    echo "  skip xattr checks: needs setcap (libcap2-bin) and setfattr/getfattr (attr)"
fi

# Here-documents (RUN through Vessel's runtime, COPY) and the config-only HEALTHCHECK / ONBUILD.
mkdir -p "$work/hctx" && cat > "$work/hctx/Containerfile" <<'CONTAINERFILE'
FROM e2e/busybox:1
ENV WHO=vessel
RUN <<EOF
mkdir -p /srv
echo "ran by $WHO" > /srv/ran
EOF
COPY <<note /srv/
copied $WHO
note
HEALTHCHECK --interval=5s CMD test -f /srv/ran
ONBUILD RUN echo triggered > /srv/trigger
CMD ["cat", "/srv/ran", "/srv/note"]
CONTAINERFILE
check "build with here-documents, HEALTHCHECK and ONBUILD" "$V" build -t e2e/heredoc:1 "$work/hctx"
eq "RUN and COPY here-documents" "$(printf 'ran by vessel\ncopied vessel')" "$("$V" run --rm e2e/heredoc:1 2>&1)"
contains "the config has the health check in nanoseconds" '5000000000' "$("$V" image inspect e2e/heredoc:1)"
printf 'FROM e2e/heredoc:1\n' > "$work/hctx/Containerfile"
check "build from an image with an ONBUILD trigger" "$V" build -t e2e/onbuild:1 "$work/hctx"
eq "the trigger ran in the child build" "triggered" "$("$V" run --rm e2e/onbuild:1 cat /srv/trigger 2>&1)"

# A throwaway registry on loopback.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
REG="127.0.0.1:$port"
cat > "$work/registry.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/registry}, delete: {enabled: true}}
http: {addr: $REG}
YML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 & reg_pid=$!
until_true 5 curl -fso /dev/null "http://$REG/v2/"
check "tag for the registry" "$V" image tag e2e/busybox:1 "$REG/e2e/busybox:1"
check "push to the local registry" "$V" push --tls-verify=false "$REG/e2e/busybox:1"
contains "skopeo inspects what vessel pushed" '"Digest"' "$(skopeo inspect --tls-verify=false "docker://$REG/e2e/busybox:1")"
"$V" image rm -f "$REG/e2e/busybox:1" >/dev/null
check "pull it back" "$V" pull --tls-verify=false "$REG/e2e/busybox:1"

# The same registry over HTTPS, with a throwaway CA and a certificate for 127.0.0.1.
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -keyout "$work/ca.key" -out "$work/ca.crt" -days 2 -subj /CN=vessel-e2e-ca 2>/dev/null
openssl req "${ec[@]}" -keyout "$work/tls.key" -out "$work/tls.csr" -subj /CN=127.0.0.1 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > "$work/tls.ext"
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial \
    -out "$work/tls.crt" -days 2 -extfile "$work/tls.ext" 2>/dev/null
mkdir -p "$work/certs" && cp "$work/ca.crt" "$work/certs/ca.crt"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TREG="127.0.0.1:$port"
cat > "$work/tls.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/tls-registry}}
http: {addr: $TREG, tls: {certificate: $work/tls.crt, key: $work/tls.key}}
YML
docker-registry serve "$work/tls.yml" >"$work/tls-registry.log" 2>&1 & tls_pid=$!
until_true 5 curl -fso /dev/null --cacert "$work/ca.crt" "https://$TREG/v2/"
check "tag for the HTTPS registry" "$V" image tag "$REG/e2e/busybox:1" "$TREG/e2e/busybox:1"
out=$("$V" push "$TREG/e2e/busybox:1" 2>&1); check "push to an HTTPS registry with an unknown CA fails" test $? -ne 0
contains "the error says where the CA goes" "/etc/containers/certs.d/$TREG/ca.crt, or use --tls-verify=false" "$out"
check "push over verified HTTPS with --cert-dir" "$V" push --cert-dir "$work/certs" "$TREG/e2e/busybox:1"
contains "skopeo verifies and inspects it" '"Digest"' "$(skopeo inspect --cert-dir "$work/certs" "docker://$TREG/e2e/busybox:1")"
"$V" image rm -f "$TREG/e2e/busybox:1" >/dev/null
check "pull over HTTPS unverified (--tls-verify=false)" "$V" pull --tls-verify=false "$TREG/e2e/busybox:1"
contains "system df counts images" "Images" "$("$V" system df)"
check "prune" "$V" image prune -f
finish
