# HeatLedger: the PWA and the console built with Node, then a slim Python runtime with Pango and a CJK font.
# Mirrors the README's commands: scripts/setup.sh (packages, PWA build), `flask db upgrade`, serve.

FROM node:20-bookworm-slim AS pwa
WORKDIR /src/pwa
COPY pwa/package.json pwa/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY pwa/ ./
COPY sync/labels.json /src/sync/labels.json
RUN npm run build

# The clerks' console imports the PWA's money module and the shared labels, so it builds beside them.
FROM node:20-bookworm-slim AS console
WORKDIR /src/console
COPY console/package.json console/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY sync/labels.json /src/sync/labels.json
COPY pwa/src/ /src/pwa/src/
COPY console/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 HEATLEDGER_DATA_DIR=/data
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk postgresql-client \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install .
COPY server/ server/
COPY sync/ sync/
COPY migrations/ migrations/
RUN python -m server.documents.fonts
COPY scripts/boot.sh scripts/boot.sh
COPY --from=pwa /src/pwa/dist pwa/dist
COPY --from=console /src/console/dist console/dist
RUN useradd --system --uid 10001 --home /app heatledger && mkdir -p /data && chown heatledger /data
USER heatledger
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["scripts/boot.sh"]
