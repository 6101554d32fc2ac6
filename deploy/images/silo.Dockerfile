# syntax=docker/dockerfile:1
# A dedicated CHAOS silo: grain capacity without sockets; HTTP on 8080 serves only /health and /metrics.
# Build from the repository root:  docker build -f deploy/images/silo.Dockerfile -t chaos-silo .
# Without a Docker daemon, deploy/images/build.sh builds the same runtime stage (keep the two in step: it reads
# everything below the "runtime" stage line from this file).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish silo/Chaos.Silo.csproj -c Release -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# Runs as the non-root "app" user (uid 1654, as in Microsoft's images). The root filesystem can be read-only: the
# only writable path is /tmp (.NET diagnostics), a volume.
ENV Urls=http://+:8080 \
    ASPNETCORE_HTTP_PORTS= \
    DOTNET_NOLOGO=1 \
    TMPDIR=/tmp \
    Chaos__SiloPort=11111 \
    Chaos__GatewayPort=30000
WORKDIR /app
COPY --from=build --chown=0:0 /app /app
RUN chmod 1777 /tmp
USER 1654:1654
EXPOSE 8080 11111 30000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "/app/Chaos.Silo.dll"]
