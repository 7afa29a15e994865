#!/usr/bin/env python3
"""The API against its own description: starts the real server on a fresh database (SQLite or
PostgreSQL), makes a center with staff of every role and a few records, and runs Schemathesis
over the whole OpenAPI document with every check, as each role. Exits non-zero on any
failure. A benchmark-like command, not part of `tests/run` (it takes minutes): see the
README, "The contract".

    python3 tests/contract.py [--db sqlite|postgres] [--examples N] [--binary PATH]

Needs `schemathesis` (pip install schemathesis) and a built server (cargo build -p
tsunagu-server). PostgreSQL: TSUNAGU_TEST_POSTGRES_URL's server (default the local one).
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

ADMIN_PASSWORD = "contract-Admin-passw0rd!"
STAFF_PASSWORD = "contract-Staff-passw0rd!"
# What the administrator gives each member of staff; they change it to STAFF_PASSWORD first.
INITIAL_PASSWORD = "contract-initial-lantern-harbour-7"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, base):
        self.base = base

    def etag(self, path, token):
        req = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.headers["ETag"]

    def call(self, method, path, token=None, body=None, if_match=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if if_match:
            req.add_header("If-Match", if_match)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                raw = r.read()
                return json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raise SystemExit(f"{method} {path}: {e.code} {e.read().decode(errors='replace')}")

    def login(self, login, password):
        return self.call("POST", "/api/v1/auth/login", body={"login": login, "password": password})[
            "access_token"
        ]


def setup(api):
    """A center, one person of each role, an agency, a patient with consent, a referral."""
    admin = api.login("admin", ADMIN_PASSWORD)
    center = api.call("POST", "/api/v1/centers", admin, {"code": "ct", "name": "契約テストセンター", "prefecture_code": "34", "operating_type": "patient_organization"})
    # Two-factor sign-in is not what this run is about: the center asks it of nobody.
    e = api.etag(f"/api/v1/centers/{center['id']}", admin)
    api.call("PATCH", f"/api/v1/centers/{center['id']}", admin, {"totp_roles": []}, if_match=e)
    tokens = {"system_admin": admin}
    for role in ["center_admin", "supervisor", "consultant"]:
        api.call(
            "POST",
            "/api/v1/users",
            admin if role == "center_admin" else tokens["center_admin"],
            {"center_id": center["id"], "login": f"ct.{role}", "display_name": f"契約 {role}", "role": role, "password": INITIAL_PASSWORD},
        )
        # An administrator chose that password: the user replaces it before anything else.
        tokens[role] = api.login(f"ct.{role}", INITIAL_PASSWORD)
        api.call("POST", "/api/v1/me/password", tokens[role],
                 {"current_password": INITIAL_PASSWORD, "new_password": STAFF_PASSWORD})
    t = tokens["consultant"]
    agency = api.call("POST", "/api/v1/agencies", tokens["center_admin"], {"agency_type": "hello_work", "name": "ハローワーク広島"})
    patient = api.call(
        "POST",
        "/api/v1/patients",
        t,
        {"family_name": "山田", "given_name": "花子", "family_name_kana": "ヤマダ", "given_name_kana": "ハナコ",
         "birth_date": "1985-04-12", "program": "nanbyo", "disease_number": 2,
         "employment_status": "job_seeking", "support_awareness": "aware_not_used"},
    )
    api.call("POST", f"/api/v1/patients/{patient['id']}/consents", t, {"given_on": "2026-04-01", "scope": "all_agencies"})
    consultation = api.call(
        "POST",
        "/api/v1/consultations",
        t,
        {"patient_id": patient["id"], "channel": "phone", "requester": "patient", "topics": ["employment"]},
    )
    api.call(
        "POST",
        "/api/v1/referrals",
        t,
        {"patient_id": patient["id"], "agency_id": agency["id"], "purpose": "new_employment",
         "level": "accompanied_with_follow_up", "referred_on": "2026-04-02", "shared_items": ["name"]},
    )
    ids = {"patient_id": patient["id"], "agency_id": agency["id"], "consultation_id": consultation["id"]}
    return tokens, ids


def role_config(role, ids):
    """Schemathesis' configuration for one role: the checked-in `tests/contract.toml`, how to
    sign in, and the records a referral names. The run signs in by itself, and again after a
    401: it calls `POST /auth/logout` with its own token among everything else, which ends
    that session (a fixed token would leave the rest of the run testing only the 401)."""
    with open(os.path.join(ROOT, "tests", "contract.toml")) as f:
        text = f.read()
    login = "admin" if role == "system_admin" else f"ct.{role}"
    password = ADMIN_PASSWORD if role == "system_admin" else STAFF_PASSWORD
    # A referral names a patient, an agency and a consultation of the caller's center; a
    # random UUID names none (422 `not_found` on that field, a fact of the database, not of
    # the request's shape). The run's own records make the request one the API can accept.
    seeded = ", ".join(f'"body.{k}" = "{v}"' for k, v in ids.items())
    # An event's attendee is a patient of the caller's center, likewise; a 出張相談 schedule or
    # session names a Hello Work office of the caller's center.
    agency = f'"body.agency_id" = "{ids["agency_id"]}"'
    return text + f"""
[[operations]]
include-operation-id = "create_referral"
parameters = {{ {seeded} }}

[[operations]]
include-operation-id = "create_event_attendee"
parameters = {{ "body.patient_id" = "{ids["patient_id"]}" }}

[[operations]]
include-operation-id = "create_supporter_schedule"
parameters = {{ {agency} }}

[[operations]]
include-operation-id = "create_supporter_session"
parameters = {{ {agency} }}

[auth.dynamic.openapi.bearer]
path = "/api/v1/auth/login"
payload = {{ login = "{login}", password = "{password}" }}
extract_selector = "/access_token"
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--examples", type=int, default=20, help="examples per operation and phase")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "debug", "tsunagu"))
    ap.add_argument("--roles", default="consultant,supervisor,center_admin,system_admin")
    ap.add_argument("--workers", default="1", help="Schemathesis' concurrent workers")
    ap.add_argument("--phases", default=None, help="only these phases (examples,coverage,fuzzing,stateful)")
    ap.add_argument("--baseline", default=None, help="a Schemathesis baseline of failures not to fail on")
    ap.add_argument("--update-baseline", action="store_true", help="add this run's failures to --baseline")
    args = ap.parse_args()
    st = shutil.which("schemathesis") or os.path.join(os.path.dirname(sys.executable), "schemathesis")

    tmp = tempfile.mkdtemp(prefix="tsunagu-contract-")
    port = free_port()
    env = dict(os.environ)
    env.update({
        "TSUNAGU_LISTEN": f"127.0.0.1:{port}",
        "TSUNAGU_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "TSUNAGU_JWT_SECRET": uuid.uuid4().hex * 2,
        "TSUNAGU_DATA_KEY": "",
        # Schemathesis sends thousands of requests as one person: no rate limit here.
        "TSUNAGU_RATE_LIMIT_USER_PER_MINUTE": "0",
        "TSUNAGU_RATE_LIMIT_CLIENT_PER_MINUTE": "0",
        "TSUNAGU_WEBHOOK_WORKER": "off",
        "TSUNAGU_LOG": "warn",
    })
    env.pop("TSUNAGU_DATA_KEY")
    dbname = None
    pg = env.get("TSUNAGU_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if args.db == "sqlite":
        env["TSUNAGU_DATABASE_URL"] = f"sqlite://{tmp}/contract.db"
    else:
        dbname = "tsunagu_contract_" + uuid.uuid4().hex[:8]
        subprocess.run(["psql", pg, "-qc", f"CREATE DATABASE {dbname}"], check=True)
        env["TSUNAGU_DATABASE_URL"] = pg.rsplit("/", 1)[0] + "/" + dbname
        keys = subprocess.run([args.binary, "keys", "generate"], capture_output=True, text=True, check=True)
        env["TSUNAGU_DATA_KEY"] = keys.stdout.strip().splitlines()[-1]
    log = open(os.path.join(tmp, "server.log"), "w")
    server = subprocess.Popen([args.binary, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    failed = []
    summary = []
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/readyz", timeout=1)
                break
            except Exception:
                if server.poll() is not None:
                    raise SystemExit(f"the server stopped; see {log.name}")
                time.sleep(0.2)
        _, ids = setup(Api(base))
        for role in args.roles.split(","):
            print(f"\n==> Schemathesis as {role} ({args.db})", flush=True)
            config = os.path.join(tmp, f"schemathesis-{role}.toml")
            with open(config, "w") as f:
                f.write(role_config(role, ids))
            cmd = [
                st, "--config-file", config, "run", f"{base}/api/v1/openapi.json",
                "--checks", "all",
                "--max-examples", str(args.examples),
                "--workers", args.workers,
                "--seed", "1",
                "--no-color",
            ]
            if args.phases:
                cmd += ["--phases", args.phases]
            if args.baseline:
                cmd += ["--baseline", os.path.abspath(args.baseline)]
                if args.update_baseline:
                    cmd.append("--baseline-update")
            started = time.monotonic()
            # Its crash cache (.schemathesis/) stays out of the repository.
            # The hooks give meeting papers bodies of their media types (contract_hooks.py).
            st_env = dict(os.environ)
            st_env["PYTHONPATH"] = os.pathsep.join(
                p for p in [os.path.dirname(os.path.abspath(__file__)), st_env.get("PYTHONPATH", "")] if p
            )
            st_env["SCHEMATHESIS_HOOKS"] = "contract_hooks"
            proc = subprocess.Popen(
                cmd, cwd=tmp, env=st_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            figures = {}
            last = ""
            for line in proc.stdout:
                print(line, end="", flush=True)
                t = line.strip()
                if t.startswith("Tested:"):
                    figures["Tested:"] = t[len("Tested:"):].strip()
                if last == "Test cases:" and t:
                    figures["Test cases:"] = t
                if t:
                    last = t
                if t.startswith("=") and t.endswith("=") and " in " in t and "s =" in t:
                    figures["result"] = t.strip("= ")
            rc = proc.wait()
            summary.append((role, figures, time.monotonic() - started))
            if rc != 0:
                failed.append(role)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if dbname:
            subprocess.run(["psql", pg, "-qc", f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)"])
    print(f"\n==> The contract on {args.db}, {args.examples} examples per operation and phase")
    for role, figures, secs in summary:
        print(f"  {role:13} operations {figures.get('Tested:', '?')}; cases {figures.get('Test cases:', '?')}; "
              f"{figures.get('result', '?')}; {secs:.0f} s")
    if failed:
        print(f"\nFailures as: {', '.join(failed)}; server log: {log.name}")
        sys.exit(1)
    shutil.rmtree(tmp, ignore_errors=True)
    print("\nNo failures.")


if __name__ == "__main__":
    main()
