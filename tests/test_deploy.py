"""The container image's recipe and the Kubernetes manifests say what docs/operating.md promises.

The syntax is checked by hadolint and kubernetes-validate in ``make lint``; these tests
check the meaning: replicas, probes, non-root and read-only, one migration, secrets only
from the Secret, and that every manifest is applied.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from supportscope import gunicorn_conf
from tests.deploy import (
    BASE_DIR,
    DEPLOY,
    exec_form,
    final_stage,
    image_env,
    instructions,
    kustomization,
    manifest,
    pod_spec,
)

VALIDATE = Path(sys.executable).parent / "kubernetes-validate"
HADOLINT = Path(sys.executable).parent / "hadolint"
K8S_VERSION = re.search(r"K8S_VERSION \?= (\S+)", (BASE_DIR / "Makefile").read_text())[1]


def container(name: str) -> dict:
    [found] = pod_spec(name)["containers"]
    return found


# -- Dockerfile -----------------------------------------------------------------------


def test_the_image_is_python_3_11_slim_and_runs_as_a_numeric_non_root_user():
    bases = [rest for keyword, rest in instructions() if keyword == "FROM"]
    assert all(base.startswith("python:3.11-slim") for base in bases)
    [user] = [rest for keyword, rest in final_stage() if keyword == "USER"]
    uid, _, gid = user.partition(":")
    assert int(uid) > 0
    assert int(gid) > 0
    assert int(uid) == pod_spec("deployment.yaml")["securityContext"]["runAsUser"]


def test_the_image_bakes_in_no_secret_and_no_database():
    env = image_env()
    assert not {"DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_DEBUG"} & set(env)
    assert env["DJANGO_SETTINGS_MODULE"] == "supportscope.settings"
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    for kept_out in (".git", ".venv", "var", "tests", ".ci", "**/*.sqlite3"):
        assert kept_out in ignored


def test_the_image_collects_static_files_at_build_time_and_serves_with_gunicorn():
    runs = " ".join(rest for keyword, rest in final_stage() if keyword == "RUN")
    assert "manage.py collectstatic --noinput" in runs
    assert exec_form("CMD")[:3] == ["gunicorn", "--config", "python:supportscope.gunicorn_conf"]
    assert "/healthz" in " ".join(exec_form("HEALTHCHECK"))


def test_the_image_copies_everything_the_app_reads_at_run_time():
    copied = {rest.split()[0].rstrip("/") for keyword, rest in final_stage() if keyword == "COPY"}
    needed = {"manage.py", "supportscope", "templates", "static", "locale", "policy_content"}
    assert needed <= copied
    ignored = set((BASE_DIR / ".dockerignore").read_text().split())
    assert not needed & ignored


def test_hadolint_finds_nothing_and_does_catch_a_bad_dockerfile(tmp_path):
    clean = subprocess.run([HADOLINT, BASE_DIR / "Dockerfile"], capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN cd /app && pip install django\n")
    flagged = subprocess.run([HADOLINT, bad], capture_output=True, text=True)
    assert flagged.returncode != 0
    assert "DL3007" in flagged.stdout  # :latest


# -- manifests ------------------------------------------------------------------------


def test_kustomize_applies_every_manifest_in_deploy():
    listed = set(kustomization()["resources"])
    present = {path.name for path in DEPLOY.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present - {"secret.template.yaml"}
    assert kustomization("migrate")["resources"] == ["job.yaml"]
    assert kustomization()["images"] == kustomization("migrate")["images"]
    assert kustomization()["namespace"] == manifest("namespace.yaml")["metadata"]["name"]


def test_the_deployment_keeps_two_replicas_through_rollouts_and_disruptions():
    deployment = manifest("deployment.yaml")["spec"]
    assert deployment["replicas"] >= 2
    assert deployment["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    hpa = manifest("hpa.yaml")["spec"]
    assert hpa["minReplicas"] >= 2
    assert hpa["maxReplicas"] > hpa["minReplicas"]
    assert hpa["scaleTargetRef"]["name"] == manifest("deployment.yaml")["metadata"]["name"]
    pdb = manifest("pdb.yaml")["spec"]
    assert 1 <= pdb["minAvailable"] < hpa["minReplicas"]
    labels = manifest("deployment.yaml")["spec"]["template"]["metadata"]["labels"]
    assert pdb["selector"]["matchLabels"].items() <= labels.items()
    spread = pod_spec("deployment.yaml")["topologySpreadConstraints"]
    assert {rule["topologyKey"] for rule in spread} == {
        "kubernetes.io/hostname",
        "topology.kubernetes.io/zone",
    }


def test_probes_are_the_readmes_readiness_on_readyz_and_liveness_on_healthz():
    web = container("deployment.yaml")
    assert web["startupProbe"]["httpGet"]["path"] == "/readyz"
    assert web["startupProbe"]["periodSeconds"] * web["startupProbe"]["failureThreshold"] == 300
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert web["resources"]["requests"]["memory"] == "192Mi"
    assert web["resources"]["limits"]["memory"] == "256Mi"


def test_pods_and_the_job_run_non_root_on_a_read_only_root_with_a_writable_tmp():
    for name in ("deployment.yaml", "migrate/job.yaml"):
        spec = pod_spec(name)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["automountServiceAccountToken"] is False
        [box] = spec["containers"]
        assert box["securityContext"]["readOnlyRootFilesystem"] is True
        assert box["securityContext"]["allowPrivilegeEscalation"] is False
        assert box["securityContext"]["capabilities"]["drop"] == ["ALL"]
        [mount] = box["volumeMounts"]
        assert mount["mountPath"] == gunicorn_conf.worker_tmp_dir
        assert [v["name"] for v in spec["volumes"]] == [mount["name"]]
        assert "emptyDir" in spec["volumes"][0]


def test_pods_finish_their_requests_before_kubernetes_kills_them():
    spec = pod_spec("deployment.yaml")
    pause = int(container("deployment.yaml")["lifecycle"]["preStop"]["exec"]["command"][1])
    assert spec["terminationGracePeriodSeconds"] > pause + gunicorn_conf.graceful_timeout


def test_only_the_job_migrates_and_pods_take_secrets_from_the_secret():
    assert container("migrate/job.yaml")["command"] == [
        "python",
        "manage.py",
        "migrate",
        "--noinput",
    ]
    assert "command" not in container("deployment.yaml")  # the image's CMD: gunicorn
    secret = manifest("secret.template.yaml")
    assert set(secret["stringData"]) == {"DJANGO_SECRET_KEY", "DATABASE_URL"}
    config = manifest("configmap.yaml")["data"]
    assert not {"DJANGO_SECRET_KEY", "DATABASE_URL"} & set(config)
    for name in ("deployment.yaml", "migrate/job.yaml"):
        sources = container(name)["envFrom"]
        assert sources == [
            {"configMapRef": {"name": manifest("configmap.yaml")["metadata"]["name"]}},
            {"secretRef": {"name": secret["metadata"]["name"]}},
        ]


def test_every_configured_variable_is_one_the_settings_read():
    settings_source = (BASE_DIR / "supportscope" / "settings.py").read_text()
    for name in manifest("configmap.yaml")["data"]:
        assert f'"{name}"' in settings_source, name
    assert manifest("configmap.yaml")["data"]["SUPPORTSCOPE_PROXY_COUNT"] == "1"


def test_the_service_and_ingress_reach_the_pods_through_the_app_routing_add_on():
    service = manifest("service.yaml")["spec"]
    labels = manifest("deployment.yaml")["spec"]["template"]["metadata"]["labels"]
    assert service["selector"].items() <= labels.items()
    [port] = service["ports"]
    assert port["targetPort"] in {p["name"] for p in container("deployment.yaml")["ports"]}
    ingress = manifest("ingress.yaml")["spec"]
    assert ingress["ingressClassName"] == "webapprouting.kubernetes.azure.com"
    [rule] = ingress["rules"]
    assert rule["host"] in ingress["tls"][0]["hosts"]
    assert rule["host"] == manifest("configmap.yaml")["data"]["DJANGO_ALLOWED_HOSTS"]
    backend = rule["http"]["paths"][0]["backend"]["service"]
    assert backend == {
        "name": manifest("service.yaml")["metadata"]["name"],
        "port": {"name": "http"},
    }


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (("readOnlyRootFilesystem", "readOnlyRootFilesytem"), "readOnlyRootFilesytem"),
        (("replicas: 2", "replicas: two"), "two"),
    ],
)
def test_kubernetes_validate_catches_a_broken_manifest(tmp_path, change, complaint):
    broken = tmp_path / "deployment.yaml"
    broken.write_text((DEPLOY / "deployment.yaml").read_text().replace(*change))
    command = [VALIDATE, "--strict", "--quiet", "-k", K8S_VERSION, broken]
    checked = subprocess.run(command, capture_output=True, text=True)
    assert checked.returncode != 0
    assert complaint in checked.stdout + checked.stderr
