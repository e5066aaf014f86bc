"""Installing Sesame as a service: scripts/install (into a staging directory, as a packager
would) writes the binary, the settings file (kept on reinstall) and a hardened systemd unit that
systemd's own checker accepts; the installed binary runs."""
import os
import shutil
import subprocess

from conftest import ROOT, SESAME_BIN


def install(destdir):
    out = subprocess.run([os.path.join(ROOT, "scripts", "install"), "--destdir", destdir, "--binary", SESAME_BIN],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_install_writes_a_hardened_unit_that_systemd_accepts(tmpdir_path):
    stage = os.path.join(tmpdir_path, "stage")
    assert "installed under" in install(stage)
    binary = os.path.join(stage, "usr", "local", "bin", "sesame")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.strip()
    unit = open(os.path.join(stage, "etc", "systemd", "system", "sesame.service")).read()
    for line in ("User=sesame", "ExecStart=/usr/local/bin/sesame serve --data-dir /var/lib/sesame", "StateDirectory=sesame",
                 "EnvironmentFile=/etc/sesame/sesame.env", "ProtectSystem=strict", "NoNewPrivileges=yes",
                 "AmbientCapabilities=CAP_NET_BIND_SERVICE", "CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "KillSignal=SIGTERM"):
        assert line in unit.splitlines(), line
    settings = os.path.join(stage, "etc", "sesame", "sesame.env")
    assert oct(os.stat(settings).st_mode & 0o777) == "0o640"
    assert "SESAME_SMTP_ADDRESS=0.0.0.0:587" in open(settings).read()
    # A reinstall keeps the operator's settings.
    with open(settings, "a") as f:
        f.write("SESAME_NODE_NAME=mail-1\n")
    install(stage)
    assert "SESAME_NODE_NAME=mail-1" in open(settings).read()
    # systemd's checker, on the unit as it would run the staged binary.
    if shutil.which("systemd-analyze"):
        checked = os.path.join(tmpdir_path, "sesame.service")
        with open(checked, "w") as f:
            f.write(unit.replace("ExecStart=/usr/local/bin/sesame", f"ExecStart={binary}"))
        out = subprocess.run(["systemd-analyze", "verify", "--man=no", checked], capture_output=True, text=True)
        assert out.returncode == 0 and out.stderr.strip() == "", out.stderr
