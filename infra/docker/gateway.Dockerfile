# Fleet gateway (HTTP API + outbox). Build from the repo root:
#   docker build -f infra/docker/gateway.Dockerfile -t fleet-gateway .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore layer: only the files restore reads, so code edits reuse the cached packages.
COPY Directory.Build.props Directory.Packages.props global.json .editorconfig ./
COPY contracts/Fleet.Contracts/Fleet.Contracts.csproj contracts/Fleet.Contracts/
COPY contracts/Fleet.ServiceDefaults/Fleet.ServiceDefaults.csproj contracts/Fleet.ServiceDefaults/
COPY gateway/Fleet.Gateway/Fleet.Gateway.csproj gateway/Fleet.Gateway/
RUN dotnet restore gateway/Fleet.Gateway/Fleet.Gateway.csproj
COPY . .
RUN dotnet publish gateway/Fleet.Gateway/Fleet.Gateway.csproj -c Release --no-restore \
      -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# curl only for the container healthcheck (GET /healthz); the base image has neither curl nor wget.
RUN apt-get update && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
# Listens on 8080 (the image default ASPNETCORE_HTTP_PORTS; compose sets ASPNETCORE_URLS too).
EXPOSE 8080
# Non-root: the "app" user (uid 1654) that the .NET images ship.
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS http://localhost:8080/healthz >/dev/null || exit 1
ENTRYPOINT ["dotnet", "Fleet.Gateway.dll"]
