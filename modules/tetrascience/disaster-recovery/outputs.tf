output "data_layer_inputs" {
  description = "The data layer's disaster recovery parameters (module tetrascience/layers' disaster_recovery)."
  value = {
    DRAWSAccountId         = data.aws_caller_identity.dr.account_id
    DRDatalakeKMSKey       = aws_cloudformation_stack.dr.outputs[var.dr_output_names.DRDatalakeKMSKey]
    DRDatalakeBucket       = aws_cloudformation_stack.dr.outputs[var.dr_output_names.DRDatalakeBucket]
    DRStreamBucket         = aws_cloudformation_stack.dr.outputs[var.dr_output_names.DRStreamBucket]
    DRBackupBucket         = aws_cloudformation_stack.dr.outputs[var.dr_output_names.DRBackupBucket]
    DRLocalArtifactsBucket = aws_cloudformation_stack.dr.outputs[var.dr_output_names.DRLocalArtifactsBucket]
  }
}

output "dr_stack_outputs" {
  description = "The DR stack's outputs (DRRDSKMSKey among them)."
  value       = aws_cloudformation_stack.dr.outputs
}

output "snapshot_tool_deployed" {
  description = "Whether the RDS snapshot tool stack is deployed (it needs kms_key_source, known after the data layer)."
  value       = length(aws_cloudformation_stack.snapshot_tool) > 0
}
