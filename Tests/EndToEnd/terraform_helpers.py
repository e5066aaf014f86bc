"""Helpers for the Terraform tests: where the machine's provider mirror is, and one root module
copied into a working folder, applied, planned again, read and destroyed."""
import glob
import json
import os
import shutil
import subprocess
import uuid


MODULES = os.path.join(os.path.dirname(__file__), "terraform")


def provider_mirror():
    found = glob.glob("/opt/tf-plugins/registry.terraform.io/hashicorp/aws/*/linux_amd64/terraform-provider-aws_*")
    if not found:
        found = subprocess.run(["find", "/", "-name", "terraform-provider-aws_*", "-not", "-path", "/proc/*"],
                               capture_output=True, text=True).stdout.split()
    for path in found:
        marker = path.find("/registry.terraform.io/")
        if marker > 0:
            return path[:marker]
    return None


class Module:
    """One root module, copied into a working folder, with its variables."""

    def __init__(self, name, work, env, variables):
        # One folder per use: the fixture's work folder is shared by both engines' runs.
        self.dir = work / f"{name}-{uuid.uuid4().hex[:8]}"
        shutil.copytree(os.path.join(MODULES, name), self.dir)
        self.env = dict(env, **{f"TF_VAR_{k}": v for k, v in variables.items()})

    def run(self, *args, check=True):
        p = subprocess.run(["terraform", *args], cwd=self.dir, env=self.env, capture_output=True, text=True, timeout=600)
        if os.environ.get("SESAME_TERRAFORM_LOG"):
            open(os.environ["SESAME_TERRAFORM_LOG"], "a").write(p.stdout + p.stderr)
        if check and p.returncode != 0:
            raise AssertionError(f"terraform {' '.join(args)} failed ({p.returncode}):\n{p.stdout[-4000:]}\n{p.stderr[-4000:]}")
        return p

    def apply_and_replan(self):
        self.run("init", "-no-color")
        self.run("apply", "-auto-approve", "-no-color")
        # A second plan finds nothing to change: every attribute read back as written.
        plan = self.run("plan", "-detailed-exitcode", "-no-color", check=False)
        assert plan.returncode == 0, f"plan after apply is not empty:\n{plan.stdout[-6000:]}\n{plan.stderr[-2000:]}"

    def outputs(self):
        return {k: v["value"] for k, v in json.loads(self.run("output", "-json").stdout).items()}

    def destroy(self):
        self.run("destroy", "-auto-approve", "-no-color")
