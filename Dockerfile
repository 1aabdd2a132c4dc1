# Production image: migrations, then the API. Configure with HUB_* environment variables (see README).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    HUB_ENVIRONMENT=production HUB_HOST=0.0.0.0 HUB_PORT=8000 HUB_DATA_DIR=/var/lib/hub

WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.lock
COPY hub ./hub
COPY migrations ./migrations
COPY schema ./schema
COPY alembic.ini ./
RUN pip install --no-cache-dir --no-deps -e . \
    && pybabel compile -d hub/locale -D hub \
    && useradd --system --uid 10001 --home-dir /var/lib/hub --create-home hub

USER hub
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"HUB_PORT\"]}/healthz')"
CMD ["sh", "-c", "hub migrate && hub load-catalogue && exec hub serve"]
