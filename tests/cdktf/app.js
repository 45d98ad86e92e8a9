// A CDK for Terraform app (cdktf 0.21) as users write them: a provider declared by its short
// source, a variable, Fn.* calls, an iterator (for_each), and a module by absolute path. The
// test synthesises it with Node.js and runs the JSON through infinstor unchanged.
const { App, TerraformStack, TerraformResource, TerraformProvider, TerraformOutput, TerraformVariable, TerraformIterator, TerraformHclModule, Fn } = require("cdktf");
const path = require("path");

class Aws extends TerraformProvider {
  constructor(scope, id, config) {
    super(scope, id, { terraformResourceType: "aws", terraformGeneratorMetadata: { providerName: "aws" }, terraformProviderSource: "aws" });
    this.region = config.region;
  }
  synthesizeAttributes() { return { region: this.region }; }
}

class Stack extends TerraformStack {
  constructor(scope, id) {
    super(scope, id);
    new Aws(this, "aws", { region: "us-east-1" });
    const name = new TerraformVariable(this, "name", { type: "string", default: "cdktf-demo" });
    const bucket = new TerraformResource(this, "bucket", { terraformResourceType: "aws_s3_bucket" });
    bucket.addOverride("bucket", Fn.lower(Fn.format("%s-bucket", [name.stringValue])));
    const it = TerraformIterator.fromList(["a", "b"]);
    const params = new TerraformResource(this, "params", { terraformResourceType: "aws_ssm_parameter", forEach: it });
    params.addOverride("name", `/cdktf/${it.value}`);
    params.addOverride("type", "String");
    params.addOverride("value", Fn.join("-", [it.value, bucket.getStringAttribute("id")]));
    const mod = new TerraformHclModule(this, "child", { source: path.resolve(process.argv[2], "modules/child"), variables: { name: "child" } });
    new TerraformOutput(this, "bucket_arn", { value: bucket.getStringAttribute("arn") });
    new TerraformOutput(this, "child_arn", { value: mod.get("arn") });
  }
}
const app = new App({ outdir: path.resolve(process.argv[2], "cdktf.out") });
new Stack(app, "demo");
app.synth();
