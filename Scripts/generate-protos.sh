#!/usr/bin/env bash
# Regenerates Sources/ExtProcAPI from Protos/ (Envoy's ext_proc v3 and gRPC health, see Protos/README.md).
# The build never runs this: the generated Swift is committed. Run it after editing a .proto file.
#
# Needs protoc with the well-known types (Debian: protobuf-compiler libprotobuf-dev; or PyPI grpcio-tools, whose
# python -m grpc_tools.protoc bundles them) and builds the two plugins, protoc-gen-swift (apple/swift-protobuf)
# and protoc-gen-grpc-swift-2 (grpc/grpc-swift-protobuf), at the versions Package.swift names, in an ignored
# scratch folder. Set PROTOC_GEN_SWIFT and PROTOC_GEN_GRPC_SWIFT to use plugins built elsewhere.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$root/.build-protoc-plugins"
out="$root/Sources/ExtProcAPI"
protobuf_version=1.39.0
grpc_protobuf_version=2.4.1

if ! command -v protoc >/dev/null; then
    echo "generate-protos: protoc not found; install Debian's protobuf-compiler and libprotobuf-dev" >&2
    exit 1
fi
wkt=""
for dir in /usr/include /usr/local/include; do
    if [[ -f "$dir/google/protobuf/struct.proto" ]]; then wkt="$dir"; break; fi
done
if [[ -z "$wkt" ]]; then
    echo "generate-protos: google/protobuf/struct.proto not found; install Debian's libprotobuf-dev" >&2
    exit 1
fi

build_plugin() { # repository version product
    local name="${1##*/}"
    if [[ ! -d "$scratch/$name" ]]; then
        mkdir -p "$scratch"
        git clone -q --depth 1 --branch "$2" "https://github.com/$1.git" "$scratch/$name"
    fi
    (cd "$scratch/$name" && swift build -c release --product "$3" >&2)
    echo "$scratch/$name/.build/release/$3"
}
gen_swift="${PROTOC_GEN_SWIFT:-$(build_plugin apple/swift-protobuf "$protobuf_version" protoc-gen-swift)}"
gen_grpc="${PROTOC_GEN_GRPC_SWIFT:-$(build_plugin grpc/grpc-swift-protobuf "$grpc_protobuf_version" protoc-gen-grpc-swift-2)}"

rm -f "$out"/*.pb.swift "$out"/*.grpc.swift
cd "$root/Protos"
protos=$(find . -name '*.proto' | sed 's|^\./||' | sort)
protoc -I . -I "$wkt" \
    --plugin=protoc-gen-swift="$gen_swift" \
    --swift_out="$out" --swift_opt=Visibility=Public,FileNaming=PathToUnderscores \
    --plugin=protoc-gen-grpc-swift-2="$gen_grpc" \
    --grpc-swift-2_out="$out" \
    --grpc-swift-2_opt=Visibility=Public,Server=true,Client=true,FileNaming=PathToUnderscores \
    $protos
cd "$out"
# Files of protos without a service have no gRPC code; generated code is not the project's style to lint.
for file in *.grpc.swift; do grep -q ServiceProtocol "$file" || rm "$file"; done
for file in *.swift; do sed -i '1i // swift-format-ignore-file' "$file"; done
echo "generate-protos: wrote $(ls "$out"/*.swift | wc -l) files to Sources/ExtProcAPI" >&2
