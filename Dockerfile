# One image, two processes (docker-compose.yml):
#   python worker.py          the worker
#   python -m huiyin.serve    the API (uvicorn on HUIYIN_API_HOST:HUIYIN_API_PORT)
# plus `python -m huiyin.migrate` (the ledger's schema, run once before them) and the
# operator CLI `huiyin …`. Configuration only from the environment (core/settings.py).
FROM python:3.12.8-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    HUIYIN_CONFIG_DIR=/app/config

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin huiyin \
 && python -m venv /opt/venv

WORKDIR /app
COPY pyproject.toml README.md alembic.ini worker.py ./
# The layers, ground floor first (docs/architecture.md).
COPY domain ./domain
COPY core ./core
COPY ledger ./ledger
COPY activities ./activities
COPY notify ./notify
COPY workflows ./workflows
COPY services ./services
COPY api ./api
COPY huiyin ./huiyin
COPY config ./config
# Editable: the code (and the ledger's Alembic migrations) stay in /app.
# Bytecode compiled now: /app is read-only for the processes (PYTHONDONTWRITEBYTECODE, owned by root),
# and `huiyin replay-check` loads the workflow module afresh for every history it replays.
RUN pip install -e . \
 && python -m compileall -q domain core ledger activities notify workflows services api huiyin worker.py \
 && mkdir -p /app/var && chown -R huiyin:huiyin /app/config /app/var

USER huiyin
EXPOSE 8000 9464 9465
CMD ["python", "-m", "huiyin.serve"]
