# syntax=docker/dockerfile:1
# The one image of every vaxorders process; the Kubernetes manifests (deploy/)
# choose the command: python -m services.<auth|effecteurs|sessions|orders|mailer|gateway>.

# --- the DSFR, from npm, for the gateway's pages ----------------------------------------
FROM node:20-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# --- dependencies and code ----------------------------------------------------------------
FROM python:3.11-slim AS build
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
FROM python:3.11-slim
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
