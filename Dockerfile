# syntax=docker/dockerfile:1.7
#
# The chatops image: chatops-gateway (the entrypoint) and chatops-operator (the
# chart sets `command` for it), built reproducibly from Cargo.lock and run as a
# non-root user on a distroless base.
#
#   docker build -t chatops:dev .        # BuildKit (the default builder) is required
#
# Base images are pinned by tag: the Rust toolchain the workspace is built and
# tested with (rust-version is the floor; tests/python/test_dockerfile.py checks
# it) and Debian 12 for both stages, so the glibc the binaries link against is the
# one they run on. Dependabot (.github/dependabot.yml) proposes each new tag;
# the release workflow (.github/workflows/release.yml) builds this file natively
# on an amd64 and an arm64 runner and joins the two under one tag.

############################################################################
# builder: the official Rust image (gcc and libc6-dev included, which ring needs)
FROM rust:1.95-slim-bookworm AS builder
WORKDIR /src

# The workspace and nothing else (.dockerignore keeps target/, .git/ and the
# Python venvs out of the context). tests/ is a workspace member, so its manifest
# and sources must be present for cargo to load the workspace; it is not built.
COPY Cargo.toml Cargo.lock ./
COPY crds crds
COPY gateway gateway
COPY operator operator
COPY outbound outbound
COPY process process
COPY testkit testkit
COPY tests tests

# --locked: exactly the versions in Cargo.lock, or fail (never re-resolve).
# The cache mounts keep the crates.io registry and the target directory between
# builds, so a source change recompiles only the crates it touches. The target
# directory is a cache mount, not a layer, so the binaries are copied out of it
# in the same step.
RUN --mount=type=cache,id=chatops-cargo-registry,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,id=chatops-cargo-git,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,id=chatops-target,target=/src/target,sharing=locked \
    cargo build --release --locked -p chatops-gateway -p chatops-operator \
    && mkdir -p /out \
    && cp target/release/chatops-gateway target/release/chatops-operator /out/

############################################################################
# runtime: glibc, libgcc_s, CA certificates and tzdata; no shell, no package
# manager. The binaries need nothing else (`ldd`: libc, libm, libgcc_s). TLS is
# rustls: reqwest trusts its bundled webpki roots (plus an Integration's own CA
# bundle), the kube client the cluster CA from the service account; the system
# store in /etc/ssl/certs is there for anything that asks the platform verifier.
FROM gcr.io/distroless/cc-debian12:nonroot

LABEL org.opencontainers.image.title="chatops-operator" \
      org.opencontainers.image.description="Kubernetes-native ChatOps: chatops-gateway (entrypoint) and chatops-operator" \
      org.opencontainers.image.source="https://github.com/chatops-operator/chatops-operator" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.vendor="chatops-operator"

COPY --from=builder /out/chatops-gateway /out/chatops-operator /usr/local/bin/

# Numeric, so that Kubernetes' runAsNonRoot can verify it without /etc/passwd
# (65532 is distroless' "nonroot").
USER 65532:65532

# The defaults of the binaries: gateway webhooks (--listen) and admin
# (--admin-listen: /healthz /readyz /metrics); operator admin (--admin-listen).
EXPOSE 8080 9090 8081

ENTRYPOINT ["/usr/local/bin/chatops-gateway"]
