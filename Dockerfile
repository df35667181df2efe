# The API image: installs from the lock, runs as a non-root user, migrates and loads on start.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /srv/korus-facts

COPY requirements.lock pyproject.toml README.md alembic.ini ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY app ./app
COPY migrations ./migrations
COPY seed ./seed
RUN pip install --no-cache-dir --no-deps --no-build-isolation . \
    && useradd --system --uid 10001 --home /srv/korus-facts korus \
    && chown -R korus /srv/korus-facts

USER korus
ENV HOST=0.0.0.0 PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/readyz')"
CMD ["sh", "-c", "korus-facts migrate && korus-facts load && exec korus-facts serve --workers ${WORKERS:-2}"]
