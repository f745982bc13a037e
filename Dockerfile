FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Production settings refuse a placeholder key, so the build uses a throw-away random one.
RUN export DEBUG=0 SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
 && python manage.py collectstatic --noinput \
 && python manage.py compile_portal_messages
RUN useradd --create-home portal && mkdir -p /srv/portal/var /srv/portal/media && chown -R portal /srv/portal
USER portal
# Reached only through the reverse proxy (docker-compose.yml publishes the proxy, never this port).
EXPOSE 8000
CMD ["gunicorn", "association.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
