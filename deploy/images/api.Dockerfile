# syntax=docker/dockerfile:1
# The CHAOS front door (REST + SignalR), co-hosting a silo by default (Chaos__FrontDoorOnly=true joins as a client).
# Build from the repository root:  docker build -f deploy/images/api.Dockerfile -t chaos-api .
# Without a Docker daemon, deploy/images/build.sh builds the same runtime stage (keep the two in step: it reads
# everything below the "runtime" stage line from this file).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish api/Chaos.Api.csproj -c Release -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# Runs as the non-root "app" user (uid 1654, as in Microsoft's images). The root filesystem can be read-only: the
# only writable paths are /tmp (uploads in flight, .NET diagnostics) and the blob store, both volumes.
# DOTNET_GCGen0MaxBudget (hexadecimal: 6 MiB) caps the GC's young generation, which the runtime otherwise sizes from the
# processor cache the machine reports (80 MiB on a 260 MiB-L3 VM): ~60 MiB less RSS under load and ~5 ms collections
# instead of ~50 (docs/operations.md#memory-and-gc). DOTNET_TC_CallCountingDelayMs=0 lets tiered compilation optimise
# hot code as soon as it is hot instead of waiting for start-up compilation to go quiet: a new front door is warm
# seconds after load arrives, not ~15 s later (docs/operations.md#warm-up).
ENV Urls=http://+:8080 \
    ASPNETCORE_HTTP_PORTS= \
    DOTNET_NOLOGO=1 \
    DOTNET_GCGen0MaxBudget=600000 \
    DOTNET_TC_CallCountingDelayMs=0 \
    TMPDIR=/tmp \
    Chaos__SiloPort=11111 \
    Chaos__GatewayPort=30000 \
    Chaos__Blobs__Path=/var/lib/chaos/blobs
# The native libraries the process needs (libopus for voice messages); build.sh puts the same list in its root filesystem.
ARG RUNTIME_PACKAGES="libopus0"
RUN apt-get update && apt-get install -y --no-install-recommends $RUNTIME_PACKAGES && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=0:0 /app /app
RUN mkdir -p /var/lib/chaos/blobs && chown 1654:1654 /var/lib/chaos/blobs && chmod 1777 /tmp
USER 1654:1654
EXPOSE 8080 11111 30000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "/app/Chaos.Api.dll"]
