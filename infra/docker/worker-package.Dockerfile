# Generic worker for functions deployed as packages (`fleet deploy`): no code of its own; its entrypoint fetches
# the package an endpoint names from the gateway and runs it. Build from the repo root:
#   docker build -f infra/docker/worker-package.Dockerfile -t fleet-worker-package .
# For GPU functions, build it FROM an image with the CUDA user-space libraries as well (tag fleet-worker-package-gpu).
ARG BASE=mcr.microsoft.com/dotnet/runtime:10.0
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends curl openssl unzip ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY infra/docker/package-worker.sh /usr/local/bin/fleet-package-worker
ENV Worker__HealthFile=/tmp/fleet-worker.alive FLEET_PACKAGE_DIR=/tmp/fleet-package
USER $APP_UID
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD find /tmp/fleet-worker.alive -mmin -1 | grep -q .
ENTRYPOINT ["/usr/local/bin/fleet-package-worker"]
