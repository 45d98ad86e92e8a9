#!/usr/bin/env python3
"""Writes the configuration corpus that infinstor's plans are compared on against Terraform's.

Every configuration uses only Terraform's built-in `terraform_data` resource, so both tools plan
it with no provider and no network. Each goes to tests/oracle/configs/NAME/ (main.tf, and
modules/ where it calls one). Deterministic: rerunning changes nothing unless this file changes.
"""

import pathlib
import shutil

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "oracle" / "configs"

# Values a resource's input takes: what plan JSON shows of them (after, after_unknown).
INPUTS = [
    "null", "true", "1", "1.5", "-0.25", "1e3", '"x"', '""', '"é"', "[]", "[1, 2]", '["a", 1]',
    "{}", '{a = 1, b = "x"}', "{a = [1, {b = null}]}", 'tolist(["a", "b"])', 'toset(["b", "a"])',
    'tomap({a = "1", b = "2"})', "[null]", '{"k-1" = true}', 'sensitive("s")', '{a = sensitive(1)}',
    "0.1 + 0.2", "pow(2, 60)", 'jsonencode({a = [1, "x"]})', 'yamldecode("a: [1, yes]")',
    'upper("straße")', 'format("%05.1f", 3.14159)', "range(3)", 'split(",", "a,b,,c")',
    'true ? 1 : "a"', '{for k, v in {b = 1, a = 2} : k => v * 2}', '[for s in ["a", "b"] : upper(s)]',
    'merge({a = 1}, {b = 2})', 'flatten([[1], [2, [3]]])', 'cidrsubnets("10.0.0.0/16", 4, 4)',
]

# Whole configurations, by name: the language's constructs around terraform_data.
CONFIGS = {
    "count_zero": 'resource "terraform_data" "a" {\n  count = 0\n  input = count.index\n}\n',
    "count_three": 'resource "terraform_data" "a" {\n  count = 3\n  input = "n${count.index}"\n}\n\noutput "all" {\n  value = terraform_data.a[*].input\n}\n',
    "count_from_variable": 'variable "n" {\n  type    = number\n  default = 2\n}\n\nresource "terraform_data" "a" {\n  count = var.n\n  input = count.index * 10\n}\n',
    "count_negative": 'resource "terraform_data" "a" {\n  count = -1\n}\n',
    "count_fraction": 'resource "terraform_data" "a" {\n  count = 1.5\n}\n',
    "count_string": 'resource "terraform_data" "a" {\n  count = "2"\n  input = count.index\n}\n',
    "count_unknown": 'resource "terraform_data" "src" {\n  input = 2\n}\n\nresource "terraform_data" "a" {\n  count = terraform_data.src.output\n}\n',
    "for_each_set": 'resource "terraform_data" "a" {\n  for_each = toset(["b", "a"])\n  input    = each.key\n}\n',
    "for_each_map": 'resource "terraform_data" "a" {\n  for_each = {x = 1, y = 2}\n  input    = "${each.key}=${each.value}"\n}\n\noutput "keys" {\n  value = keys(terraform_data.a)\n}\n',
    "for_each_list": 'resource "terraform_data" "a" {\n  for_each = ["a", "b"]\n}\n',
    "for_each_objects": 'locals {\n  users = {\n    ann = { admin = true }\n    bob = { admin = false }\n  }\n}\n\nresource "terraform_data" "u" {\n  for_each = { for k, v in local.users : k => v if v.admin }\n  input    = each.value\n}\n',
    "for_each_unknown_keys": 'resource "terraform_data" "src" {\n  input = "k"\n}\n\nresource "terraform_data" "a" {\n  for_each = toset([terraform_data.src.output])\n}\n',
    "for_each_null": 'resource "terraform_data" "a" {\n  for_each = null\n}\n',
    "count_and_for_each": 'resource "terraform_data" "a" {\n  count    = 1\n  for_each = toset(["a"])\n}\n',
    "depends_on_chain": 'resource "terraform_data" "a" {\n  input = "a"\n}\n\nresource "terraform_data" "b" {\n  input      = "b"\n  depends_on = [terraform_data.a]\n}\n',
    "reference_output_unknown": 'resource "terraform_data" "a" {\n  input = "x"\n}\n\nresource "terraform_data" "b" {\n  input = terraform_data.a.output\n}\n\noutput "id" {\n  value = terraform_data.a.id\n}\n',
    "triggers_replace": 'resource "terraform_data" "a" {\n  triggers_replace = [1, "x"]\n  input            = {k = "v"}\n}\n',
    "variable_types_ok": 'variable "o" {\n  type = object({\n    name = string\n    size = optional(number, 3)\n    tags = optional(map(string), {})\n  })\n  default = { name = "n" }\n}\n\nresource "terraform_data" "a" {\n  input = var.o\n}\n',
    "variable_extra_attribute": 'variable "o" {\n  type    = object({ name = string })\n  default = { name = "n", extra = 1 }\n}\n\nresource "terraform_data" "a" {\n  input = var.o\n}\n',
    "variable_wrong_type": 'variable "n" {\n  type    = number\n  default = "abc"\n}\n\nresource "terraform_data" "a" {\n  input = var.n\n}\n',
    "variable_converts": 'variable "n" {\n  type    = number\n  default = "12"\n}\n\nvariable "l" {\n  type    = list(string)\n  default = [1, true]\n}\n\nresource "terraform_data" "a" {\n  input = [var.n, var.l]\n}\n',
    "variable_set_dedups": 'variable "s" {\n  type    = set(string)\n  default = ["b", "a", "b"]\n}\n\nresource "terraform_data" "a" {\n  input = var.s\n}\n',
    "variable_nullable_false": 'variable "v" {\n  type     = string\n  nullable = false\n  default  = "d"\n}\n\nresource "terraform_data" "a" {\n  input = var.v\n}\n',
    "variable_no_default": 'variable "v" {\n  type = string\n}\n\nresource "terraform_data" "a" {\n  input = var.v\n}\n',
    "variable_validation_pass": 'variable "v" {\n  type    = string\n  default = "ok"\n  validation {\n    condition     = length(var.v) > 1\n    error_message = "Too short."\n  }\n}\n\nresource "terraform_data" "a" {\n  input = var.v\n}\n',
    "variable_validation_fail": 'variable "v" {\n  type    = string\n  default = "x"\n  validation {\n    condition     = length(var.v) > 1\n    error_message = "Too short."\n  }\n}\n\nresource "terraform_data" "a" {\n  input = var.v\n}\n',
    "variable_sensitive": 'variable "p" {\n  type      = string\n  default   = "secret"\n  sensitive = true\n}\n\nresource "terraform_data" "a" {\n  input = var.p\n}\n',
    "output_sensitive_needed": 'variable "p" {\n  type      = string\n  default   = "secret"\n  sensitive = true\n}\n\noutput "o" {\n  value = var.p\n}\n',
    "output_sensitive_marked": 'variable "p" {\n  type      = string\n  default   = "secret"\n  sensitive = true\n}\n\noutput "o" {\n  value     = var.p\n  sensitive = true\n}\n',
    "output_values": 'output "n" {\n  value = 1\n}\n\noutput "l" {\n  value = [1, "a"]\n}\n\noutput "m" {\n  value = {a = null}\n}\n\noutput "nul" {\n  value = null\n}\n',
    "output_precondition_fail": 'output "o" {\n  value = 1\n  precondition {\n    condition     = false\n    error_message = "Never."\n  }\n}\n',
    "output_precondition_pass": 'output "o" {\n  value = 1\n  precondition {\n    condition     = true\n    error_message = "Never."\n  }\n}\n',
    "locals_chain": 'locals {\n  a = 1\n  b = local.a + 1\n  c = [local.a, local.b]\n}\n\nresource "terraform_data" "a" {\n  input = local.c\n}\n\noutput "c" {\n  value = local.c\n}\n',
    "locals_cycle": 'locals {\n  a = local.b\n  b = local.a\n}\n\nresource "terraform_data" "a" {\n  input = local.a\n}\n',
    "undeclared_reference": 'resource "terraform_data" "a" {\n  input = var.nope\n}\n',
    "resource_precondition_fail": 'resource "terraform_data" "a" {\n  input = 1\n  lifecycle {\n    precondition {\n      condition     = 1 > 2\n      error_message = "One is not more than two."\n    }\n  }\n}\n',
    "resource_postcondition_unknown": 'resource "terraform_data" "a" {\n  input = 1\n  lifecycle {\n    postcondition {\n      condition     = self.output == 1\n      error_message = "Output differs."\n    }\n  }\n}\n',
    "check_block_fails_warns": 'check "c" {\n  assert {\n    condition     = 1 == 2\n    error_message = "Not equal."\n  }\n}\n\nresource "terraform_data" "a" {\n  input = 1\n}\n',
    "check_block_passes": 'check "c" {\n  assert {\n    condition     = 1 == 1\n    error_message = "Not equal."\n  }\n}\n\nresource "terraform_data" "a" {\n  input = 1\n}\n',
    "replace_triggered_by_new": 'resource "terraform_data" "a" {\n  input = 1\n}\n\nresource "terraform_data" "b" {\n  input = 2\n  lifecycle {\n    replace_triggered_by = [terraform_data.a]\n  }\n}\n',
    "lifecycle_all": 'resource "terraform_data" "a" {\n  input = 1\n  lifecycle {\n    create_before_destroy = true\n    prevent_destroy       = true\n    ignore_changes        = [input]\n  }\n}\n',
    "moved_without_state": 'resource "terraform_data" "b" {\n  input = 1\n}\n\nmoved {\n  from = terraform_data.a\n  to   = terraform_data.b\n}\n',
    "removed_without_state": 'removed {\n  from = terraform_data.gone\n  lifecycle {\n    destroy = false\n  }\n}\n',
    "duplicate_resource": 'resource "terraform_data" "a" {}\n\nresource "terraform_data" "a" {}\n',
    "unknown_argument": 'resource "terraform_data" "a" {\n  nope = 1\n}\n',
    "empty_configuration": '# nothing\n',
    "only_outputs_of_functions": 'output "t" {\n  value = templatestring("x${1 + 1}", {})\n}\n',
    "dynamic_count_expression": 'locals {\n  names = ["a", "b", "c"]\n}\n\nresource "terraform_data" "a" {\n  count = length(local.names)\n  input = local.names[count.index]\n}\n\noutput "first" {\n  value = terraform_data.a[0].input\n}\n',
    "splat_on_for_each": 'resource "terraform_data" "a" {\n  for_each = toset(["x", "y"])\n  input    = each.key\n}\n\noutput "inputs" {\n  value = [for k, r in terraform_data.a : r.input]\n}\n',
    "conditional_resource": 'variable "on" {\n  type    = bool\n  default = false\n}\n\nresource "terraform_data" "a" {\n  count = var.on ? 1 : 0\n}\n\noutput "id" {\n  value = one(terraform_data.a[*].id)\n}\n',
    "self_reference": 'resource "terraform_data" "a" {\n  input = terraform_data.a.id\n}\n',
    "cycle_resources": 'resource "terraform_data" "a" {\n  input = terraform_data.b.id\n}\n\nresource "terraform_data" "b" {\n  input = terraform_data.a.id\n}\n',
    "each_outside_for_each": 'resource "terraform_data" "a" {\n  input = each.key\n}\n',
    "count_index_outside_count": 'resource "terraform_data" "a" {\n  input = count.index\n}\n',
    "terraform_workspace": 'resource "terraform_data" "a" {\n  input = terraform.workspace\n}\n',
    "path_values": 'output "m" {\n  value = path.module\n}\n\noutput "r" {\n  value = path.root\n}\n',
    # Ephemeral values (Terraform 1.10): where they may go, and where not.
    "ephemeral_in_resource": 'variable "e" {\n  type      = string\n  default   = "s3cret"\n  ephemeral = true\n}\n\nresource "terraform_data" "a" {\n  input = var.e\n}\n',
    "ephemeral_as_null": 'variable "e" {\n  type      = string\n  default   = "s3cret"\n  ephemeral = true\n}\n\nresource "terraform_data" "a" {\n  input = ephemeralasnull(var.e)\n}\n\noutput "o" {\n  value = ephemeralasnull({ e = var.e, p = "plain" })\n}\n',
    "ephemeral_through_local": 'variable "e" {\n  type      = string\n  default   = "s3cret"\n  ephemeral = true\n}\n\nlocals {\n  l = "x-${var.e}"\n}\n\nresource "terraform_data" "a" {\n  input = local.l\n}\n',
    "ephemeral_other_attribute": 'variable "e" {\n  type      = string\n  default   = "s3cret"\n  ephemeral = true\n}\n\nlocals {\n  m = { a = var.e, b = "x" }\n}\n\nresource "terraform_data" "a" {\n  input = local.m["b"]\n}\n',
    "ephemeral_conditional": 'variable "e" {\n  type      = string\n  default   = "s3cret"\n  ephemeral = true\n}\n\nresource "terraform_data" "a" {\n  input = false ? var.e : "plain"\n}\n',
    "ephemeral_nonsensitive": 'variable "e" {\n  type      = string\n  default   = "s3cret"\n  ephemeral = true\n}\n\nresource "terraform_data" "a" {\n  triggers_replace = [nonsensitive(var.e)]\n}\n',
    "ephemeral_count": 'variable "n" {\n  type      = number\n  default   = 1\n  ephemeral = true\n}\n\nresource "terraform_data" "a" {\n  count = var.n\n}\n',
    "ephemeral_output": 'variable "e" {\n  type      = string\n  default   = "s3cret"\n  ephemeral = true\n}\n\noutput "o" {\n  value = var.e\n}\n',
    "ephemeral_root_output": 'variable "e" {\n  type      = string\n  default   = "s3cret"\n  ephemeral = true\n}\n\noutput "o" {\n  value     = var.e\n  ephemeral = true\n}\n',
    "terraform_applying": 'resource "terraform_data" "a" {\n  input = ephemeralasnull(terraform.applying)\n}\n\noutput "o" {\n  value = ephemeralasnull(terraform.applying)\n}\n',
}

# Configurations with a child module: name -> (root main.tf, module main.tf).
MODULE_CONFIGS = {
    "module_single": (
        'module "m" {\n  source = "./modules/m"\n  name   = "x"\n}\n\noutput "o" {\n  value = module.m.out\n}\n',
        'variable "name" {\n  type = string\n}\n\nresource "terraform_data" "r" {\n  input = var.name\n}\n\noutput "out" {\n  value = terraform_data.r.input\n}\n',
    ),
    "module_count": (
        'module "m" {\n  source = "./modules/m"\n  count  = 2\n  name   = "n${count.index}"\n}\n\noutput "o" {\n  value = module.m[*].out\n}\n',
        'variable "name" {\n  type = string\n}\n\nresource "terraform_data" "r" {\n  input = var.name\n}\n\noutput "out" {\n  value = terraform_data.r.input\n}\n',
    ),
    "module_for_each": (
        'module "m" {\n  source   = "./modules/m"\n  for_each = {a = 1, b = 2}\n  name     = "${each.key}${each.value}"\n}\n\noutput "o" {\n  value = { for k, m in module.m : k => m.out }\n}\n',
        'variable "name" {\n  type = string\n}\n\nresource "terraform_data" "r" {\n  input = var.name\n}\n\noutput "out" {\n  value = terraform_data.r.input\n}\n',
    ),
    "module_optional_defaults": (
        'module "m" {\n  source = "./modules/m"\n  cfg    = { name = "n" }\n}\n\noutput "o" {\n  value = module.m.out\n}\n',
        'variable "cfg" {\n  type = object({\n    name  = string\n    size  = optional(number, 10)\n    extra = optional(list(string))\n  })\n}\n\nresource "terraform_data" "r" {\n  input = var.cfg\n}\n\noutput "out" {\n  value = var.cfg\n}\n',
    ),
    "module_missing_variable": (
        'module "m" {\n  source = "./modules/m"\n}\n',
        'variable "name" {\n  type = string\n}\n\nresource "terraform_data" "r" {\n  input = var.name\n}\n',
    ),
    "module_unexpected_argument": (
        'module "m" {\n  source = "./modules/m"\n  name   = "x"\n  nope   = 1\n}\n',
        'variable "name" {\n  type = string\n}\n\nresource "terraform_data" "r" {\n  input = var.name\n}\n',
    ),
    "module_sensitive_output": (
        'module "m" {\n  source = "./modules/m"\n}\n\noutput "o" {\n  value     = module.m.secret\n  sensitive = true\n}\n',
        'output "secret" {\n  value     = "s"\n  sensitive = true\n}\n\nresource "terraform_data" "r" {\n  input = "x"\n}\n',
    ),
    "ephemeral_module_output": (
        'module "m" {\n  source = "./modules/m"\n  in     = "s3cret"\n}\n\nresource "terraform_data" "a" {\n  input = ephemeralasnull(module.m.out)\n}\n',
        'variable "in" {\n  type      = string\n  ephemeral = true\n}\n\noutput "out" {\n  value     = "x-${var.in}"\n  ephemeral = true\n}\n',
    ),
    "ephemeral_module_input": (
        'variable "e" {\n  type      = string\n  default   = "s3cret"\n  ephemeral = true\n}\n\nmodule "m" {\n  source = "./modules/m"\n  name   = var.e\n}\n',
        'variable "name" {\n  type = string\n}\n\nresource "terraform_data" "r" {\n  input = "x"\n}\n',
    ),
    "ephemeral_module_output_used": (
        'module "m" {\n  source = "./modules/m"\n  in     = "s3cret"\n}\n\nresource "terraform_data" "a" {\n  input = module.m.out\n}\n',
        'variable "in" {\n  type      = string\n  ephemeral = true\n}\n\noutput "out" {\n  value     = var.in\n  ephemeral = true\n}\n',
    ),
    "module_nested": (
        'module "outer" {\n  source = "./modules/m"\n}\n\noutput "o" {\n  value = module.outer.inner\n}\n',
        'module "inner" {\n  source = "./inner"\n}\n\noutput "inner" {\n  value = module.inner.v\n}\n',
    ),
}


def write(name, files):
    d = OUT / name
    d.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        p = d / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    for i, value in enumerate(INPUTS):
        write(f"input_{i:02d}", {"main.tf": f'resource "terraform_data" "a" {{\n  input = {value}\n}}\n\noutput "o" {{\n  value = terraform_data.a.input\n}}\n'})
        write(f"output_{i:02d}", {"main.tf": f'output "o" {{\n  value = {value}\n}}\n'})
        write(f"triggers_{i:02d}", {"main.tf": f'resource "terraform_data" "a" {{\n  triggers_replace = {value}\n}}\n'})
        write(f"local_{i:02d}", {"main.tf": f'locals {{\n  v = {value}\n}}\n\nresource "terraform_data" "a" {{\n  for_each = toset(["k"])\n  input    = {{ v = local.v, k = each.key }}\n}}\n'})
    for name, text in CONFIGS.items():
        write(name, {"main.tf": text})
    for name, (root, child) in MODULE_CONFIGS.items():
        files = {"main.tf": root, "modules/m/main.tf": child}
        if name == "module_nested":
            files["modules/m/inner/main.tf"] = 'output "v" {\n  value = "deep"\n}\n\nresource "terraform_data" "d" {\n  input = 1\n}\n'
        write(name, files)
    count = len(list(OUT.iterdir()))
    print(f"{count} configurations written to {OUT}")


if __name__ == "__main__":
    main()
