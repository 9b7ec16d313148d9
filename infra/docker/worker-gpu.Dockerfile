# Fleet GPU worker (TorchSharp + ILGPU). Build from the repo root:
#   docker build -f infra/docker/worker-gpu.Dockerfile --build-arg TORCH_BACKEND=cuda -t fleet-worker-gpu .
# TORCH_BACKEND: cpu (default; runs anywhere), cuda (libtorch CUDA 12.8 build), none.
#
# Base image: the plain .NET runtime image, not nvidia/cuda. The libtorch-cuda NuGet package
# already carries libtorch's CUDA user-space libraries (cudart, cuBLAS, cuDNN, ...), and ILGPU
# needs only the driver (libcuda), which the NVIDIA container toolkit mounts into the container
# at run time (compose: deploy.resources.reservations.devices). A CUDA base image would add
# gigabytes of duplicate libraries and a second Ubuntu to patch.
ARG TORCH_BACKEND=cpu

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TORCH_BACKEND
WORKDIR /src
# Restore layer: only the files restore reads (the GPU projects import Fleet.Gpu's buildTransitive
# targets), so code edits reuse the cached packages (libtorch is several GB for cuda).
COPY Directory.Build.props Directory.Packages.props global.json .editorconfig ./
COPY contracts/Fleet.Contracts/Fleet.Contracts.csproj contracts/Fleet.Contracts/
COPY contracts/Fleet.ServiceDefaults/Fleet.ServiceDefaults.csproj contracts/Fleet.ServiceDefaults/
COPY workers/sdk/Fleet.Worker.Sdk.csproj workers/sdk/
COPY workers/Fleet.Gpu/Fleet.Gpu.csproj workers/Fleet.Gpu/
COPY workers/Fleet.Gpu/buildTransitive/ workers/Fleet.Gpu/buildTransitive/
COPY workers/gpu/Fleet.Worker.Gpu.csproj workers/gpu/
RUN dotnet restore workers/gpu/Fleet.Worker.Gpu.csproj -r linux-x64 -p:TorchBackend=$TORCH_BACKEND
COPY . .
# Build and run images share a distro (libstdc++ from GCC >= 13), so the TorchSharp ELF patch
# in Fleet.Gpu.targets ("auto") correctly does nothing here.
RUN dotnet publish workers/gpu/Fleet.Worker.Gpu.csproj -c Release --no-restore \
      -r linux-x64 --self-contained false -o /app -p:UseAppHost=false -p:TorchBackend=$TORCH_BACKEND

FROM mcr.microsoft.com/dotnet/runtime:10.0
# Ask the NVIDIA container toolkit for the compute driver libraries (and nvidia-smi). Which GPUs
# is left to the run (compose device reservation / --gpus): no NVIDIA_VISIBLE_DEVICES=all here.
ENV NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    Worker__HealthFile=/tmp/fleet-worker.alive
WORKDIR /app
COPY --from=build /app .
USER $APP_UID
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD find /tmp/fleet-worker.alive -mmin -1 | grep -q .
ENTRYPOINT ["dotnet", "Fleet.Worker.Gpu.dll"]
