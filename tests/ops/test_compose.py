"""docker-compose.yml and the Dockerfile, checked without Docker (it cannot run on our machines).

Parsed with PyYAML (merge keys resolved as Compose does) and cross-checked against the
code: every setting the app reads is set for the API and the worker, the search
attributes equal workflows.search_attributes.ALL and fit PostgreSQL visibility, the
start order is enforced by health checks and completed one-shot jobs, images are pinned.
"""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import tomllib
from collections import Counter

import pytest
import yaml

from core.settings import PROJECT_ROOT, Settings
from huiyin.devserver import CLI_TYPE_NAMES
from workflows.search_attributes import ALL

COMPOSE = PROJECT_ROOT / "docker-compose.yml"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
APP_SERVICES = ("api", "worker")
# PostgreSQL (SQL) visibility pre-allocates this many columns per type (schema/postgresql/v12/visibility).
SQL_VISIBILITY_SLOTS = {"Bool": 3, "Datetime": 3, "Double": 3, "Int": 3, "Keyword": 10, "KeywordList": 3, "Text": 3}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def env_of(service: dict) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def interpolate(value: str) -> str:
    """${VAR:-default} -> default; ${VAR:?message} -> a stand-in secret (Compose requires it to be set)."""
    value = re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value)
    return re.sub(r"\$\{\w+:\?[^}]*\}", "set-in-dot-env", value)


def depends(service: dict) -> dict[str, str]:
    return {name: spec["condition"] for name, spec in service.get("depends_on", {}).items()}


def test_the_services_are_there(services):
    assert {"postgres", "temporal-schema", "temporal", "temporal-setup", "temporal-ui", "migrate", "api", "worker"} <= set(services)


def test_images_are_pinned_and_current(services):
    images = {name: s["image"] for name, s in services.items() if "image" in s}
    for name, image in images.items():
        repo, _, tag = image.rpartition(":")
        assert repo and tag and tag != "latest", f"{name}: image {image} is not pinned to a version"
        assert "auto-setup" not in image, f"{name}: temporalio/auto-setup is deprecated"
    assert images["postgres"].startswith("postgres:16")
    assert images["temporal"].startswith("temporalio/server:")
    assert images["temporal-schema"].startswith("temporalio/admin-tools:")
    assert images["temporal-setup"] == images["temporal-schema"]
    assert images["temporal-ui"].startswith("temporalio/ui:")
    server_version = images["temporal"].split(":")[1]
    assert images["temporal-schema"].split(":")[1] == server_version, "admin-tools must match the server's schema"
    # One app image for the migrations, the API and the workers.
    assert {images[s] for s in ("migrate", *APP_SERVICES)} == {images["api"]}
    assert all(services[s].get("build") == "." for s in ("migrate", *APP_SERVICES))


def test_start_order_is_enforced_by_health_and_completion(services):
    for name in ("postgres", "temporal", "api", "worker"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    assert depends(services["temporal-schema"]) == {"postgres": "service_healthy"}
    assert depends(services["temporal"]) == {"temporal-schema": "service_completed_successfully"}
    assert depends(services["temporal-setup"]) == {"temporal": "service_healthy"}
    assert depends(services["temporal-ui"]) == {"temporal": "service_healthy"}
    assert depends(services["migrate"]) == {"postgres": "service_healthy"}
    for name in APP_SERVICES:
        assert depends(services[name]) == {
            "postgres": "service_healthy",
            "migrate": "service_completed_successfully",
            "temporal-setup": "service_completed_successfully",
        }
    for one_shot in ("temporal-schema", "temporal-setup", "migrate"):
        assert services[one_shot].get("restart") == "no", f"{one_shot} runs once"
    # Every service depended on with service_healthy has a healthcheck.
    for name, service in services.items():
        for dep, condition in depends(service).items():
            if condition == "service_healthy":
                assert services[dep].get("healthcheck"), f"{name} waits for {dep} to be healthy, which it cannot report"


def test_every_setting_is_set_for_api_and_worker(services):
    wanted = {name.upper() for name in Settings.model_fields}
    for name in ("migrate", *APP_SERVICES):
        env = env_of(services[name])
        missing = wanted - set(env)
        assert not missing, f"{name} does not set {sorted(missing)} (add them to x-app-env in docker-compose.yml)"
        unknown = {k for k in env if k.startswith(("HUIYIN_", "TEMPORAL_"))} - wanted
        assert not unknown, f"{name} sets {sorted(unknown)}, which core.settings.Settings does not read"
    api, worker = env_of(services["api"]), env_of(services["worker"])
    assert api == worker, "the API and the workers must see the same configuration"
    # Values that must agree with the rest of the file.
    assert api["TEMPORAL_ADDRESS"] == "temporal:7233"
    assert api["HUIYIN_DATABASE_URL"].startswith("postgresql+psycopg://huiyin:")
    assert "@postgres:5432/huiyin" in api["HUIYIN_DATABASE_URL"]
    assert api["HUIYIN_METRICS_HOST"] == "0.0.0.0" and api["HUIYIN_LOG_FORMAT"] == "json"
    assert api["HUIYIN_CONFIG_DIR"] == "/app/config"
    # Typed settings parse from these strings, as Compose would interpolate them with a minimal .env.
    Settings(**{k.lower(): interpolate(v) for k, v in api.items()})


def test_secrets_come_from_the_environment(services, compose):
    required = set()
    for name, service in services.items():
        for key, value in env_of(service).items():
            secret = any(word in key for word in ("PASSWORD", "PWD", "SECRET", "CODEC_KEYS")) or key.endswith("_TOKEN")
            if secret and value not in ("true", "false"):  # e.g. TEMPORAL_CODEC_PASS_ACCESS_TOKEN is a switch
                found = re.fullmatch(r"\$\{(\w+):([?-])([^}]*)\}", value)
                assert found, f"{name}: {key} must come from .env (${{VAR:?...}} or ${{VAR:-}}), not be written here"
                assert found.group(2) == "?" or found.group(3) == "", f"{name}: {key} has a default secret"
                required.add(found.group(1))
        url = env_of(service).get("HUIYIN_DATABASE_URL", "")
        required |= set(re.findall(r"\$\{(\w+):\?", url))
    example = (PROJECT_ROOT / ".env.example").read_text()
    for var in required:
        assert re.search(rf"^#? ?{var}=", example, re.M), f".env.example does not mention {var}"


def test_search_attributes_match_the_code_and_fit_sql_visibility(services):
    setup = env_of(services["temporal-setup"])
    declared = dict(pair.split("=") for pair in setup["HUIYIN_SEARCH_ATTRIBUTES"].split())
    expected = {key.name: CLI_TYPE_NAMES[key.indexed_value_type] for key in ALL}
    assert declared == expected, "HUIYIN_SEARCH_ATTRIBUTES in docker-compose.yml differs from workflows.search_attributes.ALL"
    for type_name, count in Counter(expected.values()).items():
        assert count <= SQL_VISIBILITY_SLOTS[type_name], (
            f"{count} {type_name} search attributes: PostgreSQL visibility has {SQL_VISIBILITY_SLOTS[type_name]}; "
            "use Elasticsearch/OpenSearch visibility (README 'Scaling out') or fewer attributes"
        )
    app = env_of(services["api"])
    ui = env_of(services["temporal-ui"])
    assert setup["HUIYIN_NAMESPACE"] == app["TEMPORAL_NAMESPACE"] == ui["TEMPORAL_DEFAULT_NAMESPACE"]
    assert setup["TEMPORAL_ADDRESS"] == ui["TEMPORAL_ADDRESS"] == app["TEMPORAL_ADDRESS"]
    assert re.fullmatch(r"\d+[dh]", setup["HUIYIN_NAMESPACE_RETENTION"])


def test_temporal_server_runs_on_postgresql(services):
    server = env_of(services["temporal"])
    assert server["DB"] == "postgres12" and server["POSTGRES_SEEDS"] == "postgres"
    assert server["DBNAME"] == "temporal" and server["VISIBILITY_DBNAME"] == "temporal_visibility"
    assert server["POSTGRES_USER"] == env_of(services["temporal-schema"])["SQL_USER"] == "temporal"
    assert server["BIND_ON_IP"] == "0.0.0.0"
    dynamic = server["DYNAMIC_CONFIG_FILE_PATH"]
    mounts = dict(v.rsplit(":", 2)[:2] if v.count(":") == 2 else v.split(":", 1) for v in services["temporal"]["volumes"])
    source = next(src for src, dst in mounts.items() if dst == dynamic)
    assert yaml.safe_load((PROJECT_ROOT / source).read_text())  # a readable dynamic config


def test_the_codec_endpoint_is_wired_to_the_ui(services):
    ui = env_of(services["temporal-ui"])
    app = env_of(services["api"])
    assert ui["TEMPORAL_CODEC_ENDPOINT"].endswith("/codec")
    assert ui["TEMPORAL_CODEC_INCLUDE_CREDENTIALS"] == "true"
    ui_port = services["temporal-ui"]["ports"][0].rsplit(":", 2)[-2]
    origins = re.sub(r"\$\{\w+:-(.*)\}", r"\1", app["HUIYIN_CODEC_CORS_ORIGINS"])
    assert f"http://localhost:{ui_port}" in origins.split(",")


def test_ports_and_volumes(services, compose):
    api = services["api"]
    assert any(p.endswith(f":{env_of(api)['HUIYIN_API_PORT']}") for p in api["ports"])
    for name in ("temporal", "temporal-ui"):
        assert all(p.startswith("127.0.0.1:") for p in services[name]["ports"]), f"{name} is for operators on the host"
    # Workers scale: no fixed name, no host ports.
    worker = services["worker"]
    assert "container_name" not in worker and "ports" not in worker
    assert not any("container_name" in s for s in services.values()), "fixed container names block scaling and reruns"
    # Data lives in named volumes; bind mounts point at files in the repository.
    named = set(compose.get("volumes", {}))
    assert any(v.startswith("postgres-data:/var/lib/postgresql/data") for v in services["postgres"]["volumes"])
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                assert (PROJECT_ROOT / source).exists(), f"{name} mounts {source}, which is not in the repository"
            else:
                assert source in named, f"{name} uses volume {source}, not declared under volumes:"


def test_commands_exist_in_the_image(services):
    dockerfile = DOCKERFILE.read_text()
    froms = re.findall(r"^FROM\s+(\S+)", dockerfile, re.M)
    assert froms and all(":" in f and not f.endswith(":latest") for f in froms)
    copied = set(re.findall(r"^COPY\s+(.+?)\s+\S+$", dockerfile, re.M))
    copied = {part for line in copied for part in line.split()}
    packages = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    for package in (*packages, "config", "worker.py"):
        assert package in copied, f"the Dockerfile does not copy {package}"
    for name in ("migrate", *APP_SERVICES):
        command = services[name]["command"]
        assert command[0] == "python"
        if command[1] == "-m":
            importlib.import_module(command[2])
        else:
            assert (PROJECT_ROOT / command[1]).is_file()
    for name in ("temporal-schema", "temporal-setup"):
        script = services[name]["entrypoint"][-1].replace("/deploy/", "deploy/temporal/")
        assert (PROJECT_ROOT / script).is_file()


@pytest.mark.skipif(shutil.which("sh") is None, reason="no POSIX shell")
def test_deploy_scripts_are_valid_shell():
    for script in sorted((PROJECT_ROOT / "deploy").rglob("*.sh")):
        result = subprocess.run(["sh", "-n", str(script)], capture_output=True, text=True)
        assert result.returncode == 0, f"{script}: {result.stderr}"


def test_prometheus_scrapes_every_worker_replica():
    config = yaml.safe_load((PROJECT_ROOT / "deploy/prometheus/prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert jobs["huiyin-worker"]["dns_sd_configs"][0]["names"] == ["worker"]
    assert jobs["huiyin-api"]["static_configs"][0]["targets"] == ["api:9465"]
