// Package terraform is the pull-path checker's static Terraform front end:
// a pullpath.Reader for Terraform root modules (folders of *.tf and
// *.tf.json files), read without a terraform binary, credentials or network.
//
// The evaluator (eval.go, refs.go, values.go, funcs.go, cidr.go) resolves
// variables (defaults, -var, -var-file, *.auto.tfvars, TF_VAR_ from the
// environment), locals, count and for_each, local modules and modules
// already initialised under .terraform/modules, and the functions pull paths
// use. The mapping (map.go, network.go, endpoints.go, iam.go, ecs.go,
// policydoc.go) turns resources into the model, with Terraform's own
// defaults (a security group with no egress block allows no egress).
//
// Limits: values known only after apply are symbolic and name their
// resource; data sources that look things up, variables without a value and
// modules that were not initialised are unknown, and the nodes they name
// carry Ext. For what only a plan shows, run terraform plan and give
// pullcheck the plan's JSON. Fixes are worded as Terraform arguments and
// addresses.
//
// PlanReader (plan.go, plan_values.go, plan_refs.go) reads that JSON, a
// plan or a state as terraform show -json prints it, into the same
// mapping: each resource instance of the plan becomes an instance whose
// attributes are the plan's values, converted when the mapping reads them;
// a value known only after apply is followed through the references the
// plan's configuration keeps, and what cannot be followed is unknown and
// names the reference. Sensitive values are never kept.
package terraform
