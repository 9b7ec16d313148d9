# Fleet CPU worker. Build from the repo root:
#   docker build -f infra/docker/worker-cpu.Dockerfile -t fleet-worker-cpu .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore layer: only the files restore reads, so code edits reuse the cached packages.
COPY Directory.Build.props Directory.Packages.props global.json .editorconfig ./
COPY contracts/Fleet.Contracts/Fleet.Contracts.csproj contracts/Fleet.Contracts/
COPY contracts/Fleet.ServiceDefaults/Fleet.ServiceDefaults.csproj contracts/Fleet.ServiceDefaults/
COPY workers/sdk/Fleet.Worker.Sdk.csproj workers/sdk/
COPY workers/cpu/Fleet.Worker.Cpu.csproj workers/cpu/
RUN dotnet restore workers/cpu/Fleet.Worker.Cpu.csproj -r linux-x64
COPY . .
RUN dotnet publish workers/cpu/Fleet.Worker.Cpu.csproj -c Release --no-restore \
      -r linux-x64 --self-contained false -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app .
# The worker touches this file every few seconds; the healthcheck checks its age.
ENV Worker__HealthFile=/tmp/fleet-worker.alive
USER $APP_UID
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD find /tmp/fleet-worker.alive -mmin -1 | grep -q .
ENTRYPOINT ["dotnet", "Fleet.Worker.Cpu.dll"]
