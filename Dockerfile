# syntax=docker/dockerfile:1
# The one image of every vaxorders process; the Kubernetes manifests (deploy/)
# choose the command: python -m services.<auth|effecteurs|sessions|orders|mailer|gateway>.
# Linted by hadolint (make lint-docker, CI).

# The Python base, pinned by digest (the multi-arch index of python:3.11-slim) so a
# rebuild gets the same system libraries. To refresh it (deploy/README.md, "The image"):
#   docker buildx imagetools inspect python:3.11-slim --format '{{json .Manifest.Digest}}'
ARG PYTHON_IMAGE=python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7

# --- the DSFR, from npm, for the gateway's pages ----------------------------------------
FROM node:20-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# --- dependencies and code ----------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
RUN python -m venv /opt/venv
COPY pyproject.toml ./
COPY gen ./gen
COPY services ./services
COPY tools ./tools
COPY fixtures ./fixtures
COPY --from=assets /src/node_modules ./node_modules
# Editable install: the code runs from /app, with its templates, migrations and
# static files beside it (they are not all package data). Bytecode is compiled
# here because the root filesystem is read-only at run time.
RUN /opt/venv/bin/pip install -e . \
 && /opt/venv/bin/python -m tools.copy_assets \
 && rm -rf node_modules tests \
 && /opt/venv/bin/python -m compileall -q services gen tools

# --- runtime --------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    VAXORDERS_DATA_DIR=/tmp/vaxorders \
    VAXORDERS_LOG_FORMAT=json
# A fixed numeric uid: Kubernetes' runAsNonRoot can only verify a number.
RUN groupadd --system --gid 10001 vaxorders \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin vaxorders
COPY --from=build /opt/venv /opt/venv
# Owned by root, readable by all: the service user cannot change its own code.
COPY --from=build /app /app
WORKDIR /app
USER 10001:10001
EXPOSE 50051 50052 50053 50054 50055 8080
CMD ["python", "-m", "services.gateway"]
